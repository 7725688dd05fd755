#pragma once
/// @file cdp_system.hpp
/// @brief The core of a Maker-like CDP system: the stablecoin's issuer (Vat global books and
/// ceiling), the liquidation limit (Dog Hole/Dirt), the surplus/deficit buffer (Vow) and debt
/// auctions that mint the governance token (Flop).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cascade/engine/simulator.hpp"
#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief Vat + Dog + Vow + Flop of one stablecoin system. Collateral types (CdpCollateral) and
/// the PSM register with it and report their debt; it issues the stablecoin.
///
/// Books (checked in audit mode): stablecoin supply = Σ debt of every collateral type and PSM +
/// `background` debt (stablecoin already in circulation at t = 0: the secondary market's
/// reserves, keepers' and bidders' balances, issued by vaults outside the model) + `sin`
/// (unbacked debt: liquidated debt not yet recovered and keeper incentives minted by `suck`).
/// The Vow holds the surplus (stability fees, liquidation penalties, auction proceeds) in its own
/// account; `heal` burns surplus against sin whenever both are positive.
///
/// Debt auctions (Flop): when sin not covered by the surplus, by debt still on liquidation
/// auction, or by running debt auctions exceeds `sump`, debt auctions are started, each for
/// `sump` stablecoin. Bidders compete the governance-token lot down from `dump`; the winning lot
/// is sump · (1 + bidder_margin) / gov_price (the smallest lot a competitive bidder accepts at
/// the governance token's market price) and is minted to the bidders at kick + ttl; their sump
/// stablecoin is paid to the Vow and healed.
/// @code
/// auto& sys = world.get<CdpSystem>("maker");
/// double deficit = sys.sin() - sys.surplus();
/// @endcode
class CdpSystem final : public world::Component {
 public:
  CdpSystem(const config::ComponentSpec& spec, world::World& world);

  // --- issuer relation (for the dependency graph) ---
  /// The stablecoin this system issues (e.g. "DAI").
  const std::string& stablecoin_asset() const { return stablecoin_name_; }
  ledger::TokenId stablecoin() const { return stablecoin_; }
  const std::string& governance_asset() const { return governance_name_; }
  ledger::TokenId governance_token() const { return governance_; }
  /// Stablecoin price in the numeraire as the system sees it (its `market` venue, or 1).
  double stablecoin_price() const;

  // --- Vat ---
  /// @brief Registers a debt source (collateral type or PSM); returns its handle.
  std::uint32_t attach(const std::string& name);
  /// @brief Records the current stablecoin debt of a registered source.
  void set_debt(std::uint32_t handle, double debt);
  /// Total issued debt: Σ sources + background (sin excluded).
  double total_debt() const;
  /// Global debt ceiling (`Line`).
  double ceiling() const { return ceiling_; }
  /// @brief Stablecoin issued outside the model (counted as background debt) to `to`.
  void mint_background(world::World& world, ledger::AccountId to, double amount);

  // --- Dog ---
  /// Room under the global liquidation limit: Hole − Dirt.
  double hole_room() const { return hole_ - dirt_; }
  void add_dirt(double tab) { dirt_ += tab; }
  /// dog.digs: stablecoin that no longer needs to be raised.
  void digs(double amount);
  double dirt() const { return dirt_; }

  // --- Vow ---
  ledger::AccountId vow() const { return vow_; }
  /// vow.fess: debt moved to the system (a liquidated vault's due).
  void fess(double due) { sin_ += due; }
  /// vat.suck: mints `amount` of stablecoin to `to` against new system debt (keeper incentives).
  void suck(world::World& world, ledger::AccountId to, double amount);
  /// @brief Moves `amount` of stablecoin from `from` to the Vow (auction proceeds, fees), then heals.
  void pay_to_vow(world::World& world, ledger::AccountId from, double amount);
  /// @brief Mints `amount` of new stablecoin to the Vow (stability fees: vat.fold), then heals.
  void mint_to_vow(world::World& world, double amount);
  /// Burns min(surplus, sin) from the Vow; then starts debt auctions if needed.
  void heal(world::World& world);
  /// @brief Debt on liquidation auction changes by `delta` (due not yet recovered).
  void add_on_auction(double delta) {
    on_auction_ += delta;
    if (on_auction_ < 1e-9 * std::max(1.0, std::fabs(delta))) on_auction_ = 0.0;  // rounding residue
  }
  /// @brief Records debt that a finished liquidation auction failed to recover.
  void book_shortfall(double amount) { bad_debt_ += amount; }

  double sin() const { return sin_; }
  /// Stablecoin held by the Vow.
  double surplus() const { return surplus_; }
  /// Cumulative liquidation shortfall (debt left uncovered when auctions ended).
  double bad_debt() const { return bad_debt_; }
  /// Unbacked debt not covered by the surplus: max(0, sin − surplus).
  double deficit() const { return sin_ > surplus_ ? sin_ - surplus_ : 0.0; }
  double gov_minted() const { return gov_minted_; }
  /// Liquidated debt whose auctions are still running.
  double debt_on_auction() const { return on_auction_; }
  std::uint64_t debt_auctions() const { return debt_auctions_; }

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

 private:
  enum Kind : std::uint32_t { flop_deal = 0, book_outside = 1 };
  void maybe_flop(world::World& world);

  std::string stablecoin_name_, governance_name_;
  ledger::TokenId stablecoin_ = 0, governance_ = 0;
  ledger::AccountId vow_ = 0, bidders_ = 0, outside_ = 0;
  const world::PriceSource* market_ = nullptr;
  double ceiling_, hole_;
  // flop
  double sump_, dump_, gov_price_, bidder_margin_, bidder_capital_;
  Time flop_ttl_;

  std::vector<std::string> sources_;
  std::vector<double> source_debt_;
  double background_ = 0;
  bool outside_booked_ = false;  ///< stablecoin minted by other components at start booked as background
  double dirt_ = 0;
  double sin_ = 0;
  double surplus_ = 0;
  double on_auction_ = 0;
  double ash_ = 0;  // debt on debt auction
  double bad_debt_ = 0;
  double gov_minted_ = 0;
  std::uint64_t debt_auctions_ = 0;
  std::vector<double> flop_lots_;  // lot of each running debt auction, FIFO by deal time
  std::size_t flop_next_ = 0;
};

void register_cdp_system(world::Registry& registry);

}  // namespace cascade::protocols
