#pragma once
/// @file price_driver.hpp
/// @brief Exogenous reference prices (DESIGN §5): a driver ticks on a fixed grid and notifies
/// its followers (oracles, arbitrageurs) after each move.

#include <string>

#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::market {

/// @brief Base of every price driver. Subclasses give the price at t = 0 and the price at each
/// tick time (called in increasing time order, once per tick).
///
/// Common parameters: `asset` (what is priced, in the numeraire) and `tick` (the time step).
/// Metric: `price`.
class PriceDriver : public world::Component, public world::PriceSource {
 public:
  PriceDriver(const config::ComponentSpec& spec, world::World& world);

  double price() const override { return price_; }
  const std::string& base_asset() const override { return asset_; }
  const world::PriceStats& stats() const { return stats_; }
  Time tick() const { return tick_; }

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;

 protected:
  virtual double initial_price(world::World& world) = 0;
  virtual double price_at(Time t, world::World& world) = 0;

 private:
  std::string asset_;
  Time tick_;
  double price_ = 0.0;
  bool reference_ = false;  // the first driver of the experiment feeds the run summary
  world::PriceStats stats_;
};

/// Parameters every driver shares (asset, tick), for building schemas.
std::vector<config::ParamSchema> driver_common_params();

void register_gbm_driver(world::Registry& registry);
void register_scripted_crash_driver(world::Registry& registry);
void register_csv_replay_driver(world::Registry& registry);

}  // namespace cascade::market
