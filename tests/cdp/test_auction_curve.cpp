// Liquidations 2.0 price curves (dss abaci.sol), checked against hand-worked values.
#include <doctest/doctest.h>

#include <cmath>

#include "cascade/protocols/cdp/auction_curve.hpp"

using cascade::protocols::AuctionCurve;

TEST_CASE("ETH-A stairstep curve crosses cusp 0.45 after 80 steps of 90 s (about 119-120 minutes)") {
  // ETH-A: buf 1.10, cut 0.99 per 90 s. price/top = 0.99^floor(t/90) < 0.45 needs
  // floor(t/90) > ln 0.45 / ln 0.99 = 79.45, i.e. the 80th step at t = 7,200 s = 120 min.
  const AuctionCurve c{AuctionCurve::Kind::stairstep_exponential, 0.99, 90.0, 0.0};
  const double top = 1.10 * 1000.0;  // oracle price 1,000 · buf
  CHECK(std::log(0.45) / std::log(0.99) == doctest::Approx(79.45).epsilon(1e-3));
  CHECK(c.price(top, 79 * 90.0) / top == doctest::Approx(0.452033).epsilon(1e-5));  // 0.99^79: still above cusp
  CHECK(c.price(top, 80 * 90.0 - 1.0) / top > 0.45);
  CHECK(c.price(top, 80 * 90.0) / top == doctest::Approx(0.447513).epsilon(1e-5));  // 0.99^80: below cusp
  // Flat within a step.
  CHECK(c.price(top, 89.999) == doctest::Approx(top));
  CHECK(c.price(top, 90.0) == doctest::Approx(1089.0));
  // Equals the oracle price (top/1.1) after ln(1/1.1)/ln(0.99) = 9.48 → the 10th step (15 min),
  // 10 % below it after ln(0.9/1.1)/ln(0.99) = 19.97 → the 20th step (30 min).
  CHECK(c.price(top, 9 * 90.0) > 1000.0);
  CHECK(c.price(top, 10 * 90.0) < 1000.0);
  CHECK(c.price(top, 19 * 90.0) > 900.0);
  CHECK(c.price(top, 20 * 90.0) < 900.0);
}

TEST_CASE("linear and exponential curves") {
  const AuctionCurve lin{AuctionCurve::Kind::linear, 0.0, 0.0, 3600.0};
  CHECK(lin.price(1000.0, 0.0) == doctest::Approx(1000.0));
  CHECK(lin.price(1000.0, 900.0) == doctest::Approx(750.0));  // (3600 − 900)/3600
  CHECK(lin.price(1000.0, 3600.0) == 0.0);
  CHECK(lin.price(1000.0, 5000.0) == 0.0);
  const AuctionCurve ex{AuctionCurve::Kind::exponential, 0.999, 0.0, 0.0};
  // 0.999^693 ≈ 0.5 (half-life ln 2 / −ln 0.999 = 692.8 s)
  CHECK(ex.price(1000.0, 693.0) == doctest::Approx(500.0).epsilon(1e-3));
}
