// Chainlink-style update rules: deviation threshold, heartbeat, inclusion delay.
#include <doctest/doctest.h>

#include "cascade/protocols/oracle/deviation_heartbeat_oracle.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::DeviationHeartbeatOracle;

namespace {
// A reference that falls 0.3 % at 1 min and 0.6 % (in total) at 5 min, then stays flat.
// drop 0.003 over 0 at 1m; second leg simulated by a second driver is not needed: scripted_crash
// with over = 4 min falls geometrically, so we test the rules with simple steps instead.
std::string yaml(double drop, const char* over, const char* delay) {
  return std::string(R"(
experiment: {name: oracle, seed: 1, horizon: 3h}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers: {ref: {type: scripted_crash, asset: ETH, initial_price: 1000, drop: )") + std::to_string(drop) +
         ", crash_at: 10m, over: " + over + R"(, tick: 1m}}
oracles: {feed: {type: deviation_heartbeat, source: ref, deviation: 0.005, heartbeat: 1h, delay: )" + delay + "}}\n";
}
}  // namespace

TEST_CASE("a move below the deviation threshold waits for the heartbeat") {
  auto spec = testing::load(yaml(0.003, "0s", "0s"));  // 1000 → 997 at 10 min: 0.3 % < 0.5 %
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& feed = w.get<DeviationHeartbeatOracle>("feed");
  w.advance_to(59 * kMinute);
  CHECK(feed.price() == 1000.0);
  w.advance_to(kHour);  // heartbeat at 1 h publishes the current 997
  CHECK(feed.price() == doctest::Approx(997.0));
  CHECK(feed.last_update() == kHour);
}

TEST_CASE("a move beyond the threshold lands after the inclusion delay, at the price seen at the trigger") {
  auto spec = testing::load(yaml(0.02, "0s", "30s"));  // 1000 → 980 at 10 min
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& feed = w.get<DeviationHeartbeatOracle>("feed");
  w.advance_to(10 * kMinute + 29 * kSecond);
  CHECK(feed.price() == 1000.0);
  w.advance_to(10 * kMinute + 30 * kSecond);
  CHECK(feed.price() == doctest::Approx(980.0));
  CHECK(feed.rounds() == 1);
  // The heartbeat restarts from that round: the next round is triggered at 1 h 10 min 30 s and,
  // like every round, lands 30 s later.
  w.advance_to(kHour + 10 * kMinute + 59 * kSecond);
  CHECK(feed.rounds() == 1);
  w.advance_to(kHour + 11 * kMinute);
  CHECK(feed.rounds() == 2);
}

TEST_CASE("a gradual fall produces one round per 0.5 % step") {
  // 1000 → 950 geometrically over 50 min, observed every minute: each minute falls
  // 1 − 0.95^(1/50) = 0.1025 %, so a round needs 5 ticks (0.512 %) from the last published value:
  // rounds at minutes 15, 20, …, 60 → 10 rounds by 60 min.
  auto spec = testing::load(yaml(0.05, "50m", "0s"));
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& feed = w.get<DeviationHeartbeatOracle>("feed");
  w.advance_to(60 * kMinute);
  CHECK(feed.rounds() == 10);
  CHECK(feed.price() == doctest::Approx(950.0));
}
