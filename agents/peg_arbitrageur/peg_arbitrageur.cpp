#include "cascade/agents/peg_arbitrageur/peg_arbitrageur.hpp"

#include <algorithm>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "cascade/protocols/cdp/psm.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

PegArbitrageur::PegArbitrageur(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      capital_(spec.params.number("capital")),
      max_trade_(spec.params.number("max_trade")),
      reaction_(spec.params.duration("reaction")) {
  psm_ = &world.get<protocols::Psm>(spec.params.reference("psm"));
  venue_ = dynamic_cast<protocols::ConstantProductAmm*>(world.find(spec.params.reference("venue")));
  config::Diagnostics d;
  if (psm_->gem() != world.numeraire())
    d.add(spec.params.mark("psm"), "agents." + spec.name + ".psm", "the PSM's gem must be the numeraire asset");
  if (venue_ == nullptr || venue_->base_token() != psm_->system().stablecoin() || venue_->quote_token() != world.numeraire())
    d.add(spec.params.mark("venue"), "agents." + spec.name + ".venue",
          "must be a constant_product_amm trading " + psm_->system().stablecoin_asset() + " against the numeraire");
  if (!d.empty()) throw config::ConfigError(d);
  wallet_ = world.ledger().open_account(spec.name);
}

void PegArbitrageur::start(world::World& world) {
  world.ledger().mint(wallet_, world.numeraire(), capital_);
  venue_->subscribe(id(), price_changed, engine::EventClass::agent);
}

void PegArbitrageur::handle(const engine::Event& event, world::World& world) {
  if (event.kind == price_changed) {
    if (!pending_ && world.now() + reaction_ <= world.horizon()) {
      pending_ = true;
      world.sim().schedule_in(reaction_, engine::EventClass::agent, id(), act);
    }
    return;
  }
  pending_ = false;
  arbitrage(world);
}

double PegArbitrageur::arbitrage(world::World& world) {
  auto& ledger = world.ledger();
  const auto cash_token = world.numeraire();
  const auto dai = psm_->system().stablecoin();
  const double before = ledger.balance(wallet_, cash_token);
  const double fee = venue_->fee();
  const double tin = psm_->tin(), tout = psm_->tout();
  // Pool: base = stablecoin (x), quote = numeraire (y); marginal quote per base sold, net of the
  // fee, is γ·x·y/(x + γa)², so input_to_reach gives the trade that brings it to the PSM's price.
  if (venue_->price() * (1.0 - fee) > 1.0 / (1.0 - tin)) {
    double dai_in = protocols::ConstantProductMath::input_to_reach(venue_->reserve_base(), venue_->reserve_quote(), fee, 1.0 - tin);
    dai_in = std::min({dai_in, max_trade_, ledger.balance(wallet_, cash_token) * (1.0 - tin)});
    if (dai_in > 0.0) {
      const double got = psm_->sell_gem(world, wallet_, dai_in / (1.0 - tin));
      if (got > 0.0) venue_->sell_base(world, wallet_, got);
    }
  } else if (venue_->price() / (1.0 - fee) < 1.0 / (1.0 + tout)) {
    double cash_in = protocols::ConstantProductMath::input_to_reach(venue_->reserve_quote(), venue_->reserve_base(), fee, 1.0 / (1.0 + tout));
    cash_in = std::min({cash_in, max_trade_, ledger.balance(wallet_, cash_token), psm_->debt()});
    if (cash_in > 0.0) {
      venue_->sell_quote(world, wallet_, cash_in);
      psm_->buy_gem(world, wallet_, ledger.balance(wallet_, dai) / (1.0 + tout));
    }
  }
  const double gain = ledger.balance(wallet_, cash_token) - before;
  if (gain != 0.0) {
    profit_ += gain;
    ++trades_;
  }
  return gain;
}

double PegArbitrageur::metric(int index) const { return index == 0 ? profit_ : static_cast<double>(trades_); }

void register_peg_arbitrageur(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "peg_arbitrageur";
  s.section = config::Section::agents;
  s.summary = "arbitrages a stablecoin's PSM against its secondary-market pool";
  s.source = "dss-psm sellGem/buyGem against a Uniswap-v2-style pool (closed-form optimal size)";
  s.params.push_back(ParamSchema::reference("psm", config::RefKind::protocol, "the psm"));
  s.params.push_back(ParamSchema::reference("venue", config::RefKind::venue, "stablecoin/numeraire constant_product_amm"));
  s.params.push_back(ParamSchema::number("capital", "numeraire", "numeraire held at t = 0").range(0, 1e15).with_default(1e7));
  s.params.push_back(ParamSchema::number("max_trade", "numeraire", "largest trade per reaction").range(0, 1e15, true).with_default(1e7));
  s.params.push_back(ParamSchema::duration("reaction", "delay after a pool price change").with_default(config::Duration{12 * kSecond}));
  s.metrics = {{"profit", "numeraire", "cumulative profit"}, {"trades", "count", "arbitrage round trips"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<PegArbitrageur>(spec, w);
  });
}

}  // namespace cascade::agents
