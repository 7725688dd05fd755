// Engine throughput on a no-op handler (DESIGN §11): the "hold" model — pop the next event and
// schedule one at a random later time — keeps the number of pending events constant.
#include <benchmark/benchmark.h>

#include "cascade/engine/simulator.hpp"

using namespace cascade;
using namespace cascade::engine;

static void BM_hold_noop(benchmark::State& state) {
  const auto pending = static_cast<std::size_t>(state.range(0));
  Simulator sim;
  sim.reserve(pending + 1);
  std::uint64_t rng = 88172645463325252ULL;
  auto next_delay = [&] {  // xorshift64: cheap, so the queue dominates
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<Time>(rng % 1'000'000);
  };
  for (std::size_t i = 0; i < pending; ++i) sim.schedule(next_delay(), static_cast<EventClass>(i % 7), 0, 0);
  Event e;
  for (auto _ : state) {
    sim.next(std::numeric_limits<Time>::max(), e);
    sim.schedule_in(next_delay(), e.event_class(), e.target, e.kind);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_hold_noop)->Arg(1'000)->Arg(1'000'000);

BENCHMARK_MAIN();
