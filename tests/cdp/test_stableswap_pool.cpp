// Curve StableSwap (two coins): invariant, get_y and marginal price against values solved by
// plain bisection on the invariant F(D) = Ann·S + D − Ann·D − D³/(4xy) = 0 (an independent method
// from the contracts' Newton iterations); a pool in a world, in audit mode.
#include <doctest/doctest.h>

#include "cascade/protocols/stableswap/stableswap_pool.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::StableSwapMath;

TEST_CASE("StableSwap invariant and price") {
  // Balanced: D = x + y exactly (Ann·2x + 2x = Ann·2x + (2x)³/(4x²)), price 1 by symmetry.
  CHECK(StableSwapMath::invariant(1e6, 1e6, 200) == doctest::Approx(2e6).epsilon(1e-14));
  CHECK(StableSwapMath::marginal_price(1e6, 1e6, 200) == doctest::Approx(1.0).epsilon(1e-14));
  // Imbalanced 1.5e6 / 0.5e6 at A = 100 (bisection: D = 1,996,715.8215442589, price 0.98276694458).
  CHECK(StableSwapMath::invariant(1.5e6, 0.5e6, 100) == doctest::Approx(1996715.8215442589).epsilon(1e-12));
  CHECK(StableSwapMath::marginal_price(1.5e6, 0.5e6, 100) == doctest::Approx(0.9827669445847061).epsilon(1e-10));
  // get_y keeps D.
  const double d = StableSwapMath::invariant(1.5e6, 0.5e6, 100);
  CHECK(StableSwapMath::other_balance(1.5e6, d, 100) == doctest::Approx(0.5e6).epsilon(1e-12));
  // Near constant sum for a huge A: price → 1 even when imbalanced.
  CHECK(StableSwapMath::marginal_price(1.5e6, 0.5e6, 1e6) == doctest::Approx(1.0).epsilon(1e-4));
}

TEST_CASE("StableSwap pool swaps in a world keep the ledger and the invariant") {
  auto spec = testing::load(R"(experiment: {name: ss, seed: 1, horizon: 1h}
assets: {USDC: {numeraire: true}, DAI: {}}
venues:
  curve: {type: stableswap_pool, reserves: {DAI: 1.0e6, USDC: 1.0e6}, amp: 200, fee: 0.0004}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& pool = w.get<protocols::StableswapPool>("curve");
  const auto trader = w.ledger().open_account("trader");
  w.ledger().mint(trader, w.token("DAI"), 10000.0);
  // Bisection on F(y) with D = 2e6 and x = 1,010,000: dy = 9,999.50246305787; after the 4 bp fee
  // 9,995.502662072648 USDC.
  CHECK(pool.quote_sell_base(10000.0) == doctest::Approx(9995.502662072648).epsilon(1e-11));
  CHECK(pool.sell_base(w, trader, 10000.0) == doctest::Approx(9995.502662072648).epsilon(1e-11));
  CHECK(pool.reserve_base() == doctest::Approx(1.01e6));
  CHECK(pool.price() < 1.0);  // DAI is now the abundant coin
  // Buying it back: quote_buy_base inverts the swap (fee on the output side).
  const double cost = pool.quote_buy_base(5000.0);
  w.ledger().mint(trader, w.numeraire(), cost);
  CHECK(pool.sell_quote(w, trader, cost) == doctest::Approx(5000.0).epsilon(1e-9));
  std::vector<std::string> problems;
  w.ledger().audit(problems);
  for (const auto& c : w.components()) c->audit(w, problems);
  CHECK(problems.empty());
}
