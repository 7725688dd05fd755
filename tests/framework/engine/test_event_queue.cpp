// Event order: (time, class, sequence) — equal-time events in class order, FIFO within a class.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "cascade/core/error.hpp"
#include "cascade/engine/event_queue.hpp"
#include "cascade/engine/simulator.hpp"

using namespace cascade;
using namespace cascade::engine;

TEST_CASE("events pop in time order") {
  Simulator sim;
  sim.schedule(30, EventClass::agent, 0, 3);
  sim.schedule(10, EventClass::agent, 0, 1);
  sim.schedule(20, EventClass::agent, 0, 2);
  Event e;
  std::vector<std::uint32_t> kinds;
  while (sim.next(1000, e)) kinds.push_back(e.kind);
  CHECK(kinds == std::vector<std::uint32_t>{1, 2, 3});
  CHECK(sim.now() == 30);
}

TEST_CASE("equal-time events run in class order, then FIFO within a class") {
  Simulator sim;
  // scheduled in a scrambled order at the same time
  sim.schedule(5, EventClass::recorder, 0, 70);
  sim.schedule(5, EventClass::liquidator, 0, 50);
  sim.schedule(5, EventClass::agent, 0, 40);
  sim.schedule(5, EventClass::exogenous, 0, 1);
  sim.schedule(5, EventClass::protocol, 0, 30);
  sim.schedule(5, EventClass::agent, 0, 41);
  sim.schedule(5, EventClass::oracle, 0, 20);
  sim.schedule(5, EventClass::venue, 0, 10);
  sim.schedule(5, EventClass::exogenous, 0, 2);
  sim.schedule(5, EventClass::agent, 0, 42);
  Event e;
  std::vector<std::uint32_t> kinds;
  while (sim.next(5, e)) kinds.push_back(e.kind);
  CHECK(kinds == std::vector<std::uint32_t>{1, 2, 10, 20, 30, 40, 41, 42, 50, 70});
}

TEST_CASE("the horizon is inclusive and later events stay queued") {
  Simulator sim;
  sim.schedule(10, EventClass::agent, 0, 1);
  sim.schedule(11, EventClass::agent, 0, 2);
  Event e;
  CHECK(sim.next(10, e));
  CHECK_FALSE(sim.next(10, e));
  CHECK(sim.pending() == 1);
}

// The queue's contract, as the simulator uses it: nothing is pushed before the last popped time
// (but anything at or after it, including the current instant in an earlier class).
TEST_CASE("the queue agrees with a stable sort on 50,000 random events pushed as a simulation does") {
  EventQueue q;
  std::vector<Event> reference;
  std::uint64_t state = 12345;
  auto next_random = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  Time now = 0;
  for (std::uint64_t seq = 0; seq < 50000; ++seq) {
    // delays from 0 (the current instant) to ~2^40 µs, so every bucket level is exercised
    const std::uint64_t r = next_random();
    const Time delay = r % 4 == 0 ? 0 : static_cast<Time>(next_random() % (std::uint64_t{1} << (r % 41)));
    const Event e{now + delay, make_order(static_cast<EventClass>(next_random() % 7), seq), 0,
                  static_cast<std::uint32_t>(seq)};
    q.push(e);
    reference.push_back(e);
    if (seq % 3 == 0) {  // interleave pops with pushes, as a simulation does
      auto it = std::min_element(reference.begin(), reference.end(), runs_before);
      REQUIRE(q.top().kind == it->kind);
      const Event popped = q.pop();
      REQUIRE(popped.kind == it->kind);
      now = popped.time;
      reference.erase(it);
    }
  }
  CHECK(q.size() == reference.size());
  std::stable_sort(reference.begin(), reference.end(), runs_before);
  for (const auto& expected : reference) {
    REQUIRE(q.top().kind == expected.kind);
    const Event popped = q.pop();
    REQUIRE(popped.kind == expected.kind);
  }
  CHECK(q.empty());
}

TEST_CASE("an event for the current instant in an earlier class runs before the rest of the instant") {
  EventQueue q;
  q.push(Event{7, make_order(EventClass::agent, 0), 0, 1});
  q.push(Event{7, make_order(EventClass::liquidator, 1), 0, 2});
  q.push(Event{9, make_order(EventClass::exogenous, 2), 0, 3});
  CHECK(q.pop().kind == 1);  // the agent event at t = 7 runs and schedules an oracle update at t = 7
  q.push(Event{7, make_order(EventClass::oracle, 3), 0, 4});
  CHECK(q.pop().kind == 4);
  CHECK(q.pop().kind == 2);
  CHECK(q.pop().kind == 3);
  CHECK(q.empty());
}

TEST_CASE("a push between top and pop is seen") {
  EventQueue q;
  q.push(Event{100, make_order(EventClass::agent, 0), 0, 1});
  q.push(Event{300, make_order(EventClass::agent, 1), 0, 2});
  CHECK(q.top().kind == 1);
  q.push(Event{50, make_order(EventClass::agent, 2), 0, 3});  // earlier than the peeked event
  CHECK(q.top().kind == 3);
  CHECK(q.pop().kind == 3);
  CHECK(q.pop().kind == 1);
  CHECK(q.pop().kind == 2);
}

TEST_CASE("timers cancel lazily: stale generations are recognised") {
  Timer t;
  const auto g1 = t.arm();
  const Event first{10, 0, 0, 0, 0, g1};
  CHECK(t.is_current(first));
  const auto g2 = t.arm();  // re-armed: the first event is now stale
  CHECK_FALSE(t.is_current(first));
  CHECK(t.is_current(Event{20, 0, 0, 0, 0, g2}));
  t.cancel();
  CHECK_FALSE(t.is_current(Event{20, 0, 0, 0, 0, g2}));
}

TEST_CASE("scheduling in the past is a programming error") {
  Simulator sim;
  sim.schedule(10, EventClass::agent, 0, 0);
  Event e;
  sim.next(100, e);
  CHECK_THROWS_AS(sim.schedule(5, EventClass::agent, 0, 0), AssertionFailure);
  EventQueue q;
  q.push(Event{10, 0, 0, 0});
  q.pop();
  CHECK_THROWS_AS(q.push(Event{9, 0, 0, 0}), AssertionFailure);
}
