// PSM ↔ secondary-market arbitrage: trade sizes and profits from the constant-product closed
// form, worked out by hand (python3 one-liners in the comments), in audit mode.
#include <doctest/doctest.h>

#include <string>

#include "cascade/agents/peg_arbitrageur/peg_arbitrageur.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "cascade/protocols/cdp/psm.hpp"
#include "cascade/protocols/stableswap/stableswap_pool.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {
std::string peg_world(double dai_reserve, double usdc_reserve, double tin, double tout) {
  return R"(experiment: {name: peg, seed: 1, horizon: 1h}
assets: {USDC: {numeraire: true}, DAI: {}, MKR: {}}
venues:
  pool: {type: constant_product_amm, reserves: {DAI: )" +
         std::to_string(dai_reserve) + ", USDC: " + std::to_string(usdc_reserve) + R"(}, fee: 0.003}
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR, market: pool}
  psm: {type: psm, system: maker, gem: USDC, tin: )" +
         std::to_string(tin) + ", tout: " + std::to_string(tout) + R"(}
agents:
  arb: {type: peg_arbitrageur, psm: psm, venue: pool, capital: 1.0e7}
)";
}

void check_books(const world::World& w) {
  std::vector<std::string> problems;
  w.ledger().audit(problems);
  for (const auto& c : w.components()) c->audit(w, problems);
  for (const auto& p : problems) FAIL_CHECK(p);
}
}  // namespace

TEST_CASE("DAI above the peg: mint in the PSM, sell in the pool down to 1/(1 - tin)") {
  auto spec = testing::load(peg_world(1e6, 1.1e6, 0.001, 0.0));
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& arb = w.get<agents::PegArbitrageur>("arb");
  const auto& pool = w.get<protocols::ConstantProductAmm>("pool");
  const auto& psm = w.get<protocols::Psm>("psm");
  CHECK(w.get<protocols::CdpSystem>("maker").stablecoin_price() == doctest::Approx(1.1));
  // Sell a DAI until the marginal output γxy/(x + γa)² = 1/(1 − tin):
  // a = (sqrt(γ·x·y·(1 − tin)) − x)/γ = 46,851.2588 (γ = 0.997, x = 1e6, y = 1.1e6); the PSM mints
  // it for a/(1 − tin) = 46,898.1570 USDC; the pool pays y − xy/(x + γa) = 49,088.8029 USDC;
  // profit 2,190.6460.
  const double profit = arb.arbitrage(w);
  CHECK(pool.reserve_base() == doctest::Approx(1e6 + 46851.258795).epsilon(1e-9));
  CHECK(psm.debt() == doctest::Approx(46898.156952).epsilon(1e-9));
  CHECK(profit == doctest::Approx(2190.6460).epsilon(1e-7));
  // Nothing left to gain.
  CHECK(arb.arbitrage(w) == doctest::Approx(0.0).epsilon(1e-6));
  check_books(w);
}

TEST_CASE("DAI below the peg: buy in the pool up to 1/(1 + tout), redeem in the PSM") {
  auto spec = testing::load(peg_world(1e6, 0.9e6, 0.0, 0.002));
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& psm = w.get<protocols::Psm>("psm");
  // Someone parked 100,000 USDC in the PSM earlier, so it holds gem to redeem.
  const auto seed = w.ledger().open_account("seed");
  w.ledger().mint(seed, w.numeraire(), 100000.0);
  psm.sell_gem(w, seed, 100000.0);
  auto& arb = w.get<agents::PegArbitrageur>("arb");
  // Pay b USDC until γxy/(y + γb)² = 1 + tout: b = (sqrt(γ·x·y/(1 + tout)) − y)/γ = 46,452.7217
  // (x = 1e6 DAI, y = 0.9e6 USDC); it gets x − xy/(y + γb) = 48,940.8322 DAI and redeems
  // 48,940.8322/1.002 = 48,843.1459 USDC; profit 2,390.4242.
  const double profit = arb.arbitrage(w);
  CHECK(profit == doctest::Approx(2390.4242).epsilon(1e-7));
  CHECK(psm.debt() == doctest::Approx(100000.0 - 48843.145926).epsilon(1e-9));
  check_books(w);
}

TEST_CASE("peg arbitrage against a StableSwap pool stops where the marginal price meets the PSM") {
  auto spec = testing::load(R"(experiment: {name: peg-ss, seed: 1, horizon: 1h}
assets: {USDC: {numeraire: true}, DAI: {}, MKR: {}}
venues:
  curve: {type: stableswap_pool, reserves: {DAI: 0.5e6, USDC: 1.5e6}, amp: 100, fee: 0.0004}
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR, market: curve}
  psm: {type: psm, system: maker, gem: USDC, tin: 0.001, tout: 0}
agents:
  arb: {type: peg_arbitrageur, psm: psm, venue: curve, capital: 1.0e7}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& pool = w.get<protocols::StableswapPool>("curve");
  // DAI is the scarce coin: by symmetry its price is 1 / 0.98276694458 = 1.01753 (see the
  // StableSwap test). Arbitrage sells PSM-minted DAI until the marginal USDC per DAI net of the
  // 4 bp fee equals the PSM cost 1/(1 − 0.001) = 1.001001.
  CHECK(pool.price() == doctest::Approx(1.0 / 0.9827669445847061).epsilon(1e-10));
  const double profit = w.get<agents::PegArbitrageur>("arb").arbitrage(w);
  CHECK(profit > 0.0);
  // (Up to the fee kept in the pool, which raises D slightly after the trade.)
  CHECK(pool.marginal_after(0.0) == doctest::Approx(1.0 / 0.999).epsilon(1e-5));
  CHECK(w.get<protocols::Psm>("psm").debt() == doctest::Approx((pool.reserve_base() - 0.5e6) / 0.999).epsilon(1e-9));
  check_books(w);
}
