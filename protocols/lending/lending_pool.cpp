#include "cascade/protocols/lending/lending_pool.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/lending/liquidation_math.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
enum Kind : std::uint32_t { oracle_update = 0 };
}

LendingPool::LendingPool(const config::ComponentSpec& spec, world::World& world) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  params_.ltv = p.number("ltv");
  params_.liquidation_threshold = p.number("liquidation_threshold");
  params_.liquidation_bonus = p.number("liquidation_bonus");
  params_.protocol_fee = p.number("protocol_fee");
  params_.reserve_factor = p.number("reserve_factor");
  const auto& rate = p.group("rate");
  params_.rate = rate_from(rate);
  const auto& close = p.group("close_factor");
  params_.close_factor = close.number("default");
  params_.full_close_health = close.number("full_below_health");
  params_.full_close_value = close.number("full_below_value");
  params_.min_leftover_value = close.number("min_leftover_value");
  initial_supply_ = p.number("supply");
  venue_name_ = p.reference("liquidation_venue");

  const std::string path = "protocols." + spec.name + ".";
  config::Diagnostics d;
  if (params_.ltv > params_.liquidation_threshold)
    d.add(p.mark("ltv"), path + "ltv", "ltv must not exceed liquidation_threshold (" + std::to_string(params_.liquidation_threshold) + ")");
  if (params_.liquidation_threshold * (1.0 + params_.liquidation_bonus) > 1.0)
    d.add(p.mark("liquidation_bonus"), path + "liquidation_bonus",
          "liquidation_threshold × (1 + liquidation_bonus) must be ≤ 1 (Aave's configuration rule), otherwise a "
          "liquidation at HF just below 1 cannot pay the bonus");
  collateral_asset_ = world.token(p.reference("collateral"));
  debt_asset_ = world.token(p.reference("debt"));
  if (debt_asset_ != world.numeraire())
    d.add(p.mark("debt"), path + "debt", "the debt asset must be the numeraire asset in this version");
  if (collateral_asset_ == debt_asset_) d.add(p.mark("collateral"), path + "collateral", "collateral and debt must be different assets");
  oracle_ = &world.price_source(p.reference("oracle"));
  if (oracle_->base_asset() != p.reference("collateral"))
    d.add(p.mark("oracle"), path + "oracle", "oracle prices " + oracle_->base_asset() + ", but the collateral is " + p.reference("collateral"));
  if (!d.empty()) throw config::ConfigError(d);

  pool_account_ = world.ledger().open_account(spec.name + ".reserve");
  treasury_ = world.ledger().open_account(spec.name + ".treasury");
  suppliers_ = world.ledger().open_account(spec.name + ".suppliers");
  protocol_index_ = world.protocol_index(spec.name);
}

double LendingPool::oracle_price() const { return oracle_->price(); }

void LendingPool::start(world::World& world) {
  oracle_->subscribe(id(), oracle_update, engine::EventClass::protocol);
  // Suppliers deposit the initial liquidity.
  world.ledger().mint(suppliers_, debt_asset_, initial_supply_);
  world.ledger().transfer(suppliers_, pool_account_, debt_asset_, initial_supply_);
  cash_ = initial_supply_;
  supplier_claims_ = initial_supply_;
  last_accrual_ = world.now();
}

void LendingPool::accrue(Time now) {
  if (now <= last_accrual_) return;
  const double seconds = to_seconds(now - last_accrual_);
  last_accrual_ = now;
  if (total_scaled_debt_ <= 0.0) return;
  const double debt = total_debt();
  const double growth = compounded_growth(params_.rate.borrow_rate(protocols::utilization(cash_, debt)), seconds);
  const double interest = debt * (growth - 1.0);
  borrow_index_ *= growth;
  supplier_claims_ += interest * (1.0 - params_.reserve_factor);
  treasury_claims_ += interest * params_.reserve_factor;
}

double LendingPool::utilization() const { return protocols::utilization(cash_, total_debt()); }

std::uint32_t LendingPool::open_position(world::World& world, ledger::AccountId owner, double collateral, double borrow) {
  accrue(world.now());
  CASCADE_ASSERT(collateral > 0.0 && borrow >= 0.0, "open_position needs positive collateral");
  world.ledger().transfer(owner, pool_account_, collateral_asset_, collateral);
  const double limit = collateral * oracle_->price() * params_.ltv;
  const double amount = std::min({borrow, limit, cash_});
  world.ledger().transfer(pool_account_, owner, debt_asset_, amount);
  cash_ -= amount;
  const auto id = static_cast<std::uint32_t>(collateral_.size());
  collateral_.push_back(collateral);
  scaled_debt_.push_back(amount / borrow_index_);
  owner_.push_back(owner);
  total_collateral_ += collateral;
  total_scaled_debt_ += amount / borrow_index_;
  if (world.now() == 0) initial_debt_ += amount;
  index_insert(id);
  return id;
}

void LendingPool::add_collateral(world::World& world, std::uint32_t position, double amount) {
  accrue(world.now());
  if (!(amount > 0.0)) return;
  index_erase(position);
  world.ledger().transfer(owner_[position], pool_account_, collateral_asset_, amount);
  collateral_[position] += amount;
  total_collateral_ += amount;
  index_insert(position);
}

double LendingPool::repay(world::World& world, std::uint32_t position, double amount) {
  accrue(world.now());
  const ledger::AccountId owner = owner_[position];
  amount = std::min({amount, debt_of(position), world.ledger().balance(owner, debt_asset_)});
  if (!(amount > 0.0)) return 0.0;
  index_erase(position);
  world.ledger().transfer(owner, pool_account_, debt_asset_, amount);
  cash_ += amount;
  const double scaled = std::min(scaled_debt_[position], amount / borrow_index_);
  scaled_debt_[position] -= scaled;
  total_scaled_debt_ -= scaled;
  if (scaled_debt_[position] * borrow_index_ < 1e-9) {
    total_scaled_debt_ -= scaled_debt_[position];
    scaled_debt_[position] = 0.0;
  }
  if (total_scaled_debt_ < 0.0) total_scaled_debt_ = 0.0;
  index_insert(position);
  return amount;
}

double LendingPool::repay_with_collateral(world::World& world, std::uint32_t position, double amount,
                                          ConstantProductAmm& venue) {
  accrue(world.now());
  amount = std::min(amount, collateral_[position]);
  if (!(amount > 0.0) || scaled_debt_[position] <= 0.0) return 0.0;
  // As Aave's health-factor check on the withdrawal: refuse unless the position ends with no debt
  // or with HF ≥ 1 (an underwater position cannot sell its way out and leave debt behind).
  const double debt = debt_of(position);
  const double proceeds_quote = venue.quote_sell_base(amount);
  if (proceeds_quote < debt) {
    const double left = (collateral_[position] - amount) * oracle_->price() * params_.liquidation_threshold;
    if (left < debt - proceeds_quote) return 0.0;
  }
  const ledger::AccountId owner = owner_[position];
  index_erase(position);
  world.ledger().transfer(pool_account_, owner, collateral_asset_, amount);
  collateral_[position] -= amount;
  total_collateral_ -= amount;
  index_insert(position);
  const double proceeds = venue.sell_base(world, owner, amount);
  return repay(world, position, proceeds);
}

void LendingPool::below_health(double health, std::vector<std::uint32_t>& out) const {
  // HF < h  ⇔  scaled/collateral > price · LT / (index · h)
  const double threshold = liquidation_key_threshold() / health;
  for (auto it = by_key_.begin(); it != by_key_.end() && it->first > threshold; ++it) out.push_back(it->second);
}

void LendingPool::subscribe_price_updates(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls) {
  price_listeners_.push_back({listener, kind, cls});
}

void LendingPool::index_insert(std::uint32_t p) {
  if (collateral_[p] > 0.0 && scaled_debt_[p] > 0.0) by_key_.emplace(key(p), p);
}

void LendingPool::index_erase(std::uint32_t p) {
  if (collateral_[p] > 0.0 && scaled_debt_[p] > 0.0) by_key_.erase({key(p), p});
}

double LendingPool::health_factor(std::uint32_t p) const {
  const double debt = debt_of(p);
  if (debt <= 0.0) return std::numeric_limits<double>::infinity();
  return collateral_[p] * oracle_->price() * params_.liquidation_threshold / debt;
}

void LendingPool::liquidation_heatmap(double low, double high, std::span<double> debt_per_bin) const {
  if (debt_per_bin.empty() || !(high > low)) return;
  const double n = static_cast<double>(debt_per_bin.size());
  const double value_per_collateral = oracle_->price() * params_.liquidation_threshold;
  for (std::size_t p = 0; p < collateral_.size(); ++p) {
    const double debt = debt_of(static_cast<std::uint32_t>(p));
    if (debt <= 0.0) continue;
    // liquidation price = debt / (collateral · LT); over the oracle price: debt / (collateral · price · LT)
    const double cover = collateral_[p] * value_per_collateral;
    const double r = cover > 0.0 ? debt / cover : std::numeric_limits<double>::infinity();
    if (r < low) continue;
    const double k = r >= high ? n - 1.0 : std::min(n - 1.0, std::floor((r - low) / (high - low) * n));
    debt_per_bin[static_cast<std::size_t>(k)] += debt;
  }
}

// HF < 1  ⇔  scaled/collateral > price · LT / index
double LendingPool::liquidation_key_threshold() const {
  return oracle_->price() * params_.liquidation_threshold / borrow_index_;
}

bool LendingPool::any_liquidatable() const {
  return !by_key_.empty() && by_key_.begin()->first > liquidation_key_threshold();
}

void LendingPool::liquidatable(std::vector<std::uint32_t>& out, std::size_t max) const {
  const double threshold = liquidation_key_threshold();
  for (auto it = by_key_.begin(); it != by_key_.end() && out.size() < max && it->first > threshold; ++it)
    out.push_back(it->second);
}

double LendingPool::max_repayable(std::uint32_t p) const {
  const double hf = health_factor(p);
  if (!(hf < 1.0)) return 0.0;
  const double debt = debt_of(p);
  const double collateral_value = collateral_[p] * oracle_->price();
  const bool full = liquidation::full_close(hf, collateral_value, debt, params_.full_close_health, params_.full_close_value);
  return full ? debt : debt * params_.close_factor;
}

LiquidationOutcome LendingPool::preview_liquidation(std::uint32_t p, double debt_to_cover) const {
  LiquidationOutcome out;
  if (p >= collateral_.size()) return out;
  out.health_before = health_factor(p);
  if (!(out.health_before < 1.0)) {
    out.status = LiquidationOutcome::Status::healthy;
    return out;
  }
  const double price = oracle_->price();
  const double debt = debt_of(p);
  const double collateral = collateral_[p];
  const double lb = 1.0 + params_.liquidation_bonus;
  // The debt asset is the numeraire (price 1).
  const auto [repay, seized] = liquidation::seize(std::min(debt_to_cover, max_repayable(p)), 1.0, price, lb, collateral);
  if (repay < debt && seized < collateral) {
    if (liquidation::leaves_dust(debt - repay, (collateral - seized) * price, params_.min_leftover_value)) {
      out.status = LiquidationOutcome::Status::dust;  // Aave reverts with MustNotLeaveDust
      return out;
    }
  }
  out.status = LiquidationOutcome::Status::done;
  out.debt_repaid = repay;
  out.collateral_seized = seized;
  out.bonus = seized - seized / lb;
  out.protocol_fee = out.bonus * params_.protocol_fee;
  if (seized >= collateral && repay < debt) out.bad_debt = debt - repay;
  return out;
}

LiquidationOutcome LendingPool::liquidate(world::World& world, std::uint32_t p, double debt_to_cover,
                                          ledger::AccountId liquidator, std::uint32_t liquidator_index) {
  accrue(world.now());
  LiquidationOutcome out = preview_liquidation(p, debt_to_cover);
  if (out.status != LiquidationOutcome::Status::done) return out;
  auto& ledger = world.ledger();
  const double price = oracle_->price();
  index_erase(p);
  ledger.transfer(liquidator, pool_account_, debt_asset_, out.debt_repaid);
  cash_ += out.debt_repaid;
  const double scaled_repaid = std::min(scaled_debt_[p], out.debt_repaid / borrow_index_);
  scaled_debt_[p] -= scaled_repaid;
  total_scaled_debt_ -= scaled_repaid;
  ledger.transfer(pool_account_, liquidator, collateral_asset_, out.to_liquidator());
  ledger.transfer(pool_account_, treasury_, collateral_asset_, out.protocol_fee);
  if (out.collateral_seized >= collateral_[p]) {
    total_collateral_ -= collateral_[p];
    collateral_[p] = 0.0;
  } else {
    collateral_[p] -= out.collateral_seized;
    total_collateral_ -= out.collateral_seized;
  }
  if (collateral_[p] == 0.0 && scaled_debt_[p] > 0.0) {
    // Aave v3.3: the remaining debt is burned and booked as the reserve's deficit.
    out.bad_debt = scaled_debt_[p] * borrow_index_;
    deficit_ += out.bad_debt;
    signal_deficit(world);
    total_scaled_debt_ -= scaled_debt_[p];
    scaled_debt_[p] = 0.0;
  } else if (scaled_debt_[p] * borrow_index_ < 1e-9) {
    total_scaled_debt_ -= scaled_debt_[p];
    scaled_debt_[p] = 0.0;  // rounding residue of a full repayment
  }
  if (total_scaled_debt_ < 0.0) total_scaled_debt_ = 0.0;
  index_insert(p);

  liquidated_value_ += out.collateral_seized * price;
  debt_repaid_ += out.debt_repaid;
  ++n_liquidations_;
  output::LiquidationRecord r;
  r.time_s = to_seconds(world.now());
  r.protocol = protocol_index_;
  r.account = p;
  r.liquidator = liquidator_index;
  r.health_factor = out.health_before;
  r.oracle_price = price;
  r.debt_repaid = out.debt_repaid;
  r.collateral_seized = out.collateral_seized;
  r.bonus = out.bonus;
  r.protocol_fee = out.protocol_fee;
  r.bad_debt = out.bad_debt;
  world.record_liquidation(r);
  return out;
}

void LendingPool::signal_deficit(world::World& world) const {
  // Dependency graph: suppliers would bear deficit / their claims if it were socialised; the
  // pool is insolvent once the deficit exceeds the treasury's claims (its reserves).
  const double loss = supplier_claims_ > 0.0 ? std::min(1.0, deficit_ / supplier_claims_) : 1.0;
  world.signal(*this, graph::SignalKind::bad_debt, deficit_, loss);
  if (deficit_ > treasury_claims_) world.signal_insolvent(*this, loss);
}

void LendingPool::subscribe_liquidations(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls) {
  listeners_.push_back({listener, kind, cls});
}

void LendingPool::handle(const engine::Event& event, world::World& world) {
  if (event.kind != oracle_update) return;
  accrue(world.now());
  for (const auto& l : price_listeners_) world.sim().schedule_in(0, l.cls, l.id, l.kind);
  if (any_liquidatable())
    for (const auto& l : listeners_) world.sim().schedule_in(0, l.cls, l.id, l.kind);
}

double LendingPool::underwater_debt() const {
  // Debt not covered by collateral at the oracle price: the loss if every account defaulted now.
  // Underwater ⇔ scaled·index > collateral·price ⇔ key > price / index, so walking the sorted
  // index from the worst position visits only underwater accounts.
  const double price = oracle_->price();
  const double threshold = price / borrow_index_;
  double total = 0.0;
  for (auto it = by_key_.begin(); it != by_key_.end() && it->first > threshold; ++it) {
    const std::uint32_t p = it->second;
    total += scaled_debt_[p] * borrow_index_ - collateral_[p] * price;
  }
  return total;
}

double LendingPool::metric(int index) const {
  switch (index) {
    case 0: return total_debt();
    case 1: return total_collateral_;
    case 2: return cash_;
    case 3: return utilization();
    case 4: return params_.rate.borrow_rate(utilization());
    case 5: return deficit_;
    case 6: return liquidated_value_;
    case 7: return debt_repaid_;
    case 8: return static_cast<double>(n_liquidations_);
    case 9: return underwater_debt();
    default: return 0.0;
  }
}

void LendingPool::finish(world::World& world, output::RunSummary& summary) {
  accrue(world.horizon());
  summary.initial_debt += initial_debt_;
  summary.liquidated_value += liquidated_value_;
  summary.debt_repaid += debt_repaid_;
  summary.n_liquidations += n_liquidations_;
  summary.bad_debt += deficit_;
}

void LendingPool::audit(const world::World& world, std::vector<std::string>& problems) const {
  const auto& ledger = world.ledger();
  auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)}); };
  std::ostringstream m;
  m.precision(15);
  if (!near(ledger.balance(pool_account_, debt_asset_), cash_))
    m << name() << ": cash " << cash_ << " != reserve balance " << ledger.balance(pool_account_, debt_asset_) << "\n";
  double sum_collateral = 0.0, sum_scaled = 0.0;
  for (std::size_t p = 0; p < collateral_.size(); ++p) {
    if (collateral_[p] < 0.0 || scaled_debt_[p] < 0.0 || !std::isfinite(collateral_[p]) || !std::isfinite(scaled_debt_[p]))
      m << name() << ": position " << p << " has a negative or non-finite balance\n";
    if (collateral_[p] == 0.0 && scaled_debt_[p] > 0.0)
      m << name() << ": position " << p << " has debt but no collateral and no deficit was booked\n";
    sum_collateral += collateral_[p];
    sum_scaled += scaled_debt_[p];
  }
  if (!near(sum_collateral, total_collateral_) || !near(ledger.balance(pool_account_, collateral_asset_), sum_collateral))
    m << name() << ": collateral positions " << sum_collateral << ", books " << total_collateral_ << ", reserve balance "
      << ledger.balance(pool_account_, collateral_asset_) << "\n";
  if (!near(sum_scaled, total_scaled_debt_)) m << name() << ": scaled debts sum to " << sum_scaled << ", books say " << total_scaled_debt_ << "\n";
  // Balance sheet: cash + debt owed to the pool = suppliers' and treasury's claims − deficit.
  const double assets = cash_ + total_debt();
  const double claims = supplier_claims_ + treasury_claims_ - deficit_;
  if (!near(assets, claims)) m << name() << ": cash + debt = " << assets << " but claims − deficit = " << claims << "\n";
  std::string text = m.str();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) problems.push_back(line);
}

void register_lending_pool(world::Registry& registry) {
  using config::ParamSchema;
  using config::RefKind;
  config::ComponentSchema s;
  s.type = "lending_pool";
  s.section = config::Section::protocols;
  s.summary = "Aave-v3-style pool: one collateral, one debt asset, kinked rates, health factor, liquidations";
  s.source = "Aave v3 GenericLogic / LiquidationLogic (v3.3 close factor and deficit), "
             "DefaultReserveInterestRateStrategyV2; defaults: Ethereum WETH/USDC";
  s.params.push_back(ParamSchema::reference("oracle", RefKind::oracle, "oracle pricing the collateral")
                          .edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::reference("liquidation_venue", RefKind::venue, "venue where liquidators sell seized collateral")
                          .edge(graph::EdgeKind::liquidates_on));
  s.params.push_back(ParamSchema::reference("collateral", RefKind::asset, "collateral asset")
                          .edge(graph::EdgeKind::collateral_in));
  s.params.push_back(ParamSchema::reference("debt", RefKind::asset, "borrowed asset (the numeraire)"));
  s.params.push_back(ParamSchema::number("ltv", "fraction", "loan-to-value limit at origination").range(0, 1, true, true).with_default(0.805));
  s.params.push_back(ParamSchema::number("liquidation_threshold", "fraction", "LT in HF = collateral·price·LT / debt")
                         .range(0, 1, true, true).with_default(0.83));
  s.params.push_back(ParamSchema::number("liquidation_bonus", "fraction", "collateral bonus to liquidators (0.05 = 5 %)")
                         .range(0, 0.5).with_default(0.05));
  s.params.push_back(ParamSchema::number("protocol_fee", "fraction", "share of the bonus paid to the treasury").range(0, 1).with_default(0.10));
  s.params.push_back(ParamSchema::number("reserve_factor", "fraction", "share of interest paid to the treasury").range(0, 1, false, true).with_default(0.10));
  s.params.push_back(ParamSchema::number("supply", "debt units", "liquidity deposited by suppliers at t = 0").range(0, 1e15));
  s.params.push_back(rate_schema("kinked utilisation rate model (annual rates)"));
  s.params.push_back(close_factor_schema("how much debt one liquidation may repay"));
  s.metrics = {{"total_debt", "debt units", "outstanding debt incl. accrued interest"},
               {"total_collateral", "collateral units", "collateral held"},
               {"cash", "debt units", "available liquidity"},
               {"utilization", "fraction", "debt / (cash + debt)"},
               {"borrow_rate", "1/year", "current variable borrow rate"},
               {"bad_debt", "debt units", "deficit booked so far"},
               {"liquidated_value", "numeraire", "cumulative collateral seized, at the oracle price"},
               {"debt_repaid", "debt units", "cumulative debt repaid by liquidators"},
               {"liquidations", "count", "cumulative number of liquidations"},
               {"underwater_debt", "numeraire", "debt in excess of collateral value, summed over positions"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<LendingPool>(spec, w);
  });
}

}  // namespace cascade::protocols
