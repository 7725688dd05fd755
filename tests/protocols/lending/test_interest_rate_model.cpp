// Kinked rate model and compounding against hand-worked values.
#include <doctest/doctest.h>

#include <cmath>

#include "cascade/protocols/lending/interest_rate_model.hpp"

using namespace cascade::protocols;

TEST_CASE("borrow rate is kinked at the optimal utilisation") {
  const InterestRateModel weth{0.90, 0.0, 0.027, 0.80};  // defi-mechanics.md §9 aave_weth
  CHECK(weth.borrow_rate(0.0) == doctest::Approx(0.0));
  CHECK(weth.borrow_rate(0.45) == doctest::Approx(0.0135));  // half way to the kink: slope1/2
  CHECK(weth.borrow_rate(0.90) == doctest::Approx(0.027));   // at the kink: base + slope1
  CHECK(weth.borrow_rate(0.95) == doctest::Approx(0.427));   // 0.027 + 0.8·0.05/0.10
  CHECK(weth.borrow_rate(1.00) == doctest::Approx(0.827));   // base + slope1 + slope2
}

TEST_CASE("supply rate is borrow rate × U × (1 − reserve factor)") {
  const InterestRateModel weth{0.90, 0.0, 0.027, 0.80};
  CHECK(weth.supply_rate(0.90, 0.15) == doctest::Approx(0.027 * 0.90 * 0.85));  // 2.0655 %
  CHECK(utilization(100.0, 900.0) == doctest::Approx(0.9));
  CHECK(utilization(0.0, 0.0) == 0.0);
}

TEST_CASE("per-second compounding over a year is e^r to within 1e-9") {
  // (1 + r/N)^N = e^r · (1 − r²/(2N) + …) with N = 31,536,000 s.
  CHECK(compounded_growth(0.05, 31'536'000.0) == doctest::Approx(std::exp(0.05)).epsilon(1e-9));
  CHECK(compounded_growth(0.827, 86'400.0) == doctest::Approx(std::exp(0.827 / 365.0)).epsilon(1e-9));
  CHECK(compounded_growth(0.3, 0.0) == 1.0);
}
