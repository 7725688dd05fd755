#include "cascade/engine/simulator.hpp"

#include "cascade/core/error.hpp"

namespace cascade::engine {

void Simulator::schedule(Time at, EventClass cls, ComponentId target, std::uint32_t kind, std::uint32_t payload,
                         std::uint32_t generation) {
  CASCADE_ASSERT(at >= now_, "event scheduled in the past");
  queue_.push(Event{at, make_order(cls, sequence_++), target, kind, payload, generation});
}

bool Simulator::next(Time horizon, Event& out) {
  if (queue_.empty() || queue_.top().time > horizon) return false;
  out = queue_.pop();
  now_ = out.time;
  ++processed_;
  return true;
}

}  // namespace cascade::engine
