#pragma once
/// @file event.hpp
/// @brief The engine's event: a small plain struct ordered by (time, class, sequence).

#include <cstdint>

#include "cascade/core/time.hpp"

namespace cascade::engine {

/// @brief Equal-time events run in this fixed order (DESIGN §3), FIFO within a class.
enum class EventClass : std::uint8_t {
  exogenous = 0,   ///< price drivers, scripted shocks
  venue = 1,       ///< AMMs, order books
  oracle = 2,      ///< oracle updates
  protocol = 3,    ///< lending pools, vaults, exchanges
  agent = 4,       ///< traders, borrowers, arbitrageurs
  liquidator = 5,  ///< liquidators and keepers
  recorder = 6,    ///< metric sampling: sees the state after everything else at that time
};
inline constexpr int kEventClassCount = 7;

/// Index of a component in its world.
using ComponentId = std::uint32_t;

/// @brief 32 bytes, trivially copyable. `order` packs the class (top 8 bits) and a per-world
/// sequence number (low 56 bits), so (time, order) is a total order and FIFO within a class.
struct Event {
  Time time = 0;
  std::uint64_t order = 0;
  ComponentId target = 0;
  std::uint32_t kind = 0;        ///< meaning defined by the target component
  std::uint32_t payload = 0;     ///< e.g. an entity index
  std::uint32_t generation = 0;  ///< for lazy cancellation (see Timer)

  EventClass event_class() const { return static_cast<EventClass>(order >> 56); }
  std::uint64_t sequence() const { return order & ((std::uint64_t{1} << 56) - 1); }
};
static_assert(sizeof(Event) == 32);

/// Strict "runs before" order.
inline bool runs_before(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.order < b.order);
}

}  // namespace cascade::engine
