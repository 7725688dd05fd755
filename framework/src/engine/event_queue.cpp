#include "cascade/engine/event_queue.hpp"

#include "cascade/core/error.hpp"

namespace cascade::engine {

void EventQueue::push(const Event& e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  // Sift up with a hole instead of swaps.
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!runs_before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

Event EventQueue::pop() {
  CASCADE_ASSERT(!heap_.empty(), "pop on an empty event queue");
  const Event first = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return first;
  std::size_t i = 0;
  for (;;) {
    const std::size_t c0 = 4 * i + 1;
    if (c0 >= n) break;
    std::size_t best = c0;
    const std::size_t c_end = c0 + 4 < n ? c0 + 4 : n;
    for (std::size_t c = c0 + 1; c < c_end; ++c) {
      if (runs_before(heap_[c], heap_[best])) best = c;
    }
    if (!runs_before(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
  return first;
}

}  // namespace cascade::engine
