#pragma once
/// @file cdp_keeper.hpp
/// @brief Keepers and auction bidders of a CDP collateral type, with finite capital, reaction
/// latency and outages under gas congestion.

#include <cstdint>
#include <vector>

#include "cascade/agents/peg_arbitrageur/stablecoin_market.hpp"
#include "cascade/ledger/ledger.hpp"
#include "cascade/random/distributions.hpp"
#include "cascade/random/philox_stream.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class CdpCollateral;
}

namespace cascade::agents {

/// @brief `count` keepers watching one cdp_collateral.
///
/// When the collateral type signals work (unsafe vaults after an oracle update, a new auction,
/// a Dutch-auction step, a new English bid), each idle keeper acts after its own latency draw:
/// 1. it barks unsafe vaults, worst first, while the Hole/hole limits leave room (and collects
///    tip + chip in 2.0);
/// 2. Dutch auctions (clip): it redoes auctions that need it, and takes as much of a lot as its
///    stablecoin allows when the auction price is at least `min_discount` below the market price;
/// 3. English auctions (flip), strategy `market`: it bids up to lot · market · (1 − min_discount)
///    (tend, ≥ beg above the current bid, or exactly tab), and in the dent phase asks for the
///    smallest lot worth tab at that discount; strategy `lowball`: it places one tiny first bid
///    (`lowball_bid`) on every auction nobody has bid on, and never raises it.
///
/// Congestion: the population tracks the volatility of `congestion.source` (an exponentially
/// weighted average of squared log returns per second with half-life `congestion.window`,
/// annualised). Keeper j is offline — its transactions do not land — while that volatility is
/// above its own threshold `congestion.offline_above` (drawn per keeper); an offline keeper
/// retries after another latency draw. Collateral won is kept (capital is not recycled).
///
/// Stablecoin: each keeper starts with `capital` of it; with `stablecoin_venue` set it also holds
/// `numeraire_capital` and buys the stablecoin it lacks for a bid or take on that venue, up to a
/// marginal price of `max_stablecoin_price` (a
/// stablecoin/numeraire constant_product_amm or stableswap_pool), which pushes the stablecoin's price up when
/// liquidations need more of it than keepers hold — the channel that took DAI to ~$1.10 on
/// Black Thursday.
class CdpKeepers final : public world::Component {
 public:
  CdpKeepers(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

  /// Annualised volatility of the congestion source as estimated now.
  double volatility() const;
  bool online(std::uint32_t keeper) const;

 private:
  enum Kind : std::uint32_t { notified = 0, act = 1, source_tick = 2 };
  enum class Strategy { market, lowball };
  void schedule_action(world::World& world, std::uint32_t j);
  void act_once(world::World& world, std::uint32_t j);
  bool work_left(world::World& world);
  /// Buys on the stablecoin venue what `wallet` lacks of `need`; returns its stablecoin balance.
  double ensure_stablecoin(world::World& world, ledger::AccountId wallet, double need);

  protocols::CdpCollateral* ilk_ = nullptr;
  StablecoinMarket stable_venue_;
  double numeraire_capital_ = 0;
  double max_stablecoin_price_ = 1.1;
  double bought_ = 0;
  world::PriceSource* congestion_ = nullptr;
  std::uint32_t count_;
  random::Distribution latency_;
  double capital_, min_discount_, lowball_bid_;
  Strategy strategy_;
  Time window_ = 0;
  random::Distribution offline_above_;
  std::vector<double> threshold_;
  std::uint32_t first_account_ = 0;
  std::vector<random::PhiloxStream> streams_;
  std::vector<std::uint8_t> busy_;
  std::vector<std::uint32_t> scratch_;
  // volatility estimate
  double var_rate_ = 0, last_price_ = 0;
  Time last_tick_ = 0;
  // results
  std::uint64_t barks_ = 0, takes_ = 0, bids_ = 0, missed_ = 0;
  double spent_ = 0, won_ = 0;
};

void register_cdp_keeper(world::Registry& registry);

}  // namespace cascade::agents
