#pragma once
/// @file interest_rate_model.hpp
/// @brief Kinked (two-slope) utilisation rate model of Aave v3 (DefaultReserveInterestRateStrategyV2).

#include <string>

#include "cascade/config/param_set.hpp"
#include "cascade/config/schema.hpp"

namespace cascade::protocols {

/// @brief Borrow and supply rates (per year) as functions of utilisation U = debt / (cash + debt).
///
/// R_borrow = base + slope1·U/U_opt                          for U ≤ U_opt
///          = base + slope1 + slope2·(U − U_opt)/(1 − U_opt) for U > U_opt
/// R_supply = R_borrow · U · (1 − reserve_factor)
struct InterestRateModel {
  double optimal = 0.9;  ///< U_opt, the kink
  double base = 0.0;
  double slope1 = 0.027;
  double slope2 = 0.8;

  double borrow_rate(double utilization) const;
  double supply_rate(double utilization, double reserve_factor) const;
};

/// @brief Schema of a `rate` group {optimal, base, slope1, slope2} (defaults: Aave v3 USDC).
config::ParamSchema rate_schema(std::string doc);
/// @brief The model described by a validated `rate` group.
InterestRateModel rate_from(const config::ParamSet& group);

/// @brief Utilisation debt / (cash + debt); 0 for an empty pool.
double utilization(double cash, double debt);

/// @brief Growth factor of a variable-debt index over `seconds` at annual rate r, compounded per
/// second: (1 + r / 31,536,000)^seconds (Aave's per-second compounding; its on-chain
/// three-term Taylor expansion agrees to better than 1e-9 over a day at these rates).
double compounded_growth(double annual_rate, double seconds);

}  // namespace cascade::protocols
