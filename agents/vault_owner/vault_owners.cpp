#include "cascade/agents/vault_owner/vault_owners.hpp"

#include <algorithm>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/cdp/cdp_collateral.hpp"
#include "cascade/protocols/cdp/osm.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

VaultOwners::VaultOwners(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      count_(static_cast<std::uint32_t>(spec.params.integer("count"))),
      collateral_value_(spec.params.distribution("collateral_value")),
      collateral_ratio_(spec.params.distribution("collateral_ratio")) {
  ilk_ = &world.get<protocols::CdpCollateral>(spec.params.reference("protocol"));
  osm_ = dynamic_cast<const protocols::Osm*>(&ilk_->oracle());
  const auto& margin = spec.params.group("on_margin_call");
  top_up_share_ = margin.number("top_up");
  respond_below_ = margin.number("respond_below");
  restore_to_ = margin.number("restore_to");
  spare_collateral_ = margin.number("spare_collateral");
  reaction_ = margin.distribution("reaction");
  const std::string path = "agents." + spec.name + ".";
  config::Diagnostics d;
  if (collateral_ratio_.lower_bound() < ilk_->params().mat)
    d.add(spec.params.mark("collateral_ratio"), path + "collateral_ratio",
          "can fall below the collateral type's liquidation ratio " + std::to_string(ilk_->params().mat) +
              " (such vaults could not be opened)");
  if (restore_to_ <= respond_below_)
    d.add(margin.mark("restore_to"), path + "on_margin_call.restore_to", "must be above respond_below, or a response would trigger the next one");
  if (!d.empty()) throw config::ConfigError(d);
  first_account_ = world.ledger().open_accounts(spec.name, count_);
  streams_.reserve(count_);
  for (std::uint32_t i = 0; i < count_; ++i) streams_.push_back(world.stream(random::StreamPurpose::agent, *this, i));
}

void VaultOwners::start(world::World& world) {
  const double price = ilk_->oracle_price();
  auto& ledger = world.ledger();
  vault_.resize(count_);
  responds_.assign(count_, 0);
  pending_.assign(count_, 0);
  for (std::uint32_t i = 0; i < count_; ++i) {
    auto stream = world.stream(random::StreamPurpose::population, *this, i);
    const double value = collateral_value_.sample(stream);
    const double ratio = collateral_ratio_.sample(stream);
    responds_[i] = stream.uniform01() < top_up_share_ ? 1 : 0;
    const double ink = value / price;
    const ledger::AccountId wallet = first_account_ + i;
    ledger.mint(wallet, ilk_->collateral_token(), ink * (1.0 + (responds_[i] ? spare_collateral_ : 0.0)));
    vault_[i] = ilk_->open_vault(world, wallet, ink, value / ratio);
    if (owner_of_vault_.size() <= vault_[i]) owner_of_vault_.resize(vault_[i] + 1, 0);
    owner_of_vault_[vault_[i]] = i + 1;
    collateral_value_total_ += value;
    debt_total_ += ilk_->debt_of(vault_[i]);
  }
  if (top_up_share_ > 0.0) ilk_->oracle().subscribe(id(), price_update, engine::EventClass::agent);
}

double VaultOwners::lookahead_price() const { return osm_ != nullptr ? std::min(osm_->price(), osm_->next_price()) : ilk_->oracle_price(); }

void VaultOwners::handle(const engine::Event& event, world::World& world) {
  if (event.kind == react) {
    pending_[event.payload] = 0;
    respond(world, event.payload);
    return;
  }
  scratch_.clear();
  ilk_->vaults_below(lookahead_price(), respond_below_, scratch_);
  for (const std::uint32_t u : scratch_) {
    if (u >= owner_of_vault_.size() || owner_of_vault_[u] == 0) continue;
    const std::uint32_t i = owner_of_vault_[u] - 1;
    if (!responds_[i] || pending_[i]) continue;
    const double seconds = std::max(0.0, reaction_.sample(streams_[i]));
    if (seconds > to_seconds(world.horizon() - world.now())) continue;
    pending_[i] = 1;
    world.sim().schedule_in(static_cast<Time>(seconds * static_cast<double>(kSecond)), engine::EventClass::agent, id(), react, i);
  }
}

void VaultOwners::respond(world::World& world, std::uint32_t i) {
  const std::uint32_t u = vault_[i];
  const double debt = ilk_->debt_of(u);
  const double price = lookahead_price();
  if (!(debt > 0.0) || !(price > 0.0)) return;
  // Collateral needed for ink · price / debt = restore_to · mat.
  const double need = restore_to_ * ilk_->params().mat * debt / price - ilk_->ink_of(u);
  if (!(need > 0.0)) return;
  const double have = world.ledger().balance(first_account_ + i, ilk_->collateral_token());
  const double amount = std::min(need, have);
  if (!(amount > 0.0)) return;
  ilk_->add_collateral(world, u, amount);
  ++top_ups_;
  topped_up_ += amount;
}

double VaultOwners::metric(int index) const {
  switch (index) {
    case 0: return collateral_value_total_;
    case 1: return debt_total_;
    case 2: return static_cast<double>(top_ups_);
    default: return topped_up_;
  }
}

void register_vault_owners(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "vault_owner";
  s.section = config::Section::agents;
  s.summary = "vault owners: lock collateral, draw stablecoin at a drawn collateral ratio, top up on margin calls";
  s.source = "MakerDAO vaults (vat.frob); OSM look-ahead (the next price is public one hour early)";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "cdp_collateral the vaults are opened in"));
  s.params.push_back(ParamSchema::integer("count", "vaults", "number of vault owners").range(1, 1e8).with_default(std::int64_t{1000}));
  s.params.push_back(ParamSchema::distribution("collateral_value", "numeraire", "collateral value locked per vault at t = 0")
                         .range(0, std::numeric_limits<double>::infinity()));
  s.params.push_back(ParamSchema::distribution("collateral_ratio", "ratio", "collateral value / debt at t = 0 (≥ mat)")
                         .range(1, std::numeric_limits<double>::infinity()));
  s.params.push_back(ParamSchema::group(
      "on_margin_call", "top-ups when the next oracle price would leave the vault near liquidation",
      {ParamSchema::number("top_up", "fraction", "share of owners who top up").range(0, 1).with_default(0.0),
       ParamSchema::number("respond_below", "× mat", "respond when the ratio at the next price is below this multiple of mat")
           .range(1, 100).with_default(1.1),
       ParamSchema::number("restore_to", "× mat", "top up to this multiple of mat").range(1, 100).with_default(1.5),
       ParamSchema::number("spare_collateral", "fraction", "collateral in the wallet, as a share of the initial collateral")
           .range(0, 100).with_default(0.5),
       ParamSchema::distribution("reaction", "s", "delay before a top-up, in seconds")
           .range(0, std::numeric_limits<double>::infinity()).with_default(random::Distribution::exponential(900.0))}));
  s.metrics = {{"collateral_value", "numeraire", "collateral value locked at t = 0"},
               {"debt", "stablecoin", "stablecoin drawn at t = 0"},
               {"top_ups", "count", "top-ups made"},
               {"topped_up", "collateral units", "collateral added"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<VaultOwners>(spec, w);
  });
}

}  // namespace cascade::agents
