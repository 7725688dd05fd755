// Fire sales of overlapping portfolios: Caccioli et al. (2014) rounds and Greenwood, Landier &
// Thesmar (2015) vulnerability, by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "cascade/protocols/network/fire_sale.hpp"

using namespace cascade::protocols::network;

namespace {
// Bank 0 holds 1 share of asset 0; bank 1 holds 1/2 of asset 0 and 1/2 of asset 1; bank 2 holds 1
// share of asset 1. Portfolios are worth 1 at the initial prices; total shares 3/2 of each asset.
Holdings three_banks() { return Holdings::from_entries(3, 2, {{0, 0, 1.0}, {1, 0, 0.5}, {1, 1, 0.5}, {2, 1, 1.0}}); }

FireSaleSpec caccioli_spec(const Holdings& h) {
  FireSaleSpec s;
  s.alpha = {1.0536 / h.total_shares()[0], 1.0536 / h.total_shares()[1]};  // x = fraction of holdings sold
  return s;
}
}  // namespace

TEST_CASE("Caccioli: bank 0 fails; at leverage 2 the others survive") {
  // Round 1: bank 0 sells its share of asset 0: x0 = 1/(3/2) = 2/3, p0 = exp(−1.0536·2/3) = 0.495395.
  // Bank 1: 0.5·0.495395 + 0.5 = 0.747697 > debt 1 − 1/2 = 0.5. Round 2: nobody sells.
  const auto h = three_banks();
  const std::vector<double> debt(3, 0.5), target(3, 2.0), no_shock(2, 0.0);
  const auto r = fire_sale(h, debt, target, no_shock, {0}, caccioli_spec(h));
  CHECK(r.failed == std::vector<std::uint8_t>{1, 0, 0});
  CHECK(r.rounds == 1);
  CHECK(r.prices[0] == doctest::Approx(std::exp(-1.0536 * 2.0 / 3.0)).epsilon(1e-12));
  CHECK(r.prices[0] == doctest::Approx(0.495395).epsilon(1e-6));
  CHECK(r.prices[1] == 1.0);
  CHECK(r.equity[1] == doctest::Approx(0.5 * 0.495395 + 0.5 - 0.5).epsilon(1e-5));
}

TEST_CASE("Caccioli: at leverage 5 the failure spreads through the common asset in three rounds") {
  // Debt 1 − 1/5 = 0.8. Round 1 as above: bank 1 is worth 0.747697 ≤ 0.8. Round 2: bank 1 fails and
  // sells 1/2 of each asset: x0 = 1, p0 = e^−1.0536 = 0.348680; x1 = 1/3, p1 = e^−0.3512 = 0.703843;
  // bank 2 is worth 0.703843 ≤ 0.8. Round 3: bank 2 sells its share, x1 = 1, p1 = 0.348680. Round 4: none.
  const auto h = three_banks();
  const std::vector<double> debt(3, 0.8), target(3, 5.0), no_shock(2, 0.0);
  const auto r = fire_sale(h, debt, target, no_shock, {0}, caccioli_spec(h));
  CHECK(r.failures == 3);
  CHECK(r.rounds == 3);
  CHECK(r.prices[0] == doctest::Approx(0.348680).epsilon(1e-5));
  CHECK(r.prices[1] == doctest::Approx(0.348680).epsilon(1e-5));
  CHECK(r.sold[0] == doctest::Approx(1.5).epsilon(1e-12));
  // Linear impact with the same α: p0 after round 1 = 1 − 1.0536·2/3 = 0.2976; bank 1 is worth
  // 0.5·0.2976 + 0.5 = 0.6488 ≤ 0.8; round 2: x0 = 1 ⇒ p0 = max(0, 1 − 1.0536) = 0; x1 = 1/3 ⇒
  // p1 = 1 − 0.3512 = 0.6488; bank 2 fails; round 3: p1 = 0.
  auto linear = caccioli_spec(h);
  linear.impact = PriceImpact::linear;
  const auto l = fire_sale(h, debt, target, no_shock, {0}, linear);
  CHECK(l.failures == 3);
  CHECK(l.prices[0] == 0.0);
  CHECK(l.prices[1] == 0.0);
}

TEST_CASE("Greenwood-Landier-Thesmar: aggregate vulnerability and systemicness by hand") {
  // Bank 0: 1 share of each asset (a0 = 2), debt 1.5 (e0 = 0.5, b0 = 3). Bank 1: 2 shares of asset 1
  // (a1 = 2), debt 1 (e1 = 1, b1 = 1). Shock F = (−0.1, 0); ℓ = 0.1 per share (= per dollar at p = 1).
  // a R: bank 0 −0.1, bank 1 0 ⇒ sales φ = b a R: 0.3 and 0, pro rata: 0.15 of each asset.
  // Price returns −ℓ·0.15 = −0.015 on both. Losses: bank 0: 2·0.015 = 0.03; bank 1: 2·0.015 = 0.03.
  // AV = 0.06 / 1.5 = 0.04; IV = (0.03/0.5, 0.03/1) = (0.06, 0.03);
  // S0 = Σ_k V_k ℓ M_0k φ0 / E = (1·0.1·0.5 + 3·0.1·0.5)·0.3 / 1.5 = 0.04 = AV, S1 = 0.
  const auto h = Holdings::from_entries(2, 2, {{0, 0, 1.0}, {0, 1, 1.0}, {1, 1, 2.0}});
  const auto v = vulnerability(h, {1.5, 1.0}, {-0.1, 0.0}, {0.1, 0.1});
  CHECK(v.aggregate == doctest::Approx(0.04).epsilon(1e-12));
  CHECK(v.indirect[0] == doctest::Approx(0.06).epsilon(1e-12));
  CHECK(v.indirect[1] == doctest::Approx(0.03).epsilon(1e-12));
  CHECK(v.systemicness[0] == doctest::Approx(0.04).epsilon(1e-12));
  CHECK(v.systemicness[1] == 0.0);
}

TEST_CASE("Greenwood-Landier-Thesmar: one round of leverage targeting, simulated") {
  // Same banks. Prices after the shock (0.9, 1). Bank 0: V = 1.9, E = 0.4, target λ = 2/0.5 = 4 ⇒ sells
  // 1.9 − 4·0.4 = 0.3 = 3/19 of each holding, repays debt to 1.2. Bank 1: V = 2, E = 1 = V/2: no sale.
  // Shares sold 3/19 of each asset ⇒ p = (0.9, 1)·(1 − 0.1·3/19) = (0.9, 1)·18.7/19.
  // Equity: bank 0 (16/19)(1.9·18.7/19) − 1.2 = 568.48/361 − 1.2 = 0.374737; bank 1 2·18.7/19 − 1 = 0.968421.
  const auto h = Holdings::from_entries(2, 2, {{0, 0, 1.0}, {0, 1, 1.0}, {1, 1, 2.0}});
  FireSaleSpec s;
  s.response = SaleResponse::target_leverage;
  s.impact = PriceImpact::linear;
  s.alpha = {0.1, 0.1};
  s.max_rounds = 1;
  const auto r = fire_sale(h, {1.5, 1.0}, {4.0, 2.0}, {-0.1, 0.0}, {}, s);
  CHECK(r.rounds == 1);
  CHECK(r.failures == 0);
  CHECK(r.sold[0] == doctest::Approx(3.0 / 19).epsilon(1e-12));
  CHECK(r.prices[0] == doctest::Approx(0.9 * 18.7 / 19).epsilon(1e-12));
  CHECK(r.prices[1] == doctest::Approx(18.7 / 19).epsilon(1e-12));
  CHECK(r.equity[0] == doctest::Approx(568.48 / 361 - 1.2).epsilon(1e-12));
  CHECK(r.equity[1] == doctest::Approx(2 * 18.7 / 19 - 1).epsilon(1e-12));
}
