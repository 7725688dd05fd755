#pragma once
/// @file lending_pool.hpp
/// @brief Aave-v3-style lending pool with one collateral and one debt asset.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cascade/ledger/ledger.hpp"
#include "cascade/protocols/lending/interest_rate_model.hpp"
#include "cascade/protocols/lending/liquidation_math.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

class ConstantProductAmm;

/// @brief Risk parameters of the pool (defaults: Aave v3 Ethereum WETH collateral, USDC debt).
struct LendingParams {
  double ltv = 0.805;                    ///< max borrow / collateral value at origination
  double liquidation_threshold = 0.83;   ///< LT in the health factor
  double liquidation_bonus = 0.05;       ///< collateral bonus to the liquidator (LB − 1)
  double protocol_fee = 0.10;            ///< share of the bonus paid to the treasury
  double reserve_factor = 0.10;          ///< share of interest paid to the treasury
  double close_factor = 0.5;             ///< max share of debt repaid in one liquidation
  double full_close_health = 0.95;       ///< at or below this HF, 100 % may be repaid
  double full_close_value = 2000.0;      ///< 100 % also when collateral or debt value is below this
  double min_leftover_value = 1000.0;    ///< a partial liquidation must leave ≥ this of debt and collateral
  InterestRateModel rate;
};

/// @brief A lending pool (Aave v3 mechanics): suppliers' cash, variable-rate debt with a
/// compounding borrow index, LTV at origination, health factor, liquidation with close factor,
/// bonus and protocol fee, and deficit accounting when collateral runs out (Aave v3.3).
///
/// Positions are stored as arrays (collateral units, scaled debt). Because every debt grows with
/// the same index, the liquidation order of positions is fixed by scaled_debt / collateral, so the
/// pool keeps them sorted by that key and finds the liquidatable ones in O(k + log n) per price
/// move — it never scans healthy accounts.
///
/// Prices: the collateral price (numeraire per unit) comes from the pool's oracle; the debt asset
/// must be the numeraire (price 1).
/// @code
/// auto id = pool.open_position(world, wallet, 10.0, 12'000.0);  // 10 ETH, borrow 12k USDC
/// auto out = pool.liquidate(world, id, 6'000.0, liquidator_wallet, 0);
/// @endcode
class LendingPool final : public world::Component {
 public:
  LendingPool(const config::ComponentSpec& spec, world::World& world);

  const LendingParams& params() const { return params_; }
  ledger::TokenId collateral_token() const { return collateral_asset_; }
  ledger::TokenId debt_token() const { return debt_asset_; }
  const std::string& liquidation_venue() const { return venue_name_; }
  double oracle_price() const;

  /// @brief Moves `collateral` from `owner` into the pool and borrows up to `borrow` (capped by
  /// LTV and by the pool's cash). @return the position id; the amount borrowed is debt_of(id).
  std::uint32_t open_position(world::World& world, ledger::AccountId owner, double collateral, double borrow);
  /// @brief Adds collateral from the owner's wallet.
  void add_collateral(world::World& world, std::uint32_t position, double amount);
  /// @brief Repays up to `amount` of debt from the owner's wallet; returns the amount repaid.
  double repay(world::World& world, std::uint32_t position, double amount);
  /// @brief Atomic deleveraging (a flash-loan "repay with collateral"): `amount` of collateral
  /// leaves the pool, is sold on `venue` and the proceeds repay the debt; any excess stays in the
  /// owner's wallet. The sale moves the venue price like any other.
  /// @return the debt repaid.
  double repay_with_collateral(world::World& world, std::uint32_t position, double amount, ConstantProductAmm& venue);

  std::uint32_t position_count() const { return static_cast<std::uint32_t>(collateral_.size()); }
  double collateral_of(std::uint32_t position) const { return collateral_[position]; }
  double debt_of(std::uint32_t position) const { return scaled_debt_[position] * borrow_index_; }
  ledger::AccountId owner_of(std::uint32_t position) const { return owner_[position]; }
  /// HF = collateral · price · LT / debt (infinite without debt).
  double health_factor(std::uint32_t position) const;

  /// @brief Largest debt a liquidator may repay now (close factor rules); 0 if healthy.
  double max_repayable(std::uint32_t position) const;
  /// @brief What liquidate() would do, without changing anything.
  LiquidationOutcome preview_liquidation(std::uint32_t position, double debt_to_cover) const;
  /// @brief liquidationCall: the liquidator repays up to `debt_to_cover` and receives collateral
  /// plus bonus; the protocol fee goes to the treasury; a deficit is booked if collateral runs out.
  LiquidationOutcome liquidate(world::World& world, std::uint32_t position, double debt_to_cover,
                               ledger::AccountId liquidator, std::uint32_t liquidator_index);

  /// @brief Appends up to `max` liquidatable positions, worst health first.
  void liquidatable(std::vector<std::uint32_t>& out, std::size_t max) const;
  /// @brief Appends every position with health factor below `health`, worst first (O(k + log n)).
  void below_health(double health, std::vector<std::uint32_t>& out) const;
  bool any_liquidatable() const;

  /// @brief `listener` receives Event{kind} (class `cls`) whenever an oracle update leaves some
  /// position liquidatable.
  void subscribe_liquidations(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls);
  /// @brief `listener` receives Event{kind} (class `cls`) after every oracle update the pool sees.
  void subscribe_price_updates(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls);

  double total_debt() const { return total_scaled_debt_ * borrow_index_; }
  double cash() const { return cash_; }
  double deficit() const { return deficit_; }
  double total_collateral() const { return total_collateral_; }
  double utilization() const;
  double borrow_index() const { return borrow_index_; }
  /// Accrues interest up to `now` (called before any state change).
  void accrue(Time now);

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;
  /// Ratio r = liquidation price / oracle price = debt / (collateral · price · LT) = 1 / HF.
  void liquidation_heatmap(double low, double high, std::span<double> debt_per_bin) const override;

 private:
  /// Reports the deficit (and insolvency) to the dependency graph.
  void signal_deficit(world::World& world) const;
  double key(std::uint32_t p) const { return scaled_debt_[p] / collateral_[p]; }
  void index_insert(std::uint32_t p);
  void index_erase(std::uint32_t p);
  double liquidation_key_threshold() const;
  double underwater_debt() const;

  LendingParams params_;
  std::string venue_name_;
  world::PriceSource* oracle_ = nullptr;
  ledger::TokenId collateral_asset_ = 0, debt_asset_ = 0;
  ledger::AccountId pool_account_ = 0, treasury_ = 0, suppliers_ = 0;
  double initial_supply_ = 0;

  // positions (structure of arrays)
  std::vector<double> collateral_;
  std::vector<double> scaled_debt_;
  std::vector<ledger::AccountId> owner_;
  std::set<std::pair<double, std::uint32_t>, std::greater<>> by_key_;  // liquidation order

  // books
  double borrow_index_ = 1.0;
  Time last_accrual_ = 0;
  double total_scaled_debt_ = 0;
  double total_collateral_ = 0;
  double cash_ = 0;
  double supplier_claims_ = 0;
  double treasury_claims_ = 0;
  double deficit_ = 0;
  double initial_debt_ = 0;
  bool initial_debt_taken_ = false;

  // results
  double liquidated_value_ = 0;
  double debt_repaid_ = 0;
  std::uint64_t n_liquidations_ = 0;
  std::uint32_t protocol_index_ = 0;

  struct Listener {
    world::ComponentId id;
    std::uint32_t kind;
    engine::EventClass cls;
  };
  std::vector<Listener> listeners_;
  std::vector<Listener> price_listeners_;
};

void register_lending_pool(world::Registry& registry);

}  // namespace cascade::protocols
