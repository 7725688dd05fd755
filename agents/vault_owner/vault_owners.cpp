#include "cascade/agents/vault_owner/vault_owners.hpp"

#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/cdp/cdp_collateral.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

VaultOwners::VaultOwners(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      count_(static_cast<std::uint32_t>(spec.params.integer("count"))),
      collateral_value_(spec.params.distribution("collateral_value")),
      collateral_ratio_(spec.params.distribution("collateral_ratio")) {
  ilk_ = &world.get<protocols::CdpCollateral>(spec.params.reference("protocol"));
  if (collateral_ratio_.lower_bound() < ilk_->params().mat) {
    config::Diagnostics d;
    d.add(spec.params.mark("collateral_ratio"), "agents." + spec.name + ".collateral_ratio",
          "can fall below the collateral type's liquidation ratio " + std::to_string(ilk_->params().mat) +
              " (such vaults could not be opened)");
    throw config::ConfigError(d);
  }
  first_account_ = world.ledger().open_accounts(spec.name, count_);
}

void VaultOwners::start(world::World& world) {
  const double price = ilk_->oracle_price();
  auto& ledger = world.ledger();
  for (std::uint32_t i = 0; i < count_; ++i) {
    auto stream = world.stream(random::StreamPurpose::population, *this, i);
    const double value = collateral_value_.sample(stream);
    const double ratio = collateral_ratio_.sample(stream);
    const double ink = value / price;
    const ledger::AccountId wallet = first_account_ + i;
    ledger.mint(wallet, ilk_->collateral_token(), ink);
    const auto u = ilk_->open_vault(world, wallet, ink, value / ratio);
    collateral_value_total_ += value;
    debt_total_ += ilk_->debt_of(u);
  }
}

void VaultOwners::handle(const engine::Event&, world::World&) {}

double VaultOwners::metric(int index) const { return index == 0 ? collateral_value_total_ : debt_total_; }

void register_vault_owners(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "vault_owner";
  s.section = config::Section::agents;
  s.summary = "vault owners: lock collateral in a CDP collateral type and draw stablecoin at a drawn collateral ratio";
  s.source = "MakerDAO vaults (vat.frob)";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "cdp_collateral the vaults are opened in"));
  s.params.push_back(ParamSchema::integer("count", "vaults", "number of vault owners").range(1, 1e8).with_default(std::int64_t{1000}));
  s.params.push_back(ParamSchema::distribution("collateral_value", "numeraire", "collateral value locked per vault at t = 0")
                         .range(0, std::numeric_limits<double>::infinity()));
  s.params.push_back(ParamSchema::distribution("collateral_ratio", "ratio", "collateral value / debt at t = 0 (≥ mat)").range(1, std::numeric_limits<double>::infinity()));
  s.metrics = {{"collateral_value", "numeraire", "collateral value locked at t = 0"}, {"debt", "stablecoin", "stablecoin drawn at t = 0"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<VaultOwners>(spec, w);
  });
}

}  // namespace cascade::agents
