// Perp exchange accounting against hand-worked examples: funding settlement, ADL ranking,
// insurance-fund accounting through a liquidation with a loss, cross vs isolated margin,
// portfolio margin, sub-accounts, circuit breaker. Every world runs in audit mode, so the vault,
// the insurance fund and the positions' books are checked after every event.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "cascade/protocols/orderbook/limit_order_book.hpp"
#include "cascade/protocols/perp/perp_exchange.hpp"
#include "cascade/protocols/perp/perp_market.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::MarginMode;
using protocols::PerpExchange;

namespace {

struct Options {
  double btc_drop = 0.0;
  double eth_drop = 0.0;
  std::string market_extra;    // extra keys of both markets
  std::string exchange_extra = "insurance_fund: 10000";  // extra keys of the exchange
  std::string btc_unit = "BTC", eth_unit = "ETH";
  std::string outputs;  // an `outputs:` section, if any
};

// BTC at 50,000 and ETH at 3,000 fall by the given fractions in one step at t = 1 min. Books:
// no spread, levels 0.1 % apart, 0.5 BTC / 5 ETH each; the oracle is the driver itself.
std::string exchange_yaml(const Options& o) {
  return R"(
experiment: {name: perp, seed: 1, horizon: 1d}
assets: {BTC: {}, ETH: {}, USDT: {numeraire: true}}
drivers:
  btc: {type: scripted_crash, asset: BTC, initial_price: 50000, drop: )" + std::to_string(o.btc_drop) + R"(, crash_at: 1m, over: 0s, tick: 1m}
  eth: {type: scripted_crash, asset: ETH, initial_price: 3000, drop: )" + std::to_string(o.eth_drop) + R"(, crash_at: 1m, over: 0s, tick: 1m}
venues:
  btc_book: {type: limit_order_book, reference: btc, half_spread: 0, tick: 0.001, levels: 20, depth: 0.5, depth_slope: 0}
  eth_book: {type: limit_order_book, reference: eth, half_spread: 0, tick: 0.001, levels: 20, depth: 5, depth_slope: 0}
protocols:
  btc_perp: {type: perp_market, oracle: btc, book: btc_book, risk_unit: )" + o.btc_unit + ", " + o.market_extra + R"(}
  eth_perp: {type: perp_market, oracle: eth, book: eth_book, risk_unit: )" + o.eth_unit + ", " + o.market_extra + R"(}
  ex: {type: perp_exchange, markets: [btc_perp, eth_perp], collateral: USDT, )" + o.exchange_extra + R"(}
)" + o.outputs + "\n";
}

struct Fixture {
  config::ExperimentSpec spec;
  world::World world;
  PerpExchange& ex;

  explicit Fixture(const Options& o)
      : spec(audited(testing::load(exchange_yaml(o)))), world(spec, testing::registry(), world::RunContext{}), ex(world.get<PerpExchange>("ex")) {
    world.start();
  }
  static config::ExperimentSpec audited(config::ExperimentSpec s) {
    s.audit = true;
    return s;
  }
  std::uint32_t account(MarginMode mode, double deposit) {
    const auto wallet = world.ledger().open_account("trader");
    world.ledger().mint(wallet, ex.collateral_token(), deposit);
    const auto a = ex.open_account(world, wallet, mode);
    ex.deposit(world, a, deposit);
    return a;
  }
};

constexpr std::size_t kBtc = 0, kEth = 1;

}  // namespace

TEST_CASE("funding: a zero premium pays the interest rate, longs to shorts, every 8 h") {
  Options o;
  Fixture f(o);
  const auto a = f.account(MarginMode::cross, 10'000);
  REQUIRE(f.ex.open_at(a, kBtc, 2.0, 50'000));  // long 2 BTC, the makers are short 2
  const double makers_before = f.ex.collateral(f.ex.makers_account());
  f.world.advance_to(8 * kHour);
  // A symmetric book centred on the index has impact bid ≤ index ≤ impact ask: premium 0, so
  // F = 0 + clamp(0.01 % − 0, ±0.05 %) = 0.01 %; payment = 2 · 50,000 · 0.0001 = 10.
  CHECK(f.ex.market(kBtc).last_funding_rate() == doctest::Approx(0.0001));
  CHECK(f.ex.collateral(a) == doctest::Approx(10'000 - 10.0));
  CHECK(f.ex.collateral(f.ex.makers_account()) == doctest::Approx(makers_before + 10.0));
  CHECK(f.ex.metric(12) == doctest::Approx(10.0));  // funding_paid
}

TEST_CASE("funding every hour pays F/8 at the oracle price") {
  Options o;
  o.market_extra = "funding: {interval: 1h, price: oracle}";
  Fixture f(o);
  const auto a = f.account(MarginMode::cross, 10'000);
  REQUIRE(f.ex.open_at(a, kBtc, -2.0, 50'000));  // short: receives
  f.world.advance_to(kHour);
  // 2 · 50,000 · 0.0001 / 8 = 1.25 received by the short
  CHECK(f.ex.collateral(a) == doctest::Approx(10'000 + 1.25));
}

TEST_CASE("ADL ranks opposite positions by PnL% × effective leverage") {
  Options o;
  Fixture f(o);
  // Shorts opened at various prices with the mark at 50,000 (isolated margins):
  // A: 1 @ 55,000, margin 5,500: PnL% = 5,000/55,000 = 0.090909; equity 10,500;
  //    lev = 50,000/10,500 = 4.7619; score 0.43290
  // B: 1 @ 52,000, margin 2,000: PnL% = 0.038462; equity 4,000; lev 12.5; score 0.48077
  // C: 1 @ 49,000, margin 5,000: PnL% = −0.020408; equity 4,000; lev 12.5; score −0.0016327
  // D: 2 @ 51,000, margin 20,000: PnL% = 0.019608; equity 22,000; lev 4.5455; score 0.089127
  const auto a = f.account(MarginMode::isolated, 5'500);
  const auto b = f.account(MarginMode::isolated, 2'000);
  const auto c = f.account(MarginMode::isolated, 5'000);
  const auto d = f.account(MarginMode::isolated, 20'000);
  REQUIRE(f.ex.open_at(a, kBtc, -1.0, 55'000, 5'500));
  REQUIRE(f.ex.open_at(b, kBtc, -1.0, 52'000, 2'000));
  REQUIRE(f.ex.open_at(c, kBtc, -1.0, 49'000, 5'000));
  REQUIRE(f.ex.open_at(d, kBtc, -2.0, 51'000, 20'000));
  CHECK(f.ex.adl_score_of(a, kBtc) == doctest::Approx(0.43290).epsilon(1e-4));
  CHECK(f.ex.adl_score_of(b, kBtc) == doctest::Approx(0.48077).epsilon(1e-4));
  CHECK(f.ex.adl_score_of(c, kBtc) == doctest::Approx(-0.0016327).epsilon(1e-4));
  CHECK(f.ex.adl_score_of(d, kBtc) == doctest::Approx(0.089127).epsilon(1e-4));
  // Against a bankrupt long, shorts are ranked; the makers are long 5 and not among them.
  const auto ranking = f.ex.adl_ranking(kBtc, +1);
  REQUIRE(ranking.size() == 4);
  CHECK(ranking[0] == b);
  CHECK(ranking[1] == a);
  CHECK(ranking[2] == d);
  CHECK(ranking[3] == c);
  CHECK(protocols::adl_score(0.1, 5.0) == doctest::Approx(0.5));
  CHECK(protocols::adl_score(-0.1, 5.0) == doctest::Approx(-0.02));
}

TEST_CASE("insurance fund through a liquidation with a loss") {
  Options o;
  o.btc_drop = 0.0196;  // 50,000 → 49,020
  Fixture f(o);
  const auto a = f.account(MarginMode::isolated, 1'000);
  REQUIRE(f.ex.open_at(a, kBtc, 1.0, 50'000, 1'000));  // 50x on 1,000 of margin
  f.world.advance_to(2 * kMinute);
  // At 49,020: equity = 1,000 − 980 = 20 < MM = 49,020 · 0.4 % = 196.08 ⇒ liquidated.
  // Fee = min(0.5 % · 49,020 = 245.10, equity 20) = 20 → fund. Equity left 0 ⇒ the engine takes
  // the position over at the bankruptcy price 49,020 and sells 1 BTC into the book:
  // 0.5 @ 49,020 + 0.5 @ 49,020 · 0.999 = 48,970.98 ⇒ 48,995.49, a loss of 24.51 to the fund.
  CHECK(f.ex.liquidations() == 1);
  CHECK(f.ex.position_size(a, kBtc) == 0.0);
  CHECK(f.ex.collateral(a) == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(f.ex.fees_collected() == doctest::Approx(20.0));
  CHECK(f.ex.insurance_fund() == doctest::Approx(10'000 + 20.0 - 24.51).epsilon(1e-9));
  CHECK(f.ex.liquidated_notional() == doctest::Approx(49'020.0));
  CHECK(f.ex.adl_count() == 0);
  CHECK(f.ex.bad_debt() == 0.0);
  CHECK(f.world.ledger().balance(f.world.ledger().account_count() - 1, f.ex.collateral_token()) == 0.0);  // trader's wallet
}

TEST_CASE("an empty insurance fund auto-deleverages the most profitable short at the bankruptcy price") {
  Options o;
  o.btc_drop = 0.03;  // 50,000 → 48,500
  o.exchange_extra = "insurance_fund: 0";
  Fixture f(o);
  const auto longer = f.account(MarginMode::isolated, 1'000);
  const auto shorter = f.account(MarginMode::isolated, 5'000);
  REQUIRE(f.ex.open_at(shorter, kBtc, -1.0, 50'000, 5'000));  // the makers are long 1
  REQUIRE(f.ex.open_at(longer, kBtc, 1.0, 50'000, 1'000));    // the makers are flat again
  f.world.advance_to(2 * kMinute);
  // The long: equity 1,000 − 1,500 = −500 ⇒ no fee; bankruptcy price 50,000 − 1,000 = 49,000.
  // Selling at 48,500 would lose 500 per BTC and the fund holds 0, so the whole position is
  // closed against the only short at 49,000: the short realises 50,000 − 49,000 = 1,000.
  CHECK(f.ex.liquidations() == 1);
  CHECK(f.ex.adl_count() == 1);
  CHECK(f.ex.adl_closed_profit() == doctest::Approx(1'000.0));
  REQUIRE(f.ex.adl_log().size() == 1);
  CHECK(f.ex.adl_log()[0].account == shorter);
  CHECK(f.ex.adl_log()[0].quantity == doctest::Approx(1.0));  // the short bought back 1 BTC
  CHECK(f.ex.adl_log()[0].price == doctest::Approx(49'000.0));
  CHECK(f.ex.adl_log()[0].time_s == doctest::Approx(60.0));
  // ranked at the mark 48,500: PnL% = 1,500/50,000 = 3 %, equity 6,500, lev 48,500/6,500 ⇒ 0.22385
  CHECK(f.ex.adl_log()[0].score == doctest::Approx(0.03 * 48'500 / 6'500).epsilon(1e-9));
  CHECK(f.ex.position_size(shorter, kBtc) == 0.0);
  CHECK(f.ex.collateral(shorter) == doctest::Approx(6'000.0));  // margin 5,000 + 1,000 realised
  CHECK(f.ex.insurance_fund() == doctest::Approx(0.0));
  CHECK(f.ex.bad_debt() == 0.0);
}

TEST_CASE("outputs.events: [adl] records each deleveraged close as an /events/adl row") {
  // The scenario of the test above, with the ADL event table switched on.
  Options o;
  o.btc_drop = 0.03;  // 50,000 → 48,500
  o.exchange_extra = "insurance_fund: 0";
  o.outputs = "outputs: {events: [liquidations, adl]}";
  Fixture f(o);
  const auto longer = f.account(MarginMode::isolated, 1'000);
  const auto shorter = f.account(MarginMode::isolated, 5'000);
  REQUIRE(f.ex.open_at(shorter, kBtc, -1.0, 50'000, 5'000));
  REQUIRE(f.ex.open_at(longer, kBtc, 1.0, 50'000, 1'000));
  f.world.advance_to(2 * kMinute);
  const auto& rows = f.world.result().adl;
  REQUIRE(rows.size() == 1);  // one position closed (adl_count 1)
  CHECK(rows[0].time_s == doctest::Approx(60.0));  // the crash at 1 min
  CHECK(rows[0].protocol == 2);  // protocols: btc_perp, eth_perp, ex
  CHECK(rows[0].market == kBtc);
  CHECK(rows[0].account == shorter);
  CHECK(rows[0].side == -1);  // a short
  CHECK(rows[0].size == doctest::Approx(1.0));  // the whole 1 BTC
  CHECK(rows[0].price == doctest::Approx(49'000.0));  // bankruptcy price 50,000 − 1,000/1
  CHECK(rows[0].pnl == doctest::Approx(1'000.0));  // short from 50,000 bought back at 49,000
  CHECK(rows[0].score == doctest::Approx(0.03 * 48'500 / 6'500).epsilon(1e-9));  // as above
  // At the mark 48,500 the short would have made 1,500; it gets 1,000, covering the long's
  // deficit 1,500 − 1,000 = 500 (its equity −500 at the crash).
  CHECK(rows[0].loss_covered == doctest::Approx(500.0));
  CHECK(f.world.result().liquidations.size() == 1);  // the long's liquidation, still recorded
}

TEST_CASE("outputs.events without adl records no /events/adl rows") {
  Options o;
  o.btc_drop = 0.03;
  o.exchange_extra = "insurance_fund: 0";
  Fixture f(o);  // events default to [liquidations]
  const auto longer = f.account(MarginMode::isolated, 1'000);
  const auto shorter = f.account(MarginMode::isolated, 5'000);
  REQUIRE(f.ex.open_at(shorter, kBtc, -1.0, 50'000, 5'000));
  REQUIRE(f.ex.open_at(longer, kBtc, 1.0, 50'000, 1'000));
  f.world.advance_to(2 * kMinute);
  CHECK(f.ex.adl_count() == 1);
  CHECK(f.world.result().adl.empty());
}

TEST_CASE("socialised loss: the fund's shortfall is charged to accounts with unrealised profit") {
  Options o;
  o.btc_drop = 0.03;  // 50,000 → 48,500
  o.exchange_extra = "insurance_fund: 0, backstop: socialised";
  Fixture f(o);
  const auto longer = f.account(MarginMode::isolated, 1'000);
  const auto shorter = f.account(MarginMode::isolated, 5'000);
  REQUIRE(f.ex.open_at(shorter, kBtc, -1.0, 50'000, 5'000));
  REQUIRE(f.ex.open_at(longer, kBtc, 1.0, 50'000, 1'000));
  f.world.advance_to(2 * kMinute);
  // The engine takes the long at 49,000 and sells 1 BTC: 0.5 @ 48,500 + 0.5 @ 48,451.5 = 48,475.75,
  // a loss of 524.25 with an empty fund. The makers bought that 1 BTC at 48,475.75 (unrealised
  // profit 0.5·(48,500 − 48,500) + 0.5·(48,500 − 48,451.5) = 24.25); the short's profit is 1,500.
  // Pro rata: short pays 524.25 · 1,500 / 1,524.25, makers the rest.
  const double loss = 49'000 - 48'475.75;
  CHECK(f.ex.socialised_loss() == doctest::Approx(loss));
  CHECK(f.ex.position_margin(shorter, kBtc) == doctest::Approx(5'000 - loss * 1'500 / 1'524.25));
  CHECK(f.ex.bad_debt() == doctest::Approx(0.0));
  CHECK(f.ex.adl_count() == 0);
}

TEST_CASE("cross margin: one position's profit saves another; isolated: it does not") {
  Options o;
  o.btc_drop = 0.02;  // 50,000 → 49,000
  o.eth_drop = 0.02;  // 3,000 → 2,940
  SUBCASE("cross") {
    Fixture f(o);
    const auto a = f.account(MarginMode::cross, 1'500);
    REQUIRE(f.ex.open_at(a, kBtc, 1.0, 50'000));   // long 1 BTC
    REQUIRE(f.ex.open_at(a, kEth, -10.0, 3'000));  // short 10 ETH
    f.world.advance_to(2 * kMinute);
    // equity = 1,500 − 1,000 + 600 = 1,100 ≥ MM = 49,000·0.4 % + 29,400·0.4 % = 313.6
    CHECK(f.ex.equity(a, kBtc) == doctest::Approx(1'100.0));
    CHECK(f.ex.maintenance(a, kBtc) == doctest::Approx(313.6));
    CHECK(f.ex.liquidations() == 0);
    CHECK(f.ex.position_size(a, kBtc) == 1.0);
  }
  SUBCASE("isolated") {
    Fixture f(o);
    const auto a = f.account(MarginMode::isolated, 1'500);
    REQUIRE(f.ex.open_at(a, kBtc, 1.0, 50'000, 1'000));
    REQUIRE(f.ex.open_at(a, kEth, -10.0, 3'000, 500));
    f.world.advance_to(2 * kMinute);
    // BTC: equity 1,000 − 1,000 = 0 < 196 ⇒ liquidated; ETH: 500 + 600 = 1,100, untouched.
    CHECK(f.ex.liquidations() == 1);
    CHECK(f.ex.position_size(a, kBtc) == 0.0);
    CHECK(f.ex.position_size(a, kEth) == -10.0);
    CHECK(f.ex.equity(a, kEth) == doctest::Approx(1'100.0));
  }
}

TEST_CASE("portfolio margin: worst loss over the stress moves per risk unit") {
  SUBCASE("two risk units add up") {
    Options o;
    Fixture f(o);
    const auto a = f.account(MarginMode::portfolio, 20'000);
    REQUIRE(f.ex.open_at(a, kBtc, 1.0, 50'000));
    REQUIRE(f.ex.open_at(a, kEth, -10.0, 3'000));
    // BTC unit: 50,000 · 12 % = 6,000; ETH unit: 30,000 · 12 % = 3,600 ⇒ MM 9,600; IM 1.5 · 9,600
    CHECK(f.ex.maintenance(a, kBtc) == doctest::Approx(9'600.0));
    CHECK(f.ex.initial(a, kBtc) == doctest::Approx(14'400.0));
  }
  SUBCASE("positions in one risk unit net") {
    Options o;
    o.btc_unit = o.eth_unit = "crypto";
    Fixture f(o);
    const auto a = f.account(MarginMode::portfolio, 20'000);
    REQUIRE(f.ex.open_at(a, kBtc, 1.0, 50'000));
    REQUIRE(f.ex.open_at(a, kEth, -10.0, 3'000));
    // net delta 50,000 − 30,000 = 20,000 ⇒ MM = 20,000 · 12 % = 2,400
    CHECK(f.ex.maintenance(a, kBtc) == doctest::Approx(2'400.0));
  }
  SUBCASE("a naked position needs more than the tiered margin") {
    Options o;
    Fixture f(o);
    const auto a = f.account(MarginMode::portfolio, 5'000);
    // IM = 1.5 · 12 % · 50,000 = 9,000 > 5,000: rejected; 0.5 BTC needs 4,500: accepted
    CHECK_FALSE(f.ex.open_at(a, kBtc, 1.0, 50'000));
    CHECK(f.ex.open_at(a, kBtc, 0.5, 50'000));
  }
}

TEST_CASE("an order the initial margin does not cover is rejected and gives its margin back") {
  Options o;
  Fixture f(o);
  const auto a = f.account(MarginMode::isolated, 1'000);
  // IM of 5 BTC (250,000: second bracket, 100x) = 2,500 > 1,000 ⇒ rejected, margin returned
  CHECK_FALSE(f.ex.open_at(a, kBtc, 5.0, 50'000, 1'000));
  CHECK(f.ex.collateral(a) == doctest::Approx(1'000));
  CHECK(f.ex.position_margin(a, kBtc) == 0.0);
  CHECK(f.ex.market_order(f.world, a, kBtc, 5.0, 1'000).rejected);
  CHECK(f.ex.collateral(a) == doctest::Approx(1'000));
  // 1 BTC needs 50,000/125 = 400 ≤ 1,000: accepted
  CHECK(f.ex.open_at(a, kBtc, 1.0, 50'000, 1'000));
  CHECK(f.ex.position_margin(a, kBtc) == doctest::Approx(1'000));
}

TEST_CASE("partial liquidation steps the position down one bracket first") {
  Options o;
  o.btc_drop = 0.0093;  // 50,000 → 49,535
  Fixture f(o);
  const auto a = f.account(MarginMode::isolated, 1'500);
  REQUIRE(f.ex.open_at(a, kBtc, 2.0, 50'000, 1'500));  // 100,000 notional: second bracket (0.5 %, amount 50)
  f.world.advance_to(2 * kMinute);
  // At 49,535: notional 99,070, MM = 99,070 · 0.5 % − 50 = 445.35; equity = 1,500 − 930 = 570 ≥ MM: safe.
  CHECK(f.ex.liquidations() == 0);
  CHECK(f.ex.partial_liquidations() == 0);
}

TEST_CASE("partial liquidation reduces to the first bracket and keeps a sound remainder") {
  Options o;
  o.btc_drop = 0.012;  // 50,000 → 49,400
  o.market_extra = "liquidation_fee: {base: 0.001, max: 0.001}";
  Fixture f(o);
  const auto a = f.account(MarginMode::isolated, 1'500);
  REQUIRE(f.ex.open_at(a, kBtc, 2.0, 50'000, 1'500));  // 100,000 notional: second bracket (0.5 %, amount 50)
  f.world.advance_to(2 * kMinute);
  // At 49,400: notional 98,800, MM = 98,800 · 0.5 % − 50 = 444; equity = 1,500 − 1,200 = 300 < 444.
  // Step down: keep 50,000/49,400 = 1.012146 BTC, sell 0.987854 into the book
  // (0.5 @ 49,400 + 0.487854 @ 49,350.6 = 48,775.89 of notional), fee 0.1 % = 48.78.
  const double keep = 50'000 / 49'400.0;
  const double sold = 2.0 - keep;
  const double notional = 0.5 * 49'400 + (sold - 0.5) * 49'400 * 0.999;
  const double fee = 0.001 * notional;
  // Margin after: 1,500 + realised (notional − sold · 50,000) − fee = 1,500 − 616.82 − 48.78 = 834.40;
  // equity = 834.40 + 1.012146 · (49,400 − 50,000) = 227.11 ≥ MM(50,000) = 200 ⇒ no takeover.
  const double margin = 1'500 + (notional - sold * 50'000) - fee;
  CHECK(f.ex.partial_liquidations() == 1);
  CHECK(f.ex.liquidations() == 0);
  CHECK(f.ex.fees_collected() == doctest::Approx(fee).epsilon(1e-9));
  CHECK(f.ex.position_size(a, kBtc) == doctest::Approx(keep));
  CHECK(f.ex.position_margin(a, kBtc) == doctest::Approx(margin));
  CHECK(f.ex.equity(a, kBtc) == doctest::Approx(margin + keep * (49'400 - 50'000)));
  CHECK(f.ex.equity(a, kBtc) >= f.ex.maintenance(a, kBtc));
  CHECK(f.ex.liquidated_notional() == doctest::Approx(notional));
}

TEST_CASE("a partial liquidation that leaves too little equity is followed by a takeover") {
  Options o;
  o.btc_drop = 0.012;  // as above with the default 0.5 % fee
  Fixture f(o);
  const auto a = f.account(MarginMode::isolated, 1'500);
  REQUIRE(f.ex.open_at(a, kBtc, 2.0, 50'000, 1'500));
  f.world.advance_to(2 * kMinute);
  // Partial step: fee 0.5 % · 48,775.89 = 243.88 ⇒ equity 300 − 24.10 (slippage) − 243.88 = 32.02
  // < MM 200 ⇒ takeover, whose fee is capped at the 32.02 left.
  const double keep = 50'000 / 49'400.0;
  const double sold = 2.0 - keep;
  const double notional = 0.5 * 49'400 + (sold - 0.5) * 49'400 * 0.999;
  const double equity_after = 1'500 + (notional - sold * 50'000) - 0.005 * notional + keep * (49'400 - 50'000);
  CHECK(equity_after == doctest::Approx(32.02).epsilon(1e-3));
  CHECK(f.ex.partial_liquidations() == 1);
  CHECK(f.ex.liquidations() == 1);
  CHECK(f.ex.fees_collected() == doctest::Approx(0.005 * notional + equity_after).epsilon(1e-9));
  CHECK(f.ex.position_size(a, kBtc) == 0.0);
}

TEST_CASE("sub-accounts are separate margin accounts of the same owner") {
  Options o;
  Fixture f(o);
  const auto parent = f.account(MarginMode::cross, 10'000);
  const auto sub = f.ex.open_sub_account(f.world, parent, MarginMode::isolated);
  CHECK(f.ex.owner(sub) == f.ex.owner(parent));
  CHECK(f.ex.transfer(parent, sub, 4'000) == doctest::Approx(4'000));
  CHECK(f.ex.collateral(parent) == doctest::Approx(6'000));
  CHECK(f.ex.collateral(sub) == doctest::Approx(4'000));
  const auto other = f.account(MarginMode::cross, 100);
  CHECK(f.ex.transfer(parent, other, 50) == 0.0);  // unrelated accounts cannot move margin
  REQUIRE(f.ex.open_at(sub, kBtc, 1.0, 50'000, 1'000));
  // The parent's cross IM does not include the sub-account's position: all 6,000 may leave.
  CHECK(f.ex.withdraw(f.world, parent, 1e9) == doctest::Approx(6'000));
}

TEST_CASE("a market order walks the perp book and a circuit breaker halts trading") {
  Options o;
  o.btc_drop = 0.15;
  o.market_extra = "circuit_breaker: {move: 0.10, window: 5m, halt: 15m}";
  Fixture f(o);
  const auto a = f.account(MarginMode::cross, 100'000);
  // Buy 1 BTC: 0.5 @ 50,000 + 0.5 @ 50,050 ⇒ 50,025 average, the makers sell it
  const auto fill = f.ex.market_order(f.world, a, kBtc, 1.0);
  CHECK(fill.quantity == doctest::Approx(1.0));
  CHECK(fill.notional == doctest::Approx(50'025.0));
  CHECK(f.ex.entry_price(a, kBtc) == doctest::Approx(50'025.0));
  CHECK(f.ex.position_size(f.ex.makers_account(), kBtc) == doctest::Approx(-1.0));
  f.world.advance_to(2 * kMinute);
  // −15 % within 5 minutes ⇒ halted for 15 minutes: orders are rejected
  CHECK(f.ex.market(kBtc).halted(f.world.now()));
  CHECK(f.ex.market_order(f.world, a, kBtc, -0.5).rejected);
  f.world.advance_to(17 * kMinute);
  CHECK_FALSE(f.ex.market(kBtc).halted(f.world.now()));
  CHECK_FALSE(f.ex.market_order(f.world, a, kBtc, -0.5).rejected);
}

TEST_CASE("volatility-scaled margin tightens maintenance after a sharp move") {
  Options o;
  o.btc_drop = 0.02;  // 50,000 → 49,000 in one 1-minute step
  o.market_extra = "volatility_margin: {reference_volatility: 0.01, max_scale: 10, time_constant: 10m}";
  Fixture f(o);
  const auto a = f.account(MarginMode::cross, 5'000);
  REQUIRE(f.ex.open_at(a, kBtc, 1.0, 50'000));
  CHECK(f.ex.maintenance(a, kBtc) == doctest::Approx(200.0));  // σ starts at the reference: scale 1
  f.world.advance_to(kMinute);
  // σ² = e^(−60/600)·0.01² + (1 − e^(−0.1))·ln(0.98)²·3600/60 ⇒ σ = 0.049203 per √h, scale 4.9203;
  // MM = 49,000 · 0.4 % · 4.9203 = 964.38
  const double w = std::exp(-0.1);
  const double sigma = std::sqrt(w * 1e-4 + (1 - w) * std::log(0.98) * std::log(0.98) * 60.0);
  CHECK(sigma == doctest::Approx(0.049203).epsilon(1e-4));
  CHECK(f.ex.maintenance(a, kBtc) == doctest::Approx(196.0 * sigma / 0.01).epsilon(1e-9));
}
