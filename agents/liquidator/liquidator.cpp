#include "cascade/agents/liquidator/liquidator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/lending/lending_pool.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

Liquidators::Liquidators(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      crew_(world, *this, static_cast<std::uint32_t>(spec.params.integer("count")), spec.params.distribution("latency")),
      capital_(spec.params.number("capital")),
      min_profit_(spec.params.number("min_profit")),
      gas_cost_(spec.params.number("gas_cost")),
      max_per_action_(static_cast<std::uint32_t>(spec.params.integer("max_per_action"))) {
  pool_ = &world.get<protocols::LendingPool>(spec.params.reference("protocol"));
  const std::string venue = spec.params.reference("venue");
  venue_ = dynamic_cast<protocols::ConstantProductAmm*>(world.find(venue));
  if (venue_ == nullptr || venue_->base_token() != pool_->collateral_token() || venue_->quote_token() != pool_->debt_token()) {
    config::Diagnostics d;
    d.add(spec.params.mark("venue"), "agents." + spec.name + ".venue",
          "venue '" + venue + "' must be a constant_product_amm trading the pool's collateral against its debt asset");
    throw config::ConfigError(d);
  }
  first_account_ = world.ledger().open_accounts(spec.name, crew_.size());
}

void Liquidators::start(world::World& world) {
  pool_->subscribe_liquidations(id(), notified, engine::EventClass::liquidator);
  for (std::uint32_t j = 0; j < crew_.size(); ++j) world.ledger().mint(first_account_ + j, pool_->debt_token(), capital_);
}

void Liquidators::handle(const engine::Event& event, world::World& world) {
  if (event.kind == notified) {
    crew_.wake_idle(world, id(), act);
    return;
  }
  crew_.acting(event.payload);
  act_once(world, event.payload);
}

void Liquidators::act_once(world::World& world, std::uint32_t j) {
  const ledger::AccountId wallet = first_account_ + j;
  auto& ledger = world.ledger();
  candidates_.clear();
  // Every liquidatable position, worst first: small or deeply underwater ones may be unprofitable
  // and are passed over, so they must not hide the profitable ones behind them.
  pool_->liquidatable(candidates_, std::numeric_limits<std::size_t>::max());
  std::uint32_t done = 0;
  for (const std::uint32_t p : candidates_) {
    if (done >= max_per_action_) break;
    const double budget = ledger.balance(wallet, pool_->debt_token());
    double repay = std::min(pool_->max_repayable(p), budget);
    // Size the liquidation: the largest of repay, repay/2, repay/4, repay/8 whose collateral still
    // sells on the venue for a profit (large seizures can cost more in price impact than the bonus).
    bool profitable = false;
    for (int attempt = 0; attempt < 4 && repay > 0.0; ++attempt, repay *= 0.5) {
      const auto preview = pool_->preview_liquidation(p, repay);
      if (preview.status != protocols::LiquidationOutcome::Status::done) continue;
      const double proceeds = venue_->quote_sell_base(preview.to_liquidator());
      if (proceeds - preview.debt_repaid - gas_cost_ >= min_profit_) {
        profitable = true;
        break;
      }
    }
    if (!profitable) {
      ++skipped_unprofitable_;
      continue;
    }
    const auto out = pool_->liquidate(world, p, repay, wallet, j);
    if (out.status != protocols::LiquidationOutcome::Status::done) continue;
    const double received = venue_->sell_base(world, wallet, out.to_liquidator());
    profit_ += received - out.debt_repaid - gas_cost_;
    ++liquidations_;
    ++done;
  }
  if (done > 0 && pool_->any_liquidatable()) crew_.schedule(world, id(), act, j);
}

double Liquidators::metric(int index) const {
  switch (index) {
    case 0: return static_cast<double>(liquidations_);
    case 1: return profit_;
    default: return static_cast<double>(skipped_unprofitable_);
  }
}

void register_liquidator(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "liquidator";
  s.section = config::Section::agents;
  s.summary = "competing liquidation bots that sell seized collateral on a venue";
  s.source = "Aave liquidationCall keepers with flash-swap sales (profit = sale proceeds − repay − gas)";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "lending pool watched"));
  s.params.push_back(ParamSchema::reference("venue", config::RefKind::venue, "constant-product AMM where collateral is sold")
                          .edge(graph::EdgeKind::liquidates_on));
  add_bot_params(s, "debt-asset capital per liquidator");
  s.metrics = {{"liquidations", "count", "liquidations executed"},
               {"profit", "numeraire", "cumulative profit after gas"},
               {"skipped_unprofitable", "count", "liquidatable positions passed over as unprofitable"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<Liquidators>(spec, w);
  });
}

}  // namespace cascade::agents
