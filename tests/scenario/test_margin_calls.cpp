// Borrowers' margin-call responses, by hand. One borrower: $20,000 of ETH at $2,000 (10 ETH),
// HF 1.106667 with LT 0.83 → debt 15,000. The oracle falls to 1,900 at 1 min: HF 1.051333 < 1.1,
// so the borrower responds 60 s later (at 2 min) and restores HF 1.5.
#include <doctest/doctest.h>

#include <string>

#include "cascade/agents/borrower/leveraged_borrower.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/lending/lending_pool.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {
std::string yaml(const char* response) {
  return std::string(R"(
experiment: {name: margin, seed: 1, horizon: 10m}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers: {ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.05, crash_at: 1m, over: 0s, tick: 1m}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 1000, USDC: 2000000}, fee: 0.003}}
oracles: {feed: {type: deviation_heartbeat, source: ref, delay: 0s}}
protocols:
  pool: {type: lending_pool, oracle: feed, liquidation_venue: amm, collateral: ETH, debt: USDC, supply: 1.0e6,
         rate: {optimal: 0.9, base: 0, slope1: 0, slope2: 0}}
agents:
  b: {type: leveraged_borrower, protocol: pool, count: 1, collateral_usd: 20000, health_factor: 1.1066666666666667,
      on_margin_call: {)") + response + R"(, respond_below: 1.1, restore_to: 1.5, spare_collateral: 0.5, reaction: 60}}
)";
}
}  // namespace

TEST_CASE("a top-up restores the target health factor from the spare wallet") {
  auto spec = testing::load(yaml("top_up: 1"));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& pool = w.get<protocols::LendingPool>("pool");
  CHECK(pool.debt_of(0) == doctest::Approx(15000.0));
  w.advance_to(2 * kMinute - 1);
  CHECK(pool.collateral_of(0) == doctest::Approx(10.0));  // still waiting
  w.advance_to(2 * kMinute);
  // x = 1.5 · 15000 / (1900 · 0.83) − 10 = 4.2675967 ETH (≤ the 5 ETH spare)
  CHECK(pool.collateral_of(0) == doctest::Approx(14.2675967).epsilon(1e-9));
  CHECK(pool.health_factor(0) == doctest::Approx(1.5));
}

TEST_CASE("deleveraging sells collateral on the venue and repays debt") {
  auto spec = testing::load(yaml("deleverage: 1"));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& pool = w.get<protocols::LendingPool>("pool");
  w.advance_to(2 * kMinute);
  // w = (1.5·15000 − 10·1900·0.83)/(1900·(1.5 − 0.83)) = 5.2867243 ETH sold into the pool at 2000:
  // 0.997·w·2e6/(1000 + 0.997·w) = 10,486.4555 USDC repaid → debt 4,513.5445,
  // HF = 4.7132757 · 1900 · 0.83 / 4513.5445 = 1.6467847 (above 1.5: the AMM paid more than the oracle price)
  CHECK(pool.collateral_of(0) == doctest::Approx(10.0 - 5.2867243).epsilon(1e-8));
  CHECK(pool.debt_of(0) == doctest::Approx(4513.5444808).epsilon(1e-9));
  CHECK(pool.health_factor(0) == doctest::Approx(1.6467847).epsilon(1e-7));
  CHECK(w.get<protocols::ConstantProductAmm>("amm").reserve_base() == doctest::Approx(1005.2867243).epsilon(1e-9));
}

TEST_CASE("borrowers who ignore margin calls do nothing") {
  auto spec = testing::load(yaml("top_up: 0"));
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  w.advance_to(10 * kMinute);
  CHECK(w.get<protocols::LendingPool>("pool").collateral_of(0) == 10.0);
}

TEST_CASE("response shares are drawn per borrower in the stated proportions") {
  auto spec = testing::load(R"(
experiment: {name: shares, seed: 5, horizon: 1m}
assets: {ETH: {}, USDC: {numeraire: true}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 1000, USDC: 2000000}}}
oracles: {feed: {type: deviation_heartbeat, source: amm}}
protocols: {pool: {type: lending_pool, oracle: feed, liquidation_venue: amm, collateral: ETH, debt: USDC, supply: 1.0e9}}
agents:
  b: {type: leveraged_borrower, protocol: pool, count: 20000, collateral_usd: 1000, health_factor: 2,
      on_margin_call: {top_up: 0.3, deleverage: 0.2}}
)");
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& b = w.get<agents::LeveragedBorrowers>("b");
  int top = 0, delev = 0;
  for (std::uint32_t i = 0; i < b.count(); ++i) {
    top += b.response(i) == agents::LeveragedBorrowers::Response::top_up;
    delev += b.response(i) == agents::LeveragedBorrowers::Response::deleverage;
  }
  // Binomial(20000, p): sd = sqrt(20000·p·(1−p)) = 64.8 (p = 0.3), 56.6 (p = 0.2); 5 sd bounds.
  CHECK(std::abs(top - 6000) < 5 * 64.8);
  CHECK(std::abs(delev - 4000) < 5 * 56.6);
}

TEST_CASE("inconsistent margin-call settings are configuration errors") {
  CHECK_THROWS_AS(
      [] {
        auto spec = testing::load(yaml("top_up: 0.7, deleverage: 0.6"));
        world::World w(spec, testing::registry(), world::RunContext{});
      }(),
      config::ConfigError);
}

TEST_CASE("an underwater borrower cannot deleverage into bad debt the pool never books") {
  // Oracle 2000 → 1300: HF = 10·1300·0.83/15000 = 0.719. Selling all 10 ETH into a pool priced at
  // 1300 (1000 ETH / 1.3 M USDC) raises 0.997·10·1.3e6/(1000 + 9.97) = 12,833 < 15,000 of debt, so
  // the repay-with-collateral is refused (HF after < 1) and the position waits for liquidators.
  auto text = yaml("deleverage: 1");
  text.replace(text.find("drop: 0.05"), 10, "drop: 0.35");
  text.replace(text.find("USDC: 2000000"), 13, "USDC: 1300000");
  auto spec = testing::load(text);
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& pool = w.get<protocols::LendingPool>("pool");
  CHECK(pool.collateral_of(0) == 10.0);
  CHECK(pool.debt_of(0) == doctest::Approx(15000.0));
  CHECK(w.get<protocols::ConstantProductAmm>("amm").reserve_base() == 1000.0);
}
