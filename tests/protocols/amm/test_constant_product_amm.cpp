// Constant-product AMM against the x·y = k formula (Uniswap v2 getAmountOut).
#include <doctest/doctest.h>

#include <cmath>

#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::ConstantProductMath;

TEST_CASE("selling into a 1,000 ETH / 2,000,000 USDC pool costs what x·y = k says") {
  // out = 0.997·Δx·y / (x + 0.997·Δx); cost vs spot 2000 per ETH.
  // 10 ETH: 19,940,000 / 1,009.97 = 19,743.16 → 1.28 %;  50 ETH: 99,700,000 / 1,049.85 = 94,965.9475 → 5.03 %;
  // 100 ETH: 199,400,000 / 1,099.7 = 181,322.18 → 9.32 %  (defi-mechanics.md §5: 1.28 %, 5.0 %, 9.3 %)
  CHECK(ConstantProductMath::amount_out(10, 1000, 2e6, 0.003) == doctest::Approx(19743.16).epsilon(1e-6));
  CHECK(ConstantProductMath::amount_out(50, 1000, 2e6, 0.003) == doctest::Approx(94965.947).epsilon(1e-7));
  CHECK(ConstantProductMath::amount_out(100, 1000, 2e6, 0.003) == doctest::Approx(181322.18).epsilon(1e-7));
  const double impact_50 = 1.0 - ConstantProductMath::amount_out(50, 1000, 2e6, 0.003) / (50 * 2000.0);
  CHECK(impact_50 == doctest::Approx(0.0503).epsilon(1e-3));
}

TEST_CASE("amount_in inverts amount_out") {
  const double out = ConstantProductMath::amount_out(37.5, 1000, 2e6, 0.003);
  CHECK(ConstantProductMath::amount_in(out, 1000, 2e6, 0.003) == doctest::Approx(37.5).epsilon(1e-12));
  CHECK(std::isinf(ConstantProductMath::amount_in(2e6, 1000, 2e6, 0.003)));
}

TEST_CASE("the arbitrage trade brings the marginal price to the outside price") {
  // Pool at 2000, outside at 1800: sell a = (sqrt(0.997·1000·2e6/1800) − 1000)/0.997 = 52.668 ETH.
  const double a = ConstantProductMath::input_to_reach(1000, 2e6, 0.003, 1.0 / 1800.0);
  CHECK(a == doctest::Approx(52.6681).epsilon(1e-5));
  // The marginal proceeds of one more unit at that size equal 1800 USDC (numerical derivative).
  const double h = 1e-4;
  const double marginal = (ConstantProductMath::amount_out(a + h, 1000, 2e6, 0.003) - ConstantProductMath::amount_out(a - h, 1000, 2e6, 0.003)) / (2 * h);
  CHECK(marginal == doctest::Approx(1800.0).epsilon(1e-7));
  // Inside the fee band (outside price 1997 > 2000·0.997 = 1994) there is no trade.
  CHECK(ConstantProductMath::input_to_reach(1000, 2e6, 0.003, 1.0 / 1997.0) == 0.0);
}

TEST_CASE("a pool in a world moves value through the ledger and keeps k growing with fees") {
  auto spec = testing::load(R"(
experiment: {name: amm, seed: 1, horizon: 2m}
assets: {ETH: {}, USDC: {numeraire: true}}
venues: {amm: {type: constant_product_amm, reserves: {USDC: 2000000, ETH: 1000}, fee: 0.003}}
agents: {whale: {type: scripted_seller, venue: amm, at: 1m, amount: 50}}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& amm = w.get<protocols::ConstantProductAmm>("amm");
  CHECK(amm.base_asset() == "ETH");  // the numeraire is the quote side whatever the order
  CHECK(amm.price() == doctest::Approx(2000.0));
  w.advance_to(2 * kMinute);
  CHECK(amm.reserve_base() == doctest::Approx(1050.0));
  CHECK(amm.reserve_quote() == doctest::Approx(2e6 - 94965.9475163).epsilon(1e-12));
  CHECK(amm.reserve_base() * amm.reserve_quote() > 1000.0 * 2e6);  // the fee stays in the pool
  CHECK(w.ledger().balance(w.ledger().account_count() - 1, w.token("USDC")) == doctest::Approx(94965.9475163).epsilon(1e-12));
}

TEST_CASE("a sale far larger than the pool leaves a positive reserve and price") {
  // Selling 1e15 ETH into 0.01 ETH / 20 USDC: the quote reserve becomes
  // 20 · 0.01 / (0.01 + 0.997e15) ≈ 2e-16 — tiny but positive, so the price stays defined.
  auto spec = testing::load(R"(
experiment: {name: amm, seed: 1, horizon: 2m}
assets: {ETH: {}, USDC: {numeraire: true}}
venues: {amm: {type: constant_product_amm, reserves: {ETH: 0.01, USDC: 20}}}
agents: {whale: {type: scripted_seller, venue: amm, at: 1m, amount: 1.0e15}}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& amm = w.get<protocols::ConstantProductAmm>("amm");
  CHECK(amm.reserve_quote() > 0.0);
  CHECK(amm.reserve_quote() == doctest::Approx(20 * 0.01 / (0.01 + 0.997e15)).epsilon(1e-9));
  CHECK(amm.price() > 0.0);
}
