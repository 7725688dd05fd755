#pragma once
/// @file event_queue.hpp
/// @brief Pending events ordered by (time, class, sequence).

#include <cstddef>
#include <vector>

#include "cascade/engine/event.hpp"

namespace cascade::engine {

/// @brief A 4-ary min-heap of events stored in one contiguous vector.
///
/// A 4-ary heap halves the depth of a binary heap and keeps the four children of a node in one
/// or two cache lines, which is what dominates at size. Storage grows geometrically and is kept
/// between runs (`clear()` keeps capacity), so there is no allocation per event in steady state.
/// The interface (push/pop/top/size) is what the simulator needs; other queue designs can be
/// benchmarked behind it (bench/engine).
/// @code
/// EventQueue q;
/// q.push(Event{.time = 10, .order = make_order(EventClass::oracle, 0)});
/// Event e = q.pop();
/// @endcode
class EventQueue {
 public:
  void reserve(std::size_t n) { heap_.reserve(n); }
  void push(const Event& e);
  /// Removes and returns the first event. Precondition: !empty().
  Event pop();
  const Event& top() const { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void clear() { heap_.clear(); }

 private:
  std::vector<Event> heap_;
};

/// Packs a class and a sequence number into Event::order.
constexpr std::uint64_t make_order(EventClass c, std::uint64_t sequence) {
  return (static_cast<std::uint64_t>(c) << 56) | (sequence & ((std::uint64_t{1} << 56) - 1));
}

}  // namespace cascade::engine
