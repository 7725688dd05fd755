#include "cascade/world/component.hpp"

#include "cascade/world/world.hpp"

namespace cascade::world {

Component::Component(std::string name, const config::ComponentSchema* schema) : name_(std::move(name)), schema_(schema) {}
Component::~Component() = default;
void Component::start(World&) {}
void Component::on_dependency_signal(const graph::Signal&, World&) {}
double Component::metric(int) const { return 0.0; }
void Component::finish(World&, output::RunSummary&) {}
void Component::audit(const World&, std::vector<std::string>&) const {}

void PriceSource::subscribe(ComponentId listener, std::uint32_t kind, engine::EventClass cls) {
  subscribers_.push_back({listener, kind, cls});
}

void PriceSource::notify_price_change(World& world) const {
  // Every price source is a component: its price is an observable of the dependency graph.
  if (const auto* self = dynamic_cast<const Component*>(this)) world.signal_price(*self, price());
  for (const auto& s : subscribers_) world.sim().schedule_in(0, s.cls, s.listener, s.kind);
}

void PriceStats::observe(double p) {
  if (!seen_) {
    seen_ = true;
    initial_ = min_ = peak_ = p;
  }
  last_ = p;
  if (p < min_) min_ = p;
  if (p > peak_) peak_ = p;
  if (peak_ > 0) {
    const double dd = 1.0 - p / peak_;
    if (dd > max_drawdown_) max_drawdown_ = dd;
  }
}

std::uint64_t stable_hash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace cascade::world
