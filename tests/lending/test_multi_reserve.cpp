// lending_market against hand-worked numbers. Prices: ETH 2,000, WBTC 40,000, WSTETH 2,000 and
// USDC 1 (the numeraire); a scripted crash moves one of them at t = 1 min, and the test steps
// the world to t = 2 min. Rates are zero unless a test is about interest, so debts stay put.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "cascade/protocols/lending/lending_market.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::LendingMarket;
using protocols::LiquidationOutcome;
using Status = protocols::LiquidationOutcome::Status;

namespace {

std::string fmt(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// An Aave-v3 market lending USDC and ETH against ETH, WBTC and WSTETH.
// ETH: LTV 0.805, LT 0.83, bonus 5 %; WBTC: 0.73 / 0.78 / 10 %; WSTETH: 0.75 / 0.80 / 5 %.
// E-mode {ETH, WSTETH}: 0.93 / 0.95 / 1 %.
std::string aave_market(const std::string& extra = "", const std::string& model = "aave_v3") {
  return R"(
  m:
    type: lending_market
    model: )" + model + R"(
    oracles: [eth, btc, wst]
    supply: {USDC: 1.0e6, ETH: 1000}
    collaterals: [ETH, WBTC, WSTETH]
    ltv: 0.75
    liquidation_threshold: 0.80
    liquidation_bonus: 0.05
    protocol_fee: 0.10
    reserve_factor: 0.10
    emode: {assets: [ETH, WSTETH], ltv: 0.93, liquidation_threshold: 0.95, liquidation_bonus: 0.01}
    rate: {optimal: 0.9, base: 0, slope1: 0, slope2: 0}
)" + extra;
}

// Replaces the first occurrence of `from` (which must be there) by `to`.
std::string& replace(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

const char* kAavePerAsset = R"(    per_asset:
      ltv: {ETH: 0.805, WBTC: 0.73}
      liquidation_threshold: {ETH: 0.83, WBTC: 0.78}
      liquidation_bonus: {WBTC: 0.10}
)";

std::string world_yaml(const std::string& protocols, double eth_price = 2000, double btc_price = 40000, double wst_price = 2000) {
  auto driver = [](const char* name, const char* asset, double from, double to) {
    return std::string("  ") + name + ": {type: scripted_crash, asset: " + asset + ", initial_price: " + fmt(from) +
           ", drop: " + fmt(1.0 - to / from) + ", crash_at: 1m, over: 0s, tick: 1m}\n";
  };
  return "experiment: {name: market, seed: 1, horizon: 5d}\n"
         "assets: {ETH: {}, WBTC: {}, WSTETH: {}, USDC: {numeraire: true}}\n"
         "drivers:\n" +
         driver("eth", "ETH", 2000, eth_price) + driver("btc", "WBTC", 40000, btc_price) + driver("wst", "WSTETH", 2000, wst_price) +
         "protocols:\n" + protocols;
}

struct Market {
  config::ExperimentSpec spec;
  world::World world;
  LendingMarket& m;
  ledger::AccountId alice, bob, carol, liquidator;
  std::uint32_t usdc, eth, btc, wst;

  explicit Market(const std::string& yaml)
      : spec(with_audit(testing::load(yaml))), world(spec, testing::registry(), world::RunContext{}), m(world.get<LendingMarket>("m")) {
    alice = world.ledger().open_account("alice");
    bob = world.ledger().open_account("bob");
    carol = world.ledger().open_account("carol");
    liquidator = world.ledger().open_account("liquidator");
    world.start();
    usdc = m.reserve_of(world.token("USDC"));
    eth = m.reserve_of(world.token("ETH"));
    btc = m.reserve_of(world.token("WBTC"));
    wst = m.reserve_of(world.token("WSTETH"));
    world.ledger().mint(liquidator, world.token("USDC"), 1e7);
    world.ledger().mint(liquidator, world.token("ETH"), 1e4);
  }
  static config::ExperimentSpec with_audit(config::ExperimentSpec s) {
    s.audit = true;
    return s;
  }
  std::uint32_t open(ledger::AccountId owner, double eth_units, double btc_units = 0, double wst_units = 0, bool emode = false) {
    const auto p = m.open_account(owner, emode);
    const std::pair<std::uint32_t, double> legs[] = {{eth, eth_units}, {btc, btc_units}, {wst, wst_units}};
    for (const auto& [r, units] : legs) {
      if (units <= 0.0) continue;
      world.ledger().mint(owner, m.reserve(r).token, units);
      m.deposit_collateral(world, p, r, units);
    }
    return p;
  }
  void crash() { world.advance_to(2 * kMinute); }
  /// Conservation of every token (ledger) and the market's books, as audit mode checks them.
  void audit() {
    std::vector<std::string> problems;
    world.ledger().audit(problems);
    m.audit(world, problems);
    for (const auto& p : problems) FAIL_CHECK(p);
    CHECK(problems.empty());
  }
};

}  // namespace

TEST_CASE("health factor over several collaterals and debts; LTV caps the borrowing power") {
  Market f(world_yaml(aave_market(kAavePerAsset)));
  const auto p = f.open(f.alice, 10.0, 1.0);
  CHECK(f.m.borrow(f.world, p, f.usdc, 20000.0) == doctest::Approx(20000.0));
  CHECK(f.m.borrow(f.world, p, f.eth, 5.0) == doctest::Approx(5.0));
  // HF = (10·2000·0.83 + 1·40000·0.78) / (20000 + 5·2000) = (16600 + 31200) / 30000 = 1.593333
  CHECK(f.m.health_factor(p) == doctest::Approx(47800.0 / 30000.0));
  // Borrowing power 10·2000·0.805 + 40000·0.73 = 16100 + 29200 = 45300; 15300 left = 7.65 ETH
  CHECK(f.m.borrow(f.world, p, f.eth, 10.0) == doctest::Approx(7.65));
  CHECK(f.m.borrow(f.world, p, f.usdc, 1.0) == doctest::Approx(0.0).epsilon(1e-9));
  // Withdrawing collateral keeps HF ≥ 1: weighted 47800 − debt 45300 = 2500 of slack = 2500/(2000·0.83) ETH
  CHECK(f.m.withdraw_collateral(f.world, p, f.eth, 5.0) == doctest::Approx(2500.0 / 1660.0));
  CHECK(f.m.health_factor(p) == doctest::Approx(1.0));
  f.audit();
}

TEST_CASE("v3.3 close factor: 50 % of the total debt just below HF 1, the whole reserve debt at HF ≤ 0.95") {
  SUBCASE("HF 0.9693 (WBTC at 16,000)") {
    Market f(world_yaml(aave_market(kAavePerAsset), 2000, 16000));
    const auto p = f.open(f.alice, 10.0, 1.0);
    f.m.borrow(f.world, p, f.usdc, 20000.0);
    f.m.borrow(f.world, p, f.eth, 5.0);
    f.crash();
    // HF = (16600 + 16000·0.78) / 30000 = 29080 / 30000 = 0.969333
    REQUIRE(f.m.health_factor(p) == doctest::Approx(0.9693333));
    // 50 % of the total debt value (15,000), capped by the chosen reserve's debt
    CHECK(f.m.max_repayable(p, f.usdc, f.btc) == doctest::Approx(15000.0));
    CHECK(f.m.max_repayable(p, f.eth, f.btc) == doctest::Approx(5.0));  // 7.5 ETH allowed, 5 owed
    // Repay 15,000 USDC for ETH (bonus 5 %): seize 15000/2000·1.05 = 7.875 ETH, bonus 0.375,
    // protocol fee 0.0375 ETH, liquidator gets 7.8375 ETH.
    const auto out = f.m.liquidate(f.world, p, f.usdc, f.eth, 1e9, f.liquidator, 0);
    REQUIRE(out.status == Status::done);
    CHECK(out.debt_repaid == doctest::Approx(15000.0));
    CHECK(out.collateral_seized == doctest::Approx(7.875));
    CHECK(out.protocol_fee == doctest::Approx(0.0375));
    CHECK(out.to_liquidator() == doctest::Approx(7.8375));
    // HF after = (2.125·2000·0.83 + 12480) / (5000 + 10000) = 16007.5 / 15000
    CHECK(f.m.health_factor(p) == doctest::Approx(16007.5 / 15000.0));
    f.audit();
  }
  SUBCASE("single collateral: HF 0.96 → 50 %, HF 0.94 → 100 %, small position → 100 %") {
    // 10 ETH, 15,000 USDC, LT 0.83: HF = 8.3·P / 15000, so P = HF·15000/8.3
    Market above(world_yaml(aave_market(kAavePerAsset), 0.96 * 15000.0 / 8.3));
    const auto a = above.open(above.alice, 10.0);
    above.m.borrow(above.world, a, above.usdc, 15000.0);
    // 1 ETH and 1,500 USDC: HF 0.96 too, but debt and collateral are under $2,000, so 100 %
    const auto small = above.open(above.bob, 1.0);
    above.m.borrow(above.world, small, above.usdc, 1500.0);
    above.crash();
    REQUIRE(above.m.health_factor(a) == doctest::Approx(0.96));
    CHECK(above.m.max_repayable(a, above.usdc, above.eth) == doctest::Approx(7500.0));
    REQUIRE(above.m.health_factor(small) == doctest::Approx(0.96));
    CHECK(above.m.max_repayable(small, above.usdc, above.eth) == doctest::Approx(1500.0));

    Market below(world_yaml(aave_market(kAavePerAsset), 0.94 * 15000.0 / 8.3));
    const auto b = below.open(below.alice, 10.0);
    below.m.borrow(below.world, b, below.usdc, 15000.0);
    below.crash();
    REQUIRE(below.m.health_factor(b) == doctest::Approx(0.94));
    CHECK(below.m.max_repayable(b, below.usdc, below.eth) == doctest::Approx(15000.0));
  }
}

TEST_CASE("collateral runs out: the liquidator picks pairs, and the rest of the debt becomes the deficit") {
  Market f(world_yaml(aave_market(kAavePerAsset), 2000, 10000));
  const auto p = f.open(f.alice, 10.0, 1.0);
  f.m.borrow(f.world, p, f.usdc, 20000.0);
  f.m.borrow(f.world, p, f.eth, 5.0);
  f.crash();
  // HF = (16600 + 10000·0.78) / 30000 = 0.813333 ≤ 0.95: the whole USDC debt may be repaid
  REQUIRE(f.m.health_factor(p) == doctest::Approx(24400.0 / 30000.0));
  CHECK(f.m.max_repayable(p, f.usdc, f.btc) == doctest::Approx(20000.0));
  // USDC against WBTC (bonus 10 %): 20000/10000·1.1 = 2.2 WBTC > 1 held → all 1 WBTC, repay 10000/1.1
  auto out = f.m.liquidate(f.world, p, f.usdc, f.btc, 20000.0, f.liquidator, 0);
  REQUIRE(out.status == Status::done);
  CHECK(out.collateral_seized == doctest::Approx(1.0));
  CHECK(out.debt_repaid == doctest::Approx(10000.0 / 1.1));
  CHECK(out.bonus == doctest::Approx(1.0 - 1.0 / 1.1));
  CHECK(out.bad_debt == 0.0);  // ETH collateral remains: no deficit yet
  // ETH debt against ETH collateral: repay all 5 ETH, seize 5.25 ETH, 4.75 left
  out = f.m.liquidate(f.world, p, f.eth, f.eth, 5.0, f.liquidator, 0);
  REQUIRE(out.status == Status::done);
  CHECK(out.collateral_seized == doctest::Approx(5.25));
  // USDC 20000 − 9090.909 = 10909.091 left against 4.75 ETH = 9500: all seized, repay 9500/1.05 = 9047.619,
  // deficit 10909.091 − 9047.619 = 1861.472
  out = f.m.liquidate(f.world, p, f.usdc, f.eth, 1e9, f.liquidator, 0);
  REQUIRE(out.status == Status::done);
  CHECK(out.debt_repaid == doctest::Approx(9500.0 / 1.05));
  CHECK(out.bad_debt == doctest::Approx(20000.0 - 10000.0 / 1.1 - 9500.0 / 1.05));
  CHECK(f.m.state(f.usdc).deficit == doctest::Approx(1861.4718615));
  CHECK(f.m.debt_of(p, f.usdc) == 0.0);
  CHECK(f.m.bad_debt_value() == doctest::Approx(1861.4718615));
  f.audit();
}

TEST_CASE("toxic spiral: when debt/collateral > 1/(1 + bonus), each liquidation makes the position worse") {
  // ETH LT 0.85, bonus 10 % (0.85·1.1 = 0.935 ≤ 1); ETH falls from 2,000 to 1,000.
  const char* per = R"(    per_asset: {ltv: {ETH: 0.80}, liquidation_threshold: {ETH: 0.85}, liquidation_bonus: {ETH: 0.10}}
)";
  Market f(world_yaml(aave_market(per), 1000));
  const auto toxic = f.open(f.alice, 10.0);
  f.m.borrow(f.world, toxic, f.usdc, 9500.0);  // at 1,000: debt/collateral = 0.95 > 1/1.1 = 0.909
  const auto healthy = f.open(f.bob, 10.0);
  f.m.borrow(f.world, healthy, f.usdc, 8800.0);  // at 1,000: 0.88 < 0.909
  f.crash();
  auto ratio = [&](std::uint32_t p) { return f.m.debt_of(p, f.usdc) / (f.m.collateral_of(p, f.eth) * 1000.0); };
  // Step 0: HF = 0.85/0.95 = 0.894737
  CHECK(f.m.health_factor(toxic) == doctest::Approx(0.85 / 0.95));
  // Step 1: repay 4,750, seize 4.75·1.1 = 5.225 ETH → 4.775 ETH (4,775) against 4,750: ratio 0.994764, HF 0.854474
  REQUIRE(f.m.liquidate(f.world, toxic, f.usdc, f.eth, 4750.0, f.liquidator, 0).status == Status::done);
  CHECK(f.m.collateral_of(toxic, f.eth) == doctest::Approx(4.775));
  CHECK(ratio(toxic) == doctest::Approx(4750.0 / 4775.0));
  CHECK(f.m.health_factor(toxic) == doctest::Approx(0.85 * 4775.0 / 4750.0));
  // Step 2: repay 2,375, seize 2.6125 ETH → 2.1625 ETH (2,162.5) against 2,375: ratio 1.098266, underwater
  REQUIRE(f.m.liquidate(f.world, toxic, f.usdc, f.eth, 2375.0, f.liquidator, 0).status == Status::done);
  CHECK(ratio(toxic) == doctest::Approx(2375.0 / 2162.5));
  CHECK(f.m.health_factor(toxic) == doctest::Approx(0.85 * 2162.5 / 2375.0));
  // Step 3: all 2.1625 ETH for 2162.5/1.1 = 1,965.909; deficit 2375 − 1965.909 = 409.091
  const auto last = f.m.liquidate(f.world, toxic, f.usdc, f.eth, 1e9, f.liquidator, 0);
  CHECK(last.bad_debt == doctest::Approx(2375.0 - 2162.5 / 1.1));
  // Below 1/(1 + bonus) the same liquidation helps: HF 0.85/0.88 = 0.9659 → 50 % = 4,400 repaid,
  // 4.84 ETH seized → 5.16 ETH (5,160) against 4,400: ratio 0.852713 < 0.88, HF 0.996818
  CHECK(f.m.max_repayable(healthy, f.usdc, f.eth) == doctest::Approx(4400.0));
  REQUIRE(f.m.liquidate(f.world, healthy, f.usdc, f.eth, 1e9, f.liquidator, 0).status == Status::done);
  CHECK(ratio(healthy) == doctest::Approx(4400.0 / 5160.0));
  CHECK(f.m.health_factor(healthy) == doctest::Approx(0.85 * 5160.0 / 4400.0));
  f.audit();
}

TEST_CASE("e-mode: correlated assets use the category's LTV, LT and bonus, and borrow only inside it") {
  Market f(world_yaml(aave_market(kAavePerAsset), 2000, 40000, 1900));
  const auto in = f.open(f.alice, 0, 0, 10.0, /*emode=*/true);
  const auto out = f.open(f.bob, 0, 0, 10.0, /*emode=*/false);
  REQUIRE(f.m.in_emode(in));
  // 10 WSTETH = 20,000: e-mode LTV 0.93 → 9.3 ETH; outside e-mode LTV 0.75 → 7.5 ETH
  CHECK(f.m.borrow(f.world, in, f.eth, 20.0) == doctest::Approx(9.3));
  CHECK(f.m.borrow(f.world, out, f.eth, 20.0) == doctest::Approx(7.5));
  CHECK(f.m.borrow(f.world, in, f.usdc, 100.0) == 0.0);  // USDC is outside the category
  // HF = 20000·0.95 / 18600 = 1.021505
  CHECK(f.m.health_factor(in) == doctest::Approx(19000.0 / 18600.0));
  f.crash();  // WSTETH 1,900: HF = 19000·0.95/18600 = 0.970430
  REQUIRE(f.m.health_factor(in) == doctest::Approx(18050.0 / 18600.0));
  // 50 % of 18,600 = 9,300 = 4.65 ETH; seize 4.65·2000/1900·1.01 = 4.943684 WSTETH (e-mode bonus 1 %)
  const auto liq = f.m.liquidate(f.world, in, f.eth, f.wst, 1e9, f.liquidator, 0);
  REQUIRE(liq.status == Status::done);
  CHECK(liq.debt_repaid == doctest::Approx(4.65));
  CHECK(liq.collateral_seized == doctest::Approx(4.65 * 2000.0 / 1900.0 * 1.01));
  f.audit();
}

TEST_CASE("supply and borrow caps; 100 % utilisation stops borrowing and withdrawals") {
  const char* caps = R"(    per_asset: {ltv: {ETH: 0.805, WBTC: 0.73}, liquidation_threshold: {ETH: 0.83, WBTC: 0.78}, supply_cap: {ETH: 1015}, borrow_cap: {USDC: 40000}}
)";
  std::string market = aave_market(caps);
  replace(market, "USDC: 1.0e6", "USDC: 50000");
  {
    Market f(world_yaml(market));
    const auto a = f.open(f.alice, 10.0);
    const auto b = f.open(f.bob, 10.0);  // 1000 supplied + 10 + 5 = cap 1015: only 5 ETH accepted
    CHECK(f.m.collateral_of(b, f.eth) == doctest::Approx(5.0));
    CHECK(f.m.borrow(f.world, a, f.usdc, 16100.0) == doctest::Approx(16100.0));  // 10·2000·0.805
    CHECK(f.m.borrow(f.world, b, f.usdc, 8050.0) == doctest::Approx(8050.0));    // 5·2000·0.805
    const auto c = f.open(f.carol, 0, 1.0);
    // 40,000 cap − 24,150 borrowed = 15,850 (the LTV would allow 29,200)
    CHECK(f.m.borrow(f.world, c, f.usdc, 29200.0) == doctest::Approx(15850.0));
    f.audit();
  }
  replace(market, ", borrow_cap: {USDC: 40000}", "");
  {
    Market f(world_yaml(market));
    const auto a = f.open(f.alice, 10.0);
    f.m.borrow(f.world, a, f.usdc, 16100.0);
    const auto c = f.open(f.carol, 0, 1.0);
    // cash 50,000 − 16,100 = 33,900: carol's 29,200 fits, bob gets the last 4,700
    CHECK(f.m.borrow(f.world, c, f.usdc, 29200.0) == doctest::Approx(29200.0));
    const auto b = f.open(f.bob, 0, 1.0);
    CHECK(f.m.borrow(f.world, b, f.usdc, 29200.0) == doctest::Approx(50000.0 - 16100.0 - 29200.0));  // 4,700
    CHECK(f.m.utilization(f.usdc) == doctest::Approx(1.0));
    CHECK(f.m.borrow(f.world, a, f.usdc, 1.0) == 0.0);
    CHECK(f.m.withdraw_supply(f.world, f.usdc, 1000.0) == 0.0);  // nothing can leave at U = 100 %
    CHECK(f.m.repay(f.world, a, f.usdc, 5000.0) == doctest::Approx(5000.0));
    CHECK(f.m.withdraw_supply(f.world, f.usdc, 10000.0) == doctest::Approx(5000.0));  // only the cash
    f.audit();
  }
}

TEST_CASE("interest over a year against the closed form") {
  // Flat 5 %/year (base 0.05, slopes 0), reserve factor 10 %; 500,000 USDC borrowed of 1e6.
  auto yaml = [](const std::string& model, const std::string& rate) {
    std::string market = aave_market(kAavePerAsset, model);
    replace(market, "rate: {optimal: 0.9, base: 0, slope1: 0, slope2: 0}", "rate: " + rate);
    if (model == "compound_v3")
      market = R"(
  m:
    type: lending_market
    model: compound_v3
    oracles: [btc]
    supply: {USDC: 1.0e6}
    collaterals: [WBTC]
    ltv: 0.80
    liquidation_threshold: 0.85
    reserve_factor: 0.10
    rate: )" + rate + "\n";
    return world_yaml(market);
  };
  const std::string flat = "{optimal: 0.9, base: 0.05, slope1: 0, slope2: 0}";
  const Time year = 365 * kDay;
  SUBCASE("Aave: one accrual = 1 + r + r²/2 + r³/6 (the three-term expansion of (1 + r/T)^T)") {
    Market f(yaml("aave_v3", flat));
    const auto p = f.open(f.alice, 0, 20.0);
    f.m.borrow(f.world, p, f.usdc, 500000.0);
    f.m.accrue(year);
    // 1 + 0.05 + 0.00125 + 0.0000208333 = 1.0512708333 (the (1 − 1/T) factors move it by < 1e-10)
    CHECK(f.m.debt_of(p, f.usdc) == doctest::Approx(500000.0 * 1.0512708333333).epsilon(1e-10));
    // Interest 25,635.42: 10 % to the treasury, 90 % to suppliers
    CHECK(f.m.state(f.usdc).treasury == doctest::Approx(2563.5416667).epsilon(1e-9));
    CHECK(f.m.state(f.usdc).supplier_claims() == doctest::Approx(1e6 + 23071.875).epsilon(1e-10));
  }
  SUBCASE("Aave: daily accruals compound to e^r") {
    Market f(yaml("aave_v3", flat));
    const auto p = f.open(f.alice, 0, 20.0);
    f.m.borrow(f.world, p, f.usdc, 500000.0);
    for (int day = 1; day <= 365; ++day) f.m.accrue(day * kDay);
    // Π over days of (1 + r/T)^86400 = (1 + r/T)^T = e^{T·log1p(r/T)} ≈ e^0.05 = 1.0512710964
    CHECK(f.m.debt_of(p, f.usdc) == doctest::Approx(500000.0 * std::exp(0.05)).epsilon(1e-9));
  }
  SUBCASE("Compound v2 jump rate at U = 0.5 below the kink: simple interest per accrual") {
    // base 0, multiplier 0.05/yr, kink 0.8 → slope1 = 0.05·0.8 = 0.04; r(0.5) = 0.04·0.5/0.8 = 0.025
    Market f(yaml("compound_v2", "{optimal: 0.8, base: 0, slope1: 0.04, slope2: 0.75}"));
    const auto p = f.open(f.alice, 0, 20.0);
    f.m.borrow(f.world, p, f.usdc, 500000.0);
    CHECK(f.m.borrow_rate(f.usdc) == doctest::Approx(0.025));
    f.m.accrue(year);
    CHECK(f.m.debt_of(p, f.usdc) == doctest::Approx(512500.0));  // 500000·(1 + 0.025)
  }
  SUBCASE("Compound v3 above the kink and with daily accruals") {
    Market f(yaml("compound_v3", "{optimal: 0.8, base: 0, slope1: 0.04, slope2: 0.75}"));
    const auto p = f.open(f.alice, 0, 30.0);
    f.m.borrow(f.world, p, f.usdc, 900000.0);
    // U = 0.9: r = 0.04 + 0.75·(0.9 − 0.8)/0.2 = 0.415
    CHECK(f.m.borrow_rate(f.usdc) == doctest::Approx(0.415));
    f.m.accrue(year);
    CHECK(f.m.debt_of(p, f.usdc) == doctest::Approx(900000.0 * 1.415));

    Market g(yaml("compound_v3", flat));
    const auto q = g.open(g.alice, 0, 20.0);
    g.m.borrow(g.world, q, g.usdc, 500000.0);
    for (int day = 1; day <= 365; ++day) g.m.accrue(day * kDay);
    CHECK(g.m.debt_of(q, g.usdc) == doctest::Approx(500000.0 * std::pow(1.0 + 0.05 / 365.0, 365.0)).epsilon(1e-12));
  }
}

TEST_CASE("Compound v3 absorb with a shortfall, then buyCollateral at the storefront discount") {
  // cUSDCv3 launch factors for WETH: borrowCF 0.825, liquidateCF 0.895, liquidationFactor 0.95; SFPF 0.5.
  const std::string comet = R"(
  m:
    type: lending_market
    model: compound_v3
    oracles: [eth, btc]
    supply: {USDC: 1.0e6}
    collaterals: [ETH, WBTC]
    per_asset:
      ltv: {ETH: 0.825, WBTC: 0.70}
      liquidation_threshold: {ETH: 0.895, WBTC: 0.77}
      liquidation_factor: {ETH: 0.95, WBTC: 0.95}
    comet: {store_front_price_factor: 0.5, target_reserves: 5.0e6}
    rate: {optimal: 0.8, base: 0, slope1: 0, slope2: 0}
)";
  Market f(world_yaml(comet, 1500));
  const auto p = f.open(f.alice, 10.0);
  CHECK(f.m.borrow(f.world, p, f.eth, 1.0) == 0.0);  // only the base asset is lent
  CHECK(f.m.borrow(f.world, p, f.usdc, 20000.0) == doctest::Approx(16500.0));  // 0.825·20000
  f.m.repay(f.world, p, f.usdc, 500.0);
  f.crash();
  // ETH 1,500: 15000·0.895 = 13,425 < 16,000 → liquidatable
  REQUIRE(f.m.health_factor(p) == doctest::Approx(13425.0 / 16000.0));
  CHECK(f.m.max_repayable(p, f.usdc, f.eth) == 0.0);  // no partial liquidations on Comet
  const auto out = f.m.absorb(f.world, p, 0);
  REQUIRE(out.status == Status::done);
  // credit = 15000·0.95 = 14,250 < 16,000: the shortfall 1,750 is paid from reserves
  CHECK(out.bad_debt == doctest::Approx(1750.0));
  CHECK(f.m.collateral_of(p, f.eth) == 0.0);
  CHECK(f.m.debt_of(p, f.usdc) == 0.0);
  CHECK(f.m.state(f.eth).inventory == doctest::Approx(10.0));
  CHECK(f.m.reserves() == doctest::Approx(-16000.0));  // reserves lose the whole debt until the ETH is sold
  // Discount 0.5·(1 − 0.95) = 2.5 %: 14,625 USDC buys 14625/(1500·0.975) = 10 ETH
  CHECK(f.m.quote_collateral(f.eth, 14625.0) == doctest::Approx(10.0));
  CHECK(f.m.buy_collateral(f.world, f.liquidator, f.eth, 20000.0) == doctest::Approx(10.0));
  CHECK(f.m.reserves() == doctest::Approx(-1375.0));  // −16000 + 14625: buyers pay 97.5 %, not 95 %
  CHECK(f.m.buy_collateral(f.world, f.liquidator, f.eth, 1000.0) == 0.0);  // nothing left to sell
  f.audit();
}

TEST_CASE("Compound v3 storefront closes once reserves reach the target") {
  const std::string comet = R"(
  m:
    type: lending_market
    model: compound_v3
    oracles: [eth]
    supply: {USDC: 1.0e6}
    collaterals: [ETH]
    per_asset: {ltv: {ETH: 0.825}, liquidation_threshold: {ETH: 0.895}, liquidation_factor: {ETH: 0.95}}
    comet: {store_front_price_factor: 0.5, target_reserves: 0}
    rate: {optimal: 0.8, base: 0, slope1: 0, slope2: 0}
)";
  Market f(world_yaml(comet, 1700));
  const auto p = f.open(f.alice, 10.0);
  f.m.borrow(f.world, p, f.usdc, 16000.0);
  f.crash();
  // ETH 1,700: 17000·0.895 = 15,215 < 16,000; credit 17000·0.95 = 16,150 > 16,000 → 150 becomes a supply balance
  const auto out = f.m.absorb(f.world, p, 0);
  REQUIRE(out.status == Status::done);
  CHECK(out.bad_debt == 0.0);
  CHECK(f.m.state(f.usdc).supplier_claims() == doctest::Approx(1e6 + 150.0));
  CHECK(f.m.reserves() == doctest::Approx(-16150.0));
  // 1,657.5 USDC buys 1657.5/(1700·0.975) = 1 ETH
  CHECK(f.m.buy_collateral(f.world, f.liquidator, f.eth, 1657.5) == doctest::Approx(1.0));
  // 8.8 ETH more for 8.8·1657.5 = 14,586: reserves −16150 + 16243.5 = 93.5 ≥ target 0 …
  CHECK(f.m.buy_collateral(f.world, f.liquidator, f.eth, 8.8 * 1657.5) == doctest::Approx(8.8));
  CHECK(f.m.reserves() == doctest::Approx(93.5));
  // … so the storefront closes with 0.2 ETH still in stock
  CHECK(f.m.buy_collateral(f.world, f.liquidator, f.eth, 100.0) == 0.0);
  CHECK(f.m.state(f.eth).inventory == doctest::Approx(0.2));
  f.audit();
}

TEST_CASE("Compound v2: 50 % close factor at any HF, 8 % incentive, 2.8 % seize share, bad debt stays on the books") {
  const std::string v2 = R"(
  m:
    type: lending_market
    model: compound_v2
    oracles: [eth]
    supply: {USDC: 1.0e6}
    collaterals: [ETH]
    ltv: 0.80
    liquidation_threshold: 0.80
    liquidation_bonus: 0.08
    protocol_seize_share: 0.028
    rate: {optimal: 0.8, base: 0, slope1: 0, slope2: 0}
)";
  {
    Market f(world_yaml(v2, 1500));
    const auto p = f.open(f.alice, 10.0);
    f.m.borrow(f.world, p, f.usdc, 15000.0);
    f.crash();
    // HF = 10·1500·0.8/15000 = 0.8 — far below 0.95, yet only 50 % may be repaid
    REQUIRE(f.m.health_factor(p) == doctest::Approx(0.8));
    CHECK(f.m.max_repayable(p, f.usdc, f.eth) == doctest::Approx(7500.0));
    // seizeTokens = 7500·1.08/1500 = 5.4 ETH; protocol 2.8 % = 0.1512; liquidator 5.2488
    const auto out = f.m.liquidate(f.world, p, f.usdc, f.eth, 1e9, f.liquidator, 0);
    REQUIRE(out.status == Status::done);
    CHECK(out.collateral_seized == doctest::Approx(5.4));
    CHECK(out.protocol_fee == doctest::Approx(0.1512));
    CHECK(out.to_liquidator() == doctest::Approx(5.2488));
  }
  {
    Market f(world_yaml(v2, 1000));
    const auto p = f.open(f.alice, 10.0);
    f.m.borrow(f.world, p, f.usdc, 15000.0);
    f.crash();
    // 7,500 repaid: 8.1 ETH seized, 1.9 ETH (1,900) left against 7,500
    REQUIRE(f.m.liquidate(f.world, p, f.usdc, f.eth, 1e9, f.liquidator, 0).status == Status::done);
    CHECK(f.m.collateral_of(p, f.eth) == doctest::Approx(1.9));
    // A repayment whose seizure exceeds the collateral reverts (LIQUIDATE_SEIZE_TOO_MUCH)
    CHECK(f.m.preview_liquidation(p, f.usdc, f.eth, 3000.0).status == Status::seize_too_much);
    // The largest allowed: 1900/1.08 = 1,759.259; afterwards 5,740.741 of debt has no collateral
    CHECK(f.m.max_repayable(p, f.usdc, f.eth) == doctest::Approx(1900.0 / 1.08));
    CHECK(f.m.preview_liquidation(p, f.usdc, f.eth, 1e9).status == Status::seize_too_much);  // 3,750 → 4.05 ETH
    REQUIRE(f.m.liquidate(f.world, p, f.usdc, f.eth, f.m.max_repayable(p, f.usdc, f.eth), f.liquidator, 0).status == Status::done);
    CHECK(f.m.debt_of(p, f.usdc) == doctest::Approx(7500.0 - 1900.0 / 1.08));
    CHECK(f.m.state(f.usdc).deficit == 0.0);  // nothing written off in v2
    CHECK(f.m.bad_debt_value() == doctest::Approx(7500.0 - 1900.0 / 1.08));
    f.audit();
  }
}

TEST_CASE("liquidation watch list: interest alone can push a position under HF 1") {
  // 10 ETH, 16,000 USDC; ETH at 1931.5663 gives HF = 10·P·0.83/16000 = 1.002, outside the 0.1 %
  // watch margin. A flat 50 %/year rate: the index grows by 1 + 0.5·t/T (Aave's expansion adds
  // < 1e-5 here). After 8.76 h (t/T = 0.001) HF = 1.002/1.0005 = 1.0015: no rescan is needed and
  // the position is safe. After 43.8 h more (index 1.003 in total) HF = 1.002/1.003 < 1: the
  // index has outgrown the margin, the book is scanned again and the position is found.
  std::string market = aave_market(kAavePerAsset);
  replace(market, "rate: {optimal: 0.9, base: 0, slope1: 0, slope2: 0}", "rate: {optimal: 0.9, base: 0.5, slope1: 0, slope2: 0}");
  const double price = 1.002 * 16000.0 / 8.3;
  Market f(world_yaml(market, price));
  const auto p = f.open(f.alice, 10.0);
  f.m.borrow(f.world, p, f.usdc, 16000.0);
  f.crash();
  REQUIRE(f.m.health_factor(p) == doctest::Approx(1.002).epsilon(1e-6));
  CHECK_FALSE(f.m.any_liquidatable());
  const auto scans = f.m.full_scans();
  f.m.accrue(2 * kMinute + static_cast<Time>(0.001 * 365 * kDay));
  CHECK(f.m.health_factor(p) > 1.0);
  CHECK_FALSE(f.m.any_liquidatable());
  CHECK(f.m.full_scans() == scans);  // prices unchanged, index within the margin: the watch list holds
  f.m.accrue(2 * kMinute + static_cast<Time>(0.006 * 365 * kDay));
  CHECK(f.m.health_factor(p) < 1.0);
  CHECK(f.m.any_liquidatable());
  CHECK(f.m.full_scans() == scans + 1);
}
