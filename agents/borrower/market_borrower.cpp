#include "cascade/agents/borrower/market_borrower.hpp"

#include <algorithm>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/lending/lending_market.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

namespace {
// Index into `weights` drawn with probability proportional to the weights, skipping `excluded`
// entries; weights.size() when every remaining weight is 0.
std::size_t pick(const std::vector<double>& weights, const std::vector<std::uint8_t>& excluded, double u) {
  double total = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i)
    if (!excluded[i]) total += weights[i];
  if (!(total > 0.0)) return weights.size();
  double acc = 0.0;
  std::size_t last = weights.size();
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (excluded[i] || weights[i] <= 0.0) continue;
    acc += weights[i];
    last = i;
    if (u * total < acc) return i;
  }
  return last;
}
}  // namespace

MarketBorrowers::MarketBorrowers(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      count_(static_cast<std::uint32_t>(spec.params.integer("count"))),
      collateral_usd_(spec.params.distribution("collateral_usd")),
      health_factor_(spec.params.distribution("health_factor")),
      second_collateral_(spec.params.number("second_collateral")),
      emode_share_(spec.params.number("emode")),
      size_by_ltv_(spec.params.string("debt_basis") == "ltv") {
  const auto& p = spec.params;
  market_ = &world.get<protocols::LendingMarket>(p.reference("protocol"));
  const std::string path = "agents." + spec.name + ".";
  config::Diagnostics d;
  for (const auto& [asset, weight] : p.number_map("collateral").entries) {
    const std::uint32_t r = market_->reserve_of(world.token(asset));
    if (r == market_->reserve_count() || market_->reserve(r).liquidation_threshold <= 0.0) {
      d.add(p.mark("collateral"), path + "collateral." + asset, "'" + asset + "' is not a collateral asset of " + p.reference("protocol"));
      continue;
    }
    collateral_reserve_.push_back(r);
    collateral_weight_.push_back(weight);
  }
  for (const auto& [asset, weight] : p.number_map("debt").entries) {
    const std::uint32_t r = market_->reserve_of(world.token(asset));
    if (r == market_->reserve_count() || !market_->reserve(r).borrowable ||
        (market_->model() == protocols::LendingModel::compound_v3 && r != market_->params().base)) {
      d.add(p.mark("debt"), path + "debt." + asset, "'" + asset + "' cannot be borrowed from " + p.reference("protocol"));
      continue;
    }
    debt_reserve_.push_back(r);
    debt_weight_.push_back(weight);
  }
  if (collateral_reserve_.empty() && d.empty()) d.add(p.mark("collateral"), path + "collateral", "name at least one collateral asset");
  if (debt_reserve_.empty() && d.empty()) d.add(p.mark("debt"), path + "debt", "name at least one debt asset");
  if (!d.empty()) throw config::ConfigError(d);
  first_account_ = world.ledger().open_accounts(spec.name, count_);
}

void MarketBorrowers::start(world::World& world) {
  position_.resize(count_);
  auto& ledger = world.ledger();
  std::vector<std::uint8_t> no_exclusion(collateral_reserve_.size(), 0);
  std::vector<std::uint8_t> debt_excluded(debt_reserve_.size(), 0);
  for (std::uint32_t i = 0; i < count_; ++i) {
    auto stream = world.stream(random::StreamPurpose::population, *this, i);
    const double usd = collateral_usd_.sample(stream);
    const double hf = health_factor_.sample(stream);
    const double u_first = stream.uniform01(), u_split = stream.uniform01(), u_second = stream.uniform01();
    const double u_debt = stream.uniform01(), u_emode = stream.uniform01();
    const ledger::AccountId wallet = first_account_ + i;
    const std::uint32_t p = market_->open_account(wallet, u_emode < emode_share_);
    position_[i] = p;
    if (market_->in_emode(p)) ++in_emode_;

    std::vector<std::pair<std::uint32_t, double>> legs;  // (reserve, value)
    const std::size_t first = pick(collateral_weight_, no_exclusion, u_first);
    if (first == collateral_weight_.size()) continue;
    std::size_t second = collateral_weight_.size();
    if (u_split < second_collateral_) {
      auto excluded = no_exclusion;
      excluded[first] = 1;
      second = pick(collateral_weight_, excluded, u_second);
    }
    if (second < collateral_weight_.size()) {
      legs = {{collateral_reserve_[first], usd / 2}, {collateral_reserve_[second], usd / 2}};
      ++multi_collateral_;
    } else {
      legs = {{collateral_reserve_[first], usd}};
    }
    double weighted = 0.0;
    for (const auto& [r, value] : legs) {
      const double units = value / market_->price(r);
      ledger.mint(wallet, market_->reserve(r).token, units);
      const double deposited = market_->deposit_collateral(world, p, r, units);
      weighted += deposited * market_->price(r) * (size_by_ltv_ ? market_->ltv_for(p, r) : market_->threshold_for(p, r));
      collateral_usd_total_ += deposited * market_->price(r);
    }
    // Debt in an asset it did not post as collateral (no same-asset loops).
    for (std::size_t k = 0; k < debt_reserve_.size(); ++k) {
      debt_excluded[k] = 0;
      for (const auto& leg : legs)
        if (leg.first == debt_reserve_[k]) debt_excluded[k] = 1;
    }
    const std::size_t debt = pick(debt_weight_, debt_excluded, u_debt);
    if (debt == debt_weight_.size() || !(weighted > 0.0)) continue;
    const std::uint32_t r = debt_reserve_[debt];
    const double borrowed = market_->borrow(world, p, r, weighted / hf / market_->price(r));
    borrowed_usd_total_ += borrowed * market_->price(r);
  }
}

double MarketBorrowers::metric(int index) const {
  switch (index) {
    case 0: return collateral_usd_total_;
    case 1: return borrowed_usd_total_;
    case 2: return static_cast<double>(multi_collateral_);
    default: return static_cast<double>(in_emode_);
  }
}

void register_market_borrower(world::Registry& registry) {
  using config::ParamSchema;
  const double inf = std::numeric_limits<double>::infinity();
  config::ComponentSchema s;
  s.type = "market_borrower";
  s.section = config::Section::agents;
  s.summary = "borrowers of a multi-reserve lending market: collateral mix, debt asset and e-mode drawn per borrower";
  s.source = "stylised Aave / Compound borrower book; debt = Σ collateral·price·LT / HF";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "lending_market they borrow from"));
  s.params.push_back(ParamSchema::integer("count", "borrowers", "population size").range(1, 1e8));
  s.params.push_back(ParamSchema::distribution("collateral_usd", "numeraire", "collateral value per borrower at t = 0").range(0, inf, true));
  s.params.push_back(ParamSchema::distribution("health_factor", "", "target health factor at t = 0 (LTV caps the debt)").range(1, 1e6, true));
  s.params.push_back(ParamSchema::number_map("collateral", "weight", "collateral asset → probability weight").range(0, 1e12));
  s.params.push_back(ParamSchema::number_map("debt", "weight", "debt asset → probability weight").range(0, 1e12));
  s.params.push_back(ParamSchema::number("second_collateral", "fraction", "share of borrowers splitting collateral over two assets")
                         .range(0, 1).with_default(0.0));
  s.params.push_back(ParamSchema::string("debt_basis", "debt = Σ value·w / health_factor with w = the liquidation threshold "
                                         "(the draw is the initial HF) or the LTV (the draw is borrowing power / debt, a book that "
                                         "does not move with LT)", {"liquidation_threshold", "ltv"})
                         .with_default(std::string("liquidation_threshold")));
  s.params.push_back(ParamSchema::number("emode", "fraction", "share of borrowers entering the market's e-mode category").range(0, 1).with_default(0.0));
  s.metrics = {{"collateral_usd", "numeraire", "collateral value deposited at t = 0"},
               {"borrowed_usd", "numeraire", "debt value taken at t = 0"},
               {"multi_collateral", "count", "borrowers with two collateral assets"},
               {"in_emode", "count", "borrowers in e-mode"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<MarketBorrowers>(spec, w);
  });
}

}  // namespace cascade::agents
