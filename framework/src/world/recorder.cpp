#include "cascade/world/recorder.hpp"

#include "cascade/world/world.hpp"

namespace cascade::world {

Recorder::Recorder(std::vector<std::pair<const Component*, int>> metrics, Time every, Time horizon)
    : Component("recorder", nullptr), metrics_(std::move(metrics)), every_(every), horizon_(horizon) {
  const std::size_t n = static_cast<std::size_t>(horizon_ / every_) + 1;
  series_.assign(metrics_.size(), {});
  for (auto& s : series_) s.reserve(n);
}

void Recorder::enable_heatmap(std::vector<const Component*> components, Time every, double low, double high,
                              std::size_t bins) {
  heatmap_components_ = std::move(components);
  heatmap_every_ = every;
  heatmap_low_ = low;
  heatmap_high_ = high;
  heatmap_bins_ = bins;
  heatmap_.reserve((static_cast<std::size_t>(horizon_ / every) + 1) * bins);
}

void Recorder::start(World& world) {
  if (!metrics_.empty()) world.sim().schedule(0, engine::EventClass::recorder, id(), 0);
  if (heatmap_bins_ > 0) world.sim().schedule(0, engine::EventClass::recorder, id(), 1);
}

void Recorder::handle(const engine::Event& event, World& world) {
  if (event.kind == 1) {
    const std::size_t row = heatmap_.size();
    heatmap_.resize(row + heatmap_bins_, 0.0);
    const std::span<double> bins(heatmap_.data() + row, heatmap_bins_);
    for (const Component* c : heatmap_components_) c->liquidation_heatmap(heatmap_low_, heatmap_high_, bins);
    if (world.now() + heatmap_every_ <= horizon_) world.sim().schedule_in(heatmap_every_, engine::EventClass::recorder, id(), 1);
    return;
  }
  sample();
  if (world.now() + every_ <= horizon_) world.sim().schedule_in(every_, engine::EventClass::recorder, id(), 0);
}

void Recorder::sample() {
  for (std::size_t i = 0; i < metrics_.size(); ++i) series_[i].push_back(metrics_[i].first->metric(metrics_[i].second));
}

std::vector<double> Recorder::sample_times_s(Time every, Time horizon) {
  std::vector<double> times;
  for (Time t = 0; t <= horizon; t += every) times.push_back(to_seconds(t));
  return times;
}

}  // namespace cascade::world
