#pragma once
/// @file cdp_collateral.hpp
/// @brief One collateral type (ilk) of a Maker-like CDP system: vaults, stability fee,
/// liquidation (Dog.bark or Cat.bite) and its auctions (Clipper Dutch or Flipper English).

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cascade/ledger/ledger.hpp"
#include "cascade/protocols/cdp/auction_curve.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

class CdpSystem;

/// @brief Risk and auction parameters of a collateral type (defaults: ETH-A, spells-mainnet 2025).
struct IlkParams {
  double mat = 1.45;             ///< liquidation ratio: unsafe when ink·price/mat < art·rate
  double chop = 1.13;            ///< liquidation penalty factor: tab = due · chop
  double stability_fee = 0.02;   ///< annual, compounded per second (jug.duty)
  double line = 15e9;            ///< debt ceiling of this type (stablecoin)
  double dust = 7500;            ///< minimum vault debt (stablecoin)
  double hole = 40e6;            ///< limit on this type's debt being liquidated (dog.ilk.hole)
  bool english = false;          ///< auction: flip (Liquidations 1.2) instead of clip (2.0)
  // clip (Liquidations 2.0)
  double buf = 1.10;             ///< starting price = oracle price · buf
  double tail_s = 7200;          ///< seconds before an auction needs redo
  double cusp = 0.45;            ///< price/top below which an auction needs redo
  double chip = 0.001;           ///< keeper reward share of tab on kick/redo
  double tip = 250;              ///< flat keeper reward on kick/redo (stablecoin)
  AuctionCurve curve;
  // flip (Liquidations 1.2)
  double beg = 0.03;             ///< minimum bid increase (tend) / lot decrease (dent)
  double ttl_s = 600;            ///< bid lifetime
  double tau_s = 6 * 3600;       ///< maximum auction length
  double dunk = 50000;           ///< largest tab per auction (cat.dunk)
};

/// @brief A liquidation auction (Clipper sale or Flipper bid).
struct CdpAuction {
  bool active = false;
  std::uint32_t urn = 0;
  ledger::AccountId usr = 0;  ///< the vault owner's wallet (gets leftover collateral)
  double tab = 0;             ///< stablecoin still to raise (incl. penalty)
  double lot = 0;             ///< collateral for sale
  double due = 0;             ///< the vault debt liquidated (without penalty)
  double raised = 0;          ///< stablecoin paid to the Vow so far
  double sold = 0;            ///< collateral sold so far
  double top = 0;             ///< clip: starting price
  Time tic = 0;               ///< clip: start (or redo) time; flip: bid expiry (0 = no bid)
  Time end = 0;               ///< flip: auction expiry
  double bid = 0;             ///< flip: current bid (stablecoin)
  ledger::AccountId guy = 0;  ///< flip: current high bidder
  bool has_bidder = false;
  std::uint32_t generation = 0;
};

/// @brief The outcome of a take (Clipper.take).
struct TakeResult {
  enum class Status { done, inactive, needs_redo, too_expensive, no_partial } status = Status::inactive;
  double slice = 0;  ///< collateral bought
  double owe = 0;    ///< stablecoin paid
};

/// @brief One collateral type: vaults (urns) stored as arrays, a per-second compounding rate
/// accumulator, and liquidations by Dog.bark + Clipper (Dutch auction, `auction: clip`) or by
/// Cat.bite + Flipper (English auction, `auction: flip`).
///
/// Keepers call bark(), take()/redo() (clip) or tend()/dent() (flip); the collateral type
/// deals expired English auctions itself (deal is permissionless) and restarts those that
/// expired without a bid (tick). Unsafe vaults are found in O(k + log n) from an index sorted by
/// art/ink (every vault shares the same rate).
/// @code
/// auto id = ilk.open_vault(world, wallet, 10.0, 8000.0);  // lock 10 ETH, draw 8,000 DAI
/// auto a = ilk.bark(world, id, keeper_wallet);            // if unsafe: start an auction
/// auto r = ilk.take(world, a, 1e9, 1e9, keeper_wallet);   // buy at the current price
/// @endcode
class CdpCollateral final : public world::Component {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  CdpCollateral(const config::ComponentSpec& spec, world::World& world);

  const IlkParams& params() const { return params_; }
  CdpSystem& system() const { return *system_; }
  ledger::TokenId collateral_token() const { return gem_; }
  /// Oracle price (the OSM's current value) and market price (for valuing sales).
  double oracle_price() const;
  double market_price() const;
  /// The price source the collateral type reads (an osm, normally).
  world::PriceSource& oracle() const { return *oracle_; }

  // --- vaults ---
  /// @brief Locks `ink` from `owner` and draws up to `draw` stablecoin (limited by the
  /// liquidation ratio, the line and the global Line); a draw below dust is refused (0).
  /// @return the vault id.
  std::uint32_t open_vault(world::World& world, ledger::AccountId owner, double ink, double draw);
  std::uint32_t vault_count() const { return static_cast<std::uint32_t>(ink_.size()); }
  double ink_of(std::uint32_t urn) const { return ink_[urn]; }
  double debt_of(std::uint32_t urn) const { return art_[urn] * rate_; }
  ledger::AccountId owner_of(std::uint32_t urn) const { return owner_[urn]; }
  bool unsafe(std::uint32_t urn) const;
  /// @brief vat.frob with dink > 0: locks `amount` more collateral from the owner's wallet.
  void add_collateral(world::World& world, std::uint32_t urn, double amount);
  /// @brief Appends vaults whose collateral ratio at `price` is below `multiple` · mat, i.e.
  /// ink · price / (art · rate) < multiple · mat, worst first (O(k + log n)).
  void vaults_below(double price, double multiple, std::vector<std::uint32_t>& out) const;
  /// Appends unsafe vaults, worst first.
  void unsafe_vaults(std::vector<std::uint32_t>& out) const;
  double rate() const { return rate_; }
  double total_debt() const { return total_art_ * rate_; }
  /// jug.drip: compounds the rate to `now`; the fee is minted to the Vow.
  void drip(world::World& world);

  // --- liquidation ---
  /// @brief Dog.bark / Cat.bite: liquidates (part of) an unsafe vault and starts an auction;
  /// the keeper `kpr` receives tip + chip·tab (clip). @return the auction id or kNone.
  std::uint32_t bark(world::World& world, std::uint32_t urn, ledger::AccountId kpr);
  /// Room left under the liquidation limits: min(Hole − Dirt, hole − dirt).
  double liquidation_room() const;
  const CdpAuction& auction(std::uint32_t id) const { return auctions_[id]; }
  std::uint32_t auction_count() const { return static_cast<std::uint32_t>(auctions_.size()); }
  /// Ids of running auctions (scratch output).
  void active_auctions(std::vector<std::uint32_t>& out) const;

  /// Clip: the current price of an auction, and whether it needs redo (t − tic > tail or
  /// price/top < cusp).
  double auction_price(std::uint32_t id, Time now) const;
  bool needs_redo(std::uint32_t id, Time now) const;
  /// Clip.take: buys up to `amt` collateral at the current price if it is ≤ `max`.
  TakeResult take(world::World& world, std::uint32_t id, double amt, double max, ledger::AccountId who);
  /// Clip.redo: restarts a finished-but-unsold auction at oracle price · buf; pays the keeper
  /// incentive when tab and lot value are at least chost. @return false if not needed.
  bool redo(world::World& world, std::uint32_t id, ledger::AccountId kpr);
  /// chost = dust · chop: the smallest tab a partial purchase may leave.
  double chost() const { return params_.dust * params_.chop; }

  /// Flip.tend: a higher stablecoin bid for the whole lot (≤ tab; ≥ beg above the current bid
  /// unless it equals tab). @return false if refused.
  bool tend(world::World& world, std::uint32_t id, double bid, ledger::AccountId who);
  /// Flip.dent: with bid = tab, accept a smaller lot (≤ lot / (1 + beg)); the difference goes
  /// back to the vault owner. @return false if refused.
  bool dent(world::World& world, std::uint32_t id, double lot, ledger::AccountId who);
  /// Flip: whether the auction's current bid can still be beaten.
  bool biddable(std::uint32_t id, Time now) const;

  /// `listener` receives Event{kind} in class `cls` when an oracle update finds unsafe vaults,
  /// an auction starts, a Dutch auction steps down, or an English auction gets a bid.
  void subscribe(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls);

  // outcome metrics
  double bad_debt() const { return bad_debt_; }
  std::uint64_t zero_bid_auctions() const { return zero_bid_auctions_; }
  double sold_below_market() const { return below_market_; }
  std::uint64_t barks() const { return barks_; }

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

 private:
  enum Kind : std::uint32_t { oracle_update = 0, step = 1, flip_deal = 2 };
  double key(std::uint32_t u) const { return art_[u] / ink_[u]; }
  void index_insert(std::uint32_t u);
  void index_erase(std::uint32_t u);
  void notify(world::World& world);
  void sale(world::World& world, CdpAuction& a, double slice, double paid);
  void finish_auction(world::World& world, std::uint32_t id);
  void schedule_flip_deal(world::World& world, std::uint32_t id);
  void schedule_step(world::World& world);
  void report_debt();

  IlkParams params_;
  CdpSystem* system_ = nullptr;
  world::PriceSource* oracle_ = nullptr;
  world::PriceSource* market_ = nullptr;
  ledger::TokenId gem_ = 0, dai_ = 0;
  ledger::AccountId vaults_account_ = 0, auctions_account_ = 0;
  std::uint32_t handle_ = 0;
  std::uint32_t protocol_index_ = 0;

  std::vector<double> ink_, art_;
  std::vector<ledger::AccountId> owner_;
  std::set<std::pair<double, std::uint32_t>, std::greater<>> by_key_;
  double rate_ = 1.0;
  double total_art_ = 0, total_ink_ = 0;
  Time last_drip_ = 0;
  double dirt_ = 0;

  std::vector<CdpAuction> auctions_;
  std::vector<std::uint32_t> active_;
  bool step_scheduled_ = false;

  double initial_debt_ = 0;
  double bad_debt_ = 0, below_market_ = 0, raised_ = 0, sold_value_ = 0, incentives_ = 0, fees_ = 0;
  std::uint64_t barks_ = 0, zero_bid_auctions_ = 0, auctions_done_ = 0;

  struct Listener {
    world::ComponentId id;
    std::uint32_t kind;
    engine::EventClass cls;
  };
  std::vector<Listener> listeners_;
};

void register_cdp_collateral(world::Registry& registry);

}  // namespace cascade::protocols
