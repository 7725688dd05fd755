// A world is a pure function of (spec, seed, replica): rerunning gives the same bits, replicas
// differ, common random numbers keep the exogenous path of replica r fixed across parameter
// values, and adding a component does not change anyone else's draws.
#include <doctest/doctest.h>

#include <cstring>

#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {

const char* kBase = R"(
experiment: {name: det, seed: 42, horizon: 6h, replicas: 4}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers: {ref: {type: gbm, asset: ETH, initial_price: 2000, volatility: 1.5, tick: 1m}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 5000, USDC: 10000000}}}
oracles: {feed: {type: deviation_heartbeat, source: amm}}
protocols:
  pool: {type: lending_pool, oracle: feed, liquidation_venue: amm, collateral: ETH, debt: USDC, supply: 5.0e7}
agents:
  borrowers: {type: leveraged_borrower, protocol: pool, count: 300, collateral_usd: {dist: lognormal, median: 20000, sigma: 1}, health_factor: {dist: uniform, low: 1.05, high: 1.6}}
  keeper: {type: liquidator, protocol: pool, venue: amm, count: 3}
  arb: {type: amm_arbitrageur, venue: amm, reference: ref}
outputs: {sample_every: 10m, timeseries: [ref.price, amm.price, feed.price, pool.total_debt]}
)";

output::RunResult run_once(const config::ExperimentSpec& spec, std::uint32_t replica, std::uint32_t point = 0) {
  world::World w(spec, testing::registry(), world::RunContext{point, replica, point * 4ULL + replica, true});
  auto r = w.run();
  REQUIRE_MESSAGE(r.summary.status == 0, r.error);
  return r;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("the same replica twice gives identical bits") {
  const auto spec = testing::load(kBase);
  const auto a = run_once(spec, 1), b = run_once(spec, 1);
  CHECK(a.summary.n_events == b.summary.n_events);
  CHECK(same_bits(a.summary.bad_debt, b.summary.bad_debt));
  CHECK(same_bits(a.summary.liquidated_value, b.summary.liquidated_value));
  REQUIRE(a.series.size() == b.series.size());
  for (std::size_t m = 0; m < a.series.size(); ++m)
    for (std::size_t t = 0; t < a.series[m].size(); ++t) CHECK(same_bits(a.series[m][t], b.series[m][t]));
  REQUIRE(a.liquidations.size() == b.liquidations.size());
  for (std::size_t i = 0; i < a.liquidations.size(); ++i) CHECK(same_bits(a.liquidations[i].debt_repaid, b.liquidations[i].debt_repaid));
}

TEST_CASE("replicas differ") {
  const auto spec = testing::load(kBase);
  const auto a = run_once(spec, 0), b = run_once(spec, 1);
  CHECK_FALSE(same_bits(a.summary.final_price, b.summary.final_price));
}

TEST_CASE("common random numbers: replica r sees the same reference path whatever the pool's parameters") {
  const auto low = testing::load(kBase);
  auto high_text = std::string(kBase);
  high_text.replace(high_text.find("supply: 5.0e7"), 13, "supply: 5.0e7, liquidation_bonus: 0.10");
  const auto high = testing::load(high_text);
  const auto a = run_once(low, 2, 0), b = run_once(high, 2, 1);
  REQUIRE(a.series[0].size() == 37);  // 6 h sampled every 10 min, both ends included
  for (std::size_t t = 0; t < a.series[0].size(); ++t) CHECK(same_bits(a.series[0][t], b.series[0][t]));
}

TEST_CASE("adding a component does not change the price path (streams are keyed by component name)") {
  const auto base = testing::load(kBase);
  auto more = std::string(kBase);
  more.replace(more.find("  arb:"), 6, "  extra: {type: liquidator, protocol: pool, venue: amm, count: 7}\n  arb:");
  const auto extended = testing::load(more);
  const auto a = run_once(base, 3), b = run_once(extended, 3);
  // The exogenous reference path is untouched (endogenous AMM prices may differ).
  for (std::size_t t = 0; t < a.series[0].size(); ++t) CHECK(same_bits(a.series[0][t], b.series[0][t]));
}
