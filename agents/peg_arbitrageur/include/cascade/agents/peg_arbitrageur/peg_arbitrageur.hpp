#pragma once
/// @file peg_arbitrageur.hpp
/// @brief Arbitrage between a PSM and the stablecoin's secondary market (a constant-product
/// stablecoin/numeraire pool), which holds the stablecoin's market price inside the PSM's fee band.

#include "cascade/agents/peg_arbitrageur/stablecoin_market.hpp"
#include <string>

#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class Psm;
}

namespace cascade::agents {

/// @brief One arbitrageur with `capital` in the numeraire (the PSM's gem must be the numeraire).
///
/// `reaction` after every price change of the pool it trades:
/// * pool price p > 1/(1 − tin) (stablecoin dear): it swaps gem for stablecoin in the PSM and
///   sells the stablecoin into the pool until the pool's marginal price, net of the pool fee,
///   falls to 1/(1 − tin);
/// * p < 1/(1 + tout) (stablecoin cheap): it buys stablecoin in the pool until the marginal
///   price net of fee rises to 1/(1 + tout), and redeems it in the PSM for gem.
/// The pool is a constant_product_amm (trade sizes from the closed form,
/// ConstantProductMath::input_to_reach) or a stableswap_pool (bisection on the invariant), capped by `max_trade`, its capital, the PSM ceiling and the gem the PSM holds.
class PegArbitrageur final : public world::Component {
 public:
  PegArbitrageur(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

  /// One arbitrage pass now (also what a reaction runs). @return the numeraire profit.
  double arbitrage(world::World& world);

 private:
  enum Kind : std::uint32_t { price_changed = 0, act = 1 };
  protocols::Psm* psm_ = nullptr;
  StablecoinMarket venue_;
  std::string venue_name_;
  double capital_, max_trade_;
  Time reaction_;
  ledger::AccountId wallet_ = 0;
  bool pending_ = false;
  double profit_ = 0;
  std::uint64_t trades_ = 0;
};

void register_peg_arbitrageur(world::Registry& registry);

}  // namespace cascade::agents
