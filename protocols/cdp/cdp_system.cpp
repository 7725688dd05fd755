#include "cascade/protocols/cdp/cdp_system.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cascade/config/diagnostics.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

CdpSystem::CdpSystem(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      ceiling_(spec.params.number("ceiling")),
      hole_(spec.params.number("hole")) {
  const auto& p = spec.params;
  stablecoin_name_ = p.reference("stablecoin");
  governance_name_ = p.reference("governance_token");
  stablecoin_ = world.token(stablecoin_name_);
  governance_ = world.token(governance_name_);
  const auto& flop = p.group("debt_auction");
  sump_ = flop.number("sump");
  dump_ = flop.number("dump");
  gov_price_ = flop.number("gov_price");
  bidder_margin_ = flop.number("bidder_margin");
  bidder_capital_ = flop.number("bidder_capital");
  flop_ttl_ = flop.duration("ttl");
  const std::string path = "protocols." + spec.name + ".";
  config::Diagnostics d;
  if (stablecoin_ == world.numeraire())
    d.add(p.mark("stablecoin"), path + "stablecoin", "the stablecoin must be its own asset, not the numeraire (its price can leave 1)");
  if (governance_ == stablecoin_ || governance_ == world.numeraire())
    d.add(p.mark("governance_token"), path + "governance_token", "the governance token must be a separate asset");
  const std::string& market = p.string("market");
  if (!market.empty()) {
    market_ = dynamic_cast<const world::PriceSource*>(world.find(market));
    if (market_ == nullptr || market_->base_asset() != stablecoin_name_)
      d.add(p.mark("market"), path + "market", "'" + market + "' must be a venue pricing " + stablecoin_name_ + " in the numeraire");
  }
  if (!d.empty()) throw config::ConfigError(d);
  vow_ = world.ledger().open_account(spec.name + ".vow");
  bidders_ = world.ledger().open_account(spec.name + ".debt_auction_bidders");
  outside_ = world.ledger().open_account(spec.name + ".outside");
}

double CdpSystem::stablecoin_price() const { return market_ != nullptr ? market_->price() : 1.0; }

std::uint32_t CdpSystem::attach(const std::string& name) {
  sources_.push_back(name);
  source_debt_.push_back(0.0);
  return static_cast<std::uint32_t>(sources_.size() - 1);
}

void CdpSystem::set_debt(std::uint32_t handle, double debt) { source_debt_[handle] = debt; }

double CdpSystem::total_debt() const {
  double total = background_;
  for (double d : source_debt_) total += d;
  return total;
}

void CdpSystem::mint_background(world::World& world, ledger::AccountId to, double amount) {
  if (!(amount > 0.0)) return;
  world.ledger().mint(to, stablecoin_, amount);
  background_ += amount;
}

void CdpSystem::digs(double amount) {
  dirt_ -= amount;
  if (dirt_ < 1e-9 * std::max(1.0, hole_)) dirt_ = std::max(0.0, dirt_);
}

void CdpSystem::suck(world::World& world, ledger::AccountId to, double amount) {
  if (!(amount > 0.0)) return;
  world.ledger().mint(to, stablecoin_, amount);
  sin_ += amount;
}

void CdpSystem::pay_to_vow(world::World& world, ledger::AccountId from, double amount) {
  if (!(amount > 0.0)) return;
  world.ledger().transfer(from, vow_, stablecoin_, amount);
  surplus_ += amount;
  heal(world);
}

void CdpSystem::mint_to_vow(world::World& world, double amount) {
  if (!(amount > 0.0)) return;
  world.ledger().mint(vow_, stablecoin_, amount);
  surplus_ += amount;
  heal(world);
}

void CdpSystem::heal(world::World& world) {
  const double rad = std::min(surplus_, sin_);
  if (rad > 0.0) {
    world.ledger().burn(vow_, stablecoin_, rad);
    surplus_ -= rad;
    sin_ -= rad;
  }
  maybe_flop(world);
}

void CdpSystem::maybe_flop(world::World& world) {
  // vow.flop: only debt that is neither covered by the surplus, nor still on liquidation auction,
  // nor already on debt auction is auctioned, one `sump` at a time.
  if (!(sump_ > 0.0)) return;
  const double lot = std::min(dump_, sump_ * (1.0 + bidder_margin_) / gov_price_);
  while (sin_ - on_auction_ - ash_ - surplus_ >= sump_) {
    ash_ += sump_;
    ++debt_auctions_;
    flop_lots_.push_back(lot);
    if (world.now() + flop_ttl_ <= world.horizon())
      world.sim().schedule_in(flop_ttl_, engine::EventClass::protocol, id(), flop_deal);
  }
}

void CdpSystem::start(world::World& world) {
  // Stablecoin already in circulation (a secondary market's reserves minted by venues built
  // earlier) was issued by vaults outside the model: book it as background debt.
  background_ = world.ledger().supply(stablecoin_);
  if (bidder_capital_ > 0.0) mint_background(world, bidders_, bidder_capital_);
  // Components started after this one may mint the stablecoin too (a lending market's suppliers,
  // liquidators' capital): that is also circulation issued outside the model, booked by the first
  // event at t = 0, after every start.
  world.sim().schedule(world.now(), engine::EventClass::exogenous, id(), book_outside);
}

void CdpSystem::handle(const engine::Event& event, world::World& world) {
  if (event.kind == book_outside) {
    background_ += world.ledger().supply(stablecoin_) - (total_debt() + sin_);
    outside_booked_ = true;
    return;
  }
  if (event.kind != flop_deal || flop_next_ >= flop_lots_.size()) return;
  const double lot = flop_lots_[flop_next_++];
  auto& ledger = world.ledger();
  // flop.deal: the winning bidders paid sump at kick (held by the auction until the deal); the
  // lot of governance tokens is minted to them. Bidders without stablecoin buy it outside.
  const double held = ledger.balance(bidders_, stablecoin_);
  if (held < sump_) mint_background(world, bidders_, sump_ - held);
  ledger.mint(bidders_, governance_, lot);
  gov_minted_ += lot;
  ash_ -= sump_;
  if (ash_ < 0.0) ash_ = 0.0;
  pay_to_vow(world, bidders_, sump_);
}

double CdpSystem::metric(int index) const {
  switch (index) {
    case 0: return total_debt();
    case 1: return sin_;
    case 2: return surplus_;
    case 3: return surplus_ - sin_;
    case 4: return bad_debt_;
    case 5: return deficit();
    case 6: return gov_minted_;
    case 7: return static_cast<double>(debt_auctions_);
    case 8: return stablecoin_price();
    case 9: return dirt_;
    case 10: return on_auction_;
    default: return 0.0;
  }
}

void CdpSystem::finish(world::World&, output::RunSummary& summary) { summary.bad_debt += bad_debt_; }

void CdpSystem::audit(const world::World& world, std::vector<std::string>& problems) const {
  const auto& ledger = world.ledger();
  auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)}); };
  std::ostringstream m;
  m.precision(15);
  const double supply = ledger.supply(stablecoin_);
  if (outside_booked_ && !near(supply, total_debt() + sin_))
    m << name() << ": " << stablecoin_name_ << " supply " << supply << " != issued debt " << total_debt() << " + sin " << sin_;
  else if (!near(ledger.balance(vow_, stablecoin_), surplus_))
    m << name() << ": vow holds " << ledger.balance(vow_, stablecoin_) << " but the surplus books say " << surplus_;
  else if (sin_ < -1e-9 || dirt_ < -1e-6 || ash_ < -1e-9)
    m << name() << ": negative sin, Dirt or Ash";
  else if (gov_minted_ > ledger.minted(governance_) * (1.0 + 1e-12))
    m << name() << ": debt auctions minted " << gov_minted_ << " governance tokens, the ledger only " << ledger.minted(governance_);
  if (!m.str().empty()) problems.push_back(m.str());
}

void register_cdp_system(world::Registry& registry) {
  using config::ParamSchema;
  using config::RefKind;
  config::ComponentSchema s;
  s.type = "cdp_system";
  s.section = config::Section::protocols;
  s.summary = "Maker-like stablecoin system core: Vat ceiling, Dog Hole, Vow buffer, Flop debt auctions";
  s.source = "makerdao/dss vat.sol, dog.sol, vow.sol, flop.sol; defaults: dog.Hole 150 M DAI (2025), flop sump 50 k / dump 250 MKR";
  s.params.push_back(ParamSchema::reference("stablecoin", RefKind::asset, "the stablecoin this system issues (e.g. DAI)")
                          .edge(graph::EdgeKind::issues));
  s.params.push_back(ParamSchema::reference("governance_token", RefKind::asset, "token minted by debt auctions (e.g. MKR)"));
  s.params.push_back(ParamSchema::string("market", "venue pricing the stablecoin in the numeraire (\"\" = assume 1)")
                         .with_default(std::string())
                         .edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::number("ceiling", "stablecoin", "global debt ceiling (vat.Line)").range(0, 1e15, true).with_default(1e10));
  s.params.push_back(ParamSchema::number("hole", "stablecoin", "global limit on debt being liquidated (dog.Hole)").range(0, 1e15, true).with_default(150e6));
  s.params.push_back(ParamSchema::group(
      "debt_auction", "Flop: governance-token debt auctions",
      {ParamSchema::number("sump", "stablecoin", "stablecoin raised per debt auction (0 = no debt auctions)").range(0, 1e12).with_default(50000.0),
       ParamSchema::number("dump", "governance tokens", "starting (largest) lot").range(0, 1e12, true).with_default(250.0),
       ParamSchema::number("gov_price", "numeraire", "market price of the governance token").range(0, 1e12, true).with_default(300.0),
       ParamSchema::number("bidder_margin", "fraction", "discount competitive bidders require").range(0, 10).with_default(0.05),
       ParamSchema::number("bidder_capital", "stablecoin", "stablecoin held by debt-auction bidders at t = 0").range(0, 1e15).with_default(1e7),
       ParamSchema::duration("ttl", "kick to deal (the last bid's lifetime)").with_default(config::Duration{6 * kHour})}));
  s.metrics = {{"total_debt", "stablecoin", "issued debt: collateral types + PSM + background"},
               {"sin", "stablecoin", "unbacked system debt (liquidated debt not yet recovered, keeper incentives)"},
               {"surplus", "stablecoin", "stablecoin held by the Vow"},
               {"system_surplus", "stablecoin", "surplus − sin (negative = deficit)"},
               {"bad_debt", "stablecoin", "cumulative debt that finished liquidation auctions failed to recover"},
               {"deficit", "stablecoin", "max(0, sin − surplus)"},
               {"gov_minted", "governance tokens", "minted by debt auctions"},
               {"debt_auctions", "count", "debt auctions started"},
               {"stablecoin_price", "numeraire", "stablecoin price on its secondary market"},
               {"dirt", "stablecoin", "debt + penalty currently being liquidated (dog.Dirt)"},
               {"debt_on_auction", "stablecoin", "liquidated debt whose auctions are still running"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<CdpSystem>(spec, w);
  });
}

}  // namespace cascade::protocols
