#pragma once
/// @file market_liquidator.hpp
/// @brief Liquidation bots for a multi-reserve lending market: choose which debt to repay and which collateral to seize.

#include <cstdint>
#include <vector>

#include "cascade/agents/liquidator/bot_crew.hpp"
#include "cascade/random/distributions.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class LendingMarket;
class ConstantProductAmm;
}  // namespace cascade::protocols

namespace cascade::agents {

/// @brief `count` liquidators of one `lending_market`, selling seized collateral on `venues`.
///
/// Aave v3 / Compound v2: when the market reports liquidatable positions, each idle bot acts after
/// its own latency. For each liquidatable position (up to `max_per_action`) it considers every
/// (debt, collateral) pair of the position for which a venue sells that collateral for that debt
/// asset, sizes the repayment as the largest of {m, m/2, m/4, m/8} (m = close factor and capital
/// limit) and takes the pair with the highest profit = (sale proceeds − repayment)·price − gas,
/// if it is at least `min_profit`. It sells the collateral at once (flash-swap style).
///
/// Compound v3: the bot calls absorb on liquidatable accounts (the protocol takes the collateral;
/// the absorber earns nothing but gas refunds, which are not modelled), then buys absorbed
/// collateral at the storefront discount while reserves are below target, when the venue pays more.
class MarketLiquidators final : public world::Component {
 public:
  MarketLiquidators(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

 private:
  enum Kind : std::uint32_t { notified = 0, act = 1 };
  std::uint32_t liquidate_some(world::World& world, std::uint32_t j);
  std::uint32_t absorb_and_buy(world::World& world, std::uint32_t j);
  /// Venue selling reserve `collateral` for reserve `debt`, or nullptr.
  protocols::ConstantProductAmm* venue_for(std::uint32_t collateral, std::uint32_t debt) const;

  protocols::LendingMarket* market_ = nullptr;
  std::vector<protocols::ConstantProductAmm*> venues_;
  BotCrew crew_;
  double capital_, min_profit_, gas_cost_;
  std::uint32_t max_per_action_;
  std::uint32_t first_account_ = 0;
  std::vector<std::uint32_t> candidates_;
  std::uint64_t liquidations_ = 0, absorbs_ = 0, purchases_ = 0, skipped_unprofitable_ = 0;
  double profit_ = 0;
};

void register_market_liquidator(world::Registry& registry);

}  // namespace cascade::agents
