// Default cascades through creditors, inside whole worlds: a chain of balance sheets worked out
// by hand, and the hand-checked liquidation cascade of tests/scenario continued into the holders
// of claims on the pool.
#include <doctest/doctest.h>

#include <cmath>

#include "cascade/agents/creditor/creditor.hpp"
#include "cascade/graph/propagation.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

TEST_CASE("a default travels down a chain of creditors after each edge's latency") {
  // A: external assets 100, equity 10 (liabilities 90); loses half its external assets at 1 h:
  //    equity 10 − 50 = −40 → insolvent at 3600 s, loss fraction 40 / 90.
  // B: claim on A of 60 (edge latency 1 h), external 40, equity 20 (liabilities 80); write_down
  //    default, recovery 0 → loses 60 at 7200 s → equity −40 → insolvent, loss fraction 40/80 = 0.5.
  // C: claim on B of 30 (latency 30 min), equity 10 (liabilities 20); write_down loss → loses
  //    0.5 · 30 = 15 at 9000 s → equity −5 → insolvent, loss fraction 5 / 20 = 0.25.
  // D: claim on C of 10 (latency 0), equity 50 → loses 0.25 · 10 = 2.5 at 9000 s → equity 47.5:
  //    a 5 % fall, an impact at threshold 1 %, but solvent.
  // E: unconnected, never impacted.
  auto spec = testing::load(R"(
experiment: {name: chain, seed: 1, horizon: 6h}
assets:
  USD: {decimals: 6, numeraire: true}
agents:
  A: {type: creditor, equity: 10, external_assets: 100, shock_at: 1h, shock_loss: 0.5}
  B: {type: creditor, equity: 20, external_assets: 40, write_down: default}
  C: {type: creditor, equity: 10}
  D: {type: creditor, equity: 50}
  E: {type: creditor, equity: 5}
network:
  signal_threshold: 0.01
  exposures:
    - {holder: B, debtor: A, weight: 60, latency: 1h}
    - {holder: C, debtor: B, weight: 30, latency: 30m}
    - {holder: D, debtor: C, weight: 10}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);

  auto creditor = [&](const char* name) -> const agents::Creditor& { return w.get<agents::Creditor>(name); };
  CHECK(creditor("A").equity() == doctest::Approx(-40.0));
  CHECK(creditor("B").equity() == doctest::Approx(-40.0));
  CHECK(creditor("C").equity() == doctest::Approx(-5.0));
  CHECK(creditor("D").equity() == doctest::Approx(47.5));
  CHECK(creditor("E").equity() == doctest::Approx(5.0));
  CHECK(creditor("B").claims() == doctest::Approx(60.0));

  // Nodes: USD, A, B, C, D, E.
  REQUIRE(result.nodes.size() == 6);
  const int expected_hops[] = {-1, 0, 1, 2, 3, -1};
  const double expected_impact[] = {NAN, 3600, 7200, 9000, 9000, NAN};
  const double expected_insolvent[] = {NAN, 3600, 7200, 9000, NAN, NAN};
  for (std::size_t v = 0; v < 6; ++v) {
    CAPTURE(v);
    CHECK(result.nodes[v].hops == expected_hops[v]);
    if (std::isnan(expected_impact[v])) CHECK(std::isnan(result.nodes[v].first_impact_s));
    else CHECK(result.nodes[v].first_impact_s == doctest::Approx(expected_impact[v]));
    if (std::isnan(expected_insolvent[v])) CHECK(result.nodes[v].insolvent == 0);
    else CHECK(result.nodes[v].insolvent_s == doctest::Approx(expected_insolvent[v]));
  }
  CHECK(result.summary.shock_origin == 1);
  CHECK(result.summary.cascade_depth == 3);
  CHECK(result.summary.cascade_size == 4);
  CHECK(result.summary.insolvent_nodes == 3);
  CHECK(result.summary.time_to_first_insolvency == doctest::Approx(3600.0));
}

TEST_CASE("the hand-checked liquidation cascade reaches the pool's creditors five hops from the whale") {
  // tests/scenario/test_liquidation_cascade.cpp: the whale's dump at 60 s sets off four
  // liquidations and a deficit of 202.512462 USDC in `pool` (supply 1e7, no interest, so the
  // treasury holds nothing and the pool is insolvent: suppliers would lose 202.512462 / 1e7).
  // depositors hold the whole supply (1e7) with equity 100: they lose 202.512462 → equity
  // −102.512462, insolvent at 60 s + 2 min = 180 s. fund holds 50 on the depositors (default
  // write-down) with equity 40 → −10, insolvent at 180 s + 30 s = 210 s.
  // Hops from the whale: amm 1, feed 2, pool 3, depositors 4, fund 5.
  auto spec = testing::load_file("graph/data/creditor_cascade.yaml");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  CHECK(result.summary.bad_debt == doctest::Approx(202.512462).epsilon(1e-8));
  CHECK(w.get<agents::Creditor>("depositors").equity() == doctest::Approx(100.0 - 202.512462).epsilon(1e-8));
  CHECK(w.get<agents::Creditor>("fund").equity() == doctest::Approx(-10.0));

  const auto& g = w.network().graph();
  auto node = [&](const char* name) { return result.nodes[static_cast<std::size_t>(g.find(name))]; };
  CHECK(result.summary.shock_origin == g.find("whale"));
  CHECK(node("whale").hops == 0);
  CHECK(node("amm").hops == 1);
  CHECK(node("feed").hops == 2);
  CHECK(node("pool").hops == 3);
  CHECK(node("depositors").hops == 4);
  CHECK(node("fund").hops == 5);
  CHECK(node("pool").insolvent_s == doctest::Approx(60.0));
  CHECK(node("depositors").insolvent_s == doctest::Approx(180.0));
  CHECK(node("fund").insolvent_s == doctest::Approx(210.0));
  CHECK(node("amm").first_impact_s == doctest::Approx(60.0));
  CHECK(node("keeper").impacted == 0);  // notified, but a liquidator reports nothing of its own
  // Impacted: whale, amm, feed, pool, depositors, fund.
  CHECK(result.summary.cascade_size == 6);
  CHECK(result.summary.cascade_depth == 5);
  CHECK(result.summary.insolvent_nodes == 3);
  CHECK(result.summary.time_to_first_insolvency == doctest::Approx(60.0));
}
