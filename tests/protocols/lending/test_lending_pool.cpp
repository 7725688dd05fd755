// Aave-v3 lending mechanics against hand-worked examples. One position: 10 ETH deposited at
// $2,000 (value $20,000), 15,000 USDC borrowed; LT 0.83, LTV 0.805, bonus 5 %, protocol fee 10 %.
// A scripted crash moves the oracle to the test's price at t = 1 min; rates are zero unless a
// test is about interest, so debts stay exactly 15,000.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cascade/protocols/lending/lending_pool.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::LendingPool;
using protocols::LiquidationOutcome;

namespace {

std::string pool_yaml(double drop, const std::string& extra = "", const std::string& rate = "{optimal: 0.9, base: 0, slope1: 0, slope2: 0}",
                      double supply = 1e6) {
  return R"(
experiment: {name: pool, seed: 1, horizon: 2d}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers: {ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: )" + std::to_string(drop) + R"(, crash_at: 1m, over: 0s, tick: 1m}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 1000, USDC: 2000000}}}
oracles: {feed: {type: deviation_heartbeat, source: ref, deviation: 0.001, delay: 0s}}
protocols:
  pool:
    type: lending_pool
    oracle: feed
    liquidation_venue: amm
    collateral: ETH
    debt: USDC
    ltv: 0.805
    liquidation_threshold: 0.83
    liquidation_bonus: 0.05
    protocol_fee: 0.10
    reserve_factor: 0.15
    supply: )" + std::to_string(supply) + R"(
    rate: )" + rate + "\n" + extra;
}

struct Fixture {
  config::ExperimentSpec spec;
  world::World world;
  LendingPool& pool;
  ledger::AccountId borrower, liquidator;
  std::uint32_t position = 0;

  explicit Fixture(const std::string& yaml, double collateral = 10.0, double borrow = 15000.0)
      : spec(with_audit(testing::load(yaml))),
        world(spec, testing::registry(), world::RunContext{}),
        pool(world.get<LendingPool>("pool")) {
    borrower = world.ledger().open_account("borrower");
    liquidator = world.ledger().open_account("liquidator");
    world.start();
    world.ledger().mint(borrower, pool.collateral_token(), collateral);
    world.ledger().mint(liquidator, pool.debt_token(), 1e6);
    position = pool.open_position(world, borrower, collateral, borrow);
  }
  static config::ExperimentSpec with_audit(config::ExperimentSpec s) {
    s.audit = true;
    return s;
  }
  void crash() { world.advance_to(2 * kMinute); }
};

}  // namespace

TEST_CASE("health factor and the 50 % close factor just below HF 1") {
  Fixture f(pool_yaml(0.10));  // oracle → 1,800
  // HF = 10 · 2000 · 0.83 / 15000 = 1.106667
  CHECK(f.pool.health_factor(f.position) == doctest::Approx(1.1066667).epsilon(1e-7));
  CHECK(f.pool.max_repayable(f.position) == 0.0);
  f.crash();
  REQUIRE(f.pool.oracle_price() == doctest::Approx(1800.0));
  // HF = 10 · 1800 · 0.83 / 15000 = 0.996 ∈ (0.95, 1): 50 % = 7,500 repayable
  CHECK(f.pool.health_factor(f.position) == doctest::Approx(0.996));
  CHECK(f.pool.max_repayable(f.position) == doctest::Approx(7500.0));
  const auto out = f.pool.liquidate(f.world, f.position, 1e9, f.liquidator, 0);
  REQUIRE(out.status == LiquidationOutcome::Status::done);
  // seized = 7500 / 1800 · 1.05 = 4.375 ETH; bonus = 4.375 − 4.375/1.05 = 0.208333; fee = 0.0208333
  CHECK(out.debt_repaid == doctest::Approx(7500.0));
  CHECK(out.collateral_seized == doctest::Approx(4.375));
  CHECK(out.bonus == doctest::Approx(0.2083333).epsilon(1e-7));
  CHECK(out.protocol_fee == doctest::Approx(0.02083333).epsilon(1e-7));
  CHECK(f.world.ledger().balance(f.liquidator, f.pool.collateral_token()) == doctest::Approx(4.375 - 0.02083333).epsilon(1e-7));
  // Left: 5.625 ETH against 7,500 → HF = 5.625 · 1800 · 0.83 / 7500 = 1.1205
  CHECK(f.pool.health_factor(f.position) == doctest::Approx(1.1205));
  CHECK(f.pool.deficit() == 0.0);
}

TEST_CASE("100 % close factor at HF <= 0.95") {
  Fixture f(pool_yaml(0.20));  // oracle → 1,600; HF = 16000 · 0.83 / 15000 = 0.885333
  f.crash();
  CHECK(f.pool.health_factor(f.position) == doctest::Approx(0.8853333).epsilon(1e-7));
  CHECK(f.pool.max_repayable(f.position) == doctest::Approx(15000.0));
  const auto out = f.pool.liquidate(f.world, f.position, 1e9, f.liquidator, 0);
  // seized = 15000 / 1600 · 1.05 = 9.84375 ETH of 10; 0.15625 ETH stays with the borrower
  CHECK(out.collateral_seized == doctest::Approx(9.84375));
  CHECK(out.protocol_fee == doctest::Approx((9.84375 - 9.375) * 0.10));
  CHECK(f.pool.debt_of(f.position) == doctest::Approx(0.0));
  CHECK(f.pool.collateral_of(f.position) == doctest::Approx(0.15625));
}

TEST_CASE("a deficit is booked when collateral cannot cover debt plus bonus") {
  Fixture f(pool_yaml(0.35));  // oracle → 1,300; HF = 13000 · 0.83 / 15000 = 0.719333
  CHECK(f.pool.metric(9) == 0.0);  // underwater_debt at 2,000: 20,000 of collateral covers 15,000
  f.crash();
  CHECK(f.pool.metric(9) == doctest::Approx(2000.0));  // 15,000 − 10 · 1,300
  const auto out = f.pool.liquidate(f.world, f.position, 1e9, f.liquidator, 0);
  // All 10 ETH seized; repay = 10 · 1300 / 1.05 = 12,380.95; deficit = 15,000 − 12,380.95 = 2,619.05
  CHECK(out.collateral_seized == doctest::Approx(10.0));
  CHECK(out.debt_repaid == doctest::Approx(12380.952381).epsilon(1e-9));
  CHECK(out.bad_debt == doctest::Approx(2619.047619).epsilon(1e-9));
  CHECK(f.pool.deficit() == doctest::Approx(2619.047619).epsilon(1e-9));
  CHECK(f.pool.total_debt() == doctest::Approx(0.0));
  CHECK_FALSE(f.pool.any_liquidatable());
}

TEST_CASE("a partial liquidation that would leave dust is refused") {
  // min_leftover_value raised to 5,000. A position of 4 ETH / 6,000 USDC at 1,800:
  // HF = 4 · 1800 · 0.83 / 6000 = 0.996, collateral $7,200 and debt $6,000 are both above the
  // $2,000 full-close limit, so 50 % = 3,000 may be repaid — but that leaves 3,000 of debt
  // < 5,000 → MustNotLeaveDust, nothing changes.
  Fixture f(pool_yaml(0.10, "    close_factor: {min_leftover_value: 5000}\n"), 4.0, 6000.0);
  f.crash();
  CHECK(f.pool.health_factor(f.position) == doctest::Approx(0.996));
  CHECK(f.pool.max_repayable(f.position) == doctest::Approx(3000.0));
  const auto out = f.pool.liquidate(f.world, f.position, 3000.0, f.liquidator, 0);
  CHECK(out.status == LiquidationOutcome::Status::dust);
  CHECK(f.pool.debt_of(f.position) == doctest::Approx(6000.0));
}

TEST_CASE("borrowing is capped by LTV and by available cash") {
  Fixture f(pool_yaml(0.0), 10.0, 1e9);  // asks for far more than allowed
  // LTV cap: 10 · 2000 · 0.805 = 16,100
  CHECK(f.pool.debt_of(f.position) == doctest::Approx(16100.0));
  Fixture g(pool_yaml(0.0, "", "{optimal: 0.9, base: 0, slope1: 0, slope2: 0}", 5000.0));
  CHECK(g.pool.debt_of(g.position) == doctest::Approx(5000.0));  // only 5,000 of cash
  CHECK(g.pool.utilization() == doctest::Approx(1.0));
}

TEST_CASE("interest at the kink compounds per second for a day") {
  // supply 16,666.67 and 15,000 borrowed → U = 0.9 = optimal → rate = base + slope1 = 2.7 %.
  // One accrual step of 86,400 s: 15000 · (1 + 0.027/31,536,000)^86,400 = 15,001.10963
  Fixture f(pool_yaml(0.0, "", "{optimal: 0.9, base: 0, slope1: 0.027, slope2: 0.8}", 15000.0 / 0.9));
  CHECK(f.pool.utilization() == doctest::Approx(0.9));
  f.pool.accrue(kDay);
  CHECK(f.pool.total_debt() == doctest::Approx(15001.10963).epsilon(1e-9));
  CHECK(f.pool.debt_of(f.position) == doctest::Approx(15001.10963).epsilon(1e-9));
}

// Liquidation heatmap: r = liquidation price / oracle price = debt / (collateral · price · LT).
// At price 2,000 and LT 0.83 one ETH of collateral covers 1,660 USDC, so with 10 ETH:
//   debt 15,000 → r = 15000/16600 = 0.90361;  9,000 → 0.54217;  12,000 → 0.72289;
//   5,000 → 0.30120 (below low: skipped); and 1 ETH / 1,000 → 1000/1660 = 0.60241.
TEST_CASE("liquidation heatmap puts each position's debt in the bin of its liquidation-price ratio") {
  Fixture f(pool_yaml(0.1), 10.0, 15000.0);
  REQUIRE(f.pool.oracle_price() == doctest::Approx(2000.0));
  f.world.ledger().mint(f.borrower, f.pool.collateral_token(), 31.0);
  f.pool.open_position(f.world, f.borrower, 10.0, 9000.0);
  f.pool.open_position(f.world, f.borrower, 10.0, 12000.0);
  f.pool.open_position(f.world, f.borrower, 10.0, 5000.0);
  f.pool.open_position(f.world, f.borrower, 1.0, 1000.0);
  {
    // [0.5, 1.0) in 10 bins of 0.05: bin = floor((r − 0.5) / 0.05):
    // 0.54217 → 0 (0.84), 0.60241 → 2 (2.05), 0.72289 → 4 (4.46), 0.90361 → 8 (8.07).
    std::vector<double> bins(10, 0.0);
    f.pool.liquidation_heatmap(0.5, 1.0, bins);
    const std::vector<double> expected{9000, 0, 1000, 0, 12000, 0, 0, 0, 15000, 0};
    for (std::size_t k = 0; k < bins.size(); ++k) CHECK(bins[k] == doctest::Approx(expected[k]));
    double total = 0;
    for (const double d : bins) total += d;
    CHECK(total == doctest::Approx(37000.0));  // every debt but the 5,000 below low
  }
  {
    // [0.5, 0.8) in 10 bins of 0.03: 0.54217 → 1 (1.41), 0.60241 → 3 (3.41), 0.72289 → 7 (7.43);
    // 0.90361 >= high goes to the last bin.
    std::vector<double> bins(10, 0.0);
    f.pool.liquidation_heatmap(0.5, 0.8, bins);
    const std::vector<double> expected{0, 9000, 0, 1000, 0, 0, 0, 12000, 0, 15000};
    for (std::size_t k = 0; k < bins.size(); ++k) CHECK(bins[k] == doctest::Approx(expected[k]));
  }
}
