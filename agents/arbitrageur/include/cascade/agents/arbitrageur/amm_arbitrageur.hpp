#pragma once
/// @file amm_arbitrageur.hpp
/// @brief Trades a constant-product AMM toward a reference price (CEX–DEX arbitrage).

#include <cstdint>

#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class ConstantProductAmm;
}

namespace cascade::agents {

/// @brief One arbitrageur between an AMM and an outside market quoted by `reference`.
///
/// After either price moves it waits `reaction`, then makes the trade that brings the AMM's
/// marginal price (net of fee) to the reference price: selling a base when the AMM is rich,
/// a = (sqrt(γ·x·y / p) − x)/γ, or buying when it is cheap (the mirror formula), with γ = 1 − fee.
/// The trade is capped at `max_trade` (numeraire) and skipped unless the profit at the reference
/// price exceeds `min_profit`. The opposite leg is done on the outside market at the reference
/// price (an account of unlimited depth, so the reference is not moved by it).
class AmmArbitrageur final : public world::Component {
 public:
  AmmArbitrageur(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

 private:
  enum Kind : std::uint32_t { changed = 0, act = 1 };
  void trade(world::World& world);

  protocols::ConstantProductAmm* venue_ = nullptr;
  world::PriceSource* reference_ = nullptr;
  Time reaction_;
  double max_trade_, min_profit_;
  ledger::AccountId wallet_ = 0, outside_ = 0;
  bool scheduled_ = false;
  double profit_ = 0, volume_ = 0;
  std::uint64_t trades_ = 0;
};

void register_amm_arbitrageur(world::Registry& registry);

}  // namespace cascade::agents
