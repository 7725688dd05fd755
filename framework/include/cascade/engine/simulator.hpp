#pragma once
/// @file simulator.hpp
/// @brief The discrete-event clock and queue of one world.

#include <cstdint>

#include "cascade/engine/event_queue.hpp"

namespace cascade::engine {

/// @brief Clock + queue. Time never goes backwards: scheduling in the past is a programming error.
///
/// @code
/// Simulator sim;
/// sim.schedule(5 * kSecond, EventClass::oracle, oracle_id, kUpdate);
/// while (auto* e = sim.next(horizon)) dispatch(*e);
/// @endcode
class Simulator {
 public:
  Time now() const { return now_; }

  /// @brief Schedules an event at absolute time `at` (≥ now).
  void schedule(Time at, EventClass cls, ComponentId target, std::uint32_t kind, std::uint32_t payload = 0,
                std::uint32_t generation = 0);
  /// @brief Schedules an event `delay` (≥ 0) after now.
  void schedule_in(Time delay, EventClass cls, ComponentId target, std::uint32_t kind, std::uint32_t payload = 0,
                   std::uint32_t generation = 0) {
    schedule(now_ + delay, cls, target, kind, payload, generation);
  }

  /// @brief Pops the next event with time ≤ horizon, advancing the clock; false when there is none.
  bool next(Time horizon, Event& out);

  std::size_t pending() const { return queue_.size(); }
  std::uint64_t processed() const { return processed_; }
  void reserve(std::size_t n) { queue_.reserve(n); }

 private:
  EventQueue queue_;
  Time now_ = 0;
  std::uint64_t sequence_ = 0;
  std::uint64_t processed_ = 0;
};

/// @brief Lazy cancellation: a component keeps one Timer per cancellable action, passes
/// `generation()` when scheduling, and ignores events for which `is_current()` is false.
/// `cancel()` (or re-arming) bumps the generation, so stale events are skipped when popped
/// instead of being searched for in the queue.
class Timer {
 public:
  std::uint32_t arm() { armed_ = true; return ++generation_; }
  void cancel() { armed_ = false; ++generation_; }
  bool is_current(const Event& e) const { return armed_ && e.generation == generation_; }
  /// Marks the timer as fired (call when handling its current event).
  void fired() { armed_ = false; }
  bool armed() const { return armed_; }
  std::uint32_t generation() const { return generation_; }

 private:
  std::uint32_t generation_ = 0;
  bool armed_ = false;
};

}  // namespace cascade::engine
