#include "cascade/agents/depositor/market_depositor.hpp"

#include <algorithm>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/lending/lending_market.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

MarketDepositors::MarketDepositors(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      count_(static_cast<std::uint32_t>(spec.params.integer("count"))),
      deposit_(spec.params.distribution("deposit")),
      reaction_(spec.params.distribution("reaction")),
      run_share_(spec.params.number("run_share")),
      panic_utilization_(spec.params.number("panic_utilization")),
      panic_bad_debt_(spec.params.number("panic_bad_debt")),
      retry_(spec.params.duration("retry")) {
  const auto& p = spec.params;
  market_ = &world.get<protocols::LendingMarket>(p.reference("protocol"));
  reserve_ = market_->reserve_of(world.token(p.reference("asset")));
  if (reserve_ == market_->reserve_count() || !market_->reserve(reserve_).borrowable) {
    config::Diagnostics d;
    d.add(p.mark("asset"), "agents." + spec.name + ".asset", "'" + p.reference("asset") + "' is not a lendable reserve (supply) of " + p.reference("protocol"));
    throw config::ConfigError(d);
  }
  first_account_ = world.ledger().open_accounts(spec.name, count_);
}

void MarketDepositors::start(world::World& world) {
  scaled_.assign(count_, 0.0);
  runner_.assign(count_, 0);
  running_.assign(count_, 0);
  const auto token = market_->reserve(reserve_).token;
  for (std::uint32_t i = 0; i < count_; ++i) {
    auto stream = world.stream(random::StreamPurpose::population, *this, i);
    const double amount = deposit_.sample(stream);
    runner_[i] = stream.uniform01() < run_share_ ? 1 : 0;
    world.ledger().mint(first_account_ + i, token, amount);
    const double index = market_->state(reserve_).liquidity_index;
    scaled_[i] = market_->deposit(world, first_account_ + i, reserve_, amount) / index;
  }
  market_->subscribe_price_updates(id(), price_update, engine::EventClass::agent);
}

double MarketDepositors::claim(std::uint32_t i) const { return scaled_[i] * market_->state(reserve_).liquidity_index; }

void MarketDepositors::handle(const engine::Event& event, world::World& world) {
  if (event.kind == withdraw) {
    try_withdraw(world, event.payload);
    return;
  }
  market_->accrue(world.now());
  const bool panic = market_->utilization(reserve_) >= panic_utilization_ || market_->bad_debt_value() >= panic_bad_debt_;
  if (!panic) return;
  for (std::uint32_t i = 0; i < count_; ++i) {
    if (!runner_[i] || running_[i]) continue;
    running_[i] = 1;
    auto stream = world.stream(random::StreamPurpose::agent, *this, i);
    const double seconds = std::max(0.0, reaction_.sample(stream));
    if (seconds > to_seconds(world.horizon() - world.now())) continue;  // after the horizon: never
    world.sim().schedule_in(static_cast<Time>(seconds * static_cast<double>(kSecond)), engine::EventClass::agent, id(), withdraw, i);
  }
}

void MarketDepositors::try_withdraw(world::World& world, std::uint32_t i) {
  market_->accrue(world.now());
  const double index = market_->state(reserve_).liquidity_index;
  const double wanted = scaled_[i] * index;
  const double got = market_->withdraw(world, first_account_ + i, reserve_, wanted);
  withdrawn_ += got;
  scaled_[i] = std::max(0.0, scaled_[i] - got / index);
  if (got < wanted * (1.0 - 1e-12)) {
    ++refusals_;  // the cash ran out: ask again later
    if (world.now() + retry_ <= world.horizon()) world.sim().schedule_in(retry_, engine::EventClass::agent, id(), withdraw, i);
  } else {
    scaled_[i] = 0.0;
  }
}

double MarketDepositors::metric(int index) const {
  switch (index) {
    case 0: return withdrawn_;
    case 1: {
      double stuck = 0.0;  // claims of runners still waiting
      for (std::uint32_t i = 0; i < count_; ++i)
        if (running_[i]) stuck += claim(i);
      return stuck;
    }
    default: return static_cast<double>(refusals_);
  }
}

void register_market_depositor(world::Registry& registry) {
  using config::ParamSchema;
  const double inf = std::numeric_limits<double>::infinity();
  config::ComponentSchema s;
  s.type = "market_depositor";
  s.section = config::Section::agents;
  s.summary = "depositors of a lending_market reserve who withdraw (run) on high utilisation or bad debt";
  s.source = "Aave/Compound supplier withdrawals, limited by the reserve's available liquidity";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "lending_market they supply"));
  s.params.push_back(ParamSchema::reference("asset", config::RefKind::asset, "the reserve supplied (listed in the market's supply)"));
  s.params.push_back(ParamSchema::integer("count", "depositors", "population size").range(1, 1e8));
  s.params.push_back(ParamSchema::distribution("deposit", "asset units", "deposit per depositor at t = 0").range(0, inf));
  s.params.push_back(ParamSchema::number("run_share", "fraction", "share of depositors who run when frightened").range(0, 1).with_default(1.0));
  s.params.push_back(ParamSchema::number("panic_utilization", "fraction", "utilisation at or above which runners withdraw").range(0, 1).with_default(1.0));
  s.params.push_back(ParamSchema::number("panic_bad_debt", "numeraire", "market bad debt at or above which runners withdraw")
                         .range(0, 1e15).with_default(1e15));
  s.params.push_back(ParamSchema::distribution("reaction", "s", "delay between the fright and the first withdrawal")
                         .range(0, inf).with_default(random::Distribution::exponential(600.0)));
  s.params.push_back(ParamSchema::duration("retry", "wait before asking again when the cash ran out").range(1e-6, 1e9).with_default(config::Duration{kMinute}));
  s.metrics = {{"withdrawn", "asset units", "cumulative withdrawals paid"},
               {"stuck", "asset units", "claims of runners not yet paid (locked by utilisation)"},
               {"refusals", "count", "withdrawals cut short by the cash"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<MarketDepositors>(spec, w);
  });
}

}  // namespace cascade::agents
