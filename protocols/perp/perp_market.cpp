#include "cascade/protocols/perp/perp_market.hpp"

#include <algorithm>
#include <cmath>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/orderbook/limit_order_book.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
enum Kind : std::uint32_t { oracle_update = 0, premium_sample = 1, funding = 2, halt_end = 3 };
constexpr double kEightHours = 8.0 * 3600.0;
}  // namespace

void MarginTiers::derive() {
  amount.assign(mmr.size(), 0.0);
  for (std::size_t k = 1; k < mmr.size(); ++k) amount[k] = amount[k - 1] + caps[k - 1] * (mmr[k] - mmr[k - 1]);
}

std::size_t MarginTiers::bracket(double notional) const {
  for (std::size_t k = 0; k + 1 < caps.size(); ++k)
    if (notional <= caps[k]) return k;
  return caps.size() - 1;
}

double MarginTiers::maintenance(double notional) const {
  const std::size_t k = bracket(notional);
  return std::max(0.0, notional * mmr[k] - amount[k]);
}

double MarginTiers::initial(double notional) const { return notional / max_leverage[bracket(notional)]; }

MarginTiers MarginTiers::binance_btcusdt() {
  MarginTiers t;
  t.caps = {5e4, 2.5e5, 1e6, 1e7, 2e7, 5e7, 1e8, 2e8, 3e8, 5e8};
  t.mmr = {0.004, 0.005, 0.01, 0.025, 0.05, 0.10, 0.125, 0.15, 0.25, 0.50};
  t.max_leverage = {125, 100, 50, 20, 10, 5, 4, 3, 2, 1};
  t.derive();
  return t;
}

double funding_rate_8h(double average_premium, double interest, double clamp, double cap) {
  const double f = average_premium + std::clamp(interest - average_premium, -clamp, clamp);
  return std::clamp(f, -cap, cap);
}

double premium_index(double impact_bid, double impact_ask, double index) {
  return (std::max(0.0, impact_bid - index) - std::max(0.0, index - impact_ask)) / index;
}

PerpMarket::PerpMarket(const config::ComponentSpec& spec, world::World& world) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  const std::string path = "protocols." + spec.name + ".";
  config::Diagnostics d;
  oracle_ = &world.price_source(p.reference("oracle"));
  asset_ = oracle_->base_asset();
  book_ = dynamic_cast<LimitOrderBook*>(world.find(p.reference("book")));
  if (book_ == nullptr)
    d.add(p.mark("book"), path + "book", "'" + p.reference("book") + "' is not a limit_order_book");
  else if (book_->base_asset() != asset_)
    d.add(p.mark("book"), path + "book", "the book trades " + book_->base_asset() + " but the oracle prices " + asset_);
  const auto& tiers = p.group("tiers");
  tiers_.caps = tiers.number_list("notional_caps");
  tiers_.mmr = tiers.number_list("mmr");
  tiers_.max_leverage = tiers.number_list("max_leverage");
  const std::size_t n = tiers_.caps.size();
  if (n == 0 || tiers_.mmr.size() != n || tiers_.max_leverage.size() != n) {
    d.add(tiers.mark("mmr"), path + "tiers", "notional_caps, mmr and max_leverage must be non-empty lists of equal length");
  } else {
    for (std::size_t k = 1; k < n; ++k) {
      if (!(tiers_.caps[k] > tiers_.caps[k - 1])) d.add(tiers.mark("notional_caps"), path + "tiers.notional_caps", "caps must increase");
      if (tiers_.mmr[k] < tiers_.mmr[k - 1]) d.add(tiers.mark("mmr"), path + "tiers.mmr", "maintenance rates must not decrease");
    }
    for (std::size_t k = 0; k < n; ++k)
      if (tiers_.mmr[k] * tiers_.max_leverage[k] >= 1.0)
        d.add(tiers.mark("max_leverage"), path + "tiers.max_leverage",
              "bracket " + std::to_string(k + 1) + ": initial margin 1/max_leverage must exceed the maintenance rate");
    tiers_.derive();
  }
  mark_method_ = p.string("mark") == "ema_premium" ? MarkMethod::ema_premium : MarkMethod::median;
  basis_tau_ = p.duration("basis_time_constant");
  const auto& f = p.group("funding");
  interval_ = f.duration("interval");
  premium_sample_ = f.duration("premium_sample");
  interest_ = f.number("interest");
  clamp_ = f.number("clamp");
  cap_ = f.number("cap");
  impact_notional_ = f.number("impact_notional");
  if (impact_notional_ <= 0.0 && !tiers_.max_leverage.empty()) impact_notional_ = 200.0 * tiers_.max_leverage[0];  // 200 / IMR
  funding_price_ = f.string("price") == "oracle" ? FundingPrice::oracle : FundingPrice::mark;
  const auto& fee = p.group("liquidation_fee");
  fee_base_ = fee.number("base");
  fee_max_ = std::max(fee_base_, fee.number("max"));
  risk_unit_ = p.string("risk_unit").empty() ? asset_ : p.string("risk_unit");
  stress_moves_ = p.number_list("stress_moves");
  const auto& vm = p.group("volatility_margin");
  vol_reference_ = vm.number("reference_volatility");
  vol_max_scale_ = vm.number("max_scale");
  vol_ = risk::EwmaVolatility(to_seconds(vm.duration("time_constant")), vol_reference_);
  const auto& cb = p.group("circuit_breaker");
  breaker_ = risk::CircuitBreaker(cb.number("move"), cb.duration("window"), cb.duration("halt"));
  halt_liquidations_ = cb.boolean("halt_liquidations");
  if (!d.empty()) throw config::ConfigError(d);
}

double PerpMarket::index() const { return oracle_->price(); }

double PerpMarket::margin_scale() const {
  return vol_reference_ > 0.0 ? risk::volatility_scaled_margin(1.0, vol_.hourly_vol(), vol_reference_, vol_max_scale_) : 1.0;
}

double PerpMarket::maintenance_margin(double notional) const { return tiers_.maintenance(notional) * margin_scale(); }
double PerpMarket::initial_margin(double notional) const { return tiers_.initial(notional) * margin_scale(); }

double PerpMarket::liquidation_fee_rate(double equity, double maintenance) const {
  return risk::variable_penalty(fee_base_, fee_max_, equity, maintenance);
}

double PerpMarket::funding_per_interval(double rate_8h) const { return rate_8h * to_seconds(interval_) / kEightHours; }

void PerpMarket::update_mark(Time now) {
  const double idx = index();
  const double dt = to_seconds(now - last_mark_time_);
  last_mark_time_ = now;
  const double w = 1.0 - std::exp(-dt / to_seconds(basis_tau_));
  basis_ema_ += (book_->price() - idx) * w - basis_ema_ * w;
  const double p2 = idx + basis_ema_;
  if (mark_method_ == MarkMethod::ema_premium) {
    mark_ = p2;
  } else {
    const double to_funding = to_seconds(next_funding_ - now);
    const double p1 = idx * (1.0 + last_rate_ * to_funding / to_seconds(interval_));
    const double last = book_->last_trade();
    mark_ = std::max(std::min(p1, p2), std::min(std::max(p1, p2), last));  // median of three
  }
  vol_.observe(now, idx);
}

void PerpMarket::subscribe(world::ComponentId listener, std::uint32_t kind, std::uint32_t funding_kind, std::uint32_t payload) {
  listeners_.push_back({listener, kind, funding_kind, payload});
}

void PerpMarket::notify(world::World& world, bool funding_event) {
  for (const auto& l : listeners_)
    world.sim().schedule_in(0, engine::EventClass::protocol, l.id, funding_event ? l.funding_kind : l.kind, l.payload);
}

void PerpMarket::start(world::World& world) {
  last_mark_time_ = world.now();
  next_funding_ = world.now() + interval_;
  basis_ema_ = book_->price() - index();
  mark_ = index();
  update_mark(world.now());
  breaker_.observe(world.now(), mark_);
  oracle_->subscribe(id(), oracle_update, engine::EventClass::protocol);
  world.sim().schedule_in(premium_sample_, engine::EventClass::protocol, id(), premium_sample);
  world.sim().schedule_in(interval_, engine::EventClass::protocol, id(), funding);
}

void PerpMarket::handle(const engine::Event& event, world::World& world) {
  switch (event.kind) {
    case oracle_update: {
      update_mark(world.now());
      if (breaker_.observe(world.now(), mark_))
        world.sim().schedule_in(breaker_.halted_until() - world.now(), engine::EventClass::protocol, id(), halt_end);
      notify_price_change(world);
      notify(world, false);
      return;
    }
    case premium_sample: {
      const double idx = index();
      last_premium_ = premium_index(book_->impact_bid(impact_notional_), book_->impact_ask(impact_notional_), idx);
      premium_sum_ += last_premium_;
      ++premium_count_;
      world.sim().schedule_in(premium_sample_, engine::EventClass::protocol, id(), premium_sample);
      return;
    }
    case funding: {
      const double avg = premium_count_ > 0 ? premium_sum_ / static_cast<double>(premium_count_) : 0.0;
      last_rate_ = funding_rate_8h(avg, interest_, clamp_, cap_);
      history_.emplace_back(to_seconds(world.now()), last_rate_);
      premium_sum_ = 0.0;
      premium_count_ = 0;
      next_funding_ = world.now() + interval_;
      world.sim().schedule_in(interval_, engine::EventClass::protocol, id(), funding);
      notify(world, true);
      return;
    }
    default:  // a halt ended: let the exchange re-check its accounts
      notify(world, false);
      return;
  }
}

double PerpMarket::metric(int index) const {
  switch (index) {
    case 0: return mark_;
    case 1: return this->index();
    case 2: return last_rate_;
    case 3: return last_premium_;
    case 4: return open_interest_;
    case 5: return open_interest_ * mark_;
    case 6: return funding_paid_;
    case 7: return margin_scale();
    default: return static_cast<double>(breaker_.trips());
  }
}

void register_perp_market(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "perp_market";
  s.section = config::Section::protocols;
  s.summary = "perpetual futures market: tiered margin, mark price, funding, volatility margin, circuit breaker";
  s.source = "Binance USDⓈ-M leverage brackets, mark price and funding FAQ; Hyperliquid mark price and hourly funding "
             "(defi-mechanics.md §4)";
  const auto btc = MarginTiers::binance_btcusdt();
  s.params.push_back(ParamSchema::reference("oracle", config::RefKind::price_source, "index price (oracle or driver)")
                          .edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::reference("book", config::RefKind::venue, "limit_order_book the market trades on")
                          .edge(graph::EdgeKind::liquidates_on));
  s.params.push_back(ParamSchema::group(
      "tiers", "leverage brackets (default: Binance BTCUSDT, March 2021)",
      {ParamSchema::number_list("notional_caps", "numeraire", "upper notional of each bracket").range(0, 1e18, true).with_default(btc.caps),
       ParamSchema::number_list("mmr", "fraction", "maintenance margin rate per bracket").range(0, 1, true).with_default(btc.mmr),
       ParamSchema::number_list("max_leverage", "x", "maximum leverage per bracket (IMR = 1/leverage)").range(1, 1000).with_default(btc.max_leverage)}));
  s.params.push_back(ParamSchema::string("mark", "mark price: Binance median(P1, P2, last) or Hyperliquid oracle + EMA premium",
                                         {"median", "ema_premium"})
                         .with_default(std::string("median")));
  s.params.push_back(ParamSchema::duration("basis_time_constant", "EMA time constant of (book mid − index) in the mark")
                         .range(1e-3, 1e9)
                         .with_default(config::Duration{150 * kSecond}));
  s.params.push_back(ParamSchema::group(
      "funding", "funding rate and settlement",
      {ParamSchema::duration("interval", "time between funding settlements (8h Binance, 1h Hyperliquid)").range(1, 1e9).with_default(config::Duration{8 * kHour}),
       ParamSchema::duration("premium_sample", "premium index sampling period").range(1e-3, 1e9).with_default(config::Duration{kMinute}),
       ParamSchema::number("interest", "fraction/8h", "interest component I").range(-0.1, 0.1).with_default(1e-4),
       ParamSchema::number("clamp", "fraction/8h", "clamp on I − P̄").range(0, 1).with_default(5e-4),
       ParamSchema::number("cap", "fraction/8h", "cap on |F| (k·MMR of the first bracket with k = 1)").range(0, 1).with_default(4e-3),
       ParamSchema::number("impact_notional", "numeraire", "impact margin notional for impact bid/ask (0 = 200 / IMR of the first bracket)")
           .range(0, 1e15)
           .with_default(0.0),
       ParamSchema::string("price", "price the payment is valued at", {"mark", "oracle"}).with_default(std::string("mark"))}));
  s.params.push_back(ParamSchema::group(
      "liquidation_fee", "liquidation (clearance) fee on the liquidated notional, to the insurance fund",
      {ParamSchema::number("base", "fraction", "fee at equity = maintenance margin").range(0, 0.5).with_default(0.005),
       ParamSchema::number("max", "fraction", "fee at equity = 0 (variable penalty; = base for a flat fee)").range(0, 0.5).with_default(0.005)}));
  s.params.push_back(ParamSchema::string("risk_unit", "portfolio-margin risk unit (markets in one unit net; empty = the asset)").with_default(std::string("")));
  s.params.push_back(ParamSchema::number_list("stress_moves", "fraction", "portfolio-margin price moves (each ±) of the risk unit")
                         .range(0, 10)
                         .with_default(config::NumberList{0.04, 0.08, 0.12}));
  s.params.push_back(ParamSchema::group(
      "volatility_margin", "volatility-scaled (dynamic) margin",
      {ParamSchema::number("reference_volatility", "fraction/√h", "margin × max(1, σ/reference) (0 = off)").range(0, 10).with_default(0.0),
       ParamSchema::number("max_scale", "x", "largest margin multiplier").range(1, 100).with_default(3.0),
       ParamSchema::duration("time_constant", "EWMA time constant of σ").range(1e-3, 1e9).with_default(config::Duration{10 * kMinute})}));
  s.params.push_back(ParamSchema::group(
      "circuit_breaker", "halt on a large move of the mark within a window",
      {ParamSchema::number("move", "fraction", "move that trips the breaker (0 = off)").range(0, 1).with_default(0.0),
       ParamSchema::duration("window", "look-back window").range(1e-3, 1e9).with_default(config::Duration{5 * kMinute}),
       ParamSchema::duration("halt", "halt duration").range(0, 1e9).with_default(config::Duration{15 * kMinute}),
       ParamSchema::boolean("halt_liquidations", "liquidations also wait for the halt to end").with_default(true)}));
  s.metrics = {{"mark_price", "numeraire", "mark price"},
               {"index_price", "numeraire", "index (oracle) price"},
               {"funding_rate", "fraction/8h", "last funding rate"},
               {"premium", "fraction", "last premium index sample"},
               {"open_interest", "contracts", "long open interest"},
               {"open_interest_value", "numeraire", "long open interest at the mark"},
               {"funding_paid", "numeraire", "cumulative funding paid by longs to shorts (negative: shorts paid)"},
               {"margin_scale", "x", "volatility margin multiplier"},
               {"halts", "count", "circuit-breaker trips"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<PerpMarket>(spec, w);
  });
}

}  // namespace cascade::protocols
