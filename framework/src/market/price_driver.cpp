#include "cascade/market/price_driver.hpp"

#include <cmath>

#include "cascade/world/world.hpp"

namespace cascade::market {

std::vector<config::ParamSchema> driver_common_params() {
  using config::ParamSchema;
  std::vector<ParamSchema> p;
  p.push_back(ParamSchema::reference("asset", config::RefKind::asset, "asset whose price (in the numeraire) this driver sets")
                   .edge(graph::EdgeKind::prices));
  p.push_back(ParamSchema::duration("tick", "time between price updates").range(1e-6, 1e9).with_default(config::Duration{kMinute}));
  return p;
}

PriceDriver::PriceDriver(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema), asset_(spec.params.reference("asset")), tick_(spec.params.duration("tick")) {
  for (const auto& c : world.spec().components) {
    if (c.section == config::Section::drivers) {
      reference_ = (c.name == spec.name);
      break;
    }
  }
}

void PriceDriver::start(world::World& world) {
  price_ = initial_price(world);
  stats_.observe(price_);
  notify_price_change(world);
  if (tick_ <= world.horizon()) world.sim().schedule(tick_, engine::EventClass::exogenous, id(), 0);
}

void PriceDriver::handle(const engine::Event&, world::World& world) {
  const double p = price_at(world.now(), world);
  CASCADE_ASSERT(std::isfinite(p) && p > 0.0, name() + ": driver produced a non-positive or non-finite price");
  price_ = p;
  stats_.observe(p);
  notify_price_change(world);
  if (world.now() + tick_ <= world.horizon()) world.sim().schedule_in(tick_, engine::EventClass::exogenous, id(), 0);
}

double PriceDriver::metric(int) const { return price_; }

void PriceDriver::finish(world::World&, output::RunSummary& summary) {
  if (!reference_) return;
  summary.initial_price = stats_.initial();
  summary.final_price = stats_.last();
  summary.min_price = stats_.min();
  summary.max_drawdown = stats_.max_drawdown();
}

}  // namespace cascade::market
