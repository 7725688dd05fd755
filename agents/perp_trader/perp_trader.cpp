#include "cascade/agents/perp_trader/perp_trader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/perp/perp_exchange.hpp"
#include "cascade/protocols/perp/perp_market.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

using protocols::MarginMode;

PerpTraders::PerpTraders(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema),
      count_(static_cast<std::uint32_t>(spec.params.integer("count"))),
      margin_(spec.params.distribution("margin")),
      leverage_(spec.params.distribution("leverage")),
      idle_(spec.params.distribution("idle_balance")),
      long_share_(spec.params.number("long_share")),
      mode_(MarginMode::isolated) {
  const auto& p = spec.params;
  const std::string path = "agents." + spec.name + ".";
  exchange_ = &world.get<protocols::PerpExchange>(p.reference("exchange"));
  const std::string& mode = p.string("margin_mode");
  mode_ = mode == "cross" ? MarginMode::cross : mode == "portfolio" ? MarginMode::portfolio : MarginMode::isolated;
  mixed_ = mode == "mixed";
  mode_shares_ = p.number_list("mode_shares");
  const auto& call = p.group("on_margin_call");
  top_up_share_ = call.number("top_up");
  reduce_share_ = call.number("reduce");
  respond_at_ = call.number("respond_at");
  restore_to_ = call.number("restore_to");
  reserve_ = call.number("reserve");
  reaction_ = call.distribution("reaction");
  config::Diagnostics d;
  const int m = exchange_->market_index(p.string("market"));
  if (m < 0)
    d.add(p.mark("market"), path + "market", "'" + p.string("market") + "' is not a market of exchange '" + p.reference("exchange") + "'");
  else
    market_ = static_cast<std::size_t>(m);
  if (top_up_share_ + reduce_share_ > 1.0 + 1e-12)
    d.add(call.mark("reduce"), path + "on_margin_call.reduce", "top_up + reduce shares must not exceed 1 (the rest let positions be liquidated)");
  if (restore_to_ >= respond_at_)
    d.add(call.mark("restore_to"), path + "on_margin_call.restore_to", "must be below respond_at, or a response would trigger the next one");
  if (mixed_ && (mode_shares_.size() != 3 || std::fabs(mode_shares_[0] + mode_shares_[1] + mode_shares_[2] - 1.0) > 1e-9))
    d.add(p.mark("mode_shares"), path + "mode_shares", "margin_mode: mixed needs three shares [isolated, cross, portfolio] summing to 1");
  if (!d.empty()) throw config::ConfigError(d);
  first_wallet_ = world.ledger().open_accounts(spec.name, count_);
}

void PerpTraders::start(world::World& world) {
  auto& ledger = world.ledger();
  const auto& market = exchange_->market(market_);
  const double price = market.index();
  account_.resize(count_);
  response_.assign(count_, Response::ignore);
  pending_.assign(count_, 0);
  reactions_.assign(count_, 0);
  for (std::uint32_t i = 0; i < count_; ++i) {
    auto stream = world.stream(random::StreamPurpose::population, *this, i);
    const double margin = margin_.sample(stream);
    const double leverage = leverage_.sample(stream);
    const double idle = idle_.sample(stream);
    const double side = stream.uniform01() < long_share_ ? 1.0 : -1.0;
    const double u = stream.uniform01();
    response_[i] = u < top_up_share_ ? Response::top_up : u < top_up_share_ + reduce_share_ ? Response::reduce : Response::ignore;
    const ledger::AccountId wallet = first_wallet_ + i;
    const double deposit = margin * (1.0 + idle);
    const double capital = deposit + (response_[i] == Response::top_up ? margin * reserve_ : 0.0);
    ledger.mint(wallet, exchange_->collateral_token(), capital);
    capital_ += capital;
    MarginMode mode = mode_;
    if (mixed_) {
      const double v = stream.uniform01();
      mode = v < mode_shares_[0] ? MarginMode::isolated : v < mode_shares_[0] + mode_shares_[1] ? MarginMode::cross : MarginMode::portfolio;
    }
    const std::uint32_t a = exchange_->open_account(world, wallet, mode);
    account_[i] = a;
    exchange_->deposit(world, a, deposit);
    double quantity = side * margin * leverage / price;
    const double isolated_margin = mode == MarginMode::isolated ? margin : 0.0;
    for (int attempt = 0; attempt < 80; ++attempt, quantity *= 0.9) {
      if (exchange_->open_at(a, market_, quantity, price, isolated_margin)) {
        notional0_ += std::fabs(quantity) * price;
        break;
      }
    }
  }
  exchange_->subscribe_updates(id(), updated);
  ledger_ = &world.ledger();
}

void PerpTraders::handle(const engine::Event& event, world::World& world) {
  if (event.kind == react) {
    pending_[event.payload] = 0;
    respond(world, event.payload);
    return;
  }
  if (event.payload != market_) return;
  for (std::uint32_t i = 0; i < count_; ++i) {
    if (response_[i] == Response::ignore || pending_[i]) continue;
    const std::uint32_t a = account_[i];
    if (exchange_->position_size(a, market_) == 0.0 || exchange_->margin_ratio(a, market_) < respond_at_) continue;
    pending_[i] = 1;
    auto stream = world.stream(random::StreamPurpose::agent, *this, (std::uint64_t{reactions_[i]++} << 32) | i);
    const double seconds = std::max(0.0, reaction_.sample(stream));
    if (seconds > to_seconds(world.horizon() - world.now())) continue;  // after the horizon: never
    world.sim().schedule_in(static_cast<Time>(seconds * static_cast<double>(kSecond)), engine::EventClass::agent, id(), react, i);
  }
}

void PerpTraders::respond(world::World& world, std::uint32_t i) {
  const std::uint32_t a = account_[i];
  const double size = exchange_->position_size(a, market_);
  if (size == 0.0) return;
  const double ratio = exchange_->margin_ratio(a, market_);
  if (ratio < respond_at_) return;  // recovered meanwhile
  const double e = exchange_->equity(a, market_), mm = exchange_->maintenance(a, market_);
  if (response_[i] == Response::top_up) {
    // MM / (E + x) = restore_to  ⇒  x = MM / restore_to − E, limited by the outside reserve.
    const double wallet = world.ledger().balance(exchange_->owner(a), exchange_->collateral_token());
    const double amount = std::min(mm / restore_to_ - e, wallet);
    if (amount > 0.0) {
      exchange_->deposit(world, a, amount);
      exchange_->add_margin(a, market_, amount);
      ++top_ups_;
    }
  } else if (e > 0.0) {
    // MM is proportional to size within a bracket: keep restore_to·E/MM of the position.
    const double keep = std::clamp(restore_to_ * e / mm, 0.0, 1.0);
    const auto fill = exchange_->market_order(world, a, market_, -size * (1.0 - keep));
    if (fill.quantity != 0.0) ++reductions_;
  }
}

double PerpTraders::metric(int index) const {
  switch (index) {
    case 0: return notional0_;
    case 1: return static_cast<double>(top_ups_);
    case 2: return static_cast<double>(reductions_);
    case 4: {
      // Capital at t = 0 minus what is left now: wallet plus account value at the mark.
      double left = 0.0;
      for (std::uint32_t i = 0; i < count_; ++i) {
        const std::uint32_t a = account_[i];
        left += ledger_->balance(first_wallet_ + i, exchange_->collateral_token());
        if (exchange_->position_size(a, market_) == 0.0)
          left += exchange_->collateral(a);
        else
          left += exchange_->equity(a, market_) + (exchange_->mode(a) == MarginMode::isolated ? exchange_->collateral(a) : 0.0);
      }
      return capital_ - left;
    }
    default: {
      std::uint32_t closed = 0;
      for (const std::uint32_t a : account_) closed += exchange_->position_size(a, market_) == 0.0 ? 1 : 0;
      return static_cast<double>(closed);
    }
  }
}

void register_perp_trader(world::Registry& registry) {
  using config::ParamSchema;
  const double inf = std::numeric_limits<double>::infinity();
  config::ComponentSchema s;
  s.type = "perp_trader";
  s.section = config::Section::agents;
  s.summary = "leveraged long/short perp traders with heterogeneous margin, leverage, margin mode and margin-call response";
  s.source = "stylised CEX perp trader book (Binance/Bybit margin calls: add margin, reduce, or be liquidated)";
  s.params.push_back(ParamSchema::reference("exchange", config::RefKind::protocol, "perp_exchange they trade on"));
  s.params.push_back(ParamSchema::string("market", "perp_market (one of the exchange's markets)"));
  s.params.push_back(ParamSchema::integer("count", "traders", "population size").range(1, 1e8));
  s.params.push_back(ParamSchema::distribution("margin", "numeraire", "margin per trader at t = 0").range(0, inf, true));
  s.params.push_back(ParamSchema::distribution("leverage", "x", "notional / margin at t = 0 (capped by the brackets)").range(0, 1000, true));
  s.params.push_back(ParamSchema::distribution("idle_balance", "fraction", "extra balance in the account, × margin").range(0, inf).with_default(0.0));
  s.params.push_back(ParamSchema::number("long_share", "fraction", "probability a trader is long").range(0, 1).with_default(0.5));
  s.params.push_back(ParamSchema::string("margin_mode", "margin mode of every account, or mixed (drawn per trader from mode_shares)",
                                         {"isolated", "cross", "portfolio", "mixed"})
                         .with_default(std::string("isolated")));
  s.params.push_back(ParamSchema::number_list("mode_shares", "fraction", "margin_mode mixed: shares of [isolated, cross, portfolio]")
                         .range(0, 1)
                         .with_default(config::NumberList{1.0, 0.0, 0.0}));
  s.params.push_back(ParamSchema::group(
      "on_margin_call", "what traders do when maintenance / equity reaches respond_at",
      {ParamSchema::number("top_up", "fraction", "share who add margin from an outside reserve").range(0, 1).with_default(0.0),
       ParamSchema::number("reduce", "fraction", "share who reduce the position on the book").range(0, 1).with_default(0.0),
       ParamSchema::number("respond_at", "", "margin ratio that triggers a response (1 = liquidation)").range(0, 1, true, true).with_default(0.8),
       ParamSchema::number("restore_to", "", "margin ratio a response restores").range(0, 1, true, true).with_default(0.5),
       ParamSchema::number("reserve", "fraction", "outside reserve for top-ups, × margin").range(0, 100).with_default(0.5),
       ParamSchema::distribution("reaction", "s", "delay between the margin call and the response")
           .range(0, inf).with_default(random::Distribution::exponential(300.0))}));
  s.metrics = {{"notional", "numeraire", "notional opened at t = 0"},
               {"top_ups", "count", "top-ups made"},
               {"reductions", "count", "reductions made"},
               {"closed", "count", "traders with no position left (liquidated, ADL'd or reduced to zero)"},
               {"loss", "numeraire", "capital at t = 0 minus wallet and account value at the mark now"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<PerpTraders>(spec, w);
  });
}

}  // namespace cascade::agents
