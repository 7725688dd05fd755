#include "cascade/protocols/perp/perp_exchange.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/orderbook/limit_order_book.hpp"
#include "cascade/protocols/perp/perp_market.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
enum Kind : std::uint32_t { mark_update = 0, funding = 1 };
constexpr int kMaxLiquidationSteps = 64;
double sign(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0); }
// A position whose size is this small relative to its previous size is closed (rounding residue).
bool negligible(double size, double reference) { return std::fabs(size) <= 1e-12 * std::max(1.0, std::fabs(reference)); }
}  // namespace

double adl_score(double pnl_fraction, double effective_leverage) {
  if (!(effective_leverage > 0.0)) return pnl_fraction;
  return pnl_fraction > 0.0 ? pnl_fraction * effective_leverage : pnl_fraction / effective_leverage;
}

PerpExchange::PerpExchange(const config::ComponentSpec& spec, world::World& world) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  const std::string path = "protocols." + spec.name + ".";
  config::Diagnostics d;
  for (const auto& name : p.string_list("markets")) {
    auto* m = dynamic_cast<PerpMarket*>(world.find(name));
    if (m == nullptr)
      d.add(p.mark("markets"), path + "markets",
            "'" + name + "' is not a perp_market declared before this exchange in the protocols section");
    else
      markets_.push_back(m);
  }
  if (p.string_list("markets").empty()) d.add(p.mark("markets"), path + "markets", "an exchange needs at least one market");
  collateral_ = world.token(p.reference("collateral"));
  if (collateral_ != world.numeraire()) d.add(p.mark("collateral"), path + "collateral", "the margin asset must be the numeraire");
  if (!d.empty()) throw config::ConfigError(d);
  initial_fund_ = p.number("insurance_fund");
  maker_collateral_ = p.number("maker_collateral");
  backstop_ = p.string("backstop") == "socialised" ? Backstop::socialised : Backstop::adl;
  partial_ = p.boolean("partial_liquidation");
  portfolio_im_ = p.number("portfolio_im_multiplier");
  vault_ = world.ledger().open_account(spec.name + ".vault");
  fund_account_ = world.ledger().open_account(spec.name + ".insurance_fund");
  maker_wallet_ = world.ledger().open_account(spec.name + ".makers");
  by_market_.resize(markets_.size());
  long_oi_.assign(markets_.size(), 0.0);
  protocol_index_ = world.protocol_index(spec.name);
  makers_ = open_account(world, maker_wallet_, MarginMode::cross);
  accounts_[makers_].exempt = true;
  engine_ = open_account(world, fund_account_, MarginMode::cross);
  accounts_[engine_].exempt = true;
}

int PerpExchange::market_index(const std::string& name) const {
  for (std::size_t m = 0; m < markets_.size(); ++m)
    if (markets_[m]->name() == name) return static_cast<int>(m);
  return -1;
}

void PerpExchange::start(world::World& world) {
  auto& ledger = world.ledger();
  ledger.mint(fund_account_, collateral_, initial_fund_);
  fund_ = initial_fund_;
  ledger.mint(maker_wallet_, collateral_, maker_collateral_);
  deposit(world, makers_, maker_collateral_);
  for (std::size_t m = 0; m < markets_.size(); ++m)
    markets_[m]->subscribe(id(), mark_update, funding, static_cast<std::uint32_t>(m));
}

// ---- accounts -------------------------------------------------------------------------------

std::uint32_t PerpExchange::open_account(world::World&, ledger::AccountId owner, MarginMode mode) {
  Account a;
  a.owner = owner;
  a.mode = mode;
  accounts_.push_back(std::move(a));
  return static_cast<std::uint32_t>(accounts_.size() - 1);
}

std::uint32_t PerpExchange::open_sub_account(world::World& world, std::uint32_t parent, MarginMode mode) {
  const std::uint32_t a = open_account(world, accounts_[parent].owner, mode);
  accounts_[a].parent = static_cast<std::int32_t>(parent);
  return a;
}

void PerpExchange::deposit(world::World& world, std::uint32_t a, double amount) {
  if (!(amount > 0.0)) return;
  world.ledger().transfer(accounts_[a].owner, vault_, collateral_, amount);
  accounts_[a].collateral += amount;
  deposits_ += amount;
}

double PerpExchange::free_collateral(std::uint32_t a) const {
  const Account& acc = accounts_[a];
  if (acc.mode == MarginMode::isolated) return std::max(0.0, acc.collateral);
  const double e = unit_equity(a, -1);
  return std::clamp(e - unit_initial(a, -1), 0.0, std::max(0.0, acc.collateral));
}

double PerpExchange::withdraw(world::World& world, std::uint32_t a, double amount) {
  amount = std::min(amount, free_collateral(a));
  if (!(amount > 0.0)) return 0.0;
  accounts_[a].collateral -= amount;
  world.ledger().transfer(vault_, accounts_[a].owner, collateral_, amount);
  withdrawals_ += amount;
  return amount;
}

double PerpExchange::transfer(std::uint32_t from, std::uint32_t to, double amount) {
  const bool related = accounts_[from].parent == static_cast<std::int32_t>(to) || accounts_[to].parent == static_cast<std::int32_t>(from);
  if (!related) return 0.0;
  amount = std::min(amount, free_collateral(from));
  if (!(amount > 0.0)) return 0.0;
  accounts_[from].collateral -= amount;
  accounts_[to].collateral += amount;
  return amount;
}

void PerpExchange::add_margin(std::uint32_t a, std::size_t m, double amount) {
  Account& acc = accounts_[a];
  if (acc.mode != MarginMode::isolated) return;
  amount = std::min(amount, std::max(0.0, acc.collateral));
  if (!(amount > 0.0)) return;
  const std::uint32_t p = position_for(a, m);
  acc.collateral -= amount;
  positions_[p].margin += amount;
}

// ---- positions ------------------------------------------------------------------------------

std::int64_t PerpExchange::find_position(std::uint32_t a, std::size_t m) const {
  for (const std::uint32_t p : accounts_[a].positions)
    if (positions_[p].market == m) return p;
  return -1;
}

std::uint32_t PerpExchange::position_for(std::uint32_t a, std::size_t m) {
  const std::int64_t found = find_position(a, m);
  if (found >= 0) return static_cast<std::uint32_t>(found);
  Position p;
  p.account = a;
  p.market = static_cast<std::uint32_t>(m);
  positions_.push_back(p);
  const auto id = static_cast<std::uint32_t>(positions_.size() - 1);
  accounts_[a].positions.push_back(id);
  by_market_[m].push_back(id);
  return id;
}

double PerpExchange::position_size(std::uint32_t a, std::size_t m) const {
  const auto p = find_position(a, m);
  return p < 0 ? 0.0 : positions_[static_cast<std::size_t>(p)].size;
}

double PerpExchange::entry_price(std::uint32_t a, std::size_t m) const {
  const auto p = find_position(a, m);
  return p < 0 ? 0.0 : positions_[static_cast<std::size_t>(p)].entry;
}

double PerpExchange::position_margin(std::uint32_t a, std::size_t m) const {
  const auto p = find_position(a, m);
  return p < 0 ? 0.0 : positions_[static_cast<std::size_t>(p)].margin;
}

double PerpExchange::mark(std::size_t m) const { return markets_[m]->mark(); }

double PerpExchange::upnl(const Position& p) const { return p.size * (mark(p.market) - p.entry); }

void PerpExchange::apply_fill(std::uint32_t a, std::size_t m, double dq, double price) {
  if (dq == 0.0) return;
  const std::uint32_t id = position_for(a, m);
  Position& p = positions_[id];
  Account& acc = accounts_[a];
  const double s = p.size;
  const double old_long = std::max(0.0, s);
  if (s == 0.0) {
    p.size = dq;
    p.entry = price;
  } else if (s * dq > 0.0) {
    p.entry = (s * p.entry + dq * price) / (s + dq);
    p.size = s + dq;
  } else {
    const double closed = sign(s) * std::min(std::fabs(dq), std::fabs(s));
    const double realised = closed * (price - p.entry);
    if (acc.mode == MarginMode::isolated)
      p.margin += realised;
    else
      acc.collateral += realised;
    p.size = s + dq;
    if (negligible(p.size, s)) p.size = 0.0;
    if (p.size * s < 0.0) p.entry = price;  // flipped: the rest opens at this price
  }
  if (p.size == 0.0) {
    p.entry = 0.0;
    acc.collateral += p.margin;  // an isolated position's margin returns to the account
    p.margin = 0.0;
  }
  long_oi_[m] += std::max(0.0, p.size) - old_long;
  markets_[m]->set_open_interest(long_oi_[m]);
}

double PerpExchange::unit_equity(std::uint32_t a, std::int64_t pos) const {
  const Account& acc = accounts_[a];
  if (acc.mode == MarginMode::isolated) {
    if (pos < 0) return acc.collateral;
    const Position& p = positions_[static_cast<std::size_t>(pos)];
    return p.margin + upnl(p);
  }
  double e = acc.collateral;
  for (const std::uint32_t id : acc.positions) e += upnl(positions_[id]);
  return e;
}

double PerpExchange::portfolio_loss(std::uint32_t a) const {
  // Net delta (numeraire) per risk unit; the worst loss of a linear position over ±moves is
  // |delta| × the largest move, but the scenarios are evaluated as written so that non-linear
  // products can join later.
  std::map<std::string, std::pair<double, const PerpMarket*>> units;
  for (const std::uint32_t id : accounts_[a].positions) {
    const Position& p = positions_[id];
    if (p.size == 0.0) continue;
    auto& u = units[markets_[p.market]->risk_unit()];
    u.first += p.size * mark(p.market);
    if (u.second == nullptr) u.second = markets_[p.market];
  }
  double total = 0.0;
  for (const auto& [unit, value] : units) {
    double worst = 0.0;
    for (const double move : value.second->stress_moves()) worst = std::max({worst, -value.first * move, value.first * move});
    total += worst * value.second->margin_scale();
  }
  return total;
}

double PerpExchange::unit_maintenance(std::uint32_t a, std::int64_t pos) const {
  const Account& acc = accounts_[a];
  if (acc.mode == MarginMode::portfolio) return portfolio_loss(a);
  auto mm = [&](const Position& p) { return markets_[p.market]->maintenance_margin(std::fabs(p.size) * mark(p.market)); };
  if (acc.mode == MarginMode::isolated) return pos < 0 ? 0.0 : mm(positions_[static_cast<std::size_t>(pos)]);
  double total = 0.0;
  for (const std::uint32_t id : acc.positions)
    if (positions_[id].size != 0.0) total += mm(positions_[id]);
  return total;
}

double PerpExchange::unit_initial(std::uint32_t a, std::int64_t pos) const {
  const Account& acc = accounts_[a];
  if (acc.mode == MarginMode::portfolio) return portfolio_im_ * portfolio_loss(a);
  auto im = [&](const Position& p) { return markets_[p.market]->initial_margin(std::fabs(p.size) * mark(p.market)); };
  if (acc.mode == MarginMode::isolated) return pos < 0 ? 0.0 : im(positions_[static_cast<std::size_t>(pos)]);
  double total = 0.0;
  for (const std::uint32_t id : acc.positions)
    if (positions_[id].size != 0.0) total += im(positions_[id]);
  return total;
}

double PerpExchange::equity(std::uint32_t a, std::size_t m) const { return unit_equity(a, find_position(a, m)); }
double PerpExchange::maintenance(std::uint32_t a, std::size_t m) const { return unit_maintenance(a, find_position(a, m)); }
double PerpExchange::initial(std::uint32_t a, std::size_t m) const { return unit_initial(a, find_position(a, m)); }

double PerpExchange::margin_ratio(std::uint32_t a, std::size_t m) const {
  const double mm = maintenance(a, m);
  const double e = equity(a, m);
  if (mm <= 0.0) return 0.0;
  return e > 0.0 ? mm / e : std::numeric_limits<double>::infinity();
}

bool PerpExchange::liquidatable(std::uint32_t a, std::size_t m) const {
  if (accounts_[a].exempt) return false;
  const auto pos = find_position(a, m);
  if (pos < 0 || positions_[static_cast<std::size_t>(pos)].size == 0.0) return false;
  return unit_equity(a, pos) < unit_maintenance(a, pos);
}

// ---- trading --------------------------------------------------------------------------------

PerpFill PerpExchange::book_order(world::World& world, std::uint32_t a, std::size_t m, double quantity) {
  PerpFill out;
  LimitOrderBook& book = markets_[m]->book();
  const BookFill f = quantity > 0.0 ? book.execute_buy(world, quantity) : book.execute_sell(world, -quantity);
  if (!(f.quantity > 0.0)) return out;
  const double q = sign(quantity) * f.quantity;
  apply_fill(a, m, q, f.average());
  apply_fill(makers_, m, -q, f.average());
  out.quantity = q;
  out.notional = f.notional;
  return out;
}

bool PerpExchange::covers_initial(std::uint32_t a, std::size_t m, double quantity, double price) {
  const std::uint32_t id = position_for(a, m);
  Position& p = positions_[id];
  const double s = p.size, e = p.entry;
  const bool increases = std::fabs(s + quantity) > std::fabs(s) + 1e-12 * std::fabs(s);
  if (!increases) return true;
  // Trial: the position after the trade, valued with the trade at `price`.
  if (s * quantity >= 0.0)
    p.entry = s == 0.0 ? price : (s * e + quantity * price) / (s + quantity);
  else
    p.entry = price;
  p.size = s + quantity;
  const double eq = unit_equity(a, id), im = unit_initial(a, id);
  p.size = s;
  p.entry = e;
  return eq >= im;
}

PerpFill PerpExchange::market_order(world::World& world, std::uint32_t a, std::size_t m, double quantity, double margin) {
  PerpFill out;
  if (markets_[m]->halted(world.now()) || quantity == 0.0) {
    out.rejected = true;
    return out;
  }
  if (margin > 0.0) add_margin(a, m, margin);
  const double price = quantity > 0.0 ? markets_[m]->book().preview_buy(quantity).average()
                                      : markets_[m]->book().preview_sell(-quantity).average();
  if (!(price > 0.0) || !covers_initial(a, m, quantity, price)) {
    release_unused_margin(a, m);
    out.rejected = true;
    return out;
  }
  return book_order(world, a, m, quantity);
}

void PerpExchange::release_unused_margin(std::uint32_t a, std::size_t m) {
  const auto id = find_position(a, m);
  if (id < 0) return;
  Position& p = positions_[static_cast<std::size_t>(id)];
  if (p.size != 0.0 || p.margin == 0.0) return;
  accounts_[a].collateral += p.margin;  // margin moved for an order that was not filled comes back
  p.margin = 0.0;
}

bool PerpExchange::open_at(std::uint32_t a, std::size_t m, double quantity, double price, double margin) {
  if (margin > 0.0) add_margin(a, m, margin);
  if (!covers_initial(a, m, quantity, price)) {
    release_unused_margin(a, m);
    return false;
  }
  apply_fill(a, m, quantity, price);
  apply_fill(makers_, m, -quantity, price);
  return true;
}

// ---- liquidation ----------------------------------------------------------------------------

void PerpExchange::subscribe_updates(world::ComponentId listener, std::uint32_t kind) {
  listeners_.push_back(listener);
  listener_kinds_.push_back(kind);
}

void PerpExchange::check_liquidations(world::World& world, std::size_t m) {
  if (markets_[m]->halted(world.now()) && markets_[m]->halt_liquidations()) return;
  ++epoch_;
  scratch_.clear();
  for (const std::uint32_t id : by_market_[m]) {
    const Position& p = positions_[id];
    if (p.size == 0.0) continue;
    Account& acc = accounts_[p.account];
    if (acc.exempt) continue;
    if (acc.mode != MarginMode::isolated) {
      if (acc.stamp == epoch_) continue;
      acc.stamp = epoch_;
    }
    if (unit_equity(p.account, id) < unit_maintenance(p.account, id)) scratch_.push_back(id);
  }
  const std::vector<std::uint32_t> candidates = scratch_;
  manage_inventory(world, m);
  for (const std::uint32_t id : candidates) {
    const Position& p = positions_[id];
    if (p.size == 0.0) continue;  // closed by an earlier liquidation (ADL) in this pass
    const std::uint32_t a = p.account;
    const std::int64_t unit = accounts_[a].mode == MarginMode::isolated ? static_cast<std::int64_t>(id) : -1;
    liquidate_unit(world, a, unit < 0 ? static_cast<std::int64_t>(id) : unit);
  }
}

void PerpExchange::charge_fee(world::World& world, std::uint32_t a, std::int64_t pos, double fee) {
  if (!(fee > 0.0)) return;
  if (accounts_[a].mode == MarginMode::isolated && pos >= 0)
    positions_[static_cast<std::size_t>(pos)].margin -= fee;
  else
    accounts_[a].collateral -= fee;
  world.ledger().transfer(vault_, fund_account_, collateral_, fee);
  fund_ += fee;
  fund_in_ += fee;
  fees_ += fee;
}

void PerpExchange::liquidate_unit(world::World& world, std::uint32_t a, std::int64_t pos) {
  for (int step = 0; step < kMaxLiquidationSteps; ++step) {
    const double e = unit_equity(a, pos), mm = unit_maintenance(a, pos);
    if (e >= mm) return;
    if (!partial_ || e <= 0.0) break;
    // The largest position of the unit steps down one bracket.
    std::int64_t target = pos;
    if (accounts_[a].mode != MarginMode::isolated) {
      double largest = -1.0;
      for (const std::uint32_t id : accounts_[a].positions) {
        const double n = std::fabs(positions_[id].size) * mark(positions_[id].market);
        if (positions_[id].size != 0.0 && n > largest) {
          largest = n;
          target = id;
        }
      }
    }
    const Position& p = positions_[static_cast<std::size_t>(target)];
    const PerpMarket& market = *markets_[p.market];
    const double notional = std::fabs(p.size) * market.mark();
    const std::size_t m = p.market;
    const double fee_rate = market.liquidation_fee_rate(e, mm);
    double keep = 0.0;
    if (accounts_[a].mode == MarginMode::portfolio) {
      // Portfolio margin is linear in the net exposure: keep the share of the position that the
      // equity left after the fee supports, with a 10 % buffer (OKX/Bybit reduce step by step).
      const double share = 0.9 * (e - fee_rate * notional) / mm;
      if (!(share > 0.05)) break;
      keep = std::fabs(p.size) * std::min(share, 0.95);
    } else {
      const std::size_t k = market.tiers().bracket(notional);
      if (k == 0) break;
      keep = market.tiers().caps[k - 1] / market.mark();
    }
    const double dq = -sign(p.size) * (std::fabs(p.size) - keep);
    const PerpFill fill = book_order(world, a, m, dq);
    if (fill.quantity == 0.0) break;
    charge_fee(world, a, pos, std::min(fee_rate * fill.notional, std::max(0.0, unit_equity(a, pos))));
    liquidated_notional_ += fill.notional;
    ++partial_liquidations_;
  }
  take_over(world, a, pos);
}

void PerpExchange::take_over(world::World& world, std::uint32_t a, std::int64_t pos) {
  std::vector<std::uint32_t> unit;
  if (accounts_[a].mode == MarginMode::isolated) {
    unit.push_back(static_cast<std::uint32_t>(pos));
  } else {
    for (const std::uint32_t id : accounts_[a].positions)
      if (positions_[id].size != 0.0) unit.push_back(id);
  }
  const double e = unit_equity(a, pos), mm = unit_maintenance(a, pos);
  double notional = 0.0, fee = 0.0;
  for (const std::uint32_t id : unit) {
    const Position& p = positions_[id];
    const double n = std::fabs(p.size) * mark(p.market);
    notional += n;
    fee += markets_[p.market]->liquidation_fee_rate(e, mm) * n;
  }
  if (!(notional > 0.0)) return;
  fee = std::min(fee, std::max(0.0, e));
  charge_fee(world, a, pos, fee);
  const double left = e - fee;  // what the engine inherits: surplus (> 0) or deficit (< 0)
  std::vector<std::size_t> touched;
  for (const std::uint32_t id : unit) {
    const Position p = positions_[id];
    const double n = std::fabs(p.size) * mark(p.market);
    // Bankruptcy price: equity of the unit is zero when every position closes at its own.
    const double bankrupt = std::max(1e-12 * mark(p.market), mark(p.market) - left * (n / notional) / p.size);
    apply_fill(a, p.market, -p.size, bankrupt);
    apply_fill(engine_, p.market, p.size, bankrupt);
    touched.push_back(p.market);
  }
  // Rounding residue of a cross account's collateral (the bankruptcy prices zero it exactly in
  // exact arithmetic) passes to the engine so nothing is created or lost.
  if (accounts_[a].mode != MarginMode::isolated) {
    accounts_[engine_].collateral += accounts_[a].collateral;
    accounts_[a].collateral = 0.0;
  }
  liquidated_notional_ += notional;
  ++liquidations_;
  const double shortfall_before = shortfall_;
  for (const std::size_t m : touched) manage_inventory(world, m);
  output::LiquidationRecord r;
  r.time_s = to_seconds(world.now());
  r.protocol = protocol_index_;
  r.account = a;
  r.health_factor = mm > 0.0 ? e / mm : 0.0;
  r.oracle_price = mark(positions_[unit.front()].market);
  r.debt_repaid = notional;
  r.collateral_seized = notional;
  r.bonus = fee;
  r.protocol_fee = fee;
  r.bad_debt = shortfall_ - shortfall_before;
  world.record_liquidation(r);
}

void PerpExchange::engine_close(world::World& world, std::size_t m) {
  const auto id = find_position(engine_, m);
  if (id < 0) return;
  const double s = positions_[static_cast<std::size_t>(id)].size;
  if (s == 0.0) return;
  const double bankrupt = positions_[static_cast<std::size_t>(id)].entry;  // average bankruptcy price held
  LimitOrderBook& book = markets_[m]->book();
  double quantity = std::fabs(s);
  bool fund_exhausted = false;
  if (backstop_ == Backstop::adl) {
    // Sell into the book only as far as the fund (and any surplus made on the way) absorbs the
    // loss against the bankruptcy price; the rest is deleveraged at the bankruptcy price.
    const double budget = fund_ + std::max(0.0, accounts_[engine_].collateral);
    double sold = 0.0, pnl = 0.0;
    for (std::uint32_t k = 0; k < book.levels() && sold < quantity; ++k) {
      const double px = s > 0.0 ? book.bid_price(k) : book.ask_price(k);
      const double size = std::min(s > 0.0 ? book.bid_size(k) : book.ask_size(k), quantity - sold);
      const double unit_pnl = (px - bankrupt) * sign(s);
      double take = size;
      if (unit_pnl < 0.0) take = std::min(take, std::max(0.0, budget + pnl) / -unit_pnl);
      sold += take;
      pnl += take * unit_pnl;
      if (take < size) {
        fund_exhausted = true;
        break;
      }
    }
    quantity = sold;
  }
  if (quantity > 0.0) {
    const PerpFill f = book_order(world, engine_, m, -sign(s) * quantity);
    quantity = std::fabs(f.quantity);
  }
  // What the book could not take stays with the engine (the fund holds it) and is offered again
  // after the next mark update; what the fund cannot afford is deleveraged now.
  const double rest = std::fabs(s) - quantity;
  if (fund_exhausted && rest > 1e-12 * std::fabs(s)) deleverage(world, m, sign(s) * rest, bankrupt);
}

void PerpExchange::manage_inventory(world::World& world, std::size_t m) {
  engine_close(world, m);
  settle_engine(world);
  if (backstop_ != Backstop::adl) return;
  // The fund cannot carry the inventory's unrealised loss: deleverage all of it.
  const auto id = find_position(engine_, m);
  if (id < 0) return;
  const Position& p = positions_[static_cast<std::size_t>(id)];
  if (p.size != 0.0 && fund_ + upnl(p) < 0.0) deleverage(world, m, p.size, p.entry);
}

double PerpExchange::adl_score_of(std::uint32_t a, std::size_t m) const {
  const auto id = find_position(a, m);
  if (id < 0) return 0.0;
  const Position& p = positions_[static_cast<std::size_t>(id)];
  if (p.size == 0.0 || !(p.entry > 0.0)) return 0.0;
  const double pnl = sign(p.size) * (mark(m) - p.entry) / p.entry;
  const double e = unit_equity(a, id);
  const double lev = e > 0.0 ? std::fabs(p.size) * mark(m) / e : 1e12;
  return adl_score(pnl, lev);
}

std::vector<std::uint32_t> PerpExchange::adl_ranking(std::size_t m, int bankrupt_side) const {
  std::vector<std::pair<double, std::uint32_t>> ranked;
  for (const std::uint32_t id : by_market_[m]) {
    const Position& p = positions_[id];
    if (p.account == engine_ || p.size == 0.0 || sign(p.size) == static_cast<double>(bankrupt_side)) continue;
    ranked.emplace_back(adl_score_of(p.account, m), p.account);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
  std::vector<std::uint32_t> out;
  out.reserve(ranked.size());
  for (const auto& r : ranked) out.push_back(r.second);
  return out;
}

void PerpExchange::deleverage(world::World& world, std::size_t m, double quantity, double price) {
  ++adl_events_;
  double remaining = std::fabs(quantity);
  const double side = sign(quantity);  // the engine's side
  for (const std::uint32_t a : adl_ranking(m, static_cast<int>(side))) {
    if (!(remaining > 0.0)) break;
    const auto id = find_position(a, m);
    const Position& p = positions_[static_cast<std::size_t>(id)];
    const double take = std::min(remaining, std::fabs(p.size));
    const double realised = take * sign(p.size) * (price - p.entry);
    adl_closed_profit_ += std::max(0.0, realised);
    adl_closed_notional_ += take * price;
    ++adl_count_;
    adl_log_.push_back({to_seconds(world.now()), static_cast<std::uint32_t>(m), a, side * take, price, realised, adl_score_of(a, m)});  // score before the close
    output::AdlRecord r;
    r.time_s = adl_log_.back().time_s;
    r.protocol = protocol_index_;
    r.market = static_cast<std::uint32_t>(m);
    r.account = a;
    r.side = p.size > 0.0 ? 1 : -1;
    r.size = take;
    r.price = price;
    r.pnl = realised;
    r.score = adl_log_.back().score;
    // The profit the position gives up by closing at the bankruptcy price rather than the mark:
    // the part of the bankrupt side's loss it covers.
    r.loss_covered = take * sign(p.size) * (mark(m) - price);
    world.record_adl(r);
    apply_fill(a, m, side * take, price);
    apply_fill(engine_, m, -side * take, price);
    remaining -= take;
  }
}

void PerpExchange::settle_engine(world::World& world) {
  double& c = accounts_[engine_].collateral;
  auto& ledger = world.ledger();
  if (c > 0.0) {
    ledger.transfer(vault_, fund_account_, collateral_, c);
    fund_ += c;
    fund_in_ += c;
    c = 0.0;
    return;
  }
  if (!(c < 0.0)) return;
  const double pay = std::min(-c, fund_);
  if (pay > 0.0) {
    ledger.transfer(fund_account_, vault_, collateral_, pay);
    fund_ -= pay;
    fund_out_ += pay;
  }
  const double rest = -c - pay;
  c = 0.0;
  if (rest > 0.0) {
    shortfall_ += rest;
    double covered = backstop_ == Backstop::socialised ? socialise(rest) : 0.0;
    bad_debt_ += rest - covered;
  }
}

double PerpExchange::socialise(double loss) {
  double profit = 0.0;
  for (std::uint32_t a = 0; a < accounts_.size(); ++a) {
    if (a == engine_) continue;
    for (const std::uint32_t id : accounts_[a].positions) profit += std::max(0.0, upnl(positions_[id]));
  }
  if (!(profit > 0.0)) return 0.0;
  const double charged = std::min(loss, profit);
  const double share = charged / profit;
  for (std::uint32_t a = 0; a < accounts_.size(); ++a) {
    if (a == engine_) continue;
    for (const std::uint32_t id : accounts_[a].positions) {
      const double cut = std::max(0.0, upnl(positions_[id])) * share;
      if (!(cut > 0.0)) continue;
      if (accounts_[a].mode == MarginMode::isolated)
        positions_[id].margin -= cut;
      else
        accounts_[a].collateral -= cut;
    }
  }
  socialised_ += charged;
  return charged;
}

// ---- funding and events ---------------------------------------------------------------------

void PerpExchange::settle_funding(world::World&, std::size_t m) {
  const PerpMarket& market = *markets_[m];
  const double rate = market.funding_per_interval(market.last_funding_rate());
  const double price = market.funding_price() == PerpMarket::FundingPrice::oracle ? market.index() : market.mark();
  double longs_paid = 0.0;
  for (const std::uint32_t id : by_market_[m]) {
    Position& p = positions_[id];
    if (p.size == 0.0) continue;
    const double payment = p.size * price * rate;  // > 0: this position pays
    if (accounts_[p.account].mode == MarginMode::isolated)
      p.margin -= payment;
    else
      accounts_[p.account].collateral -= payment;
    if (p.size > 0.0) longs_paid += payment;
  }
  funding_paid_ += longs_paid;
  markets_[m]->add_funding_paid(longs_paid);
}

void PerpExchange::handle(const engine::Event& event, world::World& world) {
  const std::size_t m = event.payload;
  if (event.kind == funding) settle_funding(world, m);
  check_liquidations(world, m);
  for (std::size_t i = 0; i < listeners_.size(); ++i)
    world.sim().schedule_in(0, engine::EventClass::agent, listeners_[i], listener_kinds_[i], event.payload);
}

double PerpExchange::open_interest_value() const {
  double total = 0.0;
  for (std::size_t m = 0; m < markets_.size(); ++m) total += long_oi_[m] * mark(m);
  return total;
}

double PerpExchange::metric(int index) const {
  switch (index) {
    case 0: return fund_;
    case 1: return liquidated_notional_;
    case 2: return static_cast<double>(liquidations_);
    case 3: return static_cast<double>(partial_liquidations_);
    case 4: return static_cast<double>(adl_count_);
    case 5: return adl_closed_profit_;
    case 6: return adl_closed_notional_;
    case 7: return bad_debt_;
    case 8: return shortfall_;
    case 9: return socialised_;
    case 10: return fees_;
    case 11: return open_interest_value();
    case 12: return funding_paid_;
    case 13: return static_cast<double>(adl_events_);
    default: {
      double held = 0.0;
      for (const std::uint32_t id : accounts_[engine_].positions) held += std::fabs(positions_[id].size) * mark(positions_[id].market);
      return held;
    }
  }
}

void PerpExchange::finish(world::World&, output::RunSummary& summary) {
  summary.liquidated_value += liquidated_notional_;
  summary.n_liquidations += liquidations_ + partial_liquidations_;
  summary.bad_debt += bad_debt_;
}

void PerpExchange::audit(const world::World& world, std::vector<std::string>& problems) const {
  const auto& ledger = world.ledger();
  std::ostringstream msg;
  msg.precision(15);
  double books = 0.0, scale = 0.0;
  std::vector<double> net(markets_.size(), 0.0), gross(markets_.size(), 0.0);
  for (const auto& acc : accounts_) {
    books += acc.collateral;
    scale += std::fabs(acc.collateral);
  }
  for (const auto& p : positions_) {
    books += p.margin - p.size * p.entry;
    scale += std::fabs(p.margin) + std::fabs(p.size * p.entry);
    if (!std::isfinite(p.size) || !std::isfinite(p.entry) || !std::isfinite(p.margin)) msg << name() << ": a position is not finite\n";
    net[p.market] += p.size;
    gross[p.market] += std::fabs(p.size);
  }
  const double vault = ledger.balance(vault_, collateral_);
  // Every trade has two sides, so Σ unrealised PnL = −Σ size·entry: the vault plus the loss no one
  // covered must equal what the accounts would have if everything closed at any common price.
  if (std::fabs(vault + bad_debt_ - books) > 1e-9 * std::max(1.0, scale))
    msg << name() << ": vault " << vault << " + bad debt " << bad_debt_ << " != accounts' books " << books << "\n";
  for (std::size_t m = 0; m < markets_.size(); ++m)
    if (std::fabs(net[m]) > 1e-9 * std::max(1.0, gross[m]))
      msg << name() << ": market " << markets_[m]->name() << " longs and shorts differ by " << net[m] << "\n";
  if (std::fabs(ledger.balance(fund_account_, collateral_) - fund_) > 1e-9 * std::max(1.0, fund_))
    msg << name() << ": insurance fund books " << fund_ << " != ledger " << ledger.balance(fund_account_, collateral_) << "\n";
  // Flows: deposits − withdrawals − fund inflows + fund outflows = vault; initial + in − out = fund.
  if (std::fabs(deposits_ - withdrawals_ - fund_in_ + fund_out_ - vault) > 1e-9 * std::max(1.0, deposits_))
    msg << name() << ": vault flows do not add up to the vault balance " << vault << "\n";
  if (std::fabs(initial_fund_ + fund_in_ - fund_out_ - fund_) > 1e-9 * std::max(1.0, initial_fund_ + fund_in_))
    msg << name() << ": insurance fund flows do not add up\n";
  std::string text = msg.str();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) problems.push_back(line);
}

void register_perp_exchange(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "perp_exchange";
  s.section = config::Section::protocols;
  s.summary = "perpetual futures exchange: isolated/cross/portfolio margin, sub-accounts, partial liquidation, insurance fund, ADL";
  s.source = "Binance USDⓈ-M liquidation, insurance fund and ADL FAQ; Bybit partial liquidation by risk limit; "
             "OKX portfolio margin stress tests (defi-mechanics.md §4)";
  s.params.push_back(ParamSchema::string_list("markets", "perp_market components traded here (declared before the exchange)"));
  s.params.push_back(ParamSchema::reference("collateral", config::RefKind::asset, "margin asset (the numeraire)")
                          .edge(graph::EdgeKind::collateral_in));
  s.params.push_back(ParamSchema::number("insurance_fund", "numeraire", "insurance fund balance at t = 0").range(0, 1e15).with_default(0.0));
  s.params.push_back(ParamSchema::string("backstop", "what covers a loss the fund cannot", {"adl", "socialised"}).with_default(std::string("adl")));
  s.params.push_back(ParamSchema::boolean("partial_liquidation", "reduce one bracket at a time before a full takeover").with_default(true));
  s.params.push_back(ParamSchema::number("maker_collateral", "numeraire", "margin of the market makers' account (never liquidated)")
                         .range(0, 1e18)
                         .with_default(1e9));
  s.params.push_back(ParamSchema::number("portfolio_im_multiplier", "x", "portfolio margin: initial = this × maintenance (stress loss)")
                         .range(1, 100)
                         .with_default(1.5));
  s.metrics = {{"insurance_fund", "numeraire", "insurance fund balance"},
               {"liquidated_notional", "numeraire", "cumulative notional liquidated (partial and full)"},
               {"liquidations", "count", "full liquidations (takeovers)"},
               {"partial_liquidations", "count", "partial liquidation steps"},
               {"adl_count", "count", "positions auto-deleveraged"},
               {"adl_closed_profit", "numeraire", "profit realised by the positions ADL closed"},
               {"adl_closed_notional", "numeraire", "notional closed by ADL, at bankruptcy prices"},
               {"bad_debt", "numeraire", "loss covered by no one"},
               {"insurance_shortfall", "numeraire", "loss the insurance fund could not cover"},
               {"socialised_loss", "numeraire", "loss charged to profitable accounts (backstop: socialised)"},
               {"fees", "numeraire", "liquidation fees paid to the fund"},
               {"open_interest", "numeraire", "long open interest at the mark, all markets"},
               {"funding_paid", "numeraire", "cumulative funding paid by longs"},
               {"adl_events", "count", "deleveraging rounds (each closes one or more positions)"},
               {"engine_inventory", "numeraire", "notional taken over and not yet sold, at the mark"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<PerpExchange>(spec, w);
  });
}

}  // namespace cascade::protocols
