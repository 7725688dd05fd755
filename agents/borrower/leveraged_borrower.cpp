#include "cascade/agents/borrower/leveraged_borrower.hpp"

#include <algorithm>
#include <limits>

#include "cascade/protocols/lending/lending_pool.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

LeveragedBorrowers::LeveragedBorrowers(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      count_(static_cast<std::uint32_t>(spec.params.integer("count"))),
      collateral_usd_(spec.params.distribution("collateral_usd")),
      health_factor_(spec.params.distribution("health_factor")) {
  pool_ = &world.get<protocols::LendingPool>(spec.params.reference("protocol"));
  first_account_ = world.ledger().open_accounts(spec.name, count_);
}

void LeveragedBorrowers::start(world::World& world) {
  const double price = pool_->oracle_price();
  const auto& params = pool_->params();
  position_.resize(count_);
  auto& ledger = world.ledger();
  for (std::uint32_t i = 0; i < count_; ++i) {
    auto stream = world.stream(random::StreamPurpose::population, *this, i);
    const double usd = collateral_usd_.sample(stream);
    const double hf = health_factor_.sample(stream);
    const double collateral = usd / price;
    const double debt = usd * params.liquidation_threshold / hf;
    const ledger::AccountId wallet = first_account_ + i;
    ledger.mint(wallet, pool_->collateral_token(), collateral);
    position_[i] = pool_->open_position(world, wallet, collateral, debt);
    collateral_usd_total_ += usd;
  }
}

void LeveragedBorrowers::handle(const engine::Event&, world::World&) {}

double LeveragedBorrowers::metric(int) const { return collateral_usd_total_; }

void register_leveraged_borrower(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "leveraged_borrower";
  s.section = config::Section::agents;
  s.summary = "population of borrowers with heterogeneous collateral and health factor";
  s.source = "stylised Aave borrower book; leverage 1/(1 − LT/HF)";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "lending pool they borrow from"));
  s.params.push_back(ParamSchema::integer("count", "borrowers", "population size").range(1, 1e8));
  s.params.push_back(ParamSchema::distribution("collateral_usd", "numeraire", "collateral value per borrower at t = 0")
                         .range(0, std::numeric_limits<double>::infinity(), true));
  s.params.push_back(ParamSchema::distribution("health_factor", "", "health factor at t = 0 (LTV caps it from below at LT/LTV)")
                         .range(1, 1e6, true));
  s.metrics = {{"collateral_usd", "numeraire", "collateral value deposited at t = 0"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<LeveragedBorrowers>(spec, w);
  });
}

}  // namespace cascade::agents
