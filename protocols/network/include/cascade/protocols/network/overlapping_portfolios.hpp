#pragma once
/// @file overlapping_portfolios.hpp
/// @brief Banks with overlapping portfolios of common assets and fire sales into a price impact
/// (Caccioli, Shrestha, Moore & Farmer 2014; Greenwood, Landier & Thesmar 2015).

#include <cstdint>
#include <vector>

#include "cascade/protocols/network/fire_sale.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief One bank-asset network per replica (random bipartite with mean diversification μ_b,
/// or explicit holdings), a shock (failed banks and/or an asset-return shock) and the fire sale
/// to its fixed point, all at start (t = 0). The metrics are the run's outcome.
/// @code
/// protocols:
///   banks: {type: overlapping_portfolios, banks: 1000, assets: 1000, diversification: 10, leverage: 20}
/// @endcode
class OverlappingPortfolios final : public world::Component {
 public:
  OverlappingPortfolios(const config::ComponentSpec& spec, world::World& world);

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

  const network::FireSaleResult& result() const { return result_; }

 private:
  std::uint32_t banks_ = 0, assets_ = 0;
  double diversification_ = 10, leverage_ = 20;
  std::vector<double> explicit_holdings_, explicit_debt_;
  network::FireSaleSpec spec_;
  double impact_ = 1.0536;
  bool impact_per_share_ = false;
  std::int64_t failed_banks_ = 1, failed_bank_ = -1, shocked_assets_ = -1;
  double asset_return_ = 0.0, contagion_threshold_ = 0.05;

  network::FireSaleResult result_;
  double failed_fraction_ = 0, contagion_ = 0, equity_loss_ = 0, max_price_drop_ = 0;
  double aggregate_vulnerability_ = 0, max_systemicness_ = 0, mean_diversification_ = 0, indirect_loss_ = 0;
};

void register_overlapping_portfolios(world::Registry& registry);

}  // namespace cascade::protocols
