// Propagation on small hand-drawn graphs: which reports are impacts, when and where the signals
// arrive (edge latencies), and relays through assets.
#include <doctest/doctest.h>

#include "cascade/graph/propagation.hpp"

using namespace cascade;
using graph::DependencyGraph;
using graph::EdgeKind;
using graph::NodeKind;
using graph::Propagation;
using graph::SignalKind;

TEST_CASE("signals follow out-edges after each edge's latency, assets relay") {
  //   o ──10s──▶ p        o ──5s──▶ q ──1s──▶ r        o ──2s──▶ T (asset) ──3s──▶ r
  DependencyGraph g;
  const int o = g.add_node("o", NodeKind::protocol), p = g.add_node("p", NodeKind::agent), q = g.add_node("q", NodeKind::protocol),
            r = g.add_node("r", NodeKind::agent), t = g.add_node("T", NodeKind::asset);
  g.add_edge(o, p, EdgeKind::exposed_to, 7.0, 10 * kSecond);
  g.add_edge(o, q, EdgeKind::depends_on, 1.0, 5 * kSecond);
  g.add_edge(q, r, EdgeKind::depends_on, 1.0, 1 * kSecond);
  g.add_edge(o, t, EdgeKind::issues, 1.0, 2 * kSecond);
  g.add_edge(t, r, EdgeKind::collateral_in, 1.0, 3 * kSecond);
  Propagation net(g, 0.05, -1);

  const Time now = 100 * kSecond;
  const auto out = net.report(o, SignalKind::insolvent, 1.0, 0.25, now);
  // One delivery per out-edge in edge order; the asset forwards at once along its own edge.
  REQUIRE(out.size() == 3);
  CHECK(out[0].signal.target == p);
  CHECK(out[0].at == now + 10 * kSecond);
  CHECK(out[0].signal.weight == 7.0);
  CHECK(out[0].signal.edge_kind == EdgeKind::exposed_to);
  CHECK(out[0].signal.loss_fraction == 0.25);
  CHECK(out[0].signal.hops == 1);
  CHECK(out[1].signal.target == q);
  CHECK(out[1].at == now + 5 * kSecond);
  CHECK(out[2].signal.target == r);  // o → T → r: 2 s + 3 s, two hops, arriving from T
  CHECK(out[2].at == now + 5 * kSecond);
  CHECK(out[2].signal.hops == 2);
  CHECK(out[2].signal.source == t);
  CHECK(out[2].signal.origin == o);
  CHECK(out[2].signal.edge_kind == EdgeKind::collateral_in);
  // q's own report is not implied by o's: r hears from q only if q changes.
  CHECK(net.impacted(o));
  CHECK(net.impacted(t));
  CHECK_FALSE(net.impacted(q));
  CHECK(net.origin() == o);
  // Insolvency is reported once.
  CHECK(net.report(o, SignalKind::insolvent, 1.0, 0.5, now + kSecond).empty());

  const auto from_q = net.report(q, SignalKind::bad_debt, 10.0, 0.0, now + 5 * kSecond);
  REQUIRE(from_q.size() == 1);
  CHECK(from_q[0].at == now + 6 * kSecond);

  output::RunResult result;
  net.finish(result);
  // Impacted: o (100 s), T (102 s), q (105 s). Hops from o: p 1, q 1, T 1, r 2.
  CHECK(result.summary.shock_origin == o);
  CHECK(result.summary.cascade_size == 3);
  CHECK(result.summary.cascade_depth == 1);
  CHECK(result.summary.insolvent_nodes == 1);
  CHECK(result.summary.time_to_first_insolvency == doctest::Approx(100.0));
  REQUIRE(result.nodes.size() == 5);
  CHECK(result.nodes[static_cast<std::size_t>(t)].first_impact_s == doctest::Approx(102.0));
  CHECK(result.nodes[static_cast<std::size_t>(q)].first_impact_s == doctest::Approx(105.0));
  CHECK(result.nodes[static_cast<std::size_t>(r)].hops == 2);
  CHECK(result.nodes[static_cast<std::size_t>(r)].impacted == 0);
}

TEST_CASE("a level is an impact when it moves by the threshold since the last impact") {
  DependencyGraph g;
  const int v = g.add_node("venue", NodeKind::venue), w = g.add_node("oracle", NodeKind::oracle);
  g.add_edge(v, w, EdgeKind::priced_by);
  Propagation net(g, 0.05, -1);
  CHECK(net.report(v, SignalKind::price, 100.0, 0, 0).empty());  // the baseline
  CHECK(net.report(v, SignalKind::price, 97.0, 0, 1).empty());   // −3 %
  CHECK(net.report(v, SignalKind::price, 94.0, 0, 2).size() == 1);  // −6 % from 100
  CHECK(net.report(v, SignalKind::price, 92.0, 0, 3).empty());   // −2.1 % from 94
  CHECK(net.report(v, SignalKind::price, 89.0, 0, 4).size() == 1);  // −5.3 % from 94
  CHECK(net.report(v, SignalKind::price, 94.0, 0, 5).size() == 1);  // +5.6 % from 89
  // Bad debt: the first positive amount, then growth by the threshold.
  CHECK(net.report(w, SignalKind::bad_debt, 0.0, 0, 6).empty());
  CHECK(net.report(w, SignalKind::bad_debt, 1.0, 0, 7).size() == 0);  // impact, but the oracle has no out-edges
  CHECK(net.impacted(w));
  output::RunResult result;
  net.finish(result);
  CHECK(result.nodes[0].signals_sent == 3);
  CHECK(result.nodes[0].first_impact_s == doctest::Approx(2e-6));
}

TEST_CASE("a configured shock origin fixes the hop distances") {
  DependencyGraph g;
  const int a = g.add_node("a", NodeKind::agent), b = g.add_node("b", NodeKind::agent), c = g.add_node("c", NodeKind::agent);
  g.add_edge(a, b, EdgeKind::exposed_to);
  g.add_edge(b, c, EdgeKind::exposed_to);
  Propagation net(g, 0.05, a);
  net.report(b, SignalKind::insolvent, 1.0, 1.0, 0);  // b is impacted first, but the origin is a
  output::RunResult result;
  net.finish(result);
  CHECK(result.summary.shock_origin == a);
  CHECK(result.summary.cascade_depth == 1);
  CHECK(result.nodes[static_cast<std::size_t>(c)].hops == 2);
}
