#include "cascade/engine/event_queue.hpp"

#include <bit>

#include "cascade/core/error.hpp"

namespace cascade::engine {
namespace {

// Min-heap on `order` via the std heap algorithms (which build max-heaps for a "less" relation).
bool later_order(const Event& a, const Event& b) { return a.order > b.order; }

}  // namespace

std::size_t EventQueue::bucket_of(Time time, Time now) {
  const auto t = static_cast<std::uint64_t>(time);
  const auto level = static_cast<std::size_t>(std::bit_width(t ^ static_cast<std::uint64_t>(now)) - 1) / kDigitBits;
  return level * kDigits + static_cast<std::size_t>((t >> (level * kDigitBits)) & (kDigits - 1));
}

void EventQueue::push(const Event& e) {
  CASCADE_ASSERT(e.time >= last_, "event pushed before the current instant");
  ++size_;
  peek_valid_ = false;
  if (e.time == last_) {
    current_.push_back(e);
    std::push_heap(current_.begin(), current_.end(), later_order);
    return;
  }
  const std::size_t b = bucket_of(e.time, last_);
  buckets_[b].push_back(e);
  mark(b);
}

std::size_t EventQueue::lowest_bucket() const {
  for (std::size_t w = 0; w < occupied_.size(); ++w) {
    if (occupied_[w] != 0) return w * 64 + static_cast<std::size_t>(std::countr_zero(occupied_[w]));
  }
  CASCADE_ASSERT(false, "no pending events outside the current instant");
  return 0;
}

std::size_t EventQueue::earliest_in(std::size_t bucket) const {
  const auto& events = buckets_[bucket];
  std::size_t best = 0;
  for (std::size_t i = 1; i < events.size(); ++i) {
    if (runs_before(events[i], events[best])) best = i;
  }
  return best;
}

const Event& EventQueue::top() const {
  CASCADE_ASSERT(size_ > 0, "top of an empty event queue");
  if (!current_.empty()) return current_.front();
  const std::size_t b = lowest_bucket();
  if (!peek_valid_) {
    peek_ = earliest_in(b);
    peek_valid_ = true;
  }
  return buckets_[b][peek_];
}

void EventQueue::refill() {
  const std::size_t b = lowest_bucket();
  const Time next = buckets_[b][peek_valid_ ? peek_ : earliest_in(b)].time;
  peek_valid_ = false;
  last_ = next;
  // Every event of bucket b agrees with `next` on the digit of b's level and all above it, so
  // each lands in a lower level (or the current instant): the loop never appends to the vector
  // it reads.
  auto& events = buckets_[b];
  for (const Event& e : events) {
    if (e.time == next) {
      current_.push_back(e);
    } else {
      const std::size_t to = bucket_of(e.time, next);
      buckets_[to].push_back(e);
      mark(to);
    }
  }
  events.clear();
  occupied_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
  std::make_heap(current_.begin(), current_.end(), later_order);
}

Event EventQueue::pop() {
  CASCADE_ASSERT(size_ > 0, "pop on an empty event queue");
  if (current_.empty()) refill();
  std::pop_heap(current_.begin(), current_.end(), later_order);
  const Event first = current_.back();
  current_.pop_back();
  --size_;
  return first;
}

void EventQueue::clear() {
  current_.clear();
  for (auto& b : buckets_) b.clear();
  occupied_.fill(0);
  last_ = 0;
  size_ = 0;
  peek_valid_ = false;
}

}  // namespace cascade::engine
