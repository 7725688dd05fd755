#pragma once
/// @file liquidation_math.hpp
/// @brief Liquidation results, parameter groups and Aave v3 liquidation arithmetic shared by
/// lending_pool and lending_market.

#include "cascade/config/schema.hpp"

namespace cascade::protocols {

/// @brief The result of a (previewed) liquidation call.
struct LiquidationOutcome {
  enum class Status {
    done,
    healthy,         ///< HF ≥ 1
    dust,            ///< Aave MustNotLeaveDust
    no_position,
    no_debt,         ///< nothing to repay in the chosen reserve
    no_collateral,   ///< nothing to seize in the chosen reserve
    seize_too_much,  ///< Compound v2 LIQUIDATE_SEIZE_TOO_MUCH
  } status = Status::no_position;
  double debt_repaid = 0;        ///< debt units paid by the liquidator
  double collateral_seized = 0;  ///< collateral units leaving the position (incl. bonus and fee)
  double bonus = 0;              ///< collateral units of bonus (liquidator's + fee)
  double protocol_fee = 0;       ///< collateral units to the treasury
  double bad_debt = 0;           ///< deficit booked (numeraire) because collateral ran out
  double health_before = 0;
  /// Collateral the liquidator receives.
  double to_liquidator() const { return collateral_seized - protocol_fee; }
};

/// @brief Schema of the `close_factor` group (Aave v3.3 constants as defaults).
inline config::ParamSchema close_factor_schema(std::string doc) {
  using config::ParamSchema;
  return ParamSchema::group(
      "close_factor", std::move(doc),
      {ParamSchema::number("default", "fraction", "share of debt repayable when HF is just below 1").range(0.05, 1).with_default(0.5),
       ParamSchema::number("full_below_health", "", "100 % repayable at or below this health factor").range(0, 1).with_default(0.95),
       ParamSchema::number("full_below_value", "numeraire", "100 % repayable when collateral or debt is worth less").range(0, 1e12).with_default(2000.0),
       ParamSchema::number("min_leftover_value", "numeraire", "a partial liquidation must leave at least this much debt and collateral")
           .range(0, 1e12).with_default(1000.0)});
}

}  // namespace cascade::protocols

namespace cascade::protocols::liquidation {

/// @brief Aave v3.3 close-factor switch: 100 % of the chosen reserve's debt may be repaid when the
/// health factor is at or below `full_health` (0.95), or when the chosen collateral or debt is
/// worth less than `full_value` ($2,000); otherwise the default close factor applies.
inline bool full_close(double health, double collateral_value, double debt_value, double full_health, double full_value) {
  return health <= full_health || collateral_value < full_value || debt_value < full_value;
}

/// Debt repaid and collateral seized by one liquidation.
struct Seizure {
  double repay = 0;
  double seized = 0;
};

/// @brief LiquidationLogic._calculateAvailableCollateralToLiquidate: collateral worth the repaid
/// debt × `bonus_multiplier` (1 + bonus); when that exceeds the collateral, all of it is seized
/// and the repayment shrinks to collateral·price / bonus_multiplier.
inline Seizure seize(double repay, double debt_price, double collateral_price, double bonus_multiplier, double collateral) {
  Seizure s{repay, repay * debt_price / collateral_price * bonus_multiplier};
  if (s.seized >= collateral) {
    s.seized = collateral;
    s.repay = collateral * collateral_price / debt_price / bonus_multiplier;
  }
  return s;
}

/// @brief MustNotLeaveDust: a partial liquidation must leave at least `min_value` of debt and of
/// collateral (numeraire values after the liquidation).
inline bool leaves_dust(double debt_left_value, double collateral_left_value, double min_value) {
  return debt_left_value < min_value || collateral_left_value < min_value;
}

}  // namespace cascade::protocols::liquidation
