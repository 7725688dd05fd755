#include "cascade/protocols/lending/interest_rate_model.hpp"

#include <algorithm>
#include <cmath>

#include "cascade/core/time.hpp"

namespace cascade::protocols {

double InterestRateModel::borrow_rate(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  if (u <= optimal) return base + slope1 * u / optimal;
  return base + slope1 + slope2 * (u - optimal) / (1.0 - optimal);
}

double InterestRateModel::supply_rate(double u, double reserve_factor) const {
  return borrow_rate(u) * std::clamp(u, 0.0, 1.0) * (1.0 - reserve_factor);
}

config::ParamSchema rate_schema(std::string doc) {
  using config::ParamSchema;
  return ParamSchema::group(
      "rate", std::move(doc),
      {ParamSchema::number("optimal", "fraction", "optimal utilisation (kink)").range(0.01, 0.99).with_default(0.92),
       ParamSchema::number("base", "1/year", "rate at zero utilisation").range(0, 10).with_default(0.0),
       ParamSchema::number("slope1", "1/year", "rate increase from 0 to the kink").range(0, 10).with_default(0.065),
       ParamSchema::number("slope2", "1/year", "rate increase from the kink to 100 %").range(0, 10).with_default(0.40)});
}

InterestRateModel rate_from(const config::ParamSet& group) {
  return InterestRateModel{group.number("optimal"), group.number("base"), group.number("slope1"), group.number("slope2")};
}

double utilization(double cash, double debt) {
  const double total = cash + debt;
  return total > 0.0 ? debt / total : 0.0;
}

double compounded_growth(double annual_rate, double seconds) {
  return std::exp(seconds * std::log1p(annual_rate / kSecondsPerYear));
}

}  // namespace cascade::protocols
