#include "cascade/agents/keeper/cdp_keeper.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/cdp/cdp_collateral.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

CdpKeepers::CdpKeepers(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      count_(static_cast<std::uint32_t>(spec.params.integer("count"))),
      latency_(spec.params.distribution("latency")),
      capital_(spec.params.number("capital")),
      min_discount_(spec.params.number("min_discount")),
      lowball_bid_(spec.params.number("lowball_bid")),
      strategy_(spec.params.string("strategy") == "lowball" ? Strategy::lowball : Strategy::market) {
  ilk_ = &world.get<protocols::CdpCollateral>(spec.params.reference("protocol"));
  const auto& congestion = spec.params.group("congestion");
  window_ = congestion.duration("window");
  offline_above_ = congestion.distribution("offline_above");
  const std::string& source = congestion.string("source");
  if (!source.empty()) {
    congestion_ = dynamic_cast<world::PriceSource*>(world.find(source));
    if (congestion_ == nullptr || window_ <= 0) {
      config::Diagnostics d;
      d.add(congestion.mark("source"), "agents." + spec.name + ".congestion.source",
            "'" + source + "' must be a driver, venue or oracle declared before this agent, with a positive window");
      throw config::ConfigError(d);
    }
  }
  numeraire_capital_ = spec.params.number("numeraire_capital");
  max_stablecoin_price_ = spec.params.number("max_stablecoin_price");
  const std::string& venue = spec.params.string("stablecoin_venue");
  if (!venue.empty()) {
    stable_venue_ = StablecoinMarket::of(world.find(venue));
    if (!stable_venue_.valid() || stable_venue_.base_token() != ilk_->system().stablecoin() ||
        stable_venue_.quote_token() != world.numeraire()) {
      config::Diagnostics d;
      d.add(spec.params.mark("stablecoin_venue"), "agents." + spec.name + ".stablecoin_venue",
            "'" + venue + "' must be a constant_product_amm or stableswap_pool trading " + ilk_->system().stablecoin_asset() +
                " against the numeraire");
      throw config::ConfigError(d);
    }
  }
  first_account_ = world.ledger().open_accounts(spec.name, count_);
  busy_.assign(count_, 0);
  threshold_.resize(count_);
  streams_.reserve(count_);
  for (std::uint32_t j = 0; j < count_; ++j) {
    auto population = world.stream(random::StreamPurpose::population, *this, j);
    threshold_[j] = offline_above_.sample(population);
    streams_.push_back(world.stream(random::StreamPurpose::agent, *this, j));
  }
}

void CdpKeepers::start(world::World& world) {
  ilk_->subscribe(id(), notified, engine::EventClass::liquidator);
  if (congestion_ != nullptr) {
    congestion_->subscribe(id(), source_tick, engine::EventClass::agent);
    last_price_ = congestion_->price();
    last_tick_ = world.now();
  }
  // Keepers' stablecoin was bought before the experiment: issued by vaults outside the model.
  for (std::uint32_t j = 0; j < count_; ++j) {
    ilk_->system().mint_background(world, first_account_ + j, capital_);
    if (stable_venue_.valid() && numeraire_capital_ > 0.0) world.ledger().mint(first_account_ + j, world.numeraire(), numeraire_capital_);
  }
}

double CdpKeepers::ensure_stablecoin(world::World& world, ledger::AccountId wallet, double need) {
  auto& ledger = world.ledger();
  const ledger::TokenId dai = ilk_->system().stablecoin();
  const double have = ledger.balance(wallet, dai);
  if (have >= need || !stable_venue_.valid()) return have;
  const double cash = ledger.balance(wallet, world.numeraire());
  // Buy what is missing, but never beyond a marginal price (net of the pool fee) of
  // max_stablecoin_price, and never more than the numeraire on hand.
  const double up_to_cap = stable_venue_.quote_to_reach(1.0 / max_stablecoin_price_);
  const double pay = std::min({stable_venue_.quote_buy_base(need - have), up_to_cap, cash});
  if (pay > 0.0) {
    bought_ += stable_venue_.sell_quote(world, wallet, pay);
  }
  return ledger.balance(wallet, dai);
}

double CdpKeepers::volatility() const { return std::sqrt(var_rate_ * kSecondsPerYear); }

bool CdpKeepers::online(std::uint32_t j) const { return congestion_ == nullptr || !(volatility() > threshold_[j]); }

void CdpKeepers::schedule_action(world::World& world, std::uint32_t j) {
  busy_[j] = 1;
  const double seconds = std::max(0.0, latency_.sample(streams_[j]));
  if (seconds > to_seconds(world.horizon() - world.now())) return;
  world.sim().schedule_in(static_cast<Time>(seconds * static_cast<double>(kSecond)), engine::EventClass::liquidator, id(), act, j);
}

bool CdpKeepers::work_left(world::World&) {
  scratch_.clear();
  ilk_->active_auctions(scratch_);
  if (!scratch_.empty()) return true;
  ilk_->unsafe_vaults(scratch_);
  return !scratch_.empty();
}

void CdpKeepers::handle(const engine::Event& event, world::World& world) {
  switch (event.kind) {
    case source_tick: {
      const double p = congestion_->price();
      const double dt = to_seconds(world.now() - last_tick_);
      if (dt > 0.0 && p > 0.0 && last_price_ > 0.0) {
        const double r = std::log(p / last_price_);
        const double w = std::exp(-dt * std::log(2.0) / to_seconds(window_));
        var_rate_ = w * var_rate_ + (1.0 - w) * r * r / dt;
      }
      last_price_ = p;
      last_tick_ = world.now();
      break;
    }
    case notified:
      for (std::uint32_t j = 0; j < count_; ++j)
        if (!busy_[j]) schedule_action(world, j);
      break;
    case act: {
      const std::uint32_t j = event.payload;
      busy_[j] = 0;
      if (!online(j)) {
        // Congested: the transaction does not land. Try again while there is work.
        ++missed_;
        if (work_left(world)) schedule_action(world, j);
        break;
      }
      act_once(world, j);
      break;
    }
    default:
      break;
  }
}

void CdpKeepers::act_once(world::World& world, std::uint32_t j) {
  const ledger::AccountId wallet = first_account_ + j;
  auto& ledger = world.ledger();
  const ledger::TokenId dai = ilk_->system().stablecoin();
  const double market = ilk_->market_price();
  const auto& params = ilk_->params();
  const Time now = world.now();

  // 1. bark unsafe vaults while the liquidation limits leave room.
  scratch_.clear();
  ilk_->unsafe_vaults(scratch_);
  for (const std::uint32_t u : scratch_) {
    const double before = ledger.balance(wallet, dai);
    if (ilk_->bark(world, u, wallet) == protocols::CdpCollateral::kNone) {
      if (ilk_->unsafe(u) && !(ilk_->liquidation_room() >= ilk_->params().dust)) break;  // Dog/liquidation-limit-hit
      continue;
    }
    ++barks_;
    won_ += ledger.balance(wallet, dai) - before;  // tip + chip
  }

  // 2./3. auctions.
  scratch_.clear();
  ilk_->active_auctions(scratch_);
  const double target_price = market * (1.0 - min_discount_);
  for (const std::uint32_t id : scratch_) {
    const auto& a = ilk_->auction(id);
    if (!a.active) continue;
    if (!params.english) {
      if (ilk_->needs_redo(id, now)) {
        const double before = ledger.balance(wallet, dai);
        if (ilk_->redo(world, id, wallet)) won_ += ledger.balance(wallet, dai) - before;
        continue;
      }
      const double price = ilk_->auction_price(id, now);
      if (!(price > 0.0) || price > target_price) continue;
      const double budget = ensure_stablecoin(world, wallet, a.lot * price);
      const double amt = std::min(a.lot, budget / price);
      if (!(amt > 0.0)) continue;
      const auto r = ilk_->take(world, id, amt, price, wallet);
      if (r.status == protocols::TakeResult::Status::done) {
        ++takes_;
        spent_ += r.owe;
        won_ += r.slice * market;
      }
      continue;
    }
    if (!ilk_->biddable(id, now) || (a.has_bidder && a.guy == wallet)) continue;
    if (strategy_ == Strategy::lowball) {
      if (!a.has_bidder && ilk_->tend(world, id, std::min(lowball_bid_, a.tab), wallet)) ++bids_;
      continue;
    }
    const double value = a.lot * target_price;
    if (a.bid < a.tab) {
      const double bid = std::min(a.tab, value);
      if (bid > a.bid && (bid >= (1.0 + params.beg) * a.bid || bid == a.tab) && ensure_stablecoin(world, wallet, bid) >= bid &&
          ilk_->tend(world, id, bid, wallet))
        ++bids_;
    } else if (target_price > 0.0) {
      const double lot = a.tab / target_price;
      if ((1.0 + params.beg) * lot <= a.lot && ensure_stablecoin(world, wallet, a.bid) >= a.bid && ilk_->dent(world, id, lot, wallet)) ++bids_;
    }
  }
}

double CdpKeepers::metric(int index) const {
  switch (index) {
    case 0: return static_cast<double>(barks_);
    case 1: return static_cast<double>(takes_);
    case 2: return static_cast<double>(bids_);
    case 3: return static_cast<double>(missed_);
    case 4: return volatility();
    case 5: {
      double n = 0;
      for (std::uint32_t j = 0; j < count_; ++j) n += online(j) ? 1.0 : 0.0;
      return n;
    }
    case 6: return spent_;
    case 7: return won_;
    default: return bought_;
  }
}

void register_cdp_keeper(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "cdp_keeper";
  s.section = config::Section::agents;
  s.summary = "keepers that bark unsafe vaults and bid in clip/flip auctions, with capital, latency and congestion outages";
  s.source = "Maker auction-keeper (bark/take/redo; tend/dent), Black Thursday keeper outages under gas congestion";
  s.params.push_back(ParamSchema::reference("protocol", config::RefKind::protocol, "cdp_collateral watched"));
  s.params.push_back(ParamSchema::integer("count", "keepers", "number of keepers").range(1, 1e6).with_default(std::int64_t{5}));
  s.params.push_back(ParamSchema::number("capital", "stablecoin", "stablecoin per keeper at t = 0").range(0, 1e15).with_default(1e6));
  s.params.push_back(ParamSchema::distribution("latency", "s", "reaction time per action, in seconds")
                         .range(0, std::numeric_limits<double>::infinity()).with_default(random::Distribution::exponential(15.0)));
  s.params.push_back(ParamSchema::string("strategy", "market: bid/take at a discount to market; lowball: one tiny first bid per English auction",
                                         {"market", "lowball"})
                         .with_default(std::string("market")));
  s.params.push_back(ParamSchema::number("min_discount", "fraction", "required discount to the market price").range(0, 1, false, true).with_default(0.05));
  s.params.push_back(ParamSchema::number("lowball_bid", "stablecoin", "the lowball strategy's first bid").range(0, 1e12, true).with_default(1.0));
  s.params.push_back(ParamSchema::string("stablecoin_venue", "stablecoin/numeraire pool where keepers buy stablecoin they lack (\"\" = none)")
                         .with_default(std::string())
                         .edge(graph::EdgeKind::liquidates_on));  // their purchases move the pool
  s.params.push_back(ParamSchema::number("numeraire_capital", "numeraire", "numeraire per keeper for buying stablecoin").range(0, 1e15).with_default(0.0));
  s.params.push_back(ParamSchema::number("max_stablecoin_price", "numeraire", "highest marginal price paid for stablecoin").range(0, 1e6, true).with_default(1.1));
  s.params.push_back(ParamSchema::group(
      "congestion", "outages under gas congestion, driven by volatility",
      {ParamSchema::string("source", "price whose volatility stands for gas congestion (\"\" = never offline)").with_default(std::string()),
       ParamSchema::duration("window", "half-life of the volatility estimate").with_default(config::Duration{30 * kMinute}),
       ParamSchema::distribution("offline_above", "1/sqrt(year)", "annualised volatility above which a keeper is offline (per keeper)")
           .range(0, std::numeric_limits<double>::infinity()).with_default(random::Distribution::constant(1e9))}));
  s.metrics = {{"barks", "count", "liquidations started"},
               {"takes", "count", "Dutch-auction purchases"},
               {"bids", "count", "English-auction bids (tend + dent)"},
               {"missed", "count", "actions lost to congestion"},
               {"volatility", "1/sqrt(year)", "annualised volatility of the congestion source"},
               {"online", "count", "keepers online now"},
               {"spent", "stablecoin", "stablecoin paid in Dutch auctions"},
               {"won", "numeraire", "market value of collateral bought + incentives"},
               {"stablecoin_bought", "stablecoin", "stablecoin bought on the stablecoin venue"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<CdpKeepers>(spec, w);
  });
}

}  // namespace cascade::agents
