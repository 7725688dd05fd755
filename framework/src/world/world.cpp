#include "cascade/world/world.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include "cascade/graph/propagation.hpp"
#include "cascade/world/registry.hpp"

namespace cascade::world {

namespace {
std::vector<std::string> asset_names(const config::ExperimentSpec& spec) {
  std::vector<std::string> names;
  for (const auto& a : spec.assets) names.push_back(a.name);
  return names;
}
}  // namespace

World::World(const config::ExperimentSpec& spec, const Registry& registry, RunContext context)
    : spec_(spec), context_(context), ledger_(asset_names(spec)) {
  numeraire_ = static_cast<ledger::TokenId>(spec_.numeraire_index());
  for (const auto& c : spec_.components)
    if (c.section == config::Section::protocols) protocol_names_.push_back(c.name);
  components_.reserve(spec_.components.size() + 1);
  config::Diagnostics unresolved;
  for (const auto& c : spec_.components) {
    std::unique_ptr<Component> component;
    try {
      component = registry.factory(c.type)(c, *this);
    } catch (const UnresolvedReference& e) {
      // The loader checked that the name exists; here it is not built yet (components are built
      // in section order, then file order) or it is the component itself.
      unresolved.add(c.mark, std::string(config::to_string(c.section)) + "." + c.name,
                     "refers to '" + e.name() + "', which is not built before it (a component can only use components "
                     "of earlier sections, or earlier in its own section) or is of the wrong kind");
      continue;
    }
    component->id_ = static_cast<ComponentId>(components_.size());
    components_.push_back(std::move(component));
  }
  if (!unresolved.empty()) throw config::ConfigError(unresolved);
  {
    auto graph = graph::DependencyGraph::from_spec(spec_);
    const int origin = spec_.network.shock_origin.empty() ? -1 : graph.find(spec_.network.shock_origin);
    network_ = std::make_unique<graph::Propagation>(std::move(graph), spec_.network.signal_threshold, origin);
    for (const auto& c : components_) {
      const int index = c->schema() ? c->schema()->metric_index("bad_debt") : -1;
      if (index >= 0) bad_debt_watch_.push_back({c->id(), index, 0.0});
    }
  }
  const bool series = context_.record_series && !spec_.outputs.timeseries.empty();
  if (series || spec_.outputs.heatmap_bins > 0) {
    std::vector<std::pair<const Component*, int>> metrics;
    for (const auto& m : series ? spec_.outputs.timeseries : std::vector<std::string>{}) {
      const auto dot = m.find('.');
      const Component* c = find(m.substr(0, dot));
      CASCADE_ASSERT(c != nullptr && c->schema() != nullptr, "metric of an unknown component: " + m);
      const int index = c->schema()->metric_index(m.substr(dot + 1));
      CASCADE_ASSERT(index >= 0, "unknown metric " + m);
      metrics.emplace_back(c, index);
    }
    recorder_ = std::make_unique<Recorder>(std::move(metrics), spec_.outputs.sample_every, spec_.horizon);
    recorder_->id_ = static_cast<ComponentId>(components_.size());
    if (spec_.outputs.heatmap_bins > 0) {
      std::vector<const Component*> all;
      for (const auto& c : components_) all.push_back(c.get());
      recorder_->enable_heatmap(std::move(all), spec_.outputs.heatmap_every, spec_.outputs.heatmap_low,
                                spec_.outputs.heatmap_high, static_cast<std::size_t>(spec_.outputs.heatmap_bins));
    }
  }
}

World::~World() = default;

random::PhiloxStream World::stream(random::StreamPurpose purpose, const Component& owner, std::uint64_t entity) const {
  const std::uint64_t replica_key = spec_.common_random_numbers ? context_.replica : context_.run_index;
  return random::PhiloxStream(spec_.seed, replica_key, purpose, stable_hash(owner.name()) ^ (entity * 0x9E3779B97F4A7C15ULL));
}

ledger::TokenId World::token(const std::string& asset) const {
  const int i = spec_.asset_index(asset);
  CASCADE_ASSERT(i >= 0, "unknown asset " + asset);
  return static_cast<ledger::TokenId>(i);
}

Component* World::find(const std::string& name) const {
  for (const auto& c : components_)
    if (c->name() == name) return c.get();
  return nullptr;
}

PriceSource& World::price_source(const std::string& name) const {
  auto* source = dynamic_cast<PriceSource*>(find(name));
  if (source == nullptr) throw UnresolvedReference(name);
  return *source;
}

std::uint32_t World::protocol_index(const std::string& name) const {
  for (std::size_t i = 0; i < protocol_names_.size(); ++i)
    if (protocol_names_[i] == name) return static_cast<std::uint32_t>(i);
  CASCADE_ASSERT(false, "unknown protocol " + name);
  return 0;
}

void World::record_liquidation(output::LiquidationRecord record) {
  if (!spec_.outputs.liquidation_events) return;
  record.run_index = context_.run_index;
  result_.liquidations.push_back(record);
}

void World::record_adl(output::AdlRecord record) {
  if (!spec_.outputs.adl_events) return;
  record.run_index = context_.run_index;
  result_.adl.push_back(record);
}

int World::node_of(const Component& c) const { return network_->graph().asset_count() + static_cast<int>(c.id()); }

void World::signal(const Component& from, graph::SignalKind kind, double value, double loss_fraction) {
  const auto deliveries = network_->report(node_of(from), kind, value, loss_fraction, now());
  const int assets = network_->graph().asset_count();
  for (const auto& d : deliveries) {
    const auto target = static_cast<ComponentId>(d.signal.target - assets);
    engine::EventClass cls = engine::EventClass::agent;
    switch (network_->graph().node(d.signal.target).kind) {
      case graph::NodeKind::driver: cls = engine::EventClass::exogenous; break;
      case graph::NodeKind::venue: cls = engine::EventClass::venue; break;
      case graph::NodeKind::oracle: cls = engine::EventClass::oracle; break;
      case graph::NodeKind::protocol: cls = engine::EventClass::protocol; break;
      case graph::NodeKind::agent:
      case graph::NodeKind::asset: cls = engine::EventClass::agent; break;
    }
    sim_.schedule(d.at, cls, target, kDependencySignalEvent, static_cast<std::uint32_t>(signals_.size()));
    signals_.push_back(d.signal);
  }
}

void World::deliver_signal(const engine::Event& event) {
  const graph::Signal s = signals_[event.payload];
  network_->received(s, now());
  components_[event.target]->on_dependency_signal(s, *this);
}

void World::watch_bad_debt() {
  // Generic: any component that records bad debt is an impacted node when it books some, with no
  // code of its own (a component that knows its loss fraction reports it itself as well).
  for (auto& w : bad_debt_watch_) {
    const double value = components_[w.component]->metric(w.metric);
    if (!(value > w.last)) continue;
    w.last = value;
    signal(*components_[w.component], graph::SignalKind::bad_debt, value);
  }
}

void World::audit_now() {
  std::vector<std::string> problems;
  ledger_.audit(problems);
  for (const auto& c : components_) c->audit(*this, problems);
  if (!problems.empty()) {
    std::string message = "audit failed at t=" + std::to_string(to_seconds(now())) + "s:";
    for (const auto& p : problems) message += "\n  " + p;
    throw AuditFailure(message);
  }
}

void World::start() {
  CASCADE_ASSERT(!started_, "world started twice");
  started_ = true;
  for (auto& c : components_) c->start(*this);
  if (recorder_) recorder_->start(*this);
  if (spec_.audit) audit_now();
}

void World::advance_to(Time t) {
  engine::Event event;
  const auto recorder_id = recorder_ ? recorder_->id() : std::numeric_limits<ComponentId>::max();
  Time instant = -1;
  std::uint64_t at_instant = 0;
  while (sim_.next(std::min(t, spec_.horizon), event)) {
    if (event.time != instant) {
      instant = event.time;
      at_instant = 0;
    } else if (++at_instant > kMaxEventsPerInstant) {
      throw Error("more than " + std::to_string(kMaxEventsPerInstant) + " events at t = " + std::to_string(to_seconds(instant)) +
                  " s (last: " + (event.target < components_.size() ? components_[event.target]->name() : "recorder") +
                  "): components keep triggering each other with zero delay; add a latency or a reaction time");
    }
    if (event.target == recorder_id) recorder_->handle(event, *this);
    else if (event.kind == kDependencySignalEvent) deliver_signal(event);
    else components_[event.target]->handle(event, *this);
    if (!bad_debt_watch_.empty()) watch_bad_debt();
    if (spec_.audit) audit_now();
  }
}

output::RunResult World::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  auto& s = result_.summary;
  s.point_id = context_.point_id;
  s.replica = context_.replica;
  s.run_index = context_.run_index;
  s.seed = spec_.seed;
  try {
    start();
    advance_to(spec_.horizon);
    s.min_venue_price = std::numeric_limits<double>::infinity();
    s.min_oracle_price = std::numeric_limits<double>::infinity();
    for (auto& c : components_) c->finish(*this, s);
    if (!std::isfinite(s.min_venue_price)) s.min_venue_price = 0.0;
    if (!std::isfinite(s.min_oracle_price)) s.min_oracle_price = 0.0;
    network_->finish(result_);
    for (const auto& c : components_) {
      if (c->schema() == nullptr) continue;
      for (std::size_t i = 0; i < c->schema()->metrics.size(); ++i) result_.final_metrics.push_back(c->metric(static_cast<int>(i)));
    }
    if (spec_.audit) audit_now();
    s.status = static_cast<std::int32_t>(output::RunStatus::ok);
    if (recorder_) result_.series = recorder_->take_series();
    if (recorder_) result_.heatmap = recorder_->take_heatmap();
  } catch (const std::exception& e) {
    s.status = static_cast<std::int32_t>(output::RunStatus::failed);
    result_.error = e.what();
    result_.series.clear();
    result_.heatmap.clear();
    result_.liquidations.clear();
    result_.adl.clear();
    result_.final_metrics.clear();
    result_.nodes.clear();
  }
  s.n_events = sim_.processed();
  s.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return std::move(result_);
}

}  // namespace cascade::world
