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

double utilization(double cash, double debt) {
  const double total = cash + debt;
  return total > 0.0 ? debt / total : 0.0;
}

double compounded_growth(double annual_rate, double seconds) {
  return std::exp(seconds * std::log1p(annual_rate / kSecondsPerYear));
}

}  // namespace cascade::protocols
