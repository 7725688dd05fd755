#include "cascade/agents/liquidator/market_liquidator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/lending/lending_market.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

using protocols::LendingModel;
using protocols::LiquidationOutcome;

namespace {
// A venue sells collateral for debt in either orientation: collateral/debt (sell base) or
// debt/collateral (sell quote for base, e.g. USDC collateral sold on a DAI/USDC pool for DAI debt).
bool sells_base(const protocols::ConstantProductAmm& v, ledger::TokenId collateral) { return v.base_token() == collateral; }
// Debt received for `amount` of collateral (no state change).
double quote_sale(const protocols::ConstantProductAmm& v, ledger::TokenId collateral, double amount) {
  return sells_base(v, collateral) ? v.quote_sell_base(amount)
                                   : protocols::ConstantProductMath::amount_out(amount, v.reserve_quote(), v.reserve_base(), v.fee());
}
// Spot price of the collateral in the debt asset.
double spot(const protocols::ConstantProductAmm& v, ledger::TokenId collateral) {
  return sells_base(v, collateral) ? v.price() : 1.0 / v.price();
}
double sell(protocols::ConstantProductAmm& v, world::World& world, ledger::AccountId wallet, ledger::TokenId collateral, double amount) {
  return sells_base(v, collateral) ? v.sell_base(world, wallet, amount) : v.sell_quote(world, wallet, amount);
}
}  // namespace

MarketLiquidators::MarketLiquidators(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      crew_(world, *this, static_cast<std::uint32_t>(spec.params.integer("count")), spec.params.distribution("latency")),
      capital_(spec.params.number("capital")),
      min_profit_(spec.params.number("min_profit")),
      gas_cost_(spec.params.number("gas_cost")),
      max_per_action_(static_cast<std::uint32_t>(spec.params.integer("max_per_action"))) {
  const auto& p = spec.params;
  market_ = &world.get<protocols::LendingMarket>(p.reference("protocol"));
  config::Diagnostics d;
  for (const auto& name : p.string_list("venues")) {
    auto* venue = dynamic_cast<protocols::ConstantProductAmm*>(world.find(name));
    if (venue == nullptr || market_->reserve_of(venue->base_token()) == market_->reserve_count() ||
        market_->reserve_of(venue->quote_token()) == market_->reserve_count()) {
      d.add(p.mark("venues"), "agents." + spec.name + ".venues",
            "'" + name + "' must be a constant_product_amm trading two assets of " + p.reference("protocol"));
      continue;
    }
    venues_.push_back(venue);
  }
  if (!d.empty()) throw config::ConfigError(d);
  first_account_ = world.ledger().open_accounts(spec.name, crew_.size());
}

void MarketLiquidators::start(world::World& world) {
  market_->subscribe_liquidations(id(), notified, engine::EventClass::liquidator);
  // `capital` (numeraire) in every borrowable asset, at the oracle price at t = 0.
  for (std::uint32_t r = 0; r < market_->reserve_count(); ++r) {
    if (!market_->reserve(r).borrowable) continue;
    for (std::uint32_t j = 0; j < crew_.size(); ++j) world.ledger().mint(first_account_ + j, market_->reserve(r).token, capital_ / market_->price(r));
  }
}

protocols::ConstantProductAmm* MarketLiquidators::venue_for(std::uint32_t collateral, std::uint32_t debt) const {
  const auto c = market_->reserve(collateral).token, dt = market_->reserve(debt).token;
  for (auto* v : venues_)
    if ((v->base_token() == c && v->quote_token() == dt) || (v->base_token() == dt && v->quote_token() == c)) return v;
  return nullptr;
}

void MarketLiquidators::handle(const engine::Event& event, world::World& world) {
  if (event.kind == notified) {
    crew_.wake_idle(world, id(), act);
    return;
  }
  const std::uint32_t j = event.payload;
  crew_.acting(j);
  const std::uint32_t done = market_->model() == LendingModel::compound_v3 ? absorb_and_buy(world, j) : liquidate_some(world, j);
  if (done > 0 && market_->any_liquidatable()) crew_.schedule(world, id(), act, j);
}

std::uint32_t MarketLiquidators::liquidate_some(world::World& world, std::uint32_t j) {
  const ledger::AccountId wallet = first_account_ + j;
  auto& ledger = world.ledger();
  candidates_.clear();
  market_->liquidatable(candidates_, std::numeric_limits<std::size_t>::max());
  const std::uint32_t k = market_->reserve_count();
  std::uint32_t done = 0;
  for (const std::uint32_t p : candidates_) {
    if (done >= max_per_action_) break;
    // The best (debt, collateral) pair and size for this position.
    double best_profit = -std::numeric_limits<double>::infinity(), best_repay = 0.0;
    std::uint32_t best_d = k, best_c = k;
    for (std::uint32_t d = 0; d < k; ++d) {
      if (!(market_->debt_of(p, d) > 0.0)) continue;
      const double budget = ledger.balance(wallet, market_->reserve(d).token);
      for (std::uint32_t c = 0; c < k; ++c) {
        if (!(market_->collateral_of(p, c) > 0.0)) continue;
        auto* venue = venue_for(c, d);
        if (venue == nullptr) continue;
        double repay = std::min(market_->max_repayable(p, d, c), budget);
        bool bounded = false;
        for (int attempt = 0; attempt < 4 && repay > 0.0; ++attempt, repay *= 0.5) {
          const auto preview = market_->preview_liquidation(p, d, c, repay);
          if (preview.status != LiquidationOutcome::Status::done) continue;
          if (!bounded) {
            // A constant-product sale pays at most spot·(1 − fee) per unit, and the collateral
            // received is proportional to the repayment, so profit(x) ≤ x·κ − gas for every
            // smaller size x: when that bound is below min_profit at this size and as x → 0, no
            // size of this pair can pass, and the venue quotes are not needed.
            bounded = true;
            const double upper =
                (preview.to_liquidator() * spot(*venue, market_->reserve(c).token) * (1.0 - venue->fee()) - preview.debt_repaid) *
                    market_->price(d) -
                gas_cost_;
            if (std::max(upper, -gas_cost_) < min_profit_) break;
          }
          const double profit =
              (quote_sale(*venue, market_->reserve(c).token, preview.to_liquidator()) - preview.debt_repaid) * market_->price(d) - gas_cost_;
          if (profit > best_profit) {
            best_profit = profit;
            best_repay = repay;
            best_d = d;
            best_c = c;
          }
          if (profit >= min_profit_) break;  // the largest profitable size for this pair
        }
      }
    }
    if (best_d == k || best_profit < min_profit_) {
      ++skipped_unprofitable_;
      continue;
    }
    const auto out = market_->liquidate(world, p, best_d, best_c, best_repay, wallet, j);
    if (out.status != LiquidationOutcome::Status::done) continue;
    const double received = sell(*venue_for(best_c, best_d), world, wallet, market_->reserve(best_c).token, out.to_liquidator());
    profit_ += (received - out.debt_repaid) * market_->price(best_d) - gas_cost_;
    ++liquidations_;
    ++done;
  }
  return done;
}

std::uint32_t MarketLiquidators::absorb_and_buy(world::World& world, std::uint32_t j) {
  const ledger::AccountId wallet = first_account_ + j;
  std::uint32_t done = 0;
  candidates_.clear();
  market_->liquidatable(candidates_, max_per_action_);
  for (const std::uint32_t p : candidates_)
    if (market_->absorb(world, p, j).status == LiquidationOutcome::Status::done) {
      profit_ -= gas_cost_;
      ++absorbs_;
      ++done;
    }
  // Buy absorbed collateral at the storefront discount when the venue pays more than it costs.
  const std::uint32_t base = market_->params().base;
  for (std::uint32_t c = 0; c < market_->reserve_count(); ++c) {
    const double inventory = market_->state(c).inventory;
    auto* venue = venue_for(c, base);
    if (!(inventory > 0.0) || venue == nullptr || !(market_->reserves() < market_->params().target_reserves)) continue;
    const double budget = world.ledger().balance(wallet, market_->reserve(base).token);
    double pay = std::min(budget, inventory / market_->quote_collateral(c, 1.0));
    for (int attempt = 0; attempt < 4 && pay > 0.0; ++attempt, pay *= 0.5) {
      const double units = market_->quote_collateral(c, pay);
      if ((quote_sale(*venue, market_->reserve(c).token, units) - pay) * market_->price(base) - gas_cost_ < min_profit_) continue;
      const double bought = market_->buy_collateral(world, wallet, c, pay);
      if (!(bought > 0.0)) break;
      const double received = sell(*venue, world, wallet, market_->reserve(c).token, bought);
      profit_ += (received - pay) * market_->price(base) - gas_cost_;
      ++purchases_;
      ++done;
      break;
    }
  }
  return done;
}

double MarketLiquidators::metric(int index) const {
  switch (index) {
    case 0: return static_cast<double>(liquidations_);
    case 1: return static_cast<double>(absorbs_);
    case 2: return static_cast<double>(purchases_);
    case 3: return profit_;
    default: return static_cast<double>(skipped_unprofitable_);
  }
}

void register_market_liquidator(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "market_liquidator";
  s.section = config::Section::agents;
  s.summary = "liquidation bots for a lending_market: pick the debt to repay and the collateral to seize; absorb and buy collateral on Comet";
  s.source = "Aave liquidationCall / Compound v2 liquidateBorrow keepers with flash-swap sales; Compound v3 absorb + buyCollateral";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "lending_market watched"));
  s.params.push_back(ParamSchema::string_list("venues", "constant-product AMMs (collateral/debt pairs) where collateral is sold")
                         .edge(graph::EdgeKind::liquidates_on));
  add_bot_params(s, "capital per liquidator in each borrowable asset");
  s.metrics = {{"liquidations", "count", "liquidations executed (Aave, Compound v2)"},
               {"absorbs", "count", "absorb calls (Compound v3)"},
               {"purchases", "count", "buyCollateral purchases (Compound v3)"},
               {"profit", "numeraire", "cumulative profit after gas"},
               {"skipped_unprofitable", "count", "liquidatable positions passed over as unprofitable"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<MarketLiquidators>(spec, w);
  });
}

}  // namespace cascade::agents
