// Whole worlds around a lending_market, run in audit mode: after every event the ledger checks
// that every token's supply is conserved (minted and burned tracked) and no balance is negative,
// and the market checks its books (positions sum to totals; cash + collateral + inventory equal
// its ledger balance; cash + debt = suppliers' claims + treasury − deficit, per reserve).
#include <doctest/doctest.h>

#include <string>

#include "cascade/agents/borrower/market_borrower.hpp"
#include "cascade/agents/depositor/market_depositor.hpp"
#include "cascade/agents/liquidator/market_liquidator.hpp"
#include "cascade/protocols/lending/lending_market.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {
std::string scenario(const std::string& model) {
  const bool comet = model == "compound_v3";
  return R"(
experiment: {name: market_scenario, seed: 5, horizon: 6h}
assets: {ETH: {}, WBTC: {}, USDC: {numeraire: true}}
drivers:
  eth_ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.55, crash_at: 30m, over: 1h, tick: 1m}
  btc_ref: {type: scripted_crash, asset: WBTC, initial_price: 40000, drop: 0.35, crash_at: 40m, over: 1h, tick: 1m}
venues:
  eth_amm: {type: constant_product_amm, reserves: {ETH: 2000, USDC: 4.0e6}, fee: 0.003}
  btc_amm: {type: constant_product_amm, reserves: {WBTC: 60, USDC: 2.4e6}, fee: 0.003}
oracles:
  eth_feed: {type: deviation_heartbeat, source: eth_amm, deviation: 0.005, heartbeat: 1h, delay: 30s}
  btc_feed: {type: deviation_heartbeat, source: btc_amm, deviation: 0.005, heartbeat: 1h, delay: 30s}
protocols:
  market:
    type: lending_market
    model: )" + model + R"(
    oracles: [eth_feed, btc_feed]
    supply: )" + (comet ? "{USDC: 2.0e7}" : "{USDC: 2.0e7, ETH: 3000}") + R"(
    collaterals: [ETH, WBTC]
    ltv: 0.75
    liquidation_threshold: 0.82
    liquidation_bonus: 0.06
    reserve_factor: 0.10
    rate: {optimal: 0.9, base: 0.02, slope1: 0.05, slope2: 0.6}
    comet: {store_front_price_factor: 0.5, target_reserves: 1.0e6}
agents:
  borrowers:
    type: market_borrower
    protocol: market
    count: 150
    collateral_usd: {dist: lognormal, median: 10000, sigma: 1.0}
    health_factor: {dist: uniform, low: 1.05, high: 1.8}
    collateral: {ETH: 0.6, WBTC: 0.4}
    second_collateral: 0.4
    debt: )" + (comet ? "{USDC: 1}" : "{USDC: 0.8, ETH: 0.2}") + R"(
  liquidators:
    type: market_liquidator
    protocol: market
    venues: [eth_amm, btc_amm]
    count: 2
    latency: {dist: exponential, mean: 15}
    capital: 5.0e5
  arb_eth: {type: amm_arbitrageur, venue: eth_amm, reference: eth_ref, max_trade: 2.0e5}
  arb_btc: {type: amm_arbitrageur, venue: btc_amm, reference: btc_ref, max_trade: 2.0e5}
)";
}

output::RunResult run(const std::string& model) {
  auto spec = testing::load(scenario(model));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  return w.run();
}
}  // namespace

TEST_CASE("Aave v3 market: a two-asset crash liquidates multi-collateral positions with every token conserved") {
  const auto result = run("aave_v3");
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  CHECK(result.summary.n_liquidations > 0);
  CHECK(result.summary.n_liquidations == result.liquidations.size());
  // The summary's bad debt is the sum of the deficits booked by individual liquidations.
  double booked = 0.0;
  for (const auto& r : result.liquidations) booked += r.bad_debt;
  CHECK(result.summary.bad_debt == doctest::Approx(booked));
}

TEST_CASE("Compound v2 market under the same crash keeps its books in audit mode") {
  const auto result = run("compound_v2");
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  CHECK(result.summary.n_liquidations > 0);
}

TEST_CASE("Compound v3 market: liquidators absorb, then buy the collateral from the storefront") {
  auto spec = testing::load(scenario("compound_v3"));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  w.advance_to(spec.horizon);
  const auto& market = w.get<protocols::LendingMarket>("market");
  const auto& bots = w.get<agents::MarketLiquidators>("liquidators");
  CHECK(bots.metric(1) > 0.0);  // absorbs
  CHECK(bots.metric(2) > 0.0);  // buyCollateral purchases
  CHECK(market.metric(6) == bots.metric(1));  // every absorb is a market liquidation
}

TEST_CASE("the liquidator chooses the collateral that pays the larger bonus") {
  // One borrower: $30,000 of ETH (15 ETH) and $30,000 of WBTC (0.75 WBTC); debt = borrowing power
  // / 1.02 = (15·2000·0.805 + 0.75·40000·0.73)/1.02 = 45,147.06 USDC. WBTC falls to 30,000 at 1 min:
  // HF = (24,900 + 0.75·30000·0.78)/45,147.06 = 0.940262 ≤ 0.95, so all the debt may be repaid.
  //   USDC for WBTC (bonus 10 %): all 0.75 WBTC for 22,500/1.1 = 20,454.55 → gain ≈ 2,045 before fees
  //   USDC for ETH  (bonus 5 %):  all 15 ETH for 30,000/1.05 = 28,571.43   → gain ≈ 1,429 before fees
  // The bot takes WBTC. Afterwards HF = 24,900/(45,147.06 − 20,454.55) = 1.0084: no second liquidation.
  const std::string yaml = R"(
experiment: {name: choice, seed: 3, horizon: 10m}
assets: {ETH: {}, WBTC: {}, USDC: {numeraire: true}}
drivers:
  eth_ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0, crash_at: 1m, over: 0s, tick: 1m}
  btc_ref: {type: scripted_crash, asset: WBTC, initial_price: 40000, drop: 0.25, crash_at: 1m, over: 0s, tick: 1m}
venues:
  eth_amm: {type: constant_product_amm, reserves: {ETH: 10000, USDC: 2.0e7}, fee: 0.003}
  btc_amm: {type: constant_product_amm, reserves: {WBTC: 1000, USDC: 3.0e7}, fee: 0.003}
protocols:
  market:
    type: lending_market
    oracles: [eth_ref, btc_ref]
    supply: {USDC: 1.0e6}
    collaterals: [ETH, WBTC]
    per_asset:
      ltv: {ETH: 0.805, WBTC: 0.73}
      liquidation_threshold: {ETH: 0.83, WBTC: 0.78}
      liquidation_bonus: {ETH: 0.05, WBTC: 0.10}
    rate: {optimal: 0.9, base: 0, slope1: 0, slope2: 0}
agents:
  borrower: {type: market_borrower, protocol: market, count: 1, collateral_usd: 60000, health_factor: 1.02, debt_basis: ltv,
             collateral: {ETH: 1, WBTC: 1}, second_collateral: 1, debt: {USDC: 1}}
  bot: {type: market_liquidator, protocol: market, venues: [eth_amm, btc_amm], count: 1, latency: 0, max_per_action: 1}
)";
  auto spec = testing::load(yaml);
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  REQUIRE(result.liquidations.size() == 1);
  const auto& r = result.liquidations[0];
  CHECK(r.time_s == doctest::Approx(60.0));
  CHECK(r.health_factor == doctest::Approx(42450.0 / (46050.0 / 1.02)));
  CHECK(r.oracle_price == doctest::Approx(30000.0));  // the WBTC leg
  CHECK(r.collateral_seized == doctest::Approx(0.75));
  CHECK(r.debt_repaid == doctest::Approx(22500.0 / 1.1));
}

TEST_CASE("a depositor run meets 100 % utilisation: withdrawals wait for repayments") {
  // 50,000 USDC supplied at t = 0, then two depositors add 10,000 each (cash 70,000). One borrower
  // posts $100,000 of ETH and borrows 100000·0.8/HF = 55,000 (HF = 16/11): U = 55/70 = 0.786 ≥ 0.7.
  // The oracle update at 1 min frightens both depositors; each asks for its 10,000 ten seconds later.
  // Depositor 0 is paid in full, depositor 1 gets the last 5,000 of cash (U = 100 %) and asks again
  // every minute; a 3,000 repayment at 100 s lets 3,000 more out at 130 s; 2,000 stay locked.
  const std::string yaml = R"(
experiment: {name: run, seed: 3, horizon: 10m}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers:
  eth_ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.01, crash_at: 1m, over: 0s, tick: 1m}
protocols:
  market:
    type: lending_market
    oracles: [eth_ref]
    supply: {USDC: 50000}
    collaterals: [ETH]
    ltv: 0.75
    liquidation_threshold: 0.80
    rate: {optimal: 0.9, base: 0, slope1: 0, slope2: 0}
agents:
  depositors: {type: market_depositor, protocol: market, asset: USDC, count: 2, deposit: 10000, run_share: 1,
               panic_utilization: 0.7, reaction: 10, retry: 1m}
  borrower: {type: market_borrower, protocol: market, count: 1, collateral_usd: 100000, health_factor: 1.4545454545454546,
             collateral: {ETH: 1}, debt: {USDC: 1}}
)";
  auto spec = testing::load(yaml);
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& market = w.get<protocols::LendingMarket>("market");
  const auto& depositors = w.get<agents::MarketDepositors>("depositors");
  const auto usdc = market.reserve_of(w.token("USDC"));
  REQUIRE(market.debt_of(0, usdc) == doctest::Approx(55000.0));
  CHECK(market.utilization(usdc) == doctest::Approx(55.0 / 70.0));
  w.advance_to(70 * kSecond);
  CHECK(depositors.claim(0) == doctest::Approx(0.0));
  CHECK(depositors.claim(1) == doctest::Approx(5000.0));
  CHECK(market.utilization(usdc) == doctest::Approx(1.0));
  CHECK(market.state(usdc).cash == doctest::Approx(0.0));
  CHECK(depositors.metric(2) == 1.0);  // one refusal
  w.advance_to(100 * kSecond);
  CHECK(market.repay(w, 0, usdc, 3000.0) == doctest::Approx(3000.0));
  w.advance_to(150 * kSecond);
  CHECK(depositors.metric(0) == doctest::Approx(18000.0));  // withdrawn: 10,000 + 5,000 + 3,000
  CHECK(depositors.metric(1) == doctest::Approx(2000.0));   // still locked
  CHECK(depositors.metric(2) == 2.0);
}
