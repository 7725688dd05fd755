// experiments/defi_contagion_stablecoin.yaml: an ETH crash liquidates Maker vaults; the keepers'
// DAI purchases on the DAI/USDC pool lift DAI, and an Aave market that prices DAI from that pool
// liquidates borrowers who owe DAI against USDC. The hop distances follow the wiring, and the
// coupling (the highest price the keepers pay for DAI) decides whether the lending market, five
// hops from the ETH driver, is touched at all.
#include <doctest/doctest.h>

#include "cascade/graph/dependency_graph.hpp"
#include "cascade/graph/propagation.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {
config::ExperimentSpec stablecoin_spec(const std::string& max_price) {
  return config::load_experiment(std::string(CASCADE_REPO_DIR) + "/experiments/defi_contagion_stablecoin.yaml", testing::registry(),
                                 {{"agents.keepers.max_stablecoin_price", max_price}, {"sweep", "{}"}});
}

double metric(const world::World& w, const std::string& component, const std::string& name) {
  const auto* c = w.find(component);
  REQUIRE(c != nullptr);
  const int index = c->schema()->metric_index(name);
  REQUIRE(index >= 0);
  return c->metric(index);
}
}  // namespace

TEST_CASE("defi_contagion_stablecoin: the CDP reaches the lending market through the DAI pool") {
  const auto spec = stablecoin_spec("1.10");
  const auto g = graph::DependencyGraph::from_spec(spec);
  auto has = [&](const std::string& from, const std::string& to, graph::EdgeKind kind) {
    for (const auto& e : g.edges())
      if (g.node(e.from).name == from && g.node(e.to).name == to && e.kind == kind) return true;
    return false;
  };
  // The two optional names annotated for this experiment: the keepers' purchases move the pool,
  // and the CDP system reads DAI's price from it.
  CHECK(has("keepers", "dai_usdc", graph::EdgeKind::liquidates_on));
  CHECK(has("dai_usdc", "maker", graph::EdgeKind::priced_by));
  CHECK(has("maker", "DAI", graph::EdgeKind::issues));
  CHECK(has("dai_usdc", "dai_feed", graph::EdgeKind::priced_by));
  CHECK(has("dai_feed", "aave", graph::EdgeKind::priced_by));
  CHECK(has("aave_liquidators", "dai_usdc", graph::EdgeKind::liquidates_on));
}

TEST_CASE("defi_contagion_stablecoin: keepers paying up to $1.10 for DAI carry the crash into the lending market") {
  const auto spec = stablecoin_spec("1.10");
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& g = w.network().graph();
  auto node = [&](const char* name) { return result.nodes[static_cast<std::size_t>(g.find(name))]; };
  // Counted by hand on `cascade graph`: eth_ref → eth_a (its market price; also eth_ref → eth_osm
  // → eth_a, two hops) → keepers (protocol) → dai_usdc (stablecoin_venue) → dai_feed (source) →
  // aave (oracles) → aave_liquidators, borrowers (protocol), dai_suppliers (exposure) → fund.
  const std::pair<const char*, int> hops[] = {{"eth_ref", 0},  {"eth_osm", 1},          {"eth_a", 1},     {"keepers", 2},
                                              {"dai_usdc", 3}, {"dai_feed", 4},         {"maker", 4},     {"aave", 5},
                                              {"borrowers", 6}, {"aave_liquidators", 6}, {"dai_suppliers", 6}, {"fund", 7}};
  for (const auto& [name, h] : hops) {
    CAPTURE(name);
    CHECK(node(name).hops == h);
  }
  // The vaults are liquidated (the first hop of the mechanism) ...
  CHECK(metric(w, "eth_a", "liquidations") > 0.0);
  // ... the keepers' purchases lift DAI past the weakest e-mode position's health factor at
  // DAI = 1, LT/LTV = 0.95/0.93 = 1.0215 (positions are cut to the 93 % LTV) ...
  CHECK(metric(w, "maker", "stablecoin_price") > 0.95 / 0.93);
  // ... and the lending market, five hops from the shock, liquidates; its first liquidation comes
  // after the first vault liquidation (the feed must first see the pool move). Its only venue is
  // DAI/USDC with the debt (DAI) as base, so every liquidation here is a sale of the quote asset
  // (seized USDC) for the base: the market_liquidator's debt/collateral orientation.
  CHECK(metric(w, "aave", "liquidations") > 0.0);
  CHECK(node("aave").impacted == 1);
  CHECK(result.summary.cascade_depth >= 5);
  double first_vault = 1e300, first_aave = 1e300;
  const auto eth_a = w.protocol_index("eth_a"), aave = w.protocol_index("aave");
  for (const auto& l : result.liquidations) {
    if (l.protocol == eth_a) first_vault = std::min(first_vault, l.time_s);
    if (l.protocol == aave) first_aave = std::min(first_aave, l.time_s);
  }
  CHECK(first_vault < first_aave);
}

TEST_CASE("defi_contagion_stablecoin: keepers stopping at $1.02 leave the lending market untouched") {
  const auto spec = stablecoin_spec("1.02");
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  // The keepers buy while the marginal price, fee included, is at most 1.02. Selling a USDC into
  // reserves (x USDC, y DAI), γ = 0.997, stops where γxy/(x + γa)² = 1/1.02; the spot price is then
  // (x + a)(x + γa)/(xy) = 1.02·γ·(x + a)/(x + γa) < 1.02 (the fee stays in the pool, so it sits a
  // hair above 1.02·γ = 1.01694), and a later purchase starts only below that. So DAI stays under
  // 1.02 < 1.0215: no e-mode position ever has HF < 1, and nothing else buys DAI (the PSM is
  // closed, the Aave liquidators never act).
  CHECK(metric(w, "eth_a", "liquidations") > 0.0);
  CHECK(metric(w, "maker", "stablecoin_price") > 1.0);
  CHECK(metric(w, "maker", "stablecoin_price") < 1.02);
  CHECK(metric(w, "aave", "liquidations") == 0.0);
  CHECK(metric(w, "aave", "bad_debt") == 0.0);
  const auto& g = w.network().graph();
  CHECK(result.nodes[static_cast<std::size_t>(g.find("aave"))].impacted == 0);
  CHECK(result.nodes[static_cast<std::size_t>(g.find("dai_suppliers"))].insolvent == 0);
  // The DAI pool moved by less than the 5 % signal threshold, so the cascade the graph sees stops
  // at the first hop (ETH and its oracle follow the driver's 5 % moves).
  CHECK(result.summary.cascade_depth <= 2);
}
