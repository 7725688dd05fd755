#pragma once
/// @file event_queue.hpp
/// @brief Pending events ordered by (time, class, sequence): a monotone radix heap.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cascade/engine/event.hpp"

namespace cascade::engine {

/// @brief Pending events of one world: a radix heap on time with 16-way digits, plus a small
/// binary heap ordered by (class, sequence) for the events of the current instant.
///
/// Simulation time never goes back: nothing is scheduled before the last event popped. That
/// makes a radix heap applicable (Ahuja, Mehlhorn, Orlin & Tarjan 1990). Times are read as 16
/// hexadecimal digits; an event waits in the bucket (L, d) where L is the highest digit in which
/// its time differs from t_now (the instant being processed) and d its own digit there. Buckets
/// in (L, d) order hold increasing, disjoint time ranges. When the current instant is exhausted,
/// the first non-empty bucket is scanned for its earliest time, which becomes the new instant,
/// and its events move to buckets of strictly lower levels (those at the new instant into the
/// current-instant heap). An event moves at most once per hex digit of its delay (5 times for a
/// delay under 2^20 µs ≈ 17 min); every pass streams through contiguous vectors, so the cost per
/// event stays nearly flat from 1,000 to 1,000,000 pending events, where a comparison heap is
/// dominated by cache misses (BENCHMARKS.md §1).
///
/// Order is exactly (time, order): equal-time events pop in class order, FIFO within a class,
/// even when an event of an earlier class is scheduled for the current instant while it runs.
/// Storage is kept between runs (`clear()` keeps capacity): no allocation in steady state.
/// @code
/// EventQueue q;
/// q.push(Event{.time = 10, .order = make_order(EventClass::oracle, 0)});
/// Event e = q.pop();
/// @endcode
class EventQueue {
 public:
  void reserve(std::size_t n) { current_.reserve(std::min<std::size_t>(n, 1024)); }
  /// Adds an event. Precondition (asserted): e.time is not before the last popped event's time.
  void push(const Event& e);
  /// Removes and returns the first event. Precondition: !empty().
  Event pop();
  /// The first event (precondition: !empty()); valid until the next push or pop.
  const Event& top() const;
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void clear();

 private:
  static constexpr int kDigitBits = 4;
  static constexpr std::size_t kDigits = std::size_t{1} << kDigitBits;  // buckets per level
  static constexpr std::size_t kBuckets = 64 / kDigitBits * kDigits;    // level · kDigits + digit
  static std::size_t bucket_of(Time time, Time now);
  void mark(std::size_t bucket) { occupied_[bucket / 64] |= std::uint64_t{1} << (bucket % 64); }
  void refill();  // current_ empty: make the next instant current
  std::size_t lowest_bucket() const;
  std::size_t earliest_in(std::size_t bucket) const;  // index of the first event of a bucket

  std::vector<Event> current_;  // events at time last_, a min-heap on `order`
  std::array<std::vector<Event>, kBuckets> buckets_;
  std::array<std::uint64_t, kBuckets / 64> occupied_{};  // bit per non-empty bucket
  Time last_ = 0;               // the current instant
  std::size_t size_ = 0;
  mutable std::size_t peek_ = 0;  // top() on an empty current_: cached earliest_in(lowest)
  mutable bool peek_valid_ = false;
};

/// Packs a class and a sequence number into Event::order.
constexpr std::uint64_t make_order(EventClass c, std::uint64_t sequence) {
  return (static_cast<std::uint64_t>(c) << 56) | (sequence & ((std::uint64_t{1} << 56) - 1));
}

}  // namespace cascade::engine
