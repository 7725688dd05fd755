#pragma once
/// @file liquidation_math.hpp
/// @brief Aave v3 liquidation arithmetic shared by lending_pool and lending_market.

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
