#pragma once
/// @file deviation_heartbeat_oracle.hpp
/// @brief Chainlink-style push oracle: a new round when the source moves by the deviation
/// threshold or the heartbeat expires, landing on chain after an inclusion delay.

#include <string>

#include "cascade/engine/simulator.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief Deviation + heartbeat oracle (Chainlink OCR feeds).
///
/// A round is triggered when |p_source / p_published − 1| ≥ deviation, or when `heartbeat` has
/// passed since the last published round. The round's answer is the source price observed at the
/// trigger; it is published `delay` later (transaction inclusion), and followers (protocols) are
/// notified then. One round is in flight at a time; after it lands the deviation is checked again
/// against the current source price.
class DeviationHeartbeatOracle final : public world::Component, public world::PriceSource {
 public:
  DeviationHeartbeatOracle(const config::ComponentSpec& spec, world::World& world);

  double price() const override { return published_; }
  const std::string& base_asset() const override { return asset_; }
  Time last_update() const { return last_update_; }
  std::uint64_t rounds() const { return rounds_; }

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;

 private:
  enum Kind : std::uint32_t { source_changed = 0, heartbeat = 1, land = 2 };
  void trigger(world::World& world);
  bool moved(double source_price) const;

  world::PriceSource* source_ = nullptr;
  std::string asset_;
  double deviation_;
  Time heartbeat_;
  Time delay_;
  double published_ = 0.0;
  double pending_ = 0.0;
  bool in_flight_ = false;
  Time last_update_ = 0;
  std::uint64_t rounds_ = 0;
  engine::Timer heartbeat_timer_;
  world::PriceStats stats_;
};

void register_deviation_heartbeat_oracle(world::Registry& registry);

}  // namespace cascade::protocols
