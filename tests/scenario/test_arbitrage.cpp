// The AMM arbitrageur: one optimal trade per move, the AMM left inside the fee band.
#include <doctest/doctest.h>

#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

TEST_CASE("a zero-latency arbitrageur makes one trade to the fee band and stops") {
  // Reference 2000 → 1800 at 1 min. The pool (1000 ETH / 2,000,000 USDC, fee 0.3 %) is rich: the
  // arbitrageur sells a = (sqrt(0.997·1000·2e6/1800) − 1000)/0.997 = 52.66823 ETH for
  // 0.997·a·2e6/(1000 + 0.997·a) = 99,780.934 USDC, leaving the pool at
  // (2e6 − 99,780.934)/(1000 + a) = 1,805.1453, where selling more no longer pays:
  // 0.997 · 1,805.1453 = 1,799.73 < 1,800.
  auto spec = testing::load(R"(
experiment: {name: arb, seed: 1, horizon: 10m}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers: {ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.1, crash_at: 1m, over: 0s, tick: 1m}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 1000, USDC: 2000000}, fee: 0.003}}
agents: {arb: {type: amm_arbitrageur, venue: amm, reference: ref, reaction: 0s, max_trade: 1.0e9}}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();  // terminates: no endless self-trading at one timestamp
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& amm = w.get<protocols::ConstantProductAmm>("amm");
  CHECK(amm.reserve_base() == doctest::Approx(1052.668231618).epsilon(1e-10));
  CHECK(amm.price() == doctest::Approx(1805.1452571509).epsilon(1e-10));
  CHECK(w.find("arb")->metric(2) == 1.0);  // one trade
  // Profit at the outside price: 99,780.934 − 52.66823 · 1800 = 3,578.13 USDC
  CHECK(w.find("arb")->metric(0) == doctest::Approx(99780.93434139 - 52.668231618 * 1800).epsilon(1e-9));
}

TEST_CASE("max_trade caps each trade, so a slow arbitrageur closes a gap over several blocks") {
  // The same gap, but at most 18,000 USDC (10 ETH at 1,800) per trade, one trade per 12 s
  // reaction: the first trade at 1:12, the second at 1:24 (the first trade's own price move
  // re-triggers the arbitrageur).
  auto spec = testing::load(R"(
experiment: {name: arb, seed: 1, horizon: 10m}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers: {ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.1, crash_at: 1m, over: 0s, tick: 1m}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 1000, USDC: 2000000}, fee: 0.003}}
agents: {arb: {type: amm_arbitrageur, venue: amm, reference: ref, reaction: 12s, max_trade: 18000}}
)");
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& amm = w.get<protocols::ConstantProductAmm>("amm");
  w.advance_to(kMinute + 11 * kSecond);
  CHECK(amm.reserve_base() == 1000.0);
  w.advance_to(kMinute + 20 * kSecond);
  CHECK(amm.reserve_base() == doctest::Approx(1010.0));
  w.advance_to(kMinute + 30 * kSecond);
  CHECK(amm.reserve_base() == doctest::Approx(1020.0));
  w.advance_to(10 * kMinute);  // eventually the optimum: the same pool state as one big trade?
  // No: split trades leave the fee in the pool at each step, so the final price is in the fee
  // band [1800, 1800/0.997] but not equal to the one-trade result.
  CHECK(amm.price() >= 1800.0);
  CHECK(amm.price() <= 1800.0 / 0.997);
}
