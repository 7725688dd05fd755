#pragma once
/// @file bot_crew.hpp
/// @brief Competing bots that each act after their own latency; shared by `liquidator` and `market_liquidator`.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cascade/config/schema.hpp"
#include "cascade/random/distributions.hpp"
#include "cascade/random/philox_stream.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

/// @brief `count` bots of one component. A bot is idle or waiting for its action; each action is
/// scheduled after a fresh latency draw from the bot's own stream (purpose `agent`, entity = bot
/// index), so bots never share random numbers and the draws do not depend on thread count.
class BotCrew {
 public:
  BotCrew(const world::World& world, const world::Component& owner, std::uint32_t count, random::Distribution latency)
      : latency_(std::move(latency)), busy_(count, 0) {
    streams_.reserve(count);
    for (std::uint32_t j = 0; j < count; ++j) streams_.push_back(world.stream(random::StreamPurpose::agent, owner, j));
  }
  std::uint32_t size() const { return static_cast<std::uint32_t>(busy_.size()); }

  /// @brief Marks bot j busy and schedules Event{kind, payload j} (class liquidator) after its
  /// latency; a reaction after the horizon never happens (and must not overflow the clock).
  void schedule(world::World& world, world::ComponentId target, std::uint32_t kind, std::uint32_t j) {
    busy_[j] = 1;
    const double seconds = std::max(0.0, latency_.sample(streams_[j]));
    if (seconds > to_seconds(world.horizon() - world.now())) return;
    world.sim().schedule_in(static_cast<Time>(seconds * static_cast<double>(kSecond)), engine::EventClass::liquidator, target, kind, j);
  }
  /// @brief Schedules every idle bot (after a notification that there is work).
  void wake_idle(world::World& world, world::ComponentId target, std::uint32_t kind) {
    for (std::uint32_t j = 0; j < size(); ++j)
      if (!busy_[j]) schedule(world, target, kind, j);
  }
  /// Bot j's action runs now: it is idle again unless it schedules another.
  void acting(std::uint32_t j) { busy_[j] = 0; }

 private:
  random::Distribution latency_;
  std::vector<random::PhiloxStream> streams_;
  std::vector<std::uint8_t> busy_;
};

/// @brief The parameters every liquidator type has: count, latency, capital, min_profit, gas_cost,
/// max_per_action (`capital_doc` says what the capital is held in).
inline void add_bot_params(config::ComponentSchema& s, std::string capital_doc) {
  using config::ParamSchema;
  s.params.push_back(ParamSchema::integer("count", "bots", "number of competing liquidators").range(1, 1e6).with_default(std::int64_t{5}));
  s.params.push_back(ParamSchema::distribution("latency", "s", "reaction time per action, in seconds")
                         .range(0, std::numeric_limits<double>::infinity()).with_default(random::Distribution::exponential(12.0)));
  s.params.push_back(ParamSchema::number("capital", "numeraire", std::move(capital_doc)).range(0, 1e15).with_default(1e6));
  s.params.push_back(ParamSchema::number("min_profit", "numeraire", "smallest profit worth a transaction").range(-1e12, 1e12).with_default(0.0));
  s.params.push_back(ParamSchema::number("gas_cost", "numeraire", "transaction cost per liquidation").range(0, 1e9).with_default(0.0));
  s.params.push_back(ParamSchema::integer("max_per_action", "liquidations", "liquidations per action (per block)")
                         .range(1, 1e6).with_default(std::int64_t{5}));
}

}  // namespace cascade::agents
