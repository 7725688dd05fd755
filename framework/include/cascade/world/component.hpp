#pragma once
/// @file component.hpp
/// @brief The base of everything a world is built from (drivers, venues, oracles, protocols,
/// agent populations), and the price-source interface that links them.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cascade/config/experiment_spec.hpp"
#include "cascade/engine/event.hpp"
#include "cascade/graph/signal.hpp"
#include "cascade/output/run_result.hpp"

namespace cascade::world {

class World;
using engine::ComponentId;

/// @brief A named runtime component of one world. Created by its registered factory from a
/// ComponentSpec; receives the events targeted at it.
///
/// Life cycle: constructed (resolve references, open ledger accounts) → start() (initial state
/// and first events, in build order) → handle() per event → finish() (contribute to the summary).
class Component {
 public:
  Component(std::string name, const config::ComponentSchema* schema);
  virtual ~Component();
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;

  const std::string& name() const { return name_; }
  ComponentId id() const { return id_; }
  const config::ComponentSchema* schema() const { return schema_; }

  /// @brief Called once after every component exists, in build order.
  virtual void start(World& world);
  /// @brief Handles one event targeted at this component.
  virtual void handle(const engine::Event& event, World& world) = 0;
  /// @brief A node this component depends on changed observably (a dependency-graph edge
  /// delivered it after its latency). Default: nothing; how to react is the component's own code.
  virtual void on_dependency_signal(const graph::Signal& signal, World& world);
  /// @brief Current value of the metric at `index` in schema()->metrics (for recorders).
  virtual double metric(int index) const;
  /// @brief Adds this component's contribution to the run summary at the horizon.
  virtual void finish(World& world, output::RunSummary& summary);
  /// @brief Appends a message per broken invariant of this component's books (audit mode).
  virtual void audit(const World& world, std::vector<std::string>& problems) const;
  /// @brief Liquidation heatmap (`outputs.heatmaps.liquidation_price`): add the debt (numeraire)
  /// of every position into the bin of r = liquidation price / current oracle price, r in
  /// [low, high) binned uniformly over debt_per_bin; r >= high goes to the last bin, r < low is
  /// skipped. Default: no positions.
  virtual void liquidation_heatmap(double /*low*/, double /*high*/, std::span<double> /*debt_per_bin*/) const {}

 private:
  friend class World;
  std::string name_;
  const config::ComponentSchema* schema_;
  ComponentId id_ = 0;
};

/// @brief Something with a price (numeraire per unit of its base asset) that others can follow:
/// price drivers, venues, oracles. Followers are notified by an event at the current time in
/// their own event class whenever the price changes.
class PriceSource {
 public:
  virtual ~PriceSource() = default;
  virtual double price() const = 0;
  /// The asset this price is for (e.g. "ETH"); quoted in the numeraire.
  virtual const std::string& base_asset() const = 0;
  /// @brief `listener` receives Event{kind} in class `cls` each time the price changes.
  void subscribe(ComponentId listener, std::uint32_t kind, engine::EventClass cls);

 protected:
  void notify_price_change(World& world) const;

 private:
  struct Subscriber {
    ComponentId listener;
    std::uint32_t kind;
    engine::EventClass cls;
  };
  std::vector<Subscriber> subscribers_;
};

/// @brief Running statistics of a price path (min, max drawdown, first and last value).
class PriceStats {
 public:
  void observe(double p);
  double initial() const { return initial_; }
  double last() const { return last_; }
  double min() const { return min_; }
  double max_drawdown() const { return max_drawdown_; }
  bool empty() const { return !seen_; }

 private:
  bool seen_ = false;
  double initial_ = 0, last_ = 0, min_ = 0, peak_ = 0, max_drawdown_ = 0;
};

/// @brief 64-bit FNV-1a of a component name: the stream entity of a component depends on its
/// own name only, so adding a component never changes another one's random draws.
std::uint64_t stable_hash(const std::string& text);

}  // namespace cascade::world
