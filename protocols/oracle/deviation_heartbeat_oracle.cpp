#include "cascade/protocols/oracle/deviation_heartbeat_oracle.hpp"

#include <cmath>

#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

DeviationHeartbeatOracle::DeviationHeartbeatOracle(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      deviation_(spec.params.number("deviation")),
      heartbeat_(spec.params.duration("heartbeat")),
      delay_(spec.params.duration("delay")) {
  source_ = &world.price_source(spec.params.reference("source"));
  asset_ = source_->base_asset();
}

void DeviationHeartbeatOracle::start(world::World& world) {
  source_->subscribe(id(), source_changed, engine::EventClass::oracle);
  // The feed exists before the experiment starts: its first answer is the source's price at t = 0.
  published_ = source_->price();
  last_update_ = 0;
  stats_.observe(published_);
  world.sim().schedule(heartbeat_, engine::EventClass::oracle, id(), heartbeat, 0, heartbeat_timer_.arm());
}

bool DeviationHeartbeatOracle::moved(double source_price) const {
  return !(published_ > 0.0) || std::fabs(source_price / published_ - 1.0) >= deviation_;
}

void DeviationHeartbeatOracle::trigger(world::World& world) {
  in_flight_ = true;
  pending_ = source_->price();
  world.sim().schedule_in(delay_, engine::EventClass::oracle, id(), land);
}

void DeviationHeartbeatOracle::handle(const engine::Event& event, world::World& world) {
  switch (event.kind) {
    case source_changed:
      if (!in_flight_ && moved(source_->price())) trigger(world);
      break;
    case heartbeat:
      if (!heartbeat_timer_.is_current(event)) break;  // superseded by a deviation round
      heartbeat_timer_.fired();
      if (!in_flight_) trigger(world);
      break;
    case land:
      in_flight_ = false;
      published_ = pending_;
      last_update_ = world.now();
      ++rounds_;
      stats_.observe(published_);
      world.sim().schedule_in(heartbeat_, engine::EventClass::oracle, id(), heartbeat, 0, heartbeat_timer_.arm());
      notify_price_change(world);
      if (moved(source_->price())) trigger(world);
      break;
    default:
      break;
  }
}

double DeviationHeartbeatOracle::metric(int index) const {
  return index == 0 ? published_ : static_cast<double>(rounds_);
}

void DeviationHeartbeatOracle::finish(world::World&, output::RunSummary& summary) {
  summary.min_oracle_price = std::min(summary.min_oracle_price, stats_.min());
}

void register_deviation_heartbeat_oracle(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "deviation_heartbeat";
  s.section = config::Section::oracles;
  s.summary = "Chainlink-style feed: new round on a deviation or a heartbeat, landing after a delay";
  s.source = "Chainlink OCR data feeds (ETH/USD mainnet: deviation 0.5 %, heartbeat 3600 s)";
  s.params.push_back(ParamSchema::reference("source", config::RefKind::price_source, "driver, venue or oracle observed")
                          .edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::number("deviation", "fraction", "relative move that triggers a round").range(0, 1, true).with_default(0.005));
  s.params.push_back(ParamSchema::duration("heartbeat", "maximum time between rounds").range(1e-6, 1e9).with_default(config::Duration{kHour}));
  s.params.push_back(ParamSchema::duration("delay", "trigger-to-publication (inclusion) delay").with_default(config::Duration{0}));
  s.metrics = {{"price", "numeraire", "published answer"}, {"rounds", "count", "rounds published so far"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<DeviationHeartbeatOracle>(spec, w);
  });
}

}  // namespace cascade::protocols
