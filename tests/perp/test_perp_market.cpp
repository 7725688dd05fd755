// Perp market mechanics: tiered margin and funding, against hand-worked numbers.
#include <doctest/doctest.h>

#include "cascade/protocols/perp/perp_market.hpp"

using namespace cascade;
using protocols::MarginTiers;

TEST_CASE("maintenance margin of a notional in the third bracket (Binance BTCUSDT)") {
  const auto t = MarginTiers::binance_btcusdt();
  // Brackets: ≤ 50k 0.4 %, 50k–250k 0.5 %, 250k–1M 1 %.
  // Maintenance amounts: a1 = 0; a2 = 50,000 · (0.005 − 0.004) = 50; a3 = 50 + 250,000 · (0.01 − 0.005) = 1,300.
  CHECK(t.maintenance_amount(0) == doctest::Approx(0.0));
  CHECK(t.maintenance_amount(1) == doctest::Approx(50.0));
  CHECK(t.maintenance_amount(2) == doctest::Approx(1300.0));
  CHECK(t.bracket(500'000) == 2);
  // MM(500,000) = 500,000 · 1 % − 1,300 = 3,700; IM = 500,000 / 50x = 10,000
  CHECK(t.maintenance(500'000) == doctest::Approx(3700.0));
  CHECK(t.initial(500'000) == doctest::Approx(10000.0));
  // Continuous at the bracket edge: 250,000 · 0.5 % − 50 = 1,200 = 250,000 · 1 % − 1,300
  CHECK(t.maintenance(250'000) == doctest::Approx(1200.0));
  CHECK(t.maintenance(250'000.01) == doctest::Approx(1200.0).epsilon(1e-6));
}

TEST_CASE("premium index from the impact bid and ask") {
  // impact bid above the index: (101 − 100)/100 = +1 %
  CHECK(protocols::premium_index(101.0, 102.0, 100.0) == doctest::Approx(0.01));
  // impact ask below the index: −(100 − 98)/100 = −2 %
  CHECK(protocols::premium_index(97.0, 98.0, 100.0) == doctest::Approx(-0.02));
  // index inside the impact spread: 0
  CHECK(protocols::premium_index(99.9, 100.1, 100.0) == doctest::Approx(0.0));
}

TEST_CASE("funding rate: interest, clamp and cap") {
  const double interest = 0.0001, clamp = 0.0005, cap = 0.004;
  // P̄ = 0.03 %: I − P̄ = −0.02 % inside the clamp ⇒ F = 0.03 % − 0.02 % = 0.01 % (= I)
  CHECK(protocols::funding_rate_8h(0.0003, interest, clamp, cap) == doctest::Approx(0.0001));
  // P̄ = 0.2 %: I − P̄ = −0.19 % clamped to −0.05 % ⇒ F = 0.15 %
  CHECK(protocols::funding_rate_8h(0.002, interest, clamp, cap) == doctest::Approx(0.0015));
  // P̄ = 1 %: F = 1 % − 0.05 % = 0.95 %, capped at 0.4 %
  CHECK(protocols::funding_rate_8h(0.01, interest, clamp, cap) == doctest::Approx(0.004));
  // P̄ = −1 %: I − P̄ = 1.01 % clamped to 0.05 % ⇒ F = −0.95 %, capped at −0.4 %
  CHECK(protocols::funding_rate_8h(-0.01, interest, clamp, cap) == doctest::Approx(-0.004));
  // P̄ = 0: F = I = 0.01 %
  CHECK(protocols::funding_rate_8h(0.0, interest, clamp, cap) == doctest::Approx(0.0001));
}
