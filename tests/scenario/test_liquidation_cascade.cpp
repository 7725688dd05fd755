// A liquidation cascade predicted by hand: which positions fall, in what order, at what oracle
// price, with how much bad debt, and the final AMM price. Expected numbers come from
// tests/scenario/derive_cascade.py, an independent re-derivation from the Uniswap v2 and Aave
// v3.3 formulas (not from cascade's code).
#include <doctest/doctest.h>

#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/lending/lending_pool.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

TEST_CASE("a whale dump sets off a four-step liquidation cascade with bad debt") {
  auto spec = testing::load_file("scenario/data/cascade_hand.yaml");
  spec.audit = true;  // conservation and books checked after every event
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);

  // Order a, b, c, d: the worst health factor first, each triggered by the previous sale.
  const auto& events = result.liquidations;
  REQUIRE(events.size() == 4);
  const double expected_price[] = {1780.295194, 1514.359300, 1290.181311, 1106.553133};
  const double expected_hf[] = {0.934655, 0.870757, 0.838618, 0.885243};
  const double expected_repay[] = {152380.952381, 139130.434783, 122874.410615, 200000.0};
  const double expected_seized[] = {89.872736, 96.467831, 100.0, 189.778506};
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(events[i].account == i);  // positions were opened a, b, c, d
    CHECK(events[i].time_s == doctest::Approx(60.0));
    CHECK(events[i].oracle_price == doctest::Approx(expected_price[i]).epsilon(1e-8));
    CHECK(events[i].health_factor == doctest::Approx(expected_hf[i]).epsilon(1e-6));
    CHECK(events[i].debt_repaid == doctest::Approx(expected_repay[i]).epsilon(1e-9));
    CHECK(events[i].collateral_seized == doctest::Approx(expected_seized[i]).epsilon(1e-8));
  }
  // c runs out of collateral: 122,874.41 repaid of 123,076.92 owed → 202.51 deficit.
  CHECK(events[2].bad_debt == doctest::Approx(202.512462).epsilon(1e-8));
  CHECK(result.summary.bad_debt == doctest::Approx(202.512462).epsilon(1e-8));
  CHECK(result.summary.n_liquidations == 4);
  CHECK(result.summary.min_venue_price == doctest::Approx(851.129522).epsilon(1e-8));
  const auto& amm = w.get<protocols::ConstantProductAmm>("amm");
  CHECK(amm.price() == doctest::Approx(851.129522).epsilon(1e-8));
  // Every position is closed; d keeps 10.2215 ETH of collateral, a 10.1273, b 3.5322.
  const auto& pool = w.get<protocols::LendingPool>("pool");
  CHECK(pool.total_debt() == doctest::Approx(0.0));
  CHECK(pool.collateral_of(0) == doctest::Approx(10.127264).epsilon(1e-8));
  CHECK(pool.collateral_of(3) == doctest::Approx(10.22149439).epsilon(1e-8));
}

TEST_CASE("without the whale nothing is liquidated") {
  auto spec = testing::load(R"(
experiment: {name: calm, seed: 1, horizon: 10m}
assets: {ETH: {}, USDC: {numeraire: true}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 1000, USDC: 2000000}}}
oracles: {feed: {type: deviation_heartbeat, source: amm}}
protocols:
  pool: {type: lending_pool, oracle: feed, liquidation_venue: amm, collateral: ETH, debt: USDC, supply: 1.0e7}
agents:
  a: {type: leveraged_borrower, protocol: pool, count: 50, collateral_usd: {dist: lognormal, median: 20000, sigma: 1}, health_factor: {dist: uniform, low: 1.05, high: 2}}
  keeper: {type: liquidator, protocol: pool, venue: amm}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  CHECK(result.summary.n_liquidations == 0);
  CHECK(result.summary.bad_debt == 0.0);
  CHECK(result.summary.initial_debt > 0.0);
}
