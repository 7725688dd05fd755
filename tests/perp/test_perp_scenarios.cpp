// The perp experiments as scenario tests, in audit mode: the ledger, vault, fund and position
// books are checked after every event (all PnL, fees, funding and insurance flows balance).
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "cascade/agents/perp_trader/perp_trader.hpp"
#include "cascade/protocols/perp/perp_exchange.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {

config::ExperimentSpec experiment(const std::string& file) {
  auto spec = config::load_experiment(std::string(CASCADE_REPO_DIR) + "/experiments/" + file, testing::registry());
  spec.audit = true;
  return spec;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("ADL cascade: the crash drains the insurance fund and deleverages profitable shorts") {
  const auto spec = experiment("perp_adl_cascade.yaml");
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  w.advance_to(spec.horizon);  // an audit failure would throw here
  const auto& ex = w.get<protocols::PerpExchange>("exchange");
  CHECK(ex.liquidations() > 100);
  CHECK(ex.liquidated_notional() > 1e7);
  // The fund started at 1,000,000 and ends below it: the engine sold inventory taken over at
  // bankruptcy prices into a falling, thinned-out book.
  CHECK(ex.insurance_fund() < 1.0e6);
  CHECK(ex.adl_count() > 0);
  CHECK(ex.adl_closed_profit() > 0.0);  // the deleveraged positions were profitable shorts
  CHECK(ex.insurance_shortfall() == 0.0);  // ADL covered everything the fund could not
  CHECK(ex.bad_debt() == 0.0);
}

TEST_CASE("margin modes: the sweep runs isolated, cross and portfolio on the same traders") {
  const auto base = experiment("perp_margin_modes.yaml");
  const auto points = config::expand_sweep(base.sweep);
  REQUIRE(points.size() == 3);
  double notional[3] = {0, 0, 0}, closed[3] = {0, 0, 0};
  for (std::size_t k = 0; k < 3; ++k) {
    auto spec = config::spec_for_point(base, points[k], testing::registry(), {{"agents.traders.count", "300"}});
    spec.audit = true;
    world::World w(spec, testing::registry(), world::RunContext{static_cast<std::uint32_t>(k), 0, k, false});
    w.start();
    w.advance_to(spec.horizon);
    const auto& traders = w.get<agents::PerpTraders>("traders");
    notional[k] = traders.metric(0);
    closed[k] = traders.metric(3);
  }
  // Same draws at every point (common random numbers). Cross margin counts the idle balance
  // towards the initial margin, so a large position the brackets cap at 20x on its isolated
  // margin can stay whole in cross: cross opens at least as much...
  CHECK(notional[1] >= notional[0]);
  // ...portfolio margin needs 1.5 · 12 % = 18 % of a naked notional, so leverage above 5.6x
  // (relative to the whole balance) is cut: smaller positions.
  CHECK(notional[2] < 0.8 * notional[0]);
  // Cross margin puts the idle balance behind the position: fewer traders are closed out.
  CHECK(closed[1] <= closed[0]);
}

TEST_CASE("a perp world is a pure function of its seed and replica") {
  const auto spec = experiment("perp_adl_cascade.yaml");
  auto once = [&] {
    world::World w(spec, testing::registry(), world::RunContext{0, 1, 1, true});
    auto r = w.run();
    REQUIRE_MESSAGE(r.summary.status == 0, r.error);
    return r;
  };
  const auto a = once(), b = once();
  CHECK(a.summary.n_events == b.summary.n_events);
  REQUIRE(a.final_metrics.size() == b.final_metrics.size());
  for (std::size_t i = 0; i < a.final_metrics.size(); ++i) CHECK(same_bits(a.final_metrics[i], b.final_metrics[i]));
}
