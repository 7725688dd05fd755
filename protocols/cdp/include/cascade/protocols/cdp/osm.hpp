#pragma once
/// @file osm.hpp
/// @brief Maker's Oracle Security Module: the price the system uses lags the source by one hop.

#include <string>

#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief OSM (dss osm.sol). Every `hop` (default 1 h) `poke` moves the queued price `nxt` to
/// the current price `cur` and queues the source's present price as the new `nxt`. The price
/// published in [k·hop, (k+1)·hop) is therefore the source price at (k−1)·hop: between one and
/// two hops old. At t = 0 both cur and nxt are the source's price (the feed existed before).
/// Followers are notified at every poke.
/// @code
/// oracles: {eth_osm: {type: osm, source: eth_ref, hop: 1h}}
/// @endcode
class Osm final : public world::Component, public world::PriceSource {
 public:
  Osm(const config::ComponentSpec& spec, world::World& world);

  double price() const override { return cur_; }
  const std::string& base_asset() const override { return asset_; }
  /// The queued price that becomes current at the next poke (visible on chain, so vault owners
  /// can see the next price one hop ahead).
  double next_price() const { return nxt_; }

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;

 private:
  world::PriceSource* source_ = nullptr;
  std::string asset_;
  Time hop_;
  double cur_ = 0, nxt_ = 0;
  world::PriceStats stats_;
};

void register_osm(world::Registry& registry);

}  // namespace cascade::protocols
