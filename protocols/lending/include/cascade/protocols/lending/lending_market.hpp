#pragma once
/// @file lending_market.hpp
/// @brief Multi-reserve lending market with the mechanics of Aave v3, Compound v2 or Compound v3.

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "cascade/ledger/ledger.hpp"
#include "cascade/protocols/lending/interest_rate_model.hpp"
#include "cascade/protocols/lending/liquidation_math.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// Which protocol's rules the market follows.
enum class LendingModel : std::uint8_t {
  aave_v3,      ///< per-second compounded debt index, close factor 50 %/100 %, bonus + protocol fee, deficit
  compound_v2,  ///< simple interest per accrual, close factor 50 %, liquidation incentive, seize share
  compound_v3,  ///< one borrowable base asset, absorb (all collateral to the protocol), buyCollateral
};

/// @brief Parameters of one reserve (asset) of the market.
struct ReserveParams {
  std::string asset;
  ledger::TokenId token = 0;
  double ltv = 0;                    ///< borrow limit weight (Compound: collateral factor / borrowCollateralFactor)
  double liquidation_threshold = 0;  ///< LT in the health factor (Comet: liquidateCollateralFactor); 0 = not collateral
  double liquidation_bonus = 0.05;   ///< Aave bonus / Compound v2 incentive − 1
  double liquidation_factor = 0.95;  ///< Comet: share of collateral value credited on absorb
  double reserve_factor = 0.10;      ///< share of interest to the treasury (reserves)
  double supply_cap = std::numeric_limits<double>::infinity();  ///< units: supplied liquidity + collateral
  double borrow_cap = std::numeric_limits<double>::infinity();  ///< units of total debt
  double initial_supply = 0;         ///< lendable liquidity deposited by suppliers at t = 0
  bool borrowable = false;           ///< listed in `supply` (Comet: the base asset only)
  InterestRateModel rate;
};

/// @brief One e-mode category (Aave v3.2 "liquid e-modes"): its assets use the category's LTV,
/// LT and bonus as collateral, and a position in the category may borrow only its assets.
struct EmodeCategory {
  std::vector<std::uint8_t> member;  ///< per reserve
  double ltv = 0, liquidation_threshold = 0, liquidation_bonus = 0;
  bool enabled() const;
};

/// @brief Market-wide parameters.
struct MarketParams {
  LendingModel model = LendingModel::aave_v3;
  double protocol_fee = 0.10;           ///< Aave: share of the liquidation bonus to the treasury
  double protocol_seize_share = 0.028;  ///< Compound v2: share of seized collateral kept (protocolSeizeShareMantissa)
  double close_factor = 0.5;
  double full_close_health = 0.95;
  double full_close_value = 2000.0;
  double min_leftover_value = 1000.0;
  // Compound v3
  std::uint32_t base = 0;                ///< base reserve index
  double store_front_price_factor = 0.5;  ///< share of the liquidation penalty passed to collateral buyers
  double target_reserves = 0;             ///< buyCollateral allowed only while reserves are below this
  EmodeCategory emode;
};

/// @brief Totals and indices of one reserve.
struct ReserveState {
  double cash = 0;                 ///< lendable liquidity held by the market
  double borrow_index = 1.0;       ///< cumulative variable-borrow index (debt = scaled · index)
  double liquidity_index = 1.0;    ///< cumulative supply index (claims = scaled supply · index)
  double scaled_debt = 0;          ///< Σ scaled debt
  double scaled_supply = 0;        ///< suppliers' scaled balance
  double treasury = 0;             ///< treasury claims / Comet reserves beyond cash (may be < 0 for Comet)
  double deficit = 0;              ///< Aave v3.3 deficit (debt written off)
  double collateral = 0;           ///< Σ collateral deposited in positions
  double inventory = 0;            ///< Comet: collateral absorbed, held for buyCollateral
  double debt() const { return scaled_debt * borrow_index; }
  double supplier_claims() const { return scaled_supply * liquidity_index; }
};

/// @brief A lending market with several reserves: every asset can be collateral, borrowable or
/// both; each has its own oracle, rate curve, indices, caps and risk parameters.
///
/// Positions hold collateral units and scaled debt per reserve (structure of arrays, one row of
/// `reserve_count()` values per position). The health factor sums over all collaterals and debts:
/// HF = Σ c_i·P_i·LT_i / Σ d_j·P_j. A liquidator picks the debt to repay and the collateral to seize.
///
/// `model` selects the rules: Aave v3 (default), Compound v2 (fixed 50 % close factor,
/// liquidation incentive, protocol seize share, no deficit write-off) or Compound v3 (one base
/// asset is borrowable; `absorb` takes all collateral, credits value × liquidation factor and
/// covers the shortfall from reserves; `buy_collateral` sells absorbed collateral at the
/// storefront discount while reserves are below target).
/// @code
/// auto p = market.open_account(wallet, /*emode=*/false);
/// market.deposit_collateral(world, p, eth, 10.0);
/// market.borrow(world, p, usdc, 12'000.0);
/// auto out = market.liquidate(world, p, usdc, eth, 6'000.0, liquidator_wallet, 0);
/// @endcode
class LendingMarket final : public world::Component {
 public:
  /// @throws config::ConfigError (exit 2, with the key path) when the reserves, oracles, per-asset
  /// maps, e-mode or Comet settings are inconsistent.
  LendingMarket(const config::ComponentSpec& spec, world::World& world);

  const MarketParams& params() const { return params_; }
  LendingModel model() const { return params_.model; }
  std::uint32_t reserve_count() const { return static_cast<std::uint32_t>(reserves_.size()); }
  const ReserveParams& reserve(std::uint32_t r) const { return reserves_[r]; }
  const ReserveState& state(std::uint32_t r) const { return state_[r]; }
  /// Reserve index of a token, or reserve_count() if the market does not list it.
  std::uint32_t reserve_of(ledger::TokenId token) const;
  /// Oracle price of reserve r in the numeraire (1 for the numeraire itself).
  double price(std::uint32_t r) const;

  /// @brief Opens an empty position owned by `owner`; `emode` enters the e-mode category.
  std::uint32_t open_account(ledger::AccountId owner, bool emode);
  /// @brief Moves collateral from the owner's wallet, limited by the supply cap. @return units deposited.
  double deposit_collateral(world::World& world, std::uint32_t p, std::uint32_t r, double amount);
  /// @brief Borrows up to `amount`, limited by the borrowing power (LTV), the cash (100 %
  /// utilisation stops borrowing), the borrow cap and e-mode. @return units borrowed.
  double borrow(world::World& world, std::uint32_t p, std::uint32_t r, double amount);
  /// @brief Repays up to `amount` from the owner's wallet. @return units repaid.
  double repay(world::World& world, std::uint32_t p, std::uint32_t r, double amount);
  /// @brief Withdraws collateral to the owner's wallet while HF stays ≥ 1. @return units withdrawn.
  double withdraw_collateral(world::World& world, std::uint32_t p, std::uint32_t r, double amount);
  /// @brief `from` deposits lendable liquidity, within the supply cap; the pooled suppliers' scaled
  /// balance grows by amount / liquidity index (the depositor keeps its own share of it).
  /// @return units deposited.
  double deposit(world::World& world, ledger::AccountId from, std::uint32_t r, double amount);
  /// @brief Withdraws up to `amount` of supplied liquidity to `to`, limited by the suppliers'
  /// claims and by the cash: at 100 % utilisation nothing can leave. @return units withdrawn.
  double withdraw(world::World& world, ledger::AccountId to, std::uint32_t r, double amount);
  /// deposit() from the `<name>.suppliers` account (the t = 0 liquidity comes this way).
  double supply(world::World& world, std::uint32_t r, double amount);
  /// withdraw() to the `<name>.suppliers` account.
  double withdraw_supply(world::World& world, std::uint32_t r, double amount);
  ledger::AccountId suppliers_account() const { return suppliers_; }

  std::uint32_t position_count() const { return static_cast<std::uint32_t>(owner_.size()); }
  ledger::AccountId owner_of(std::uint32_t p) const { return owner_[p]; }
  bool in_emode(std::uint32_t p) const { return emode_[p] != 0; }
  double collateral_of(std::uint32_t p, std::uint32_t r) const { return collateral_[slot(p, r)]; }
  double debt_of(std::uint32_t p, std::uint32_t r) const { return scaled_debt_[slot(p, r)] * state_[r].borrow_index; }
  /// Effective LTV, LT and bonus of reserve r as collateral of position p (e-mode aware).
  double ltv_for(std::uint32_t p, std::uint32_t r) const;
  double threshold_for(std::uint32_t p, std::uint32_t r) const;
  double bonus_for(std::uint32_t p, std::uint32_t r) const;
  /// Σ collateral·price·LT, Σ collateral·price·LTV, Σ collateral·price and Σ debt·price (numeraire).
  struct Values {
    double weighted_collateral = 0, borrowing_power = 0, collateral = 0, debt = 0;
  };
  Values values(std::uint32_t p) const;
  /// HF = Σ c·P·LT / Σ d·P (infinite without debt).
  double health_factor(std::uint32_t p) const;

  /// @brief Largest amount of reserve `debt` a liquidator may repay against collateral `coll` now.
  double max_repayable(std::uint32_t p, std::uint32_t debt, std::uint32_t coll) const;
  /// @brief What liquidate() would do, changing nothing.
  LiquidationOutcome preview_liquidation(std::uint32_t p, std::uint32_t debt, std::uint32_t coll, double debt_to_cover) const;
  /// @brief liquidationCall (Aave) / liquidateBorrow (Compound v2). Not available for Compound v3 (use absorb).
  LiquidationOutcome liquidate(world::World& world, std::uint32_t p, std::uint32_t debt, std::uint32_t coll, double debt_to_cover,
                              ledger::AccountId liquidator, std::uint32_t liquidator_index);
  /// @brief Compound v3 absorb: all collateral to the protocol, debt cleared, value × LF credited,
  /// shortfall paid by reserves. @return the outcome (collateral_seized in numeraire value).
  LiquidationOutcome absorb(world::World& world, std::uint32_t p, std::uint32_t absorber_index);
  /// @brief Compound v3: reserves = cash + debt − supplier claims (base units).
  double reserves() const;
  /// @brief Compound v3 quoteCollateral: collateral units for `base_amount` at the storefront price.
  double quote_collateral(std::uint32_t r, double base_amount) const;
  /// @brief Compound v3 buyCollateral: `buyer` pays base and receives absorbed collateral at the
  /// discount; refused (returns 0) while reserves ≥ target. @return collateral units bought.
  double buy_collateral(world::World& world, ledger::AccountId buyer, std::uint32_t r, double base_amount);

  /// @brief Appends up to `max` positions with HF < 1, in position order. With several prices no
  /// single sort order exists, so the book is scanned once per oracle update and the positions
  /// within 0.1 % of HF 1 (and those changed since) are watched until the next one.
  void liquidatable(std::vector<std::uint32_t>& out, std::size_t max) const;
  bool any_liquidatable() const;
  /// Full scans of the book so far (one per oracle update that a query follows).
  std::uint64_t full_scans() const { return full_scans_; }
  void subscribe_liquidations(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls);
  /// @brief `listener` receives Event{kind} (class `cls`) after every oracle update the market sees.
  void subscribe_price_updates(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls);

  double total_debt_value() const;
  double bad_debt_value() const;
  double utilization(std::uint32_t r) const;
  double borrow_rate(std::uint32_t r) const;
  /// Accrues interest of every reserve up to `now`.
  void accrue(Time now);

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

 private:
  std::size_t slot(std::uint32_t p, std::uint32_t r) const { return std::size_t{p} * reserves_.size() + r; }
  void accrue_reserve(std::uint32_t r, double seconds);
  bool has_collateral(std::uint32_t p) const;
  void book_deficit(std::uint32_t p, LiquidationOutcome& out);
  void scan_prices() const;
  std::pair<double, double> scanned_values(std::uint32_t p) const;
  void touch(std::uint32_t p);
  void refresh_watch() const;
  static constexpr double kWatchMargin = 1e-3;
  void record(world::World& world, std::uint32_t p, std::uint32_t coll, std::uint32_t liquidator_index, const LiquidationOutcome& out);

  MarketParams params_;
  std::vector<ReserveParams> reserves_;
  std::vector<ReserveState> state_;
  std::vector<world::PriceSource*> oracle_;  ///< per reserve; nullptr for the numeraire
  ledger::AccountId market_account_ = 0, treasury_ = 0, suppliers_ = 0;
  Time last_accrual_ = 0;
  std::uint32_t protocol_index_ = 0;

  // positions (structure of arrays; collateral_ and scaled_debt_ have reserve_count() slots per position)
  std::vector<double> collateral_;
  std::vector<double> scaled_debt_;
  std::vector<ledger::AccountId> owner_;
  std::vector<std::uint8_t> emode_;

  double initial_debt_value_ = 0;
  double liquidated_value_ = 0;
  double debt_repaid_value_ = 0;
  double deficit_value_ = 0;    ///< numeraire value of deficits / shortfalls booked
  std::uint64_t n_liquidations_ = 0;

  struct Listener {
    world::ComponentId id;
    std::uint32_t kind;
    engine::EventClass cls;
  };
  std::vector<Listener> listeners_;
  std::vector<Listener> price_listeners_;
  mutable std::vector<double> sum_collateral_, sum_scaled_;  // audit scratch
  mutable std::vector<double> scan_;                         // per-reserve factors of one liquidation scan
  // Positions that may be liquidatable (see refresh_watch); rebuilt by a full scan of the book.
  mutable std::vector<std::uint32_t> watch_;
  mutable std::vector<std::uint8_t> watched_;
  mutable std::vector<double> watch_price_, watch_index_;
  mutable bool watch_valid_ = false;
  mutable std::uint64_t full_scans_ = 0;
};

/// @brief Aave v3 MathUtils.calculateCompoundedInterest: the binomial expansion of
/// (1 + r/secondsPerYear)^t truncated after the cubic term.
double aave_compounded_growth(double annual_rate, double seconds);

void register_lending_market(world::Registry& registry);

}  // namespace cascade::protocols
