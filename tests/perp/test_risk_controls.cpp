// Risk controls (protocols/risk) against hand-worked examples.
#include <doctest/doctest.h>

#include <cmath>

#include "cascade/protocols/risk/risk_controls.hpp"

using namespace cascade;
using namespace cascade::protocols::risk;

TEST_CASE("circuit breaker halts on a 10 % move within the window, not on the same move spread out") {
  CircuitBreaker cb(0.10, 5 * kMinute, 15 * kMinute);
  CHECK_FALSE(cb.observe(0, 100.0));
  CHECK_FALSE(cb.observe(kMinute, 95.0));  // −5 %
  // 89.9 ≤ 100 · (1 − 0.10) = 90, and 100 was seen 2 minutes ago (inside 5 minutes)
  CHECK(cb.observe(2 * kMinute, 89.9));
  CHECK(cb.halted(3 * kMinute));
  CHECK(cb.halted(17 * kMinute - 1));  // halted until 2m + 15m
  CHECK_FALSE(cb.halted(17 * kMinute));
  CHECK(cb.trips() == 1);

  CircuitBreaker slow(0.10, 5 * kMinute, 15 * kMinute);
  CHECK_FALSE(slow.observe(0, 100.0));
  CHECK_FALSE(slow.observe(4 * kMinute, 95.0));
  // At 8m the window [3m, 8m] holds 95 only: 90 > 95 · 0.9 = 85.5, no trip though −10 % overall
  CHECK_FALSE(slow.observe(8 * kMinute, 90.0));
  CHECK_FALSE(slow.halted(8 * kMinute));

  CircuitBreaker up(0.10, 5 * kMinute, kMinute);
  CHECK_FALSE(up.observe(0, 100.0));
  CHECK(up.observe(kMinute, 111.0));  // 111 ≥ 100 · 1.1
}

TEST_CASE("EWMA volatility of a constant log return") {
  // Returns of ln(1.01) every 60 s for a long time: var → r² · 3600/60 whatever the weights, so
  // σ_hourly → |ln 1.01| · √60 = 0.0077075.
  EwmaVolatility v(600.0, 0.0);
  double p = 100.0;
  for (int i = 0; i <= 2000; ++i, p *= 1.01) v.observe(i * kMinute, p);
  CHECK(v.hourly_vol() == doctest::Approx(std::log(1.01) * std::sqrt(60.0)).epsilon(1e-9));
}

TEST_CASE("volatility-scaled margin and variable liquidation penalty") {
  CHECK(volatility_scaled_margin(0.01, 0.02, 0.01, 3.0) == doctest::Approx(0.02));  // σ = 2 σ_ref
  CHECK(volatility_scaled_margin(0.01, 0.005, 0.01, 3.0) == doctest::Approx(0.01));  // never below base
  CHECK(volatility_scaled_margin(0.01, 0.10, 0.01, 3.0) == doctest::Approx(0.03));  // capped at 3×
  CHECK(volatility_scaled_margin(0.01, 0.10, 0.0, 3.0) == doctest::Approx(0.01));   // off
  // base 0.5 %, max 1.5 %: at equity = MM → 0.5 %; half of MM → 1.0 %; equity ≤ 0 → 1.5 %
  CHECK(variable_penalty(0.005, 0.015, 100.0, 100.0) == doctest::Approx(0.005));
  CHECK(variable_penalty(0.005, 0.015, 50.0, 100.0) == doctest::Approx(0.010));
  CHECK(variable_penalty(0.005, 0.015, -20.0, 100.0) == doctest::Approx(0.015));
}
