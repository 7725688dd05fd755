#pragma once
/// @file recorder.hpp
/// @brief Samples the metrics named in `outputs.timeseries` every `outputs.sample_every`.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cascade/core/time.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {

/// @brief A world-owned component in the `recorder` event class, so a sample at time t sees the
/// state after every other event at t. Samples at 0, dt, 2dt, … ≤ horizon.
class Recorder final : public Component {
 public:
  Recorder(std::vector<std::pair<const Component*, int>> metrics, Time every, Time horizon);
  void start(World& world) override;
  void handle(const engine::Event& event, World& world) override;
  /// [metric][sample]
  std::vector<std::vector<double>> take_series() { return std::move(series_); }
  /// @brief Also sample the liquidation heatmap of `components` every `every` (kind 1 events).
  void enable_heatmap(std::vector<const Component*> components, Time every, double low, double high, std::size_t bins);
  /// [sample][bin] row-major
  std::vector<double> take_heatmap() { return std::move(heatmap_); }
  /// The sample times of a run with this horizon and interval.
  static std::vector<double> sample_times_s(Time every, Time horizon);

 private:
  void sample();
  std::vector<std::pair<const Component*, int>> metrics_;
  Time every_;
  Time horizon_;
  std::vector<std::vector<double>> series_;
  std::vector<const Component*> heatmap_components_;
  Time heatmap_every_ = 0;
  double heatmap_low_ = 0.0;
  double heatmap_high_ = 1.0;
  std::size_t heatmap_bins_ = 0;
  std::vector<double> heatmap_;
};

}  // namespace cascade::world
