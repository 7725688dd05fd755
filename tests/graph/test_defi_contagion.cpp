// experiments/defi_contagion.yaml: hop distances follow the wiring, and the coupling (the bridge
// arbitrageur's capital per trade) decides whether the whale's dump stops at pool A or reaches
// pool B and its creditors, five to seven hops away.
#include <doctest/doctest.h>

#include "cascade/graph/propagation.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {
config::ExperimentSpec contagion_spec(const std::string& max_trade) {
  return config::load_experiment(std::string(CASCADE_REPO_DIR) + "/experiments/defi_contagion.yaml", testing::registry(),
                                 {{"agents.bridge_arb.max_trade", max_trade}, {"sweep", "{}"}});
}
}  // namespace

TEST_CASE("defi_contagion: hop distances from the whale follow the wiring") {
  const auto spec = contagion_spec("1.0e4");
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& g = w.network().graph();
  auto node = [&](const char* name) { return result.nodes[static_cast<std::size_t>(g.find(name))]; };
  // whale → dex_a (liquidates_on) → feed_a (priced_by) → pool_a (priced_by);
  // dex_a → bridge_arb (its reference) → dex_b (trades_on) → feed_b → pool_b → depositors_b
  // (exposed_to) → fund (exposed_to).
  const std::pair<const char*, int> hops[] = {{"whale", 0},  {"dex_a", 1},  {"feed_a", 2}, {"bridge_arb", 2},
                                              {"pool_a", 3}, {"dex_b", 3},  {"feed_b", 4}, {"pool_b", 5},
                                              {"depositors_b", 6}, {"fund", 7}};
  for (const auto& [name, h] : hops) {
    CAPTURE(name);
    CHECK(node(name).hops == h);
  }
  // With ample arbitrage capital the crash crosses: pool B books bad debt (5 hops), its
  // depositors and then the fund default (6 and 7 hops), each after the previous one.
  CHECK(node("pool_b").impacted == 1);
  CHECK(node("depositors_b").insolvent == 1);
  CHECK(node("fund").insolvent == 1);
  CHECK(node("depositors_b").insolvent_s >= node("pool_b").first_impact_s + 600.0);  // exposure latency 10 min
  CHECK(node("fund").insolvent_s >= node("depositors_b").insolvent_s + 3600.0);      // exposure latency 1 h
  CHECK(result.summary.cascade_depth == 7);
}

TEST_CASE("defi_contagion: without arbitrage capital the cascade stops at pool A") {
  const auto spec = contagion_spec("1.0e2");
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  // whale, dex_a, feed_a, pool_a: depth 3; dex_b moves by less than the 5 % threshold.
  CHECK(result.summary.cascade_depth == 3);
  CHECK(result.summary.cascade_size == 4);
}
