#include "cascade/agents/peg_arbitrageur/peg_arbitrageur.hpp"

#include <algorithm>

#include "cascade/config/diagnostics.hpp"
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
  venue_name_ = spec.params.reference("venue");
  venue_ = StablecoinMarket::of(world.find(spec.params.reference("venue")));
  config::Diagnostics d;
  if (psm_->gem() != world.numeraire())
    d.add(spec.params.mark("psm"), "agents." + spec.name + ".psm", "the PSM's gem must be the numeraire asset");
  if (!venue_.valid() || venue_.base_token() != psm_->system().stablecoin() || venue_.quote_token() != world.numeraire())
    d.add(spec.params.mark("venue"), "agents." + spec.name + ".venue",
          "must be a constant_product_amm or stableswap_pool trading " + psm_->system().stablecoin_asset() + " against the numeraire");
  if (!d.empty()) throw config::ConfigError(d);
  wallet_ = world.ledger().open_account(spec.name);
}

void PegArbitrageur::start(world::World& world) {
  world.ledger().mint(wallet_, world.numeraire(), capital_);
  dynamic_cast<world::PriceSource*>(world.find(venue_name_))->subscribe(id(), price_changed, engine::EventClass::agent);
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
  const double fee = venue_.fee();
  const double tin = psm_->tin(), tout = psm_->tout();
  // Pool: base = stablecoin, quote = numeraire. Sell stablecoin minted in the PSM while the
  // marginal quote received per stablecoin (net of fee) exceeds its PSM cost 1/(1 − tin); buy
  // stablecoin while the marginal stablecoin per quote exceeds 1 + tout, its PSM redemption cost.
  if (venue_.price() * (1.0 - fee) > 1.0 / (1.0 - tin)) {
    double dai_in = venue_.base_to_reach(1.0 / (1.0 - tin));
    dai_in = std::min({dai_in, max_trade_, ledger.balance(wallet_, cash_token) * (1.0 - tin)});
    if (dai_in > 0.0) {
      const double got = psm_->sell_gem(world, wallet_, dai_in / (1.0 - tin));
      if (got > 0.0) venue_.sell_base(world, wallet_, got);
    }
  } else if (venue_.price() / (1.0 - fee) < 1.0 / (1.0 + tout)) {
    double cash_in = venue_.quote_to_reach(1.0 + tout);
    cash_in = std::min({cash_in, max_trade_, ledger.balance(wallet_, cash_token), psm_->debt()});
    if (cash_in > 0.0) {
      venue_.sell_quote(world, wallet_, cash_in);
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
  s.params.push_back(ParamSchema::reference("venue", config::RefKind::venue, "stablecoin/numeraire constant_product_amm or stableswap_pool")
                          .edge(graph::EdgeKind::trades_on));
  s.params.push_back(ParamSchema::number("capital", "numeraire", "numeraire held at t = 0").range(0, 1e15).with_default(1e7));
  s.params.push_back(ParamSchema::number("max_trade", "numeraire", "largest trade per reaction").range(0, 1e15, true).with_default(1e7));
  s.params.push_back(ParamSchema::duration("reaction", "delay after a pool price change").with_default(config::Duration{12 * kSecond}));
  s.metrics = {{"profit", "numeraire", "cumulative profit"}, {"trades", "count", "arbitrage round trips"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<PegArbitrageur>(spec, w);
  });
}

}  // namespace cascade::agents
