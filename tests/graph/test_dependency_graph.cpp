// Static analysis of the dependency graph on small graphs worked out by hand, and the edges
// derived from a real experiment's wiring.
#include <doctest/doctest.h>

#include "cascade/graph/dependency_graph.hpp"
#include "cascade/graph/network_analysis.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using graph::DependencyGraph;
using graph::EdgeKind;
using graph::NodeKind;

namespace {
std::vector<std::string> names(const DependencyGraph& g, const std::vector<int>& nodes) {
  std::vector<std::string> out;
  for (const int v : nodes) out.push_back(g.node(v).name);
  return out;
}

// A graph of agent nodes named by one letter each, with depends_on edges "ab" = a → b.
DependencyGraph letters(const std::string& nodes, const std::vector<std::string>& edges) {
  DependencyGraph g;
  for (const char n : nodes) g.add_node(std::string(1, n), NodeKind::agent);
  for (const auto& e : edges) g.add_edge(g.find(e.substr(0, 1)), g.find(e.substr(1, 1)), EdgeKind::depends_on);
  return g;
}
}  // namespace

TEST_CASE("Brandes betweenness on a diamond with a tail, computed by hand") {
  // a → b → c → e and a → d → c. Shortest paths through an inner node:
  //   a→c: a-b-c, a-d-c (b and d get 1/2 each); a→e: a-b-c-e, a-d-c-e (b, d 1/2; c 1);
  //   b→e: b-c-e (c 1); d→e: d-c-e (c 1).  ⇒ a 0, b 1, c 3, d 1, e 0.
  DependencyGraph g = letters("abcde", {"ab", "bc", "ad", "dc", "ce"});
  const int a = 0, b = 1, c = 2, d = 3, e = 4;
  g.add_edge(c, e, EdgeKind::exposed_to, 5.0);  // a parallel edge does not count twice
  const auto bc = g.betweenness();
  CHECK(bc[static_cast<std::size_t>(a)] == doctest::Approx(0.0));
  CHECK(bc[static_cast<std::size_t>(b)] == doctest::Approx(1.0));
  CHECK(bc[static_cast<std::size_t>(c)] == doctest::Approx(3.0));
  CHECK(bc[static_cast<std::size_t>(d)] == doctest::Approx(1.0));
  CHECK(bc[static_cast<std::size_t>(e)] == doctest::Approx(0.0));

  SUBCASE("topological layers: the longest path from a source") {
    // a has no predecessor (0); b, d follow a (1); c follows b and d (2); e follows c (3).
    CHECK(g.acyclic());
    CHECK(g.layers() == std::vector<int>{0, 1, 2, 1, 3});
  }
  SUBCASE("hop distances are breadth-first") {
    CHECK(g.hops_from(a) == std::vector<int>{0, 1, 2, 1, 3});
    CHECK(g.hops_from(c) == std::vector<int>{-1, -1, 0, -1, 1});
  }
}

TEST_CASE("cycles are found and name their nodes") {
  // x → y → z → x is a loop (a pool's liquidations move the venue its oracle reads);
  // z → w leaves it; w → w is a loop of one; v is apart.
  const DependencyGraph g = letters("vwxyz", {"xy", "yz", "zx", "zw", "ww", "vx"});
  const int v = 0, y = 3;
  const auto cycles = g.cycles();
  REQUIRE(cycles.size() == 2);
  CHECK(names(g, cycles[0]) == std::vector<std::string>{"w"});
  CHECK(names(g, cycles[1]) == std::vector<std::string>{"x", "y", "z"});
  CHECK_FALSE(g.acyclic());
  // Layers on the condensation: v 0; the loop {x, y, z} 1 (after v); w 2 (after the loop).
  CHECK(g.layers() == std::vector<int>{0, 2, 1, 1, 1});
  const auto tables = graph::analyse(g, config::NetworkSpec{});
  CHECK(tables.cycles == std::vector<std::vector<std::string>>{{"w"}, {"x", "y", "z"}});
  CHECK(tables.nodes[static_cast<std::size_t>(y)].cycle == 1);
  CHECK(tables.nodes[static_cast<std::size_t>(v)].cycle == -1);
}

TEST_CASE("edges are derived from the YAML wiring, issuers and exposures") {
  const auto spec = testing::load(R"(
experiment: {name: wiring, seed: 1, horizon: 1h}
assets:
  ETH: {decimals: 18}
  USDC: {decimals: 6, numeraire: true}
  sUSD: {decimals: 18, issuer: pool}
drivers:
  ref: {type: gbm, asset: ETH, initial_price: 2000, tick: 1m}
venues:
  amm: {type: constant_product_amm, reserves: {ETH: 1000, USDC: 2000000}, fee: 0.003}
oracles:
  feed: {type: deviation_heartbeat, source: amm, deviation: 0.005, heartbeat: 1h, delay: 0s}
protocols:
  pool: {type: lending_pool, oracle: feed, liquidation_venue: amm, collateral: ETH, debt: USDC, ltv: 0.7,
         liquidation_threshold: 0.8, liquidation_bonus: 0.05, supply: 1.0e7,
         rate: {optimal: 0.9, base: 0, slope1: 0.04, slope2: 0.6}}
agents:
  keeper: {type: liquidator, protocol: pool, venue: amm, count: 1, capital: 1.0e6}
  fund: {type: creditor, equity: 1.0e6, external_assets: 1.0e6}
network:
  latency: 10s
  exposures: [{holder: fund, debtor: pool, weight: 5.0e6, latency: 1h}]
)");
  const auto g = DependencyGraph::from_spec(spec);
  // Nodes: assets first, then components in build order.
  CHECK(g.node_count() == 3 + 6);  // ref, amm, feed, pool, keeper, fund
  CHECK(g.asset_count() == 3);
  CHECK(g.node(3).name == "ref");
  auto has = [&](const std::string& from, const std::string& to, EdgeKind kind) {
    for (const auto& e : g.edges())
      if (g.node(e.from).name == from && g.node(e.to).name == to && e.kind == kind) return true;
    return false;
  };
  CHECK(has("ref", "ETH", EdgeKind::prices));
  CHECK(has("amm", "feed", EdgeKind::priced_by));
  CHECK(has("feed", "pool", EdgeKind::priced_by));
  CHECK(has("pool", "amm", EdgeKind::liquidates_on));
  CHECK(has("ETH", "pool", EdgeKind::collateral_in));
  CHECK(has("USDC", "pool", EdgeKind::depends_on));
  CHECK(has("pool", "keeper", EdgeKind::depends_on));
  CHECK(has("keeper", "amm", EdgeKind::liquidates_on));
  CHECK(has("pool", "sUSD", EdgeKind::issues));
  CHECK(has("pool", "fund", EdgeKind::exposed_to));
  CHECK(g.edge_count() == 10);
  for (const auto& e : g.edges()) {
    CAPTURE(e.via);
    CHECK(e.latency == (e.kind == EdgeKind::exposed_to ? kHour : 10 * kSecond));
    CHECK(e.weight == (e.kind == EdgeKind::exposed_to ? 5.0e6 : 1.0));
  }
  // The liquidation spiral amm → feed → pool → (keeper →) amm is the one cycle.
  const auto cycles = g.cycles();
  REQUIRE(cycles.size() == 1);
  CHECK(names(g, cycles[0]) == std::vector<std::string>{"amm", "feed", "pool", "keeper"});
}

TEST_CASE("network section errors name the key path") {
  const std::string head = R"(
experiment: {name: bad, seed: 1, horizon: 1h}
assets:
  USDC: {decimals: 6, numeraire: true}
  sUSD: {decimals: 18, issuer: poool}
agents:
  fund: {type: creditor, equity: 1}
  bank: {type: creditor, equity: 1}
)";
  try {
    testing::load(head + "network: {shock_origin: fnd, exposures: [{holder: fund, debtor: bnk}, {holder: bank, debtor: bank}]}\n");
    FAIL("expected a ConfigError");
  } catch (const config::ConfigError& e) {
    const std::string text = e.diagnostics().to_string();
    CAPTURE(text);
    CHECK(text.find("assets.sUSD.issuer: no component named 'poool'") != std::string::npos);
    CHECK(text.find("network.shock_origin: no component named 'fnd'") != std::string::npos);
    CHECK(text.find("did you mean 'fund'?") != std::string::npos);
    CHECK(text.find("network.exposures[0].debtor: no component named 'bnk'") != std::string::npos);
    CHECK(text.find("did you mean 'bank'?") != std::string::npos);
    CHECK(text.find("network.exposures[1]: 'bank' holds a claim on itself") != std::string::npos);
  }
}
