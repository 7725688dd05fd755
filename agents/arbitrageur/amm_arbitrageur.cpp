#include "cascade/agents/arbitrageur/amm_arbitrageur.hpp"

#include <algorithm>
#include <cmath>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

namespace {
// Trades smaller than this share of the pool are rounding residue of the previous optimal trade;
// skipping them keeps a zero-latency arbitrageur from trading with itself forever.
constexpr double kDust = 1e-9;
}  // namespace

AmmArbitrageur::AmmArbitrageur(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      reaction_(spec.params.duration("reaction")),
      max_trade_(spec.params.number("max_trade")),
      min_profit_(spec.params.number("min_profit")) {
  const std::string venue = spec.params.reference("venue");
  venue_ = dynamic_cast<protocols::ConstantProductAmm*>(world.find(venue));
  reference_ = &world.price_source(spec.params.reference("reference"));
  config::Diagnostics d;
  if (venue_ == nullptr)
    d.add(spec.params.mark("venue"), "agents." + spec.name + ".venue", "'" + venue + "' is not a constant_product_amm");
  else if (reference_->base_asset() != venue_->base_asset())
    d.add(spec.params.mark("reference"), "agents." + spec.name + ".reference",
          "reference prices " + reference_->base_asset() + " but the venue's base asset is " + venue_->base_asset());
  if (!d.empty()) throw config::ConfigError(d);
  wallet_ = world.ledger().open_account(spec.name);
  outside_ = world.ledger().open_account(spec.name + ".outside_market");
}

void AmmArbitrageur::start(world::World& world) {
  reference_->subscribe(id(), changed, engine::EventClass::agent);
  venue_->subscribe(id(), changed, engine::EventClass::agent);
  world.sim().schedule_in(0, engine::EventClass::agent, id(), changed);
}

void AmmArbitrageur::handle(const engine::Event& event, world::World& world) {
  if (event.kind == changed) {
    if (!scheduled_) {
      scheduled_ = true;
      world.sim().schedule_in(reaction_, engine::EventClass::agent, id(), act);
    }
    return;
  }
  scheduled_ = false;
  trade(world);
}

void AmmArbitrageur::trade(world::World& world) {
  using protocols::ConstantProductMath;
  const double p = reference_->price();
  const double x = venue_->reserve_base(), y = venue_->reserve_quote(), fee = venue_->fee();
  auto& ledger = world.ledger();
  const auto base = venue_->base_token(), quote = venue_->quote_token();
  if (venue_->price() > p) {
    // AMM rich: sell base into it, buy it back outside at p.
    double a = ConstantProductMath::input_to_reach(x, y, fee, 1.0 / p);
    a = std::min(a, max_trade_ / p);
    const double out = ConstantProductMath::amount_out(a, x, y, fee);
    if (!(a * p > kDust * y) || out - a * p < min_profit_) return;
    ledger.mint(outside_, base, a);  // the outside market's inventory is unlimited
    ledger.mint(wallet_, quote, a * p);
    ledger.transfer(wallet_, outside_, quote, a * p);
    ledger.transfer(outside_, wallet_, base, a);
    const double received = venue_->sell_base(world, wallet_, a);
    profit_ += received - a * p;
    volume_ += a * p;
  } else {
    // AMM cheap: buy base from it with quote, sell it outside at p.
    double q = ConstantProductMath::input_to_reach(y, x, fee, p);
    q = std::min(q, max_trade_);
    const double out = ConstantProductMath::amount_out(q, y, x, fee);
    if (!(q > kDust * y) || out * p - q < min_profit_) return;
    ledger.mint(wallet_, quote, q);
    const double got = venue_->sell_quote(world, wallet_, q);
    ledger.mint(outside_, quote, got * p);
    ledger.transfer(wallet_, outside_, base, got);
    ledger.transfer(outside_, wallet_, quote, got * p);
    profit_ += got * p - q;
    volume_ += q;
  }
  ++trades_;
}

double AmmArbitrageur::metric(int index) const {
  switch (index) {
    case 0: return profit_;
    case 1: return volume_;
    default: return static_cast<double>(trades_);
  }
}

void register_amm_arbitrageur(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "amm_arbitrageur";
  s.section = config::Section::agents;
  s.summary = "arbitrageur trading a constant-product AMM toward a reference price";
  s.source = "CEX–DEX arbitrage; optimal trade from the x·y = k marginal price with fee";
  s.params.push_back(ParamSchema::reference("venue", config::RefKind::venue, "AMM traded").edge(graph::EdgeKind::trades_on));
  s.params.push_back(ParamSchema::reference("reference", config::RefKind::price_source, "outside price (usually the driver)"));
  s.params.push_back(ParamSchema::duration("reaction", "delay between a price move and the trade").with_default(config::Duration{12 * kSecond}));
  s.params.push_back(ParamSchema::number("max_trade", "numeraire", "largest trade per action").range(0, 1e15, true).with_default(1e7));
  s.params.push_back(ParamSchema::number("min_profit", "numeraire", "smallest profit worth a trade (gas)").range(0, 1e12).with_default(0.0));
  s.metrics = {{"profit", "numeraire", "cumulative arbitrage profit"},
               {"volume", "numeraire", "cumulative traded notional"},
               {"trades", "count", "trades made"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<AmmArbitrageur>(spec, w);
  });
}

}  // namespace cascade::agents
