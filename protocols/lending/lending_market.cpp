#include "cascade/protocols/lending/lending_market.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/lending/liquidation_math.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
enum Kind : std::uint32_t { oracle_update = 0 };
constexpr double kInf = std::numeric_limits<double>::infinity();

double map_or(const config::NumberMap& map, const std::string& asset, double fallback) {
  for (const auto& [name, value] : map.entries)
    if (name == asset) return value;
  return fallback;
}
}  // namespace

double aave_compounded_growth(double r, double t) {
  if (!(t > 0.0)) return 1.0;
  // MathUtils.calculateCompoundedInterest (Aave v3): 1 + x·t + t(t−1)/2·x² + t(t−1)(t−2)/6·x³,
  // x = r / secondsPerYear, with the (t−1) and (t−2) factors floored at 0.
  const double x = r / kSecondsPerYear;
  const double t1 = std::max(t - 1.0, 0.0);
  const double t2 = std::max(t - 2.0, 0.0);
  return 1.0 + x * t + t * t1 * x * x / 2.0 + t * t1 * t2 * x * x * x / 6.0;
}

bool EmodeCategory::enabled() const { return std::find(member.begin(), member.end(), 1) != member.end(); }

LendingMarket::LendingMarket(const config::ComponentSpec& spec, world::World& world) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  const std::string path = "protocols." + spec.name + ".";
  config::Diagnostics d;
  const std::string& model = p.string("model");
  params_.model = model == "compound_v2"   ? LendingModel::compound_v2
                  : model == "compound_v3" ? LendingModel::compound_v3
                                           : LendingModel::aave_v3;
  params_.protocol_fee = p.number("protocol_fee");
  params_.protocol_seize_share = p.number("protocol_seize_share");
  const auto& close = p.group("close_factor");
  params_.close_factor = close.number("default");
  params_.full_close_health = close.number("full_below_health");
  params_.full_close_value = close.number("full_below_value");
  params_.min_leftover_value = close.number("min_leftover_value");
  const auto& rate = p.group("rate");
  const InterestRateModel default_rate = rate_from(rate);

  // Reserves: the lendable assets (`supply`) first, then collateral-only assets, in file order.
  const auto& supply = p.number_map("supply");
  for (const auto& [asset, amount] : supply.entries) {
    ReserveParams r;
    r.asset = asset;
    r.initial_supply = amount;
    r.borrowable = true;
    reserves_.push_back(r);
  }
  auto find_reserve = [&](const std::string& asset) -> std::uint32_t {
    for (std::uint32_t i = 0; i < reserves_.size(); ++i)
      if (reserves_[i].asset == asset) return i;
    return static_cast<std::uint32_t>(reserves_.size());
  };
  std::vector<std::uint8_t> is_collateral;
  for (const auto& asset : p.string_list("collaterals")) {
    if (world.spec().asset_index(asset) < 0) {
      d.add(p.mark("collaterals"), path + "collaterals", "no asset named '" + asset + "'");
      continue;
    }
    std::uint32_t i = find_reserve(asset);
    if (i == reserves_.size()) {
      ReserveParams r;
      r.asset = asset;
      reserves_.push_back(r);
    }
    is_collateral.resize(reserves_.size(), 0);
    is_collateral[i] = 1;
  }
  is_collateral.resize(reserves_.size(), 0);
  if (reserves_.empty()) d.add(p.mark("supply"), path + "supply", "a market needs at least one reserve (supply or collaterals)");

  // Per-asset parameters: market-wide defaults, overridden by per_asset.<parameter>.<asset>.
  const auto& per = p.group("per_asset");
  for (const auto& key : {"ltv", "liquidation_threshold", "liquidation_bonus", "liquidation_factor", "reserve_factor", "supply_cap",
                          "borrow_cap", "rate_optimal", "rate_base", "rate_slope1", "rate_slope2"})
    for (const auto& [asset, value] : per.number_map(key).entries)
      if (find_reserve(asset) == reserves_.size())
        d.add(per.mark(key), path + "per_asset." + key + "." + asset,
              "asset '" + asset + "' is not a reserve of this market (list it in supply or collaterals)");
  for (std::uint32_t i = 0; i < reserves_.size(); ++i) {
    auto& r = reserves_[i];
    r.token = world.token(r.asset);
    const bool coll = is_collateral[i] != 0;
    r.ltv = coll ? map_or(per.number_map("ltv"), r.asset, p.number("ltv")) : 0.0;
    r.liquidation_threshold = coll ? map_or(per.number_map("liquidation_threshold"), r.asset, p.number("liquidation_threshold")) : 0.0;
    r.liquidation_bonus = map_or(per.number_map("liquidation_bonus"), r.asset, p.number("liquidation_bonus"));
    r.liquidation_factor = map_or(per.number_map("liquidation_factor"), r.asset, p.number("liquidation_factor"));
    r.reserve_factor = map_or(per.number_map("reserve_factor"), r.asset, p.number("reserve_factor"));
    r.supply_cap = map_or(per.number_map("supply_cap"), r.asset, kInf);
    r.borrow_cap = map_or(per.number_map("borrow_cap"), r.asset, kInf);
    r.rate = InterestRateModel{map_or(per.number_map("rate_optimal"), r.asset, default_rate.optimal),
                               map_or(per.number_map("rate_base"), r.asset, default_rate.base),
                               map_or(per.number_map("rate_slope1"), r.asset, default_rate.slope1),
                               map_or(per.number_map("rate_slope2"), r.asset, default_rate.slope2)};
    const std::string at = " for " + r.asset;
    if (r.ltv > r.liquidation_threshold)
      d.add(per.mark("ltv"), path + "per_asset.ltv." + r.asset,
            "ltv" + at + " (" + std::to_string(r.ltv) + ") must not exceed its liquidation_threshold (" +
                std::to_string(r.liquidation_threshold) + ")");
    if (coll && params_.model == LendingModel::aave_v3 && r.liquidation_threshold * (1.0 + r.liquidation_bonus) > 1.0)
      d.add(per.mark("liquidation_bonus"), path + "per_asset.liquidation_bonus." + r.asset,
            "liquidation_threshold × (1 + liquidation_bonus)" + at + " must be ≤ 1 (Aave's configuration rule)");
    if (r.rate.optimal < 0.01 || r.rate.optimal > 0.99)
      d.add(per.mark("rate_optimal"), path + "per_asset.rate_optimal." + r.asset, "the kink must lie in [0.01, 0.99]");
  }

  // Oracles: each prices its base asset in the numeraire.
  oracle_.assign(reserves_.size(), nullptr);
  for (const auto& name : p.string_list("oracles")) {
    auto* source = dynamic_cast<world::PriceSource*>(world.find(name));
    if (source == nullptr) {
      d.add(p.mark("oracles"), path + "oracles", "no oracle, venue or driver named '" + name + "'");
      continue;
    }
    const std::uint32_t i = find_reserve(source->base_asset());
    if (i == reserves_.size()) {
      d.add(p.mark("oracles"), path + "oracles", "oracle '" + name + "' prices " + source->base_asset() + ", which is not a reserve");
      continue;
    }
    if (oracle_[i] != nullptr) d.add(p.mark("oracles"), path + "oracles", "two oracles price " + source->base_asset());
    oracle_[i] = source;
  }
  for (std::uint32_t i = 0; i < reserves_.size(); ++i)
    if (oracle_[i] == nullptr && reserves_[i].token != world.numeraire())
      d.add(p.mark("oracles"), path + "oracles", "no oracle prices " + reserves_[i].asset + " (only the numeraire needs none)");

  // E-mode: one category.
  const auto& emode = p.group("emode");
  params_.emode.member.assign(reserves_.size(), 0);
  params_.emode.ltv = emode.number("ltv");
  params_.emode.liquidation_threshold = emode.number("liquidation_threshold");
  params_.emode.liquidation_bonus = emode.number("liquidation_bonus");
  for (const auto& asset : emode.string_list("assets")) {
    const std::uint32_t i = find_reserve(asset);
    if (i == reserves_.size())
      d.add(emode.mark("assets"), path + "emode.assets", "asset '" + asset + "' is not a reserve of this market");
    else
      params_.emode.member[i] = 1;
  }
  if (params_.emode.ltv > params_.emode.liquidation_threshold)
    d.add(emode.mark("ltv"), path + "emode.ltv", "e-mode ltv must not exceed the e-mode liquidation_threshold");
  if (params_.emode.enabled() && params_.emode.liquidation_threshold * (1.0 + params_.emode.liquidation_bonus) > 1.0)
    d.add(emode.mark("liquidation_bonus"), path + "emode.liquidation_bonus", "e-mode liquidation_threshold × (1 + liquidation_bonus) must be ≤ 1");

  // Compound v3: one base asset, the only one lent.
  const auto& comet = p.group("comet");
  params_.store_front_price_factor = comet.number("store_front_price_factor");
  params_.target_reserves = comet.number("target_reserves");
  if (params_.model == LendingModel::compound_v3) {
    if (supply.entries.size() != 1)
      d.add(p.mark("supply"), path + "supply", "a compound_v3 market lends exactly one base asset: supply must list one asset");
    else
      params_.base = 0;
    if (!is_collateral.empty() && is_collateral[0])
      d.add(p.mark("collaterals"), path + "collaterals", "the compound_v3 base asset cannot also be collateral");
    if (params_.emode.enabled()) d.add(emode.mark("assets"), path + "emode.assets", "e-mode is an Aave feature (model: aave_v3)");
  }
  if (!d.empty()) throw config::ConfigError(d);

  state_.assign(reserves_.size(), ReserveState{});
  market_account_ = world.ledger().open_account(spec.name + ".reserve");
  treasury_ = world.ledger().open_account(spec.name + ".treasury");
  suppliers_ = world.ledger().open_account(spec.name + ".suppliers");
  protocol_index_ = world.protocol_index(spec.name);
}

std::uint32_t LendingMarket::reserve_of(ledger::TokenId token) const {
  for (std::uint32_t i = 0; i < reserves_.size(); ++i)
    if (reserves_[i].token == token) return i;
  return reserve_count();
}

double LendingMarket::price(std::uint32_t r) const { return oracle_[r] ? oracle_[r]->price() : 1.0; }

void LendingMarket::start(world::World& world) {
  for (auto* o : oracle_)
    if (o) o->subscribe(id(), oracle_update, engine::EventClass::protocol);
  for (std::uint32_t r = 0; r < reserves_.size(); ++r) {
    const double amount = reserves_[r].initial_supply;
    if (!(amount > 0.0)) continue;
    world.ledger().mint(suppliers_, reserves_[r].token, amount);
    supply(world, r, amount);
  }
  last_accrual_ = world.now();
}

// ---- interest ---------------------------------------------------------------------------------

double LendingMarket::utilization(std::uint32_t r) const {
  const auto& s = state_[r];
  if (params_.model == LendingModel::compound_v2) {
    // Compound v2: U = borrows / (cash + borrows − reserves)
    const double denominator = s.cash + s.debt() - std::max(s.treasury, 0.0);
    return denominator > 0.0 ? std::clamp(s.debt() / denominator, 0.0, 1.0) : 0.0;
  }
  return protocols::utilization(s.cash, s.debt());
}

double LendingMarket::borrow_rate(std::uint32_t r) const { return reserves_[r].rate.borrow_rate(utilization(r)); }

void LendingMarket::accrue_reserve(std::uint32_t r, double seconds) {
  auto& s = state_[r];
  if (s.scaled_debt <= 0.0) return;
  const double rate = borrow_rate(r);
  // Aave: the debt index compounds per second (three-term expansion); Compound v2/v3: simple
  // interest over the elapsed time, compounded at each accrual (accrueInterest / accrueInternal).
  const double growth = params_.model == LendingModel::aave_v3 ? aave_compounded_growth(rate, seconds)
                                                                : 1.0 + rate * seconds / kSecondsPerYear;
  const double interest = s.debt() * (growth - 1.0);
  s.borrow_index *= growth;
  const double to_treasury = interest * reserves_[r].reserve_factor;
  const double claims = s.supplier_claims();
  if (claims > 0.0) {
    s.liquidity_index *= 1.0 + (interest - to_treasury) / claims;
    s.treasury += to_treasury;
  } else {
    s.treasury += interest;
  }
}

void LendingMarket::accrue(Time now) {
  if (now <= last_accrual_) return;
  const double seconds = to_seconds(now - last_accrual_);
  last_accrual_ = now;
  for (std::uint32_t r = 0; r < reserves_.size(); ++r) accrue_reserve(r, seconds);
}

// ---- suppliers --------------------------------------------------------------------------------

double LendingMarket::deposit(world::World& world, ledger::AccountId from, std::uint32_t r, double amount) {
  accrue(world.now());
  auto& s = state_[r];
  if (!reserves_[r].borrowable) return 0.0;
  amount = std::min({amount, reserves_[r].supply_cap - s.supplier_claims() - s.collateral, world.ledger().balance(from, reserves_[r].token)});
  if (!(amount > 0.0)) return 0.0;
  world.ledger().transfer(from, market_account_, reserves_[r].token, amount);
  s.cash += amount;
  s.scaled_supply += amount / s.liquidity_index;
  return amount;
}

double LendingMarket::withdraw(world::World& world, ledger::AccountId to, std::uint32_t r, double amount) {
  accrue(world.now());
  auto& s = state_[r];
  // Only the cash can leave: at 100 % utilisation suppliers cannot withdraw at all.
  amount = std::min({amount, s.supplier_claims(), s.cash});
  if (!(amount > 0.0)) return 0.0;
  world.ledger().transfer(market_account_, to, reserves_[r].token, amount);
  s.cash -= amount;
  s.scaled_supply = std::max(0.0, s.scaled_supply - amount / s.liquidity_index);
  return amount;
}

double LendingMarket::supply(world::World& world, std::uint32_t r, double amount) { return deposit(world, suppliers_, r, amount); }

double LendingMarket::withdraw_supply(world::World& world, std::uint32_t r, double amount) { return withdraw(world, suppliers_, r, amount); }

// ---- positions --------------------------------------------------------------------------------

std::uint32_t LendingMarket::open_account(ledger::AccountId owner, bool emode) {
  const auto id = static_cast<std::uint32_t>(owner_.size());
  owner_.push_back(owner);
  emode_.push_back(emode && params_.emode.enabled() ? 1 : 0);
  collateral_.resize(collateral_.size() + reserves_.size(), 0.0);
  scaled_debt_.resize(scaled_debt_.size() + reserves_.size(), 0.0);
  return id;
}

double LendingMarket::ltv_for(std::uint32_t p, std::uint32_t r) const {
  return emode_[p] && params_.emode.member[r] ? params_.emode.ltv : reserves_[r].ltv;
}
double LendingMarket::threshold_for(std::uint32_t p, std::uint32_t r) const {
  return emode_[p] && params_.emode.member[r] ? params_.emode.liquidation_threshold : reserves_[r].liquidation_threshold;
}
double LendingMarket::bonus_for(std::uint32_t p, std::uint32_t r) const {
  return emode_[p] && params_.emode.member[r] ? params_.emode.liquidation_bonus : reserves_[r].liquidation_bonus;
}

LendingMarket::Values LendingMarket::values(std::uint32_t p) const {
  Values v;
  for (std::uint32_t r = 0; r < reserves_.size(); ++r) {
    const double c = collateral_[slot(p, r)];
    const double sd = scaled_debt_[slot(p, r)];
    if (c == 0.0 && sd == 0.0) continue;
    const double px = price(r);
    if (c > 0.0) {
      const double value = c * px;
      v.collateral += value;
      v.weighted_collateral += value * threshold_for(p, r);
      v.borrowing_power += value * ltv_for(p, r);
    }
    if (sd > 0.0) v.debt += sd * state_[r].borrow_index * px;
  }
  return v;
}

double LendingMarket::health_factor(std::uint32_t p) const {
  const Values v = values(p);
  if (v.debt <= 0.0) return kInf;
  return v.weighted_collateral / v.debt;
}

bool LendingMarket::has_collateral(std::uint32_t p) const {
  for (std::uint32_t r = 0; r < reserves_.size(); ++r)
    if (collateral_[slot(p, r)] > 0.0) return true;
  return false;
}

double LendingMarket::deposit_collateral(world::World& world, std::uint32_t p, std::uint32_t r, double amount) {
  touch(p);
  accrue(world.now());
  if (threshold_for(p, r) <= 0.0) return 0.0;  // not accepted as collateral
  auto& s = state_[r];
  // The supply cap counts lendable liquidity and collateral alike (both are aTokens in Aave).
  const double cap_room = params_.model == LendingModel::compound_v3 ? reserves_[r].supply_cap - s.collateral
                                                                     : reserves_[r].supply_cap - s.supplier_claims() - s.collateral;
  amount = std::min({amount, cap_room, world.ledger().balance(owner_[p], reserves_[r].token)});
  if (!(amount > 0.0)) return 0.0;
  world.ledger().transfer(owner_[p], market_account_, reserves_[r].token, amount);
  collateral_[slot(p, r)] += amount;
  s.collateral += amount;
  return amount;
}

double LendingMarket::borrow(world::World& world, std::uint32_t p, std::uint32_t r, double amount) {
  touch(p);
  accrue(world.now());
  if (!reserves_[r].borrowable) return 0.0;
  if (emode_[p] && !params_.emode.member[r]) return 0.0;  // e-mode borrows only within the category
  auto& s = state_[r];
  const Values v = values(p);
  const double px = price(r);
  const double headroom = (v.borrowing_power - v.debt) / px;
  // 100 % utilisation is real: nothing can be borrowed beyond the cash.
  amount = std::min({amount, headroom, s.cash, reserves_[r].borrow_cap - s.debt()});
  if (!(amount > 0.0)) return 0.0;
  world.ledger().transfer(market_account_, owner_[p], reserves_[r].token, amount);
  s.cash -= amount;
  const double scaled = amount / s.borrow_index;
  scaled_debt_[slot(p, r)] += scaled;
  s.scaled_debt += scaled;
  if (world.now() == 0) initial_debt_value_ += amount * px;
  return amount;
}

double LendingMarket::repay(world::World& world, std::uint32_t p, std::uint32_t r, double amount) {
  touch(p);
  accrue(world.now());
  auto& s = state_[r];
  amount = std::min({amount, debt_of(p, r), world.ledger().balance(owner_[p], reserves_[r].token)});
  if (!(amount > 0.0)) return 0.0;
  world.ledger().transfer(owner_[p], market_account_, reserves_[r].token, amount);
  s.cash += amount;
  double& sd = scaled_debt_[slot(p, r)];
  const double scaled = std::min(sd, amount / s.borrow_index);
  sd -= scaled;
  s.scaled_debt -= scaled;
  if (sd * s.borrow_index < 1e-9) {  // rounding residue of a full repayment
    s.scaled_debt -= sd;
    sd = 0.0;
  }
  s.scaled_debt = std::max(s.scaled_debt, 0.0);
  return amount;
}

double LendingMarket::withdraw_collateral(world::World& world, std::uint32_t p, std::uint32_t r, double amount) {
  touch(p);
  accrue(world.now());
  amount = std::min(amount, collateral_[slot(p, r)]);
  if (!(amount > 0.0)) return 0.0;
  const Values v = values(p);
  if (v.debt > 0.0) {
    // Aave: HF ≥ 1 after the withdrawal (LT); Compound: still within the borrow limit.
    const bool aave = params_.model == LendingModel::aave_v3;
    const double weight = aave ? threshold_for(p, r) : ltv_for(p, r);
    const double slack = (aave ? v.weighted_collateral : v.borrowing_power) - v.debt;
    if (slack <= 0.0) return 0.0;
    if (weight > 0.0) amount = std::min(amount, slack / (price(r) * weight));
  }
  if (!(amount > 0.0)) return 0.0;
  world.ledger().transfer(market_account_, owner_[p], reserves_[r].token, amount);
  collateral_[slot(p, r)] -= amount;
  state_[r].collateral -= amount;
  return amount;
}

// ---- liquidation (Aave v3, Compound v2) -------------------------------------------------------

double LendingMarket::max_repayable(std::uint32_t p, std::uint32_t d, std::uint32_t c) const {
  if (params_.model == LendingModel::compound_v3) return 0.0;
  const Values v = values(p);
  if (!(v.debt > 0.0) || !(v.weighted_collateral / v.debt < 1.0)) return 0.0;
  const double hf = v.weighted_collateral / v.debt;
  const double debt = debt_of(p, d);
  const double pd = price(d), pc = price(c);
  if (params_.model == LendingModel::compound_v2) {
    // closeFactor × borrow balance; the seize must fit the collateral (else LIQUIDATE_SEIZE_TOO_MUCH).
    const double by_collateral = collateral_of(p, c) * pc / (pd * (1.0 + bonus_for(p, c)));
    return std::min(debt * params_.close_factor, by_collateral);
  }
  // Aave v3.3: 100 % of the reserve debt when HF ≤ 0.95 or when that reserve's collateral or debt
  // is worth less than $2,000; otherwise 50 % of the position's total debt value.
  const bool full = liquidation::full_close(hf, collateral_of(p, c) * pc, debt * pd, params_.full_close_health, params_.full_close_value);
  return full ? debt : std::min(debt, params_.close_factor * v.debt / pd);
}

LiquidationOutcome LendingMarket::preview_liquidation(std::uint32_t p, std::uint32_t d, std::uint32_t c, double debt_to_cover) const {
  LiquidationOutcome out;
  if (p >= owner_.size() || d >= reserves_.size() || c >= reserves_.size() || params_.model == LendingModel::compound_v3) return out;
  out.health_before = health_factor(p);
  if (!(out.health_before < 1.0)) {
    out.status = LiquidationOutcome::Status::healthy;
    return out;
  }
  const double debt = debt_of(p, d);
  const double collateral = collateral_of(p, c);
  if (!(debt > 0.0)) {
    out.status = LiquidationOutcome::Status::no_debt;
    return out;
  }
  if (!(collateral > 0.0) || threshold_for(p, c) <= 0.0) {
    out.status = LiquidationOutcome::Status::no_collateral;
    return out;
  }
  const double pd = price(d), pc = price(c);
  const double lb = 1.0 + bonus_for(p, c);
  // Compound v2 reverts when the seizure exceeds the collateral, so only the close factor limits
  // the request here; max_repayable() gives the largest amount that goes through.
  double repay = std::min(debt_to_cover, params_.model == LendingModel::compound_v2 ? debt * params_.close_factor : max_repayable(p, d, c));
  if (!(repay > 0.0)) {
    out.status = LiquidationOutcome::Status::no_debt;
    return out;
  }
  double seized = repay * pd / pc * lb;
  if (params_.model == LendingModel::compound_v2) {
    if (seized > collateral && seized <= collateral * (1.0 + 1e-12)) seized = collateral;  // the largest allowed, up to rounding
    if (seized > collateral) {
      out.status = LiquidationOutcome::Status::seize_too_much;
      return out;
    }
  } else {
    // Aave: when the bonus cannot be paid on the request, all the collateral goes and the repayment shrinks
    const auto cut = liquidation::seize(repay, pd, pc, lb, collateral);
    repay = cut.repay;
    seized = cut.seized;
  }
  if (params_.model == LendingModel::aave_v3 && repay < debt && seized < collateral) {
    if (liquidation::leaves_dust((debt - repay) * pd, (collateral - seized) * pc, params_.min_leftover_value)) {
      out.status = LiquidationOutcome::Status::dust;  // MustNotLeaveDust
      return out;
    }
  }
  out.status = LiquidationOutcome::Status::done;
  out.debt_repaid = repay;
  out.collateral_seized = seized;
  out.bonus = seized - seized / lb;
  // Aave: the protocol fee is a share of the bonus; Compound v2: protocolSeizeShare of all seized.
  out.protocol_fee = params_.model == LendingModel::aave_v3 ? out.bonus * params_.protocol_fee : seized * params_.protocol_seize_share;
  return out;
}

void LendingMarket::book_deficit(std::uint32_t p, LiquidationOutcome& out) {
  // Aave v3.3: a position left with debt and no collateral has all its debt burned; each
  // reserve books the burned amount as its deficit.
  for (std::uint32_t r = 0; r < reserves_.size(); ++r) {
    double& sd = scaled_debt_[slot(p, r)];
    if (sd <= 0.0) continue;
    const double amount = sd * state_[r].borrow_index;
    state_[r].deficit += amount;
    state_[r].scaled_debt = std::max(0.0, state_[r].scaled_debt - sd);
    sd = 0.0;
    out.bad_debt += amount * price(r);
  }
  deficit_value_ += out.bad_debt;
}

LiquidationOutcome LendingMarket::liquidate(world::World& world, std::uint32_t p, std::uint32_t d, std::uint32_t c, double debt_to_cover,
                                           ledger::AccountId liquidator, std::uint32_t liquidator_index) {
  accrue(world.now());
  LiquidationOutcome out = preview_liquidation(p, d, c, debt_to_cover);
  if (out.status != LiquidationOutcome::Status::done) return out;
  touch(p);
  auto& ledger = world.ledger();
  auto& sd_state = state_[d];
  ledger.transfer(liquidator, market_account_, reserves_[d].token, out.debt_repaid);
  sd_state.cash += out.debt_repaid;
  double& sd = scaled_debt_[slot(p, d)];
  const double scaled = std::min(sd, out.debt_repaid / sd_state.borrow_index);
  sd -= scaled;
  sd_state.scaled_debt -= scaled;
  if (sd * sd_state.borrow_index < 1e-9) {
    sd_state.scaled_debt -= sd;
    sd = 0.0;
  }
  sd_state.scaled_debt = std::max(sd_state.scaled_debt, 0.0);

  double& coll = collateral_[slot(p, c)];
  const double seized = std::min(out.collateral_seized, coll);
  ledger.transfer(market_account_, liquidator, reserves_[c].token, out.to_liquidator());
  ledger.transfer(market_account_, treasury_, reserves_[c].token, out.protocol_fee);
  coll = out.collateral_seized >= coll ? 0.0 : coll - seized;
  state_[c].collateral -= seized;
  if (params_.model == LendingModel::aave_v3 && !has_collateral(p)) {
    book_deficit(p, out);
    // Dependency graph, as lending_pool: the suppliers would bear the deficit / their claims.
    double claims = 0.0;
    for (std::uint32_t r = 0; r < reserves_.size(); ++r) claims += state_[r].supplier_claims() * price(r);
    if (out.bad_debt > 0.0)
      world.signal(*this, graph::SignalKind::bad_debt, deficit_value_, claims > 0.0 ? std::min(1.0, deficit_value_ / claims) : 1.0);
  }

  liquidated_value_ += out.collateral_seized * price(c);
  debt_repaid_value_ += out.debt_repaid * price(d);
  ++n_liquidations_;
  record(world, p, c, liquidator_index, out);
  return out;
}

void LendingMarket::record(world::World& world, std::uint32_t p, std::uint32_t c, std::uint32_t liquidator_index,
                           const LiquidationOutcome& out) {
  output::LiquidationRecord r;
  r.time_s = to_seconds(world.now());
  r.protocol = protocol_index_;
  r.account = p;
  r.liquidator = liquidator_index;
  r.health_factor = out.health_before;
  r.oracle_price = price(c);
  r.debt_repaid = out.debt_repaid;
  r.collateral_seized = out.collateral_seized;
  r.bonus = out.bonus;
  r.protocol_fee = out.protocol_fee;
  r.bad_debt = out.bad_debt;
  world.record_liquidation(r);
}

// ---- Compound v3 ------------------------------------------------------------------------------

double LendingMarket::reserves() const {
  const auto& s = state_[params_.base];
  return s.cash + s.debt() - s.supplier_claims();
}

LiquidationOutcome LendingMarket::absorb(world::World& world, std::uint32_t p, std::uint32_t absorber_index) {
  accrue(world.now());
  LiquidationOutcome out;
  if (params_.model != LendingModel::compound_v3 || p >= owner_.size()) return out;
  touch(p);
  out.health_before = health_factor(p);
  if (!(out.health_before < 1.0)) {
    out.status = LiquidationOutcome::Status::healthy;
    return out;
  }
  const std::uint32_t b = params_.base;
  auto& base = state_[b];
  const double pb = price(b);
  // All collateral moves to the protocol; the user is credited value × liquidationFactor.
  double credit_value = 0.0;
  for (std::uint32_t r = 0; r < reserves_.size(); ++r) {
    double& c = collateral_[slot(p, r)];
    if (c <= 0.0) continue;
    const double value = c * price(r);
    out.collateral_seized += value;
    credit_value += value * reserves_[r].liquidation_factor;
    state_[r].collateral -= c;
    state_[r].inventory += c;
    c = 0.0;
  }
  const double debt = debt_of(p, b);
  base.scaled_debt = std::max(0.0, base.scaled_debt - scaled_debt_[slot(p, b)]);
  scaled_debt_[slot(p, b)] = 0.0;
  const double credit = credit_value / pb;
  if (credit >= debt) {
    // The excess becomes a base supply balance (pooled with the suppliers' claims).
    base.scaled_supply += (credit - debt) / base.liquidity_index;
    base.treasury -= credit;
  } else {
    base.treasury -= debt;  // the shortfall is paid from reserves
    out.bad_debt = (debt - credit) * pb;
  }
  out.status = LiquidationOutcome::Status::done;
  out.debt_repaid = debt;
  out.bonus = out.collateral_seized - credit_value;  // the penalty, numeraire
  deficit_value_ += out.bad_debt;
  liquidated_value_ += out.collateral_seized;
  debt_repaid_value_ += debt * pb;
  ++n_liquidations_;
  output::LiquidationRecord rec;
  rec.time_s = to_seconds(world.now());
  rec.protocol = protocol_index_;
  rec.account = p;
  rec.liquidator = absorber_index;
  rec.health_factor = out.health_before;
  rec.oracle_price = pb;
  rec.debt_repaid = debt;
  rec.collateral_seized = out.collateral_seized / pb;  // base-asset equivalent: absorb may take several assets
  rec.bonus = out.bonus / pb;
  rec.bad_debt = out.bad_debt;
  world.record_liquidation(rec);
  return out;
}

double LendingMarket::quote_collateral(std::uint32_t r, double base_amount) const {
  // Comet.quoteCollateral: discount = storeFrontPriceFactor × (1 − liquidationFactor)
  const double discount = params_.store_front_price_factor * (1.0 - reserves_[r].liquidation_factor);
  return price(params_.base) * base_amount / (price(r) * (1.0 - discount));
}

double LendingMarket::buy_collateral(world::World& world, ledger::AccountId buyer, std::uint32_t r, double base_amount) {
  accrue(world.now());
  if (params_.model != LendingModel::compound_v3 || r == params_.base) return 0.0;
  if (!(reserves() < params_.target_reserves)) return 0.0;  // NotForSale
  auto& s = state_[r];
  base_amount = std::min(base_amount, world.ledger().balance(buyer, reserves_[params_.base].token));
  if (!(base_amount > 0.0) || !(s.inventory > 0.0)) return 0.0;
  double units = quote_collateral(r, base_amount);
  if (units > s.inventory) {
    base_amount *= s.inventory / units;
    units = s.inventory;
  }
  auto& base = state_[params_.base];
  world.ledger().transfer(buyer, market_account_, reserves_[params_.base].token, base_amount);
  base.cash += base_amount;
  base.treasury += base_amount;
  world.ledger().transfer(market_account_, buyer, reserves_[r].token, units);
  s.inventory -= units;
  if (s.inventory < 1e-12) s.inventory = 0.0;
  return units;
}

// ---- watching ---------------------------------------------------------------------------------

void LendingMarket::scan_prices() const {
  // One scan after a price move visits every position: read each oracle and each reserve's
  // effective weights and index once, not once per position.
  const std::size_t k = reserves_.size();
  scan_.resize(3 * k);
  for (std::uint32_t r = 0; r < k; ++r) {
    scan_[r] = price(r) * reserves_[r].liquidation_threshold;                          // value·LT per unit
    scan_[k + r] = price(r) * params_.emode.liquidation_threshold;                     // in e-mode
    scan_[2 * k + r] = price(r) * state_[r].borrow_index;                              // debt per scaled unit
  }
}

std::pair<double, double> LendingMarket::scanned_values(std::uint32_t p) const {
  // (Σ c·P·LT, Σ d·P) with the factors of scan_prices(); HF < 1 ⇔ first < second, no division.
  const std::size_t k = reserves_.size();
  const double* c = &collateral_[p * k];
  const double* sd = &scaled_debt_[p * k];
  const bool emode = emode_[p] != 0;
  double weighted = 0.0, debt = 0.0;
  for (std::size_t r = 0; r < k; ++r) {
    weighted += c[r] * (emode && params_.emode.member[r] ? scan_[k + r] : scan_[r]);
    debt += sd[r] * scan_[2 * k + r];
  }
  return {weighted, debt};
}

void LendingMarket::touch(std::uint32_t p) {
  if (!watch_valid_) return;
  if (watched_.size() <= p) watched_.resize(std::size_t{p} + 1, 0);
  if (!watched_[p]) {
    watched_[p] = 1;
    watch_.push_back(p);
  }
}

void LendingMarket::refresh_watch() const {
  // The watch list holds every position that could be liquidatable: those within kWatchMargin of
  // HF 1 at the last full scan, plus those changed since. It stays complete while the oracle
  // prices are those of the scan and no debt index has grown by kWatchMargin (a position
  // outside had Σ c·P·LT ≥ (1 + margin)·debt). Otherwise the whole book is scanned again — once
  // per oracle update, not once per liquidator action.
  const std::size_t k = reserves_.size();
  bool stale = !watch_valid_;
  for (std::uint32_t r = 0; r < k && !stale; ++r)
    stale = price(r) != watch_price_[r] || state_[r].borrow_index > watch_index_[r] * (1.0 + kWatchMargin);
  if (!stale) return;
  watch_price_.resize(k);
  watch_index_.resize(k);
  for (std::uint32_t r = 0; r < k; ++r) {
    watch_price_[r] = price(r);
    watch_index_[r] = state_[r].borrow_index;
  }
  watch_.clear();
  watched_.assign(owner_.size(), 0);
  for (std::uint32_t p = 0; p < owner_.size(); ++p) {
    const auto [weighted, debt] = scanned_values(p);
    if (debt > 0.0 && weighted < debt * (1.0 + kWatchMargin)) {
      watched_[p] = 1;
      watch_.push_back(p);
    }
  }
  watch_valid_ = true;
  ++full_scans_;
}

void LendingMarket::liquidatable(std::vector<std::uint32_t>& out, std::size_t max) const {
  scan_prices();
  refresh_watch();
  const std::size_t first = out.size();
  for (const std::uint32_t p : watch_) {
    const auto [weighted, debt] = scanned_values(p);
    if (debt > 0.0 && weighted < debt) out.push_back(p);
  }
  // Position order, as a scan would give (the watch list is in order unless positions changed since)
  if (!std::is_sorted(out.begin() + static_cast<std::ptrdiff_t>(first), out.end()))
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  if (out.size() - first > max) out.resize(first + max);
}

bool LendingMarket::any_liquidatable() const {
  scan_prices();
  refresh_watch();
  for (const std::uint32_t p : watch_) {
    const auto [weighted, debt] = scanned_values(p);
    if (debt > 0.0 && weighted < debt) return true;
  }
  return false;
}

void LendingMarket::subscribe_liquidations(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls) {
  listeners_.push_back({listener, kind, cls});
}

void LendingMarket::subscribe_price_updates(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls) {
  price_listeners_.push_back({listener, kind, cls});
}

void LendingMarket::handle(const engine::Event& event, world::World& world) {
  if (event.kind != oracle_update) return;
  accrue(world.now());
  for (const auto& l : price_listeners_) world.sim().schedule_in(0, l.cls, l.id, l.kind);
  if (!listeners_.empty() && any_liquidatable())
    for (const auto& l : listeners_) world.sim().schedule_in(0, l.cls, l.id, l.kind);
}

double LendingMarket::total_debt_value() const {
  double total = 0.0;
  for (std::uint32_t r = 0; r < reserves_.size(); ++r) total += state_[r].debt() * price(r);
  return total;
}

double LendingMarket::bad_debt_value() const {
  if (params_.model != LendingModel::compound_v2) return deficit_value_;
  // Compound v2 writes nothing off: bad debt is the debt left on accounts with no collateral.
  double total = 0.0;
  for (std::uint32_t p = 0; p < owner_.size(); ++p)
    if (!has_collateral(p)) total += values(p).debt;
  return total;
}

double LendingMarket::metric(int index) const {
  switch (index) {
    case 0: return total_debt_value();
    case 1: {
      double total = 0.0;
      for (std::uint32_t r = 0; r < reserves_.size(); ++r) total += state_[r].collateral * price(r);
      return total;
    }
    case 2: {
      double u = 0.0;
      for (std::uint32_t r = 0; r < reserves_.size(); ++r) u = std::max(u, utilization(r));
      return u;
    }
    case 3: return bad_debt_value();
    case 4: return liquidated_value_;
    case 5: return debt_repaid_value_;
    case 6: return static_cast<double>(n_liquidations_);
    case 7: {
      double total = 0.0;
      for (std::uint32_t p = 0; p < owner_.size(); ++p) {
        const Values v = values(p);
        total += std::max(0.0, v.debt - v.collateral);
      }
      return total;
    }
    case 8: {
      double total = 0.0;
      for (std::uint32_t r = 0; r < reserves_.size(); ++r) total += (state_[r].treasury - state_[r].deficit) * price(r);
      return total;
    }
    default: return 0.0;
  }
}

void LendingMarket::finish(world::World& world, output::RunSummary& summary) {
  accrue(world.horizon());
  summary.initial_debt += initial_debt_value_;
  summary.liquidated_value += liquidated_value_;
  summary.debt_repaid += debt_repaid_value_;
  summary.n_liquidations += n_liquidations_;
  summary.bad_debt += bad_debt_value();
}

void LendingMarket::audit(const world::World& world, std::vector<std::string>& problems) const {
  // Runs after every event in audit mode: no strings unless something is wrong.
  const auto& ledger = world.ledger();
  auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)}); };
  auto num = [](double x) {
    std::ostringstream o;
    o.precision(15);
    o << x;
    return o.str();
  };
  const std::size_t k = reserves_.size();
  sum_collateral_.assign(k, 0.0);
  sum_scaled_.assign(k, 0.0);
  for (std::size_t p = 0; p < owner_.size(); ++p) {
    bool any_collateral = false, any_debt = false;
    for (std::size_t r = 0; r < k; ++r) {
      const double c = collateral_[p * k + r], sd = scaled_debt_[p * k + r];
      if (c < 0.0 || sd < 0.0 || !std::isfinite(c) || !std::isfinite(sd))
        problems.push_back(name() + ": position " + std::to_string(p) + " has a negative or non-finite balance in " + reserves_[r].asset);
      sum_collateral_[r] += c;
      sum_scaled_[r] += sd;
      any_collateral = any_collateral || c > 0.0;
      any_debt = any_debt || sd > 0.0;
    }
    if (params_.model == LendingModel::aave_v3 && any_debt && !any_collateral)
      problems.push_back(name() + ": position " + std::to_string(p) + " has debt but no collateral and no deficit was booked");
  }
  for (std::size_t r = 0; r < k; ++r) {
    const auto& s = state_[r];
    const std::string who = name() + ": " + reserves_[r].asset;
    if (!near(sum_collateral_[r], s.collateral))
      problems.push_back(who + " collateral positions " + num(sum_collateral_[r]) + ", books " + num(s.collateral));
    if (!near(sum_scaled_[r], s.scaled_debt)) problems.push_back(who + " scaled debts sum to " + num(sum_scaled_[r]) + ", books " + num(s.scaled_debt));
    const double held = s.cash + s.collateral + s.inventory;
    const double balance = ledger.balance(market_account_, reserves_[r].token);
    if (!near(balance, held)) problems.push_back(who + " cash + collateral + inventory " + num(held) + " != market balance " + num(balance));
    if (s.cash < -1e-9) problems.push_back(who + " cash is negative");
    // Balance sheet: cash + debt owed = suppliers' claims + treasury − deficit.
    const double assets = s.cash + s.debt();
    const double claims = s.supplier_claims() + s.treasury - s.deficit;
    if (!near(assets, claims)) problems.push_back(who + " cash + debt = " + num(assets) + " but claims − deficit = " + num(claims));
  }
}

void register_lending_market(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "lending_market";
  s.section = config::Section::protocols;
  s.summary = "multi-reserve lending market: Aave v3, Compound v2 or Compound v3 (Comet) rules";
  s.source = "Aave v3 GenericLogic / LiquidationLogic (v3.3) / ReserveLogic / MathUtils; Compound v2 Comptroller, CToken, "
             "JumpRateModelV2; Compound v3 Comet absorb / buyCollateral (docs.compound.finance)";
  s.params.push_back(ParamSchema::string("model", "whose rules the market follows", {"aave_v3", "compound_v2", "compound_v3"})
                         .with_default(std::string("aave_v3")));
  s.params.push_back(ParamSchema::string_list("oracles", "oracles (or any price source), one per non-numeraire reserve; each prices its own asset")
                         .with_default(config::StringList{}).edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::number_map("supply", "asset units", "lendable reserves and the liquidity suppliers deposit at t = 0")
                         .range(0, 1e15));
  s.params.push_back(ParamSchema::string_list("collaterals", "assets accepted as collateral").with_default(config::StringList{})
                         .edge(graph::EdgeKind::collateral_in));
  s.params.push_back(ParamSchema::number("ltv", "fraction", "default borrow limit weight (Compound: collateral factor)")
                         .range(0, 1, false, true).with_default(0.75));
  s.params.push_back(ParamSchema::number("liquidation_threshold", "fraction", "default LT in the health factor")
                         .range(0, 1, true, true).with_default(0.80));
  s.params.push_back(ParamSchema::number("liquidation_bonus", "fraction", "default liquidation bonus (Compound v2: incentive − 1)")
                         .range(0, 0.5).with_default(0.05));
  s.params.push_back(ParamSchema::number("liquidation_factor", "fraction", "Compound v3: share of collateral value credited on absorb")
                         .range(0, 1).with_default(0.95));
  s.params.push_back(ParamSchema::number("protocol_fee", "fraction", "Aave: share of the liquidation bonus paid to the treasury")
                         .range(0, 1).with_default(0.10));
  s.params.push_back(ParamSchema::number("protocol_seize_share", "fraction", "Compound v2: share of the seized collateral kept as reserves")
                         .range(0, 1).with_default(0.028));
  s.params.push_back(ParamSchema::number("reserve_factor", "fraction", "default share of interest to the treasury").range(0, 1, false, true).with_default(0.10));
  s.params.push_back(ParamSchema::group(
      "per_asset", "per-reserve overrides, each a map asset → value",
      {ParamSchema::number_map("ltv", "fraction", "borrow limit weight").range(0, 1, false, true).with_default(config::NumberMap{}),
       ParamSchema::number_map("liquidation_threshold", "fraction", "LT / liquidateCollateralFactor").range(0, 1, false, true).with_default(config::NumberMap{}),
       ParamSchema::number_map("liquidation_bonus", "fraction", "bonus / incentive − 1").range(0, 0.5).with_default(config::NumberMap{}),
       ParamSchema::number_map("liquidation_factor", "fraction", "Comet liquidationFactor").range(0, 1).with_default(config::NumberMap{}),
       ParamSchema::number_map("reserve_factor", "fraction", "share of interest to the treasury").range(0, 1, false, true).with_default(config::NumberMap{}),
       ParamSchema::number_map("supply_cap", "asset units", "cap on supplied liquidity + collateral").range(0, 1e18).with_default(config::NumberMap{}),
       ParamSchema::number_map("borrow_cap", "asset units", "cap on total debt").range(0, 1e18).with_default(config::NumberMap{}),
       ParamSchema::number_map("rate_optimal", "fraction", "kink").range(0.01, 0.99).with_default(config::NumberMap{}),
       ParamSchema::number_map("rate_base", "1/year", "rate at U = 0").range(0, 10).with_default(config::NumberMap{}),
       ParamSchema::number_map("rate_slope1", "1/year", "increase up to the kink").range(0, 10).with_default(config::NumberMap{}),
       ParamSchema::number_map("rate_slope2", "1/year", "increase from the kink to U = 1").range(0, 10).with_default(config::NumberMap{})}));
  s.params.push_back(rate_schema("kinked utilisation rate model shared by every reserve (annual rates)"));
  s.params.push_back(close_factor_schema("how much debt one liquidation may repay (Aave v3.3; Compound v2 uses `default` only)"));
  s.params.push_back(ParamSchema::group(
      "emode", "one e-mode category of correlated assets (Aave v3)",
      {ParamSchema::string_list("assets", "assets in the category (empty: no e-mode)").with_default(config::StringList{}),
       ParamSchema::number("ltv", "fraction", "category LTV").range(0, 1, false, true).with_default(0.93),
       ParamSchema::number("liquidation_threshold", "fraction", "category LT").range(0, 1, true, true).with_default(0.95),
       ParamSchema::number("liquidation_bonus", "fraction", "category bonus").range(0, 0.5).with_default(0.01)}));
  s.params.push_back(ParamSchema::group(
      "comet", "Compound v3: storefront for absorbed collateral (the base asset is the one in `supply`)",
      {ParamSchema::number("store_front_price_factor", "fraction", "share of the liquidation penalty given to buyers").range(0, 1).with_default(0.5),
       ParamSchema::number("target_reserves", "base units", "buyCollateral is open while reserves are below this").range(0, 1e15).with_default(5.0e6)}));
  s.metrics = {{"total_debt", "numeraire", "outstanding debt of every reserve at oracle prices"},
               {"total_collateral", "numeraire", "collateral held at oracle prices"},
               {"max_utilization", "fraction", "highest reserve utilisation"},
               {"bad_debt", "numeraire", "deficit (Aave) / absorb shortfall (Comet) booked; Compound v2: debt left without collateral"},
               {"liquidated_value", "numeraire", "cumulative collateral seized, at oracle prices"},
               {"debt_repaid", "numeraire", "cumulative debt repaid or absorbed by liquidations"},
               {"liquidations", "count", "cumulative liquidations (absorbs)"},
               {"underwater_debt", "numeraire", "debt in excess of collateral value, summed over positions"},
               {"reserves", "numeraire", "treasury claims − deficit (Comet: reserves), at oracle prices"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<LendingMarket>(spec, w);
  });
}

}  // namespace cascade::protocols
