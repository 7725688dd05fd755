#include "cascade/agents/borrower/leveraged_borrower.hpp"

#include <algorithm>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
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
  const auto& margin = spec.params.group("on_margin_call");
  top_up_share_ = margin.number("top_up");
  deleverage_share_ = margin.number("deleverage");
  respond_below_ = margin.number("respond_below");
  restore_to_ = margin.number("restore_to");
  spare_collateral_ = margin.number("spare_collateral");
  reaction_ = margin.distribution("reaction");
  const std::string path = "agents." + spec.name + ".on_margin_call.";
  config::Diagnostics d;
  if (top_up_share_ + deleverage_share_ > 1.0 + 1e-12)
    d.add(margin.mark("deleverage"), path + "deleverage", "top_up + deleverage shares must not exceed 1 (the rest ignore margin calls)");
  if (restore_to_ <= respond_below_)
    d.add(margin.mark("restore_to"), path + "restore_to", "must be above respond_below, or a response would trigger the next one");
  if (deleverage_share_ > 0.0) {
    venue_ = dynamic_cast<protocols::ConstantProductAmm*>(world.find(pool_->liquidation_venue()));
    if (venue_ == nullptr || venue_->base_token() != pool_->collateral_token() || venue_->quote_token() != pool_->debt_token())
      d.add(margin.mark("deleverage"), path + "deleverage",
            "deleveraging sells on the pool's liquidation venue, which must be a constant_product_amm of collateral/debt");
  }
  if (!d.empty()) throw config::ConfigError(d);
  first_account_ = world.ledger().open_accounts(spec.name, count_);
}

void LeveragedBorrowers::start(world::World& world) {
  const double price = pool_->oracle_price();
  const auto& params = pool_->params();
  position_.resize(count_);
  response_.assign(count_, 0);
  pending_.assign(count_, 0);
  reactions_.assign(count_, 0);
  auto& ledger = world.ledger();
  for (std::uint32_t i = 0; i < count_; ++i) {
    auto stream = world.stream(random::StreamPurpose::population, *this, i);
    const double usd = collateral_usd_.sample(stream);
    const double hf = health_factor_.sample(stream);
    const double u = stream.uniform01();
    response_[i] = static_cast<std::uint8_t>(u < top_up_share_                       ? Response::top_up
                                             : u < top_up_share_ + deleverage_share_ ? Response::deleverage
                                                                                     : Response::ignore);
    const double collateral = usd / price;
    const double debt = usd * params.liquidation_threshold / hf;
    const ledger::AccountId wallet = first_account_ + i;
    const double spare = response_[i] == static_cast<std::uint8_t>(Response::top_up) ? spare_collateral_ * collateral : 0.0;
    ledger.mint(wallet, pool_->collateral_token(), collateral + spare);
    position_[i] = pool_->open_position(world, wallet, collateral, debt);
    collateral_usd_total_ += usd;
  }
  if (top_up_share_ + deleverage_share_ > 0.0) pool_->subscribe_price_updates(id(), price_update, engine::EventClass::agent);
}

void LeveragedBorrowers::handle(const engine::Event& event, world::World& world) {
  if (event.kind == react) {
    pending_[event.payload] = 0;
    respond(world, event.payload);
    return;
  }
  // The pool holds positions, not borrowers: map back through the owner's wallet.
  scratch_.clear();
  pool_->below_health(respond_below_, scratch_);
  for (const std::uint32_t p : scratch_) {
    const ledger::AccountId owner = pool_->owner_of(p);
    if (owner < first_account_ || owner >= first_account_ + count_) continue;  // another population
    const std::uint32_t i = owner - first_account_;
    if (response_[i] == static_cast<std::uint8_t>(Response::ignore) || pending_[i]) continue;
    pending_[i] = 1;
    // One stream per (borrower, reaction number): independent draws, no collisions.
    auto stream = world.stream(random::StreamPurpose::agent, *this, (std::uint64_t{reactions_[i]++} << 32) | i);
    const double seconds = std::max(0.0, reaction_.sample(stream));
    if (seconds > to_seconds(world.horizon() - world.now())) continue;  // after the horizon: never
    world.sim().schedule_in(static_cast<Time>(seconds * static_cast<double>(kSecond)), engine::EventClass::agent, id(), react, i);
  }
}

void LeveragedBorrowers::respond(world::World& world, std::uint32_t i) {
  const std::uint32_t p = position_[i];
  const double hf = pool_->health_factor(p);
  if (!(hf < respond_below_)) return;  // recovered, or already liquidated and closed
  const double price = pool_->oracle_price();
  const double lt = pool_->params().liquidation_threshold;
  const double debt = pool_->debt_of(p);
  const double collateral = pool_->collateral_of(p);
  if (response_[i] == static_cast<std::uint8_t>(Response::top_up)) {
    // (c + x)·P·LT / D = h*  ⇒  x = h*·D/(P·LT) − c, limited by the spare wallet
    const double wallet = world.ledger().balance(pool_->owner_of(p), pool_->collateral_token());
    const double needed = restore_to_ * debt / (price * lt) - collateral;
    const double amount = std::min(needed, wallet);
    if (amount > 0.0) {
      pool_->add_collateral(world, p, amount);
      ++top_ups_;
    }
  } else {
    // (c − w)·P·LT = h*·(D − w·P)  ⇒  w = (h*·D − c·P·LT) / (P·(h* − LT)), valued at the oracle;
    // the venue's slippage makes the result slightly lower than h*.
    const double w = (restore_to_ * debt - collateral * price * lt) / (price * (restore_to_ - lt));
    if (w > 0.0 && collateral > 0.0) {
      pool_->repay_with_collateral(world, p, std::min(w, collateral), *venue_);
      ++deleverages_;
    }
  }
}

double LeveragedBorrowers::metric(int index) const {
  switch (index) {
    case 0: return collateral_usd_total_;
    case 1: return static_cast<double>(top_ups_);
    default: return static_cast<double>(deleverages_);
  }
}

void register_leveraged_borrower(world::Registry& registry) {
  using config::ParamSchema;
  const double inf = std::numeric_limits<double>::infinity();
  config::ComponentSchema s;
  s.type = "leveraged_borrower";
  s.section = config::Section::agents;
  s.summary = "population of borrowers with heterogeneous collateral, health factor and margin-call behaviour";
  s.source = "stylised Aave borrower book; leverage 1/(1 − LT/HF); automated top-up / repay-with-collateral";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "lending pool they borrow from"));
  s.params.push_back(ParamSchema::integer("count", "borrowers", "population size").range(1, 1e8));
  s.params.push_back(ParamSchema::distribution("collateral_usd", "numeraire", "collateral value per borrower at t = 0").range(0, inf, true));
  s.params.push_back(ParamSchema::distribution("health_factor", "", "health factor at t = 0 (LTV caps it from below at LT/LTV)")
                         .range(1, 1e6, true));
  s.params.push_back(ParamSchema::group(
      "on_margin_call", "what borrowers do when their health factor falls below respond_below",
      {ParamSchema::number("top_up", "fraction", "share of borrowers who add collateral").range(0, 1).with_default(0.0),
       ParamSchema::number("deleverage", "fraction", "share who sell collateral to repay debt").range(0, 1).with_default(0.0),
       ParamSchema::number("respond_below", "", "health factor that triggers a response").range(1, 100, true).with_default(1.1),
       ParamSchema::number("restore_to", "", "health factor a response restores").range(1, 100, true).with_default(1.5),
       ParamSchema::number("spare_collateral", "fraction", "top-up reserve in the wallet, × initial collateral").range(0, 100).with_default(0.5),
       ParamSchema::distribution("reaction", "s", "delay between the oracle update and the response")
           .range(0, inf).with_default(random::Distribution::exponential(600.0))}));
  s.metrics = {{"collateral_usd", "numeraire", "collateral value deposited at t = 0"},
               {"top_ups", "count", "top-ups made"},
               {"deleverages", "count", "repay-with-collateral operations made"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<LeveragedBorrowers>(spec, w);
  });
}

}  // namespace cascade::agents
