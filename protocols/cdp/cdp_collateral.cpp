#include "cascade/protocols/cdp/cdp_collateral.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
/// An auction that raised less than this share of the market value of the collateral it sold
/// counts as a zero-bid auction (the Black Thursday failure: bids of 0 DAI won whole lots).
constexpr double kZeroBidShare = 0.01;
}  // namespace

CdpCollateral::CdpCollateral(const config::ComponentSpec& spec, world::World& world) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  params_.mat = p.number("mat");
  params_.chop = p.number("chop");
  params_.stability_fee = p.number("stability_fee");
  params_.line = p.number("line");
  params_.dust = p.number("dust");
  params_.hole = p.number("hole");
  params_.english = p.string("auction") == "flip";
  const auto& clip = p.group("clip");
  params_.buf = clip.number("buf");
  params_.tail_s = to_seconds(clip.duration("tail"));
  params_.cusp = clip.number("cusp");
  params_.chip = clip.number("chip");
  params_.tip = clip.number("tip");
  params_.curve.kind = AuctionCurve::kind_from(clip.string("calc"));
  params_.curve.cut = clip.number("cut");
  params_.curve.step_s = to_seconds(clip.duration("step"));
  params_.curve.tau_s = to_seconds(clip.duration("tau"));
  const auto& flip = p.group("flip");
  params_.beg = flip.number("beg");
  params_.ttl_s = to_seconds(flip.duration("ttl"));
  params_.tau_s = to_seconds(flip.duration("tau"));
  params_.dunk = flip.number("dunk");

  system_ = &world.get<CdpSystem>(p.reference("system"));
  oracle_ = &world.price_source(p.reference("oracle"));
  market_ = &world.price_source(p.reference("market"));
  gem_ = world.token(p.reference("collateral"));
  dai_ = system_->stablecoin();
  const std::string path = "protocols." + spec.name + ".";
  config::Diagnostics d;
  if (oracle_->base_asset() != p.reference("collateral"))
    d.add(p.mark("oracle"), path + "oracle", "oracle prices " + oracle_->base_asset() + ", but the collateral is " + p.reference("collateral"));
  if (market_->base_asset() != p.reference("collateral"))
    d.add(p.mark("market"), path + "market", "market prices " + market_->base_asset() + ", but the collateral is " + p.reference("collateral"));
  if (gem_ == dai_ || gem_ == system_->governance_token())
    d.add(p.mark("collateral"), path + "collateral", "the collateral must differ from the system's stablecoin and governance token");
  if (!params_.english && params_.curve.kind == AuctionCurve::Kind::linear && !(params_.curve.tau_s > 0.0))
    d.add(clip.mark("tau"), path + "clip.tau", "a linear price curve needs tau > 0");
  if (!params_.english && !(params_.curve.step_s > 0.0))
    d.add(clip.mark("step"), path + "clip.step", "step must be positive");
  if (params_.english && !(params_.ttl_s > 0.0 && params_.tau_s > 0.0))
    d.add(flip.mark("ttl"), path + "flip.ttl", "ttl and tau must be positive");
  if (!d.empty()) throw config::ConfigError(d);

  vaults_account_ = world.ledger().open_account(spec.name + ".vaults");
  auctions_account_ = world.ledger().open_account(spec.name + ".auctions");
  handle_ = system_->attach(spec.name);
  protocol_index_ = world.protocol_index(spec.name);
}

double CdpCollateral::oracle_price() const { return oracle_->price(); }
double CdpCollateral::market_price() const { return market_->price(); }

void CdpCollateral::start(world::World& world) {
  oracle_->subscribe(id(), oracle_update, engine::EventClass::protocol);
  last_drip_ = world.now();
}

void CdpCollateral::subscribe(world::ComponentId listener, std::uint32_t kind, engine::EventClass cls) {
  listeners_.push_back({listener, kind, cls});
}

void CdpCollateral::notify(world::World& world) {
  for (const auto& l : listeners_) world.sim().schedule_in(0, l.cls, l.id, l.kind);
}

void CdpCollateral::report_debt() { system_->set_debt(handle_, total_debt()); }

void CdpCollateral::drip(world::World& world) {
  const Time now = world.now();
  if (now <= last_drip_) return;
  const double seconds = to_seconds(now - last_drip_);
  last_drip_ = now;
  if (!(params_.stability_fee > 0.0)) return;
  // duty = (1 + fee)^(1/year) per second; rate ← rate · duty^seconds.
  const double growth = std::pow(1.0 + params_.stability_fee, seconds / kSecondsPerYear);
  const double before = total_debt();
  rate_ *= growth;
  const double fee = total_art_ * rate_ - before;
  report_debt();
  if (fee > 0.0) {
    fees_ += fee;
    system_->mint_to_vow(world, fee);  // vat.fold: the fee is new stablecoin owned by the Vow
  }
}

void CdpCollateral::index_insert(std::uint32_t u) {
  if (ink_[u] > 0.0 && art_[u] > 0.0) by_key_.emplace(key(u), u);
}
void CdpCollateral::index_erase(std::uint32_t u) {
  if (ink_[u] > 0.0 && art_[u] > 0.0) by_key_.erase({key(u), u});
}

std::uint32_t CdpCollateral::open_vault(world::World& world, ledger::AccountId owner, double ink, double draw) {
  drip(world);
  CASCADE_ASSERT(ink > 0.0 && draw >= 0.0, "open_vault needs positive collateral");
  world.ledger().transfer(owner, vaults_account_, gem_, ink);
  // vat.frob checks: safe at the oracle price, under line and Line, not dusty.
  double amount = std::min(draw, ink * oracle_->price() / params_.mat);
  amount = std::min({amount, params_.line - total_debt(), system_->ceiling() - system_->total_debt()});
  if (amount < params_.dust) amount = 0.0;
  const auto u = static_cast<std::uint32_t>(ink_.size());
  ink_.push_back(ink);
  art_.push_back(amount / rate_);
  owner_.push_back(owner);
  total_ink_ += ink;
  total_art_ += amount / rate_;
  if (amount > 0.0) world.ledger().mint(owner, dai_, amount);
  if (world.now() == 0) initial_debt_ += amount;
  report_debt();
  index_insert(u);
  return u;
}

bool CdpCollateral::unsafe(std::uint32_t u) const {
  return ink_[u] * oracle_->price() / params_.mat < art_[u] * rate_;
}

void CdpCollateral::unsafe_vaults(std::vector<std::uint32_t>& out) const {
  // ink·price/mat < art·rate ⇔ art/ink > price / (mat·rate)
  const double threshold = oracle_->price() / (params_.mat * rate_);
  for (auto it = by_key_.begin(); it != by_key_.end() && it->first > threshold; ++it) out.push_back(it->second);
}

void CdpCollateral::add_collateral(world::World& world, std::uint32_t u, double amount) {
  drip(world);
  if (!(amount > 0.0)) return;
  index_erase(u);
  world.ledger().transfer(owner_[u], vaults_account_, gem_, amount);
  ink_[u] += amount;
  total_ink_ += amount;
  index_insert(u);
}

void CdpCollateral::vaults_below(double price, double multiple, std::vector<std::uint32_t>& out) const {
  const double threshold = price / (multiple * params_.mat * rate_);
  for (auto it = by_key_.begin(); it != by_key_.end() && it->first > threshold; ++it) out.push_back(it->second);
}

void CdpCollateral::active_auctions(std::vector<std::uint32_t>& out) const { out.insert(out.end(), active_.begin(), active_.end()); }

double CdpCollateral::liquidation_room() const { return std::min(system_->hole_room(), params_.hole - dirt_); }

std::uint32_t CdpCollateral::bark(world::World& world, std::uint32_t u, ledger::AccountId kpr) {
  drip(world);
  if (u >= ink_.size() || art_[u] <= 0.0 || !unsafe(u)) return kNone;
  const double room = liquidation_room();
  if (!(room > 0.0) || room < params_.dust) return kNone;  // Dog/liquidation-limit-hit
  const double art = art_[u];
  double dart = 0.0;
  if (params_.english) {
    // Cat.bite (1.2): at most `dunk` of tab per auction.
    dart = std::min(art, std::min(params_.dunk, room) / rate_ / params_.chop);
  } else {
    dart = std::min(art, room / rate_ / params_.chop);
    if (art > dart) {
      if ((art - dart) * rate_ < params_.dust) dart = art;  // a dusty leftover is liquidated whole
      else if (dart * rate_ < params_.dust) return kNone;   // Dog/dusty-auction-from-partial-liquidation
    }
  }
  const double dink = dart >= art ? ink_[u] : ink_[u] * dart / art;
  if (!(dink > 0.0)) return kNone;
  const double due = dart * rate_;
  const double tab = due * params_.chop;

  // vat.grab: collateral moves to the auction, the debt becomes system debt (vow.fess).
  index_erase(u);
  if (dart >= art) {
    total_art_ -= art_[u];
    total_ink_ -= ink_[u];
    art_[u] = 0.0;
    ink_[u] = 0.0;
  } else {
    art_[u] -= dart;
    ink_[u] -= dink;
    total_art_ -= dart;
    total_ink_ -= dink;
  }
  if (total_art_ < 0.0) total_art_ = 0.0;
  index_insert(u);
  world.ledger().transfer(vaults_account_, auctions_account_, gem_, dink);
  report_debt();
  system_->fess(due);
  system_->add_on_auction(due);
  system_->add_dirt(tab);
  dirt_ += tab;
  ++barks_;

  CdpAuction a;
  a.active = true;
  a.urn = u;
  a.usr = owner_[u];
  a.tab = tab;
  a.lot = dink;
  a.due = due;
  const auto aid = static_cast<std::uint32_t>(auctions_.size());
  if (params_.english) {
    a.end = world.now() + static_cast<Time>(params_.tau_s * static_cast<double>(kSecond));
    auctions_.push_back(a);
    active_.push_back(aid);
    schedule_flip_deal(world, aid);
  } else {
    a.top = oracle_->price() * params_.buf;
    a.tic = world.now();
    auctions_.push_back(a);
    active_.push_back(aid);
    const double coin = params_.tip + tab * params_.chip;
    incentives_ += coin;
    system_->suck(world, kpr, coin);
    schedule_step(world);
  }
  notify(world);
  return aid;
}

// ---------------------------------------------------------------- clip (Liquidations 2.0)

double CdpCollateral::auction_price(std::uint32_t id, Time now) const {
  const auto& a = auctions_[id];
  return params_.curve.price(a.top, to_seconds(now - a.tic));
}

bool CdpCollateral::needs_redo(std::uint32_t id, Time now) const {
  const auto& a = auctions_[id];
  if (!a.active || params_.english) return false;
  return to_seconds(now - a.tic) > params_.tail_s || auction_price(id, now) / a.top < params_.cusp;
}

TakeResult CdpCollateral::take(world::World& world, std::uint32_t id, double amt, double max, ledger::AccountId who) {
  TakeResult r;
  if (id >= auctions_.size() || params_.english || !auctions_[id].active) return r;
  drip(world);
  CdpAuction& a = auctions_[id];
  if (needs_redo(id, world.now())) {
    r.status = TakeResult::Status::needs_redo;
    return r;
  }
  const double price = auction_price(id, world.now());
  if (max < price || !(price > 0.0)) {
    r.status = TakeResult::Status::too_expensive;
    return r;
  }
  double slice = std::min(a.lot, amt);
  double owe = slice * price;
  if (owe > a.tab) {
    owe = a.tab;
    slice = owe / price;
  } else if (owe < a.tab && slice < a.lot) {
    // chost: a partial purchase must not leave a tab below dust · chop.
    if (a.tab - owe < chost()) {
      if (!(a.tab > chost())) {
        r.status = TakeResult::Status::no_partial;  // Clipper/no-partial-purchase
        return r;
      }
      owe = a.tab - chost();
      slice = owe / price;
    }
  }
  if (!(slice > 0.0)) return r;
  a.tab -= owe;
  a.lot -= slice;
  if (a.lot < 1e-12 * std::max(1.0, slice)) a.lot = 0.0;
  if (a.tab < 1e-9 * std::max(1.0, owe)) a.tab = 0.0;
  world.ledger().transfer(auctions_account_, who, gem_, slice);
  sale(world, a, slice, owe);
  system_->pay_to_vow(world, who, owe);
  if (a.lot == 0.0) {
    system_->digs(a.tab + owe);
    dirt_ -= a.tab + owe;
    finish_auction(world, id);
  } else if (a.tab == 0.0) {
    system_->digs(owe);
    dirt_ -= owe;
    finish_auction(world, id);
  } else {
    system_->digs(owe);
    dirt_ -= owe;
  }
  r.status = TakeResult::Status::done;
  r.slice = slice;
  r.owe = owe;
  return r;
}

bool CdpCollateral::redo(world::World& world, std::uint32_t id, ledger::AccountId kpr) {
  if (id >= auctions_.size() || params_.english || !auctions_[id].active || !needs_redo(id, world.now())) return false;
  drip(world);
  CdpAuction& a = auctions_[id];
  const double feed = oracle_->price();
  a.top = feed * params_.buf;
  a.tic = world.now();
  // Incentive only when the auction is worth it (tab and lot value both ≥ chost).
  if (a.tab >= chost() && a.lot * feed >= chost()) {
    const double coin = params_.tip + a.tab * params_.chip;
    incentives_ += coin;
    system_->suck(world, kpr, coin);
  }
  notify(world);
  return true;
}

void CdpCollateral::schedule_step(world::World& world) {
  if (step_scheduled_ || active_.empty()) return;
  const double step_s = params_.curve.kind == AuctionCurve::Kind::stairstep_exponential ? params_.curve.step_s : 60.0;
  const Time delay = static_cast<Time>(step_s * static_cast<double>(kSecond));
  if (world.now() + delay > world.horizon()) return;
  step_scheduled_ = true;
  world.sim().schedule_in(delay, engine::EventClass::protocol, id(), step);
}

// ---------------------------------------------------------------- flip (Liquidations 1.2)

bool CdpCollateral::biddable(std::uint32_t id, Time now) const {
  const auto& a = auctions_[id];
  return a.active && params_.english && (a.tic == 0 || a.tic > now) && a.end > now;
}

bool CdpCollateral::tend(world::World& world, std::uint32_t id, double bid, ledger::AccountId who) {
  if (id >= auctions_.size() || !biddable(id, world.now())) return false;
  CdpAuction& a = auctions_[id];
  if (a.bid >= a.tab) return false;  // dent phase
  // Flipper.tend: bid ≤ tab, bid > current, and ≥ beg above it unless it reaches tab. Against a
  // first bid of 0 the beg check is vacuous: any positive bid is accepted.
  if (!(bid > a.bid) || bid > a.tab) return false;
  if (bid < (1.0 + params_.beg) * a.bid && bid != a.tab) return false;
  auto& ledger = world.ledger();
  if (ledger.balance(who, dai_) < bid) return false;
  if (a.has_bidder && a.bid > 0.0) ledger.transfer(who, a.guy, dai_, a.bid);  // refund the previous bidder
  system_->pay_to_vow(world, who, bid - a.bid);
  a.raised += bid - a.bid;
  a.bid = bid;
  a.guy = who;
  a.has_bidder = true;
  a.tic = world.now() + static_cast<Time>(params_.ttl_s * static_cast<double>(kSecond));
  schedule_flip_deal(world, id);
  notify(world);
  return true;
}

bool CdpCollateral::dent(world::World& world, std::uint32_t id, double lot, ledger::AccountId who) {
  if (id >= auctions_.size() || !biddable(id, world.now())) return false;
  CdpAuction& a = auctions_[id];
  if (a.bid < a.tab || !(lot > 0.0) || !(lot < a.lot) || (1.0 + params_.beg) * lot > a.lot) return false;
  auto& ledger = world.ledger();
  if (a.guy != who) {
    if (ledger.balance(who, dai_) < a.bid) return false;
    ledger.transfer(who, a.guy, dai_, a.bid);  // the new bidder takes over the bid
  }
  // The collateral given up goes back to the vault owner.
  ledger.transfer(auctions_account_, a.usr, gem_, a.lot - lot);
  a.lot = lot;
  a.guy = who;
  a.tic = world.now() + static_cast<Time>(params_.ttl_s * static_cast<double>(kSecond));
  schedule_flip_deal(world, id);
  notify(world);
  return true;
}

void CdpCollateral::schedule_flip_deal(world::World& world, std::uint32_t id) {
  CdpAuction& a = auctions_[id];
  ++a.generation;
  const Time at = a.tic != 0 ? std::min(a.tic, a.end) : a.end;
  if (at > world.horizon()) return;
  world.sim().schedule(at, engine::EventClass::protocol, this->id(), flip_deal, id, a.generation);
}

// ---------------------------------------------------------------- settlement

void CdpCollateral::sale(world::World&, CdpAuction& a, double slice, double paid) {
  const double value = slice * market_->price();
  a.raised += params_.english ? 0.0 : paid;  // flip bids are counted as they are placed
  a.sold += slice;
  raised_ += paid;
  sold_value_ += value;
  if (value > paid) below_market_ += value - paid;
}

void CdpCollateral::finish_auction(world::World& world, std::uint32_t id) {
  CdpAuction& a = auctions_[id];
  a.active = false;
  active_.erase(std::find(active_.begin(), active_.end(), id));
  if (a.lot > 0.0) {
    // Tab fully raised: the collateral left goes back to the vault owner.
    world.ledger().transfer(auctions_account_, a.usr, gem_, a.lot);
    a.lot = 0.0;
  }
  system_->add_on_auction(-a.due);
  const double shortfall = a.raised < a.due ? a.due - a.raised : 0.0;
  if (shortfall > 0.0) {
    bad_debt_ += shortfall;
    system_->book_shortfall(shortfall);
  }
  const double value = a.sold * market_->price();
  if (a.raised < kZeroBidShare * value) ++zero_bid_auctions_;
  ++auctions_done_;
  output::LiquidationRecord r;
  r.time_s = to_seconds(world.now());
  r.protocol = protocol_index_;
  r.account = a.urn;
  r.oracle_price = oracle_->price();
  r.debt_repaid = a.raised;
  r.collateral_seized = a.sold;
  r.bonus = 0.0;
  r.protocol_fee = a.raised > a.due ? a.raised - a.due : 0.0;  // penalty collected
  r.bad_debt = shortfall;
  world.record_liquidation(r);
  system_->heal(world);  // the debt is no longer on auction: it may now go to debt auction
}

void CdpCollateral::handle(const engine::Event& event, world::World& world) {
  switch (event.kind) {
    case oracle_update: {
      drip(world);
      const double threshold = oracle_->price() / (params_.mat * rate_);
      if ((!by_key_.empty() && by_key_.begin()->first > threshold) || !active_.empty()) notify(world);
      break;
    }
    case step:
      step_scheduled_ = false;
      if (!active_.empty()) {
        notify(world);
        schedule_step(world);
      }
      break;
    case flip_deal: {
      CdpAuction& a = auctions_[event.payload];
      if (!a.active || event.generation != a.generation) break;
      const Time now = world.now();
      if (a.tic == 0) {
        if (a.end <= now) {  // Flipper.tick: no bid before the end, restart
          a.end = now + static_cast<Time>(params_.tau_s * static_cast<double>(kSecond));
          schedule_flip_deal(world, event.payload);
        }
        break;
      }
      if (!(a.tic <= now || a.end <= now)) break;
      // Flipper.deal: the high bidder gets the lot; cat.claw releases the tab from the limit.
      drip(world);
      world.ledger().transfer(auctions_account_, a.guy, gem_, a.lot);
      sale(world, a, a.lot, a.bid);
      a.lot = 0.0;
      system_->digs(a.tab);
      dirt_ -= a.tab;
      finish_auction(world, event.payload);
      notify(world);
      break;
    }
    default:
      break;
  }
}

double CdpCollateral::metric(int index) const {
  switch (index) {
    case 0: return total_debt();
    case 1: return total_ink_;
    case 2: return rate_;
    case 3: return static_cast<double>(barks_);
    case 4: return static_cast<double>(active_.size());
    case 5: return static_cast<double>(zero_bid_auctions_);
    case 6: return below_market_;
    case 7: return bad_debt_;
    case 8: return raised_;
    case 9: return incentives_;
    case 10: return fees_;
    case 11: return static_cast<double>(auctions_done_);
    default: return 0.0;
  }
}

void CdpCollateral::finish(world::World&, output::RunSummary& summary) {
  summary.initial_debt += initial_debt_;
  summary.liquidated_value += sold_value_;
  summary.debt_repaid += raised_;
  summary.n_liquidations += barks_;
}

void CdpCollateral::audit(const world::World& world, std::vector<std::string>& problems) const {
  const auto& ledger = world.ledger();
  auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)}); };
  std::ostringstream m;
  m.precision(15);
  double ink = 0.0, art = 0.0, lots = 0.0;
  for (std::size_t u = 0; u < ink_.size(); ++u) {
    ink += ink_[u];
    art += art_[u];
    if (ink_[u] < 0.0 || art_[u] < 0.0) m << name() << ": vault " << u << " has a negative balance\n";
  }
  for (const auto id : active_) lots += auctions_[id].lot;
  if (!near(ink, total_ink_) || !near(ledger.balance(vaults_account_, gem_), ink))
    m << name() << ": vault collateral " << ink << ", books " << total_ink_ << ", held " << ledger.balance(vaults_account_, gem_) << "\n";
  if (!near(art, total_art_)) m << name() << ": vault debts sum to " << art << ", books say " << total_art_ << "\n";
  if (!near(ledger.balance(auctions_account_, gem_), lots))
    m << name() << ": auction lots " << lots << " but the auction account holds " << ledger.balance(auctions_account_, gem_) << "\n";
  std::string text = m.str();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) problems.push_back(line);
}

void register_cdp_collateral(world::Registry& registry) {
  using config::Duration;
  using config::ParamSchema;
  using config::RefKind;
  config::ComponentSchema s;
  s.type = "cdp_collateral";
  s.section = config::Section::protocols;
  s.summary = "Maker collateral type (ilk): vaults, stability fee, bark/bite and clip (Dutch) or flip (English) auctions";
  s.source = "makerdao/dss vat.sol, jug.sol, dog.sol, clip.sol, abaci.sol, cat.sol, flip.sol; defaults: ETH-A (spells-mainnet 2025)";
  s.params.push_back(ParamSchema::reference("system", RefKind::protocol, "the cdp_system issuing the stablecoin"));
  s.params.push_back(ParamSchema::reference("collateral", RefKind::asset, "collateral asset (gem)").edge(graph::EdgeKind::collateral_in));
  s.params.push_back(ParamSchema::reference("oracle", RefKind::price_source, "price the system uses (normally an osm)")
                          .edge(graph::EdgeKind::priced_by));
  s.params.push_back(ParamSchema::reference("market", RefKind::price_source, "market price, for valuing auction sales"));
  s.params.push_back(ParamSchema::number("mat", "ratio", "liquidation ratio (1.45 = 145 %)").range(1, 10).with_default(1.45));
  s.params.push_back(ParamSchema::number("chop", "ratio", "liquidation penalty factor (1.13 = 13 %)").range(1, 2).with_default(1.13));
  s.params.push_back(ParamSchema::number("stability_fee", "1/year", "annual stability fee, compounded per second").range(0, 10).with_default(0.02));
  s.params.push_back(ParamSchema::number("line", "stablecoin", "debt ceiling of this collateral type").range(0, 1e15).with_default(15e9));
  s.params.push_back(ParamSchema::number("dust", "stablecoin", "minimum vault debt").range(0, 1e12).with_default(7500.0));
  s.params.push_back(ParamSchema::number("hole", "stablecoin", "limit on this type's debt being liquidated (ilk.hole; cat box in 1.2)")
                         .range(0, 1e15, true).with_default(40e6));
  s.params.push_back(ParamSchema::string("auction", "liquidation design: clip (2.0 Dutch) or flip (1.2 English)", {"clip", "flip"})
                         .with_default(std::string("clip")));
  s.params.push_back(ParamSchema::group(
      "clip", "Liquidations 2.0 (Clipper)",
      {ParamSchema::number("buf", "ratio", "starting price = oracle price · buf").range(1, 10).with_default(1.10),
       ParamSchema::duration("tail", "age after which an auction needs redo").with_default(Duration{2 * kHour}),
       ParamSchema::number("cusp", "fraction", "price/top below which an auction needs redo").range(0, 1).with_default(0.45),
       ParamSchema::number("chip", "fraction", "keeper reward share of tab").range(0, 1).with_default(0.001),
       ParamSchema::number("tip", "stablecoin", "flat keeper reward").range(0, 1e9).with_default(250.0),
       ParamSchema::string("calc", "price curve", {"stairstep_exponential", "exponential", "linear"})
           .with_default(std::string("stairstep_exponential")),
       ParamSchema::number("cut", "ratio", "decrease factor per step (per second for exponential)").range(0, 1, true, false).with_default(0.99),
       ParamSchema::duration("step", "time between decreases (stairstep)").with_default(Duration{90 * kSecond}),
       ParamSchema::duration("tau", "time to zero (linear)").with_default(Duration{2 * kHour})}));
  s.params.push_back(ParamSchema::group(
      "flip", "Liquidations 1.2 (Cat + Flipper)",
      {ParamSchema::number("beg", "fraction", "minimum bid increase / lot decrease").range(0, 1).with_default(0.03),
       ParamSchema::duration("ttl", "bid lifetime").with_default(Duration{10 * kMinute}),
       ParamSchema::duration("tau", "maximum auction length").with_default(Duration{6 * kHour}),
       ParamSchema::number("dunk", "stablecoin", "largest tab per auction (cat.dunk)").range(0, 1e15, true).with_default(50000.0)}));
  s.metrics = {{"debt", "stablecoin", "vault debt incl. accrued stability fees"},
               {"collateral", "collateral units", "collateral locked in vaults"},
               {"rate", "", "rate accumulator"},
               {"liquidations", "count", "barks (bites) so far"},
               {"active_auctions", "count", "auctions running"},
               {"zero_bid_auctions", "count", "finished auctions that raised < 1 % of the market value of what they sold"},
               {"collateral_sold_below_market", "numeraire", "Σ (market value of collateral sold − stablecoin paid), over sales below market"},
               {"bad_debt", "stablecoin", "debt that finished auctions failed to recover"},
               {"raised", "stablecoin", "stablecoin paid by auction buyers"},
               {"keeper_incentives", "stablecoin", "tip + chip paid to keepers (new system debt)"},
               {"stability_fees", "stablecoin", "stability fees accrued to the Vow"},
               {"auctions_finished", "count", "auctions finished"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<CdpCollateral>(spec, w);
  });
}

}  // namespace cascade::protocols
