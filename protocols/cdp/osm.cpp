#include "cascade/protocols/cdp/osm.hpp"

#include <algorithm>

#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

Osm::Osm(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema), hop_(spec.params.duration("hop")) {
  source_ = &world.price_source(spec.params.reference("source"));
  asset_ = source_->base_asset();
}

void Osm::start(world::World& world) {
  cur_ = nxt_ = source_->price();
  stats_.observe(cur_);
  if (hop_ <= world.horizon()) world.sim().schedule(hop_, engine::EventClass::oracle, id(), 0);
}

void Osm::handle(const engine::Event&, world::World& world) {
  // poke: cur ← nxt, nxt ← source. Drivers tick in an earlier event class, so the source price
  // read here is the one at this instant.
  cur_ = nxt_;
  nxt_ = source_->price();
  stats_.observe(cur_);
  notify_price_change(world);
  if (world.now() + hop_ <= world.horizon()) world.sim().schedule_in(hop_, engine::EventClass::oracle, id(), 0);
}

double Osm::metric(int index) const { return index == 0 ? cur_ : nxt_; }

void Osm::finish(world::World&, output::RunSummary& summary) {
  summary.min_oracle_price = std::min(summary.min_oracle_price, stats_.min());
}

void register_osm(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "osm";
  s.section = config::Section::oracles;
  s.summary = "Maker Oracle Security Module: publishes the source price one hop (1 h) late";
  s.source = "makerdao/osm osm.sol (hop = ONE_HOUR; poke moves nxt to cur)";
  s.params.push_back(ParamSchema::reference("source", config::RefKind::price_source, "price observed (the Median)")
                          .edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::duration("hop", "delay between pokes").range(1e-6, 1e9).with_default(config::Duration{kHour}));
  s.metrics = {{"price", "numeraire", "current (delayed) price"}, {"next_price", "numeraire", "queued price, current after the next poke"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) { return std::make_unique<Osm>(spec, w); });
}

}  // namespace cascade::protocols
