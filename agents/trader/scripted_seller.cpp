#include "cascade/agents/trader/scripted_seller.hpp"

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

ScriptedSeller::ScriptedSeller(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema), at_(spec.params.duration("at")), amount_(spec.params.number("amount")) {
  const std::string venue = spec.params.reference("venue");
  venue_ = dynamic_cast<protocols::ConstantProductAmm*>(world.find(venue));
  if (venue_ == nullptr) {
    config::Diagnostics d;
    d.add(spec.params.mark("venue"), "agents." + spec.name + ".venue", "'" + venue + "' is not a constant_product_amm");
    throw config::ConfigError(d);
  }
  wallet_ = world.ledger().open_account(spec.name);
}

void ScriptedSeller::start(world::World& world) {
  if (at_ <= world.horizon()) world.sim().schedule(at_, engine::EventClass::agent, id(), 0);
}

void ScriptedSeller::handle(const engine::Event&, world::World& world) {
  world.signal(*this, graph::SignalKind::shock, amount_);  // the dependency graph's shock origin
  world.ledger().mint(wallet_, venue_->base_token(), amount_);
  proceeds_ += venue_->sell_base(world, wallet_, amount_);
}

double ScriptedSeller::metric(int) const { return proceeds_; }

void register_scripted_seller(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "scripted_seller";
  s.section = config::Section::agents;
  s.summary = "sells a fixed amount of a venue's base asset at a fixed time (a whale dump)";
  s.source = "stress-test shock";
  s.params.push_back(ParamSchema::reference("venue", config::RefKind::venue, "constant-product AMM to sell into")
                       .edge(graph::EdgeKind::liquidates_on));
  s.params.push_back(ParamSchema::duration("at", "time of the sale"));
  s.params.push_back(ParamSchema::number("amount", "base units", "amount sold").range(0, 1e15, true));
  s.metrics = {{"proceeds", "quote units", "quote received"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<ScriptedSeller>(spec, w);
  });
}

}  // namespace cascade::agents
