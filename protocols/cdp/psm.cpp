#include "cascade/protocols/cdp/psm.hpp"

#include <algorithm>
#include <cmath>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

Psm::Psm(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      tin_(spec.params.number("tin")),
      tout_(spec.params.number("tout")),
      ceiling_(spec.params.number("ceiling")) {
  system_ = &world.get<CdpSystem>(spec.params.reference("system"));
  gem_ = world.token(spec.params.reference("gem"));
  dai_ = system_->stablecoin();
  if (gem_ == dai_) {
    config::Diagnostics d;
    d.add(spec.params.mark("gem"), "protocols." + spec.name + ".gem", "the gem must differ from the system's stablecoin");
    throw config::ConfigError(d);
  }
  pocket_ = world.ledger().open_account(spec.name + ".pocket");
  handle_ = system_->attach(spec.name);
}

double Psm::sell_gem(world::World& world, ledger::AccountId who, double gem_amount) {
  auto& ledger = world.ledger();
  gem_amount = std::min({gem_amount, ledger.balance(who, gem_), ceiling_ - debt_, system_->ceiling() - system_->total_debt()});
  if (!(gem_amount > 0.0)) return 0.0;
  // vat.frob draws gem_amount of stablecoin against the gem; the seller gets it less tin.
  const double fee = gem_amount * tin_;
  ledger.transfer(who, pocket_, gem_, gem_amount);
  debt_ += gem_amount;
  system_->set_debt(handle_, debt_);
  ledger.mint(who, dai_, gem_amount - fee);
  system_->mint_to_vow(world, fee);
  volume_ += gem_amount;
  return gem_amount - fee;
}

double Psm::buy_gem(world::World& world, ledger::AccountId who, double gem_amount) {
  auto& ledger = world.ledger();
  gem_amount = std::min({gem_amount, debt_, ledger.balance(who, dai_) / (1.0 + tout_)});
  if (!(gem_amount > 0.0)) return 0.0;
  const double fee = gem_amount * tout_;
  ledger.burn(who, dai_, gem_amount);  // wipes the PSM's debt
  debt_ -= gem_amount;
  if (debt_ < 1e-9) debt_ = std::max(0.0, debt_);
  system_->set_debt(handle_, debt_);
  system_->pay_to_vow(world, who, fee);
  ledger.transfer(pocket_, who, gem_, gem_amount);
  volume_ += gem_amount;
  return gem_amount;
}

void Psm::handle(const engine::Event&, world::World&) {}

double Psm::metric(int index) const {
  switch (index) {
    case 0: return debt_;
    default: return volume_;
  }
}

void Psm::audit(const world::World& world, std::vector<std::string>& problems) const {
  const double held = world.ledger().balance(pocket_, gem_);
  if (std::fabs(held - debt_) > 1e-9 * std::max(1.0, debt_))
    problems.push_back(name() + ": debt " + std::to_string(debt_) + " != gem held " + std::to_string(held));
}

void register_psm(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "psm";
  s.section = config::Section::protocols;
  s.summary = "Peg Stability Module: gem ↔ stablecoin 1:1 with tin/tout fees, under a debt ceiling";
  s.source = "makerdao/dss-psm psm.sol (sellGem, buyGem)";
  s.params.push_back(ParamSchema::reference("system", config::RefKind::protocol, "the cdp_system issuing the stablecoin"));
  s.params.push_back(ParamSchema::reference("gem", config::RefKind::asset, "reserve asset swapped 1:1 (e.g. USDC)")
                          .edge(graph::EdgeKind::collateral_in));
  s.params.push_back(ParamSchema::number("tin", "fraction", "fee on gem → stablecoin").range(0, 1, false, true).with_default(0.0));
  s.params.push_back(ParamSchema::number("tout", "fraction", "fee on stablecoin → gem").range(0, 1).with_default(0.0));
  s.params.push_back(ParamSchema::number("ceiling", "stablecoin", "debt ceiling (ilk line)").range(0, 1e15).with_default(10e9));
  s.metrics = {{"debt", "stablecoin", "stablecoin minted against gem (= gem held)"}, {"volume", "gem", "cumulative swapped"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) { return std::make_unique<Psm>(spec, w); });
}

}  // namespace cascade::protocols
