#include "cascade/protocols/orderbook/limit_order_book.hpp"

#include <algorithm>
#include <cmath>

#include "cascade/config/diagnostics.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
enum Kind : std::uint32_t { reference_update = 0, refresh = 1 };
// Level sizes below this share of the target count as empty (floating-point residue).
constexpr double kEmpty = 1e-12;
}  // namespace

LimitOrderBook::LimitOrderBook(const config::ComponentSpec& spec, world::World& world) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  params_.half_spread = p.number("half_spread");
  params_.tick = p.number("tick");
  params_.levels = static_cast<std::uint32_t>(p.integer("levels"));
  params_.depth = p.number("depth");
  params_.depth_slope = p.number("depth_slope");
  params_.resilience = p.duration("resilience");
  params_.refresh = p.duration("refresh");
  const auto& pull = p.group("pull");
  params_.pull_vol = pull.number("volatility");
  params_.pull_elasticity = pull.number("elasticity");
  params_.min_depth = pull.number("min_depth");
  params_.vol_time_constant_s = to_seconds(pull.duration("time_constant"));
  params_.flow_shift = p.number("flow_shift");
  reference_ = &world.price_source(p.reference("reference"));
  config::Diagnostics d;
  if (1.0 - params_.half_spread - params_.tick * (params_.levels - 1) <= 0.0)
    d.add(p.mark("levels"), "venues." + spec.name + ".levels", "the deepest bid level would be at a price ≤ 0: reduce levels or tick");
  if (1.0 + params_.depth_slope * (params_.levels - 1) <= 0.0)
    d.add(p.mark("depth_slope"), "venues." + spec.name + ".depth_slope", "the deepest level would hold a size ≤ 0: 1 + depth_slope·(levels − 1) must be positive");
  if (!d.empty()) throw config::ConfigError(d);
  base_name_ = reference_->base_asset();
  base_ = world.token(base_name_);
  quote_ = world.numeraire();
  makers_ = world.ledger().open_account(spec.name + ".makers");
  vol_ = risk::EwmaVolatility(params_.vol_time_constant_s, 0.0);
}

double LimitOrderBook::best_bid() const {
  for (std::uint32_t k = 0; k < params_.levels; ++k)
    if (bid_[k] > kEmpty * params_.depth) return bid_price(k);
  return 0.0;
}

double LimitOrderBook::best_ask() const {
  for (std::uint32_t k = 0; k < params_.levels; ++k)
    if (ask_[k] > kEmpty * params_.depth) return ask_price(k);
  return 0.0;
}

double LimitOrderBook::price() const {
  const double b = best_bid(), a = best_ask();
  return (b > 0.0 && a > 0.0) ? 0.5 * (a + b) : center_;
}

double LimitOrderBook::bid_depth() const {
  double s = 0.0;
  for (double x : bid_) s += x;
  return s;
}

double LimitOrderBook::ask_depth() const {
  double s = 0.0;
  for (double x : ask_) s += x;
  return s;
}

BookFill LimitOrderBook::walk(const std::vector<double>& sizes, bool asks, double quantity) const {
  BookFill f;
  for (std::uint32_t k = 0; k < params_.levels && f.quantity < quantity; ++k) {
    const double take = std::min(sizes[k], quantity - f.quantity);
    if (!(take > 0.0)) continue;
    const double px = asks ? ask_price(k) : bid_price(k);
    f.quantity += take;
    f.notional += take * px;
    f.last_price = px;
  }
  return f;
}

BookFill LimitOrderBook::preview_buy(double quantity) const { return walk(ask_, true, quantity); }
BookFill LimitOrderBook::preview_sell(double quantity) const { return walk(bid_, false, quantity); }

double LimitOrderBook::impact(bool asks, double notional) const {
  const auto& sizes = asks ? ask_ : bid_;
  double q = 0.0, n = 0.0, last = 0.0;
  for (std::uint32_t k = 0; k < params_.levels && n < notional; ++k) {
    const double px = asks ? ask_price(k) : bid_price(k);
    const double take = std::min(sizes[k], (notional - n) / px);
    if (!(take > 0.0)) continue;
    q += take;
    n += take * px;
    last = px;
  }
  if (n + 1e-9 * notional < notional) return last > 0.0 ? last : (asks ? ask_price(params_.levels - 1) : bid_price(params_.levels - 1));
  return n / q;
}

double LimitOrderBook::impact_bid(double notional) const { return impact(false, notional); }
double LimitOrderBook::impact_ask(double notional) const { return impact(true, notional); }

BookFill LimitOrderBook::consume(world::World& world, bool asks, double quantity) {
  replenish(world.now());
  const double mid_before = price();
  auto& sizes = asks ? ask_ : bid_;
  const BookFill f = walk(sizes, asks, quantity);
  double left = f.quantity;
  for (std::uint32_t k = 0; k < params_.levels && left > 0.0; ++k) {
    const double take = std::min(sizes[k], left);
    sizes[k] -= take;
    left -= take;
    if (sizes[k] < kEmpty * params_.depth) sizes[k] = 0.0;
  }
  if (f.quantity > 0.0 && params_.flow_shift > 0.0 && reference_price_ > 0.0) {
    basis_ += params_.flow_shift * (price() - mid_before) / reference_price_;
    center_ = reference_price_ * (1.0 + basis_);
  }
  if (f.quantity > 0.0) {
    last_trade_ = f.last_price;
    volume_quote_ += f.notional;
    stats_.observe(price());
    schedule_refresh(world);
    notify_price_change(world);
  }
  return f;
}

BookFill LimitOrderBook::execute_buy(world::World& world, double quantity) {
  return quantity > 0.0 ? consume(world, true, quantity) : BookFill{};
}

BookFill LimitOrderBook::execute_sell(world::World& world, double quantity) {
  return quantity > 0.0 ? consume(world, false, quantity) : BookFill{};
}

double LimitOrderBook::sell_base(world::World& world, ledger::AccountId trader, double base_in) {
  const BookFill f = execute_sell(world, base_in);
  if (!(f.quantity > 0.0)) return 0.0;
  auto& ledger = world.ledger();
  // The makers' quote inventory is topped up from outside the model (they hedge elsewhere).
  const double short_quote = f.notional - ledger.balance(makers_, quote_);
  if (short_quote > 0.0) ledger.mint(makers_, quote_, short_quote);
  ledger.transfer(trader, makers_, base_, f.quantity);
  ledger.transfer(makers_, trader, quote_, f.notional);
  return f.notional;
}

double LimitOrderBook::buy_base(world::World& world, ledger::AccountId trader, double base_out) {
  const BookFill f = execute_buy(world, base_out);
  if (!(f.quantity > 0.0)) return 0.0;
  auto& ledger = world.ledger();
  const double short_base = f.quantity - ledger.balance(makers_, base_);
  if (short_base > 0.0) ledger.mint(makers_, base_, short_base);
  ledger.transfer(trader, makers_, quote_, f.notional);
  ledger.transfer(makers_, trader, base_, f.quantity);
  return f.quantity;
}

void LimitOrderBook::apply_targets() {
  for (std::uint32_t k = 0; k < params_.levels; ++k) {
    ask_[k] = std::min(ask_[k], target(k));
    bid_[k] = std::min(bid_[k], target(k));
  }
}

void LimitOrderBook::replenish(Time now) {
  if (now <= last_refill_) return;
  const double dt = to_seconds(now - last_refill_);
  last_refill_ = now;
  const double w = 1.0 - std::exp(-dt / to_seconds(params_.resilience));
  if (basis_ != 0.0) {
    basis_ *= 1.0 - w;  // the order-flow basis decays with the same time constant
    center_ = reference_price_ * (1.0 + basis_);
  }
  for (std::uint32_t k = 0; k < params_.levels; ++k) {
    const double t = target(k);
    ask_[k] += (t - ask_[k]) * w;
    bid_[k] += (t - bid_[k]) * w;
  }
}

void LimitOrderBook::schedule_refresh(world::World& world) {
  if (refresh_pending_) return;
  refresh_pending_ = true;
  world.sim().schedule_in(params_.refresh, engine::EventClass::venue, id(), refresh);
}

void LimitOrderBook::recenter(world::World& world, double center) {
  replenish(world.now());
  reference_price_ = center;
  center_ = center * (1.0 + basis_);
  vol_.observe(world.now(), center);
  if (params_.pull_vol > 0.0) {
    const double sigma = vol_.hourly_vol();
    const double old = factor_;
    factor_ = sigma > params_.pull_vol ? std::max(params_.min_depth, std::pow(params_.pull_vol / sigma, params_.pull_elasticity)) : 1.0;
    if (factor_ < old) apply_targets();  // makers cancel quotes at once
    if (factor_ > old) schedule_refresh(world);  // and come back at the resilience rate
  }
  stats_.observe(price());
  notify_price_change(world);
}

void LimitOrderBook::start(world::World& world) {
  ask_.assign(params_.levels, 0.0);
  bid_.assign(params_.levels, 0.0);
  center_ = reference_->price();
  reference_price_ = center_;
  vol_.observe(world.now(), center_);
  for (std::uint32_t k = 0; k < params_.levels; ++k) ask_[k] = bid_[k] = target(k);
  last_trade_ = center_;
  last_refill_ = world.now();
  reference_->subscribe(id(), reference_update, engine::EventClass::venue);
  stats_.observe(price());
  notify_price_change(world);
}

void LimitOrderBook::handle(const engine::Event& event, world::World& world) {
  if (event.kind == reference_update) {
    recenter(world, reference_->price());
    return;
  }
  refresh_pending_ = false;
  const double before = price();
  replenish(world.now());
  bool full = true;
  for (std::uint32_t k = 0; k < params_.levels && full; ++k)
    full = ask_[k] >= target(k) * (1.0 - 1e-6) && bid_[k] >= target(k) * (1.0 - 1e-6);
  if (!full) schedule_refresh(world);
  if (price() != before) {
    stats_.observe(price());
    notify_price_change(world);
  }
}

double LimitOrderBook::metric(int index) const {
  switch (index) {
    case 0: return price();
    case 1: return best_bid();
    case 2: return best_ask();
    case 3: return bid_depth();
    case 4: return ask_depth();
    case 5: return factor_;
    case 6: return volume_quote_;
    default: return basis_;
  }
}

void LimitOrderBook::finish(world::World&, output::RunSummary& summary) {
  if (!stats_.empty()) summary.min_venue_price = std::min(summary.min_venue_price, stats_.min());
}

void register_limit_order_book(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "limit_order_book";
  s.section = config::Section::venues;
  s.summary = "limit order book: makers quote a depth profile around a reference, refill at a resilience rate, pull in volatility";
  s.source = "price-level book with exponential resilience (Obizhaeva & Wang 2013); depth withdrawal in stress "
             "(10 Oct 2025: ~98 % depth loss, defi-mechanics.md §7.5)";
  s.params.push_back(ParamSchema::reference("reference", config::RefKind::price_source, "price the makers quote around (driver, venue or oracle)")
                          .edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::number("half_spread", "fraction", "best bid/ask at center·(1 ∓ half_spread)").range(0, 0.1).with_default(1e-4));
  s.params.push_back(ParamSchema::number("tick", "fraction", "relative spacing between price levels").range(0, 0.1, true).with_default(5e-4));
  s.params.push_back(ParamSchema::integer("levels", "levels", "price levels per side").range(1, 100000).with_default(std::int64_t{40}));
  s.params.push_back(ParamSchema::number("depth", "base units", "size at the best level").range(0, 1e15, true));
  s.params.push_back(ParamSchema::number("depth_slope", "1/level", "level k holds depth·(1 + slope·k)").range(-1, 1e6).with_default(0.05));
  s.params.push_back(ParamSchema::duration("resilience", "time constant of the refill toward the profile").range(1e-6, 1e9).with_default(config::Duration{60 * kSecond}));
  s.params.push_back(ParamSchema::duration("refresh", "how often makers requote consumed levels").range(1e-3, 1e9).with_default(config::Duration{5 * kSecond}));
  s.params.push_back(ParamSchema::number("flow_shift", "fraction", "share of a market order's mid move by which makers re-centre (decays with resilience)")
                         .range(0, 1)
                         .with_default(0.0));
  s.params.push_back(ParamSchema::group(
      "pull", "makers withdraw depth when the reference's volatility rises",
      {ParamSchema::number("volatility", "fraction/√h", "EWMA hourly volatility above which depth is pulled (0 = never)").range(0, 10).with_default(0.0),
       ParamSchema::number("elasticity", "", "depth factor = (volatility/σ)^elasticity above the threshold").range(0, 100).with_default(1.0),
       ParamSchema::number("min_depth", "fraction", "floor of the depth factor").range(0, 1, true).with_default(0.05),
       ParamSchema::duration("time_constant", "EWMA time constant of the volatility estimate").range(1e-3, 1e9).with_default(config::Duration{10 * kMinute})}));
  s.metrics = {{"price", "quote per base", "mid of best bid and ask"},
               {"best_bid", "quote per base", "best bid (0 if none)"},
               {"best_ask", "quote per base", "best ask (0 if none)"},
               {"bid_depth", "base units", "size on the bid side"},
               {"ask_depth", "base units", "size on the ask side"},
               {"depth_factor", "fraction", "share of the depth profile makers currently quote"},
               {"volume", "quote units", "cumulative traded notional"},
               {"basis", "fraction", "order-flow offset of the center from the reference"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<LimitOrderBook>(spec, w);
  });
}

}  // namespace cascade::protocols
