#include "cascade/world/recorder.hpp"

#include "cascade/world/world.hpp"

namespace cascade::world {

Recorder::Recorder(std::vector<std::pair<const Component*, int>> metrics, Time every, Time horizon)
    : Component("recorder", nullptr), metrics_(std::move(metrics)), every_(every), horizon_(horizon) {
  const std::size_t n = static_cast<std::size_t>(horizon_ / every_) + 1;
  series_.assign(metrics_.size(), {});
  for (auto& s : series_) s.reserve(n);
}

void Recorder::start(World& world) { world.sim().schedule(0, engine::EventClass::recorder, id(), 0); }

void Recorder::handle(const engine::Event&, World& world) {
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
