// Eisenberg–Noe clearing and Rogers–Veraart default costs on networks solved by hand.
#include <doctest/doctest.h>

#include <numeric>
#include <vector>

#include "cascade/protocols/network/balance_sheet_network.hpp"
#include "cascade/protocols/network/topology.hpp"

using namespace cascade::protocols::network;

namespace {
// The three-bank example: e = (1/2, 5/8, 3/4), l = (3/2, 1/2, 1/2), rows of L = (0, 1−x, x),
// (x, 0, 1−x), (1−x, x, 0). Every bank owes 1 to the others, so p̄ = (5/2, 3/2, 3/2).
ClearingResult three_banks(double x, double alpha, double beta) {
  auto m = LiabilityMatrix::from_entries(3, {{0, 1, 1 - x}, {0, 2, x}, {1, 0, x}, {1, 2, 1 - x}, {2, 0, 1 - x}, {2, 1, x}});
  return clearing_vector(m, {0.5, 0.625, 0.75}, {1.5, 0.5, 0.5}, alpha, beta);
}
}  // namespace

TEST_CASE("Eisenberg-Noe: three banks, x = 0 (a ring 0 → 1 → 2 → 0)") {
  // Bank 0 receives at most p2·(1/1.5) = 1 and has 1/2: 3/2 < 5/2, so it defaults.
  // Guess D = {0, 1}: p2 = 3/2 ⇒ p0 = 1/2 + (2/3)(3/2) = 3/2; p1 = 5/8 + (1/2.5)(3/2) = 49/40 < 3/2 (in
  // default, consistent); bank 2: 3/4 + (2/3)(49/40) = 3/4 + 49/60 = 47/30 ≥ 3/2, solvent. Consistent,
  // and the greatest: bank 0 and 1 default in every clearing vector.
  const auto r = three_banks(0.0, 1.0, 1.0);
  REQUIRE(r.converged);
  CHECK(r.payments[0] == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(r.payments[1] == doctest::Approx(49.0 / 40).epsilon(1e-12));
  CHECK(r.payments[2] == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(r.defaults == 2);
  CHECK(r.defaulted == std::vector<std::uint8_t>{1, 1, 0});
  CHECK(r.shortfall == doctest::Approx((2.5 - 1.5) + (1.5 - 49.0 / 40)).epsilon(1e-12));
}

TEST_CASE("Eisenberg-Noe: three banks, x = 1/2 (everyone owes 1/2 to each other bank)") {
  // Π rows: (0, 1/5, 1/5), (1/3, 0, 1/3), (1/3, 1/3, 0). With D = {0, 1}, p2 = 3/2:
  // p0 = 1/2 + p1/3 + 1/2, p1 = 5/8 + p0/5 + 1/2 ⇒ p0·14/15 = 11/8 ⇒ p0 = 165/112, p1 = 159/112.
  // Bank 2: 3/4 + p0/5 + p1/3 = 84/112 + 33/112 + 53/112 = 170/112 ≥ 168/112: solvent.
  const auto r = three_banks(0.5, 1.0, 1.0);
  REQUIRE(r.converged);
  CHECK(r.payments[0] == doctest::Approx(165.0 / 112).epsilon(1e-12));
  CHECK(r.payments[1] == doctest::Approx(159.0 / 112).epsilon(1e-12));
  CHECK(r.payments[2] == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(r.defaults == 2);
}

TEST_CASE("Eisenberg-Noe: three banks, x = 1 (the ring reversed, 0 → 2 → 1 → 0)") {
  // Bank 0 receives p1·(1/1.5) ≤ 1: defaults. D = {0}: p1 = 3/2 ⇒ p0 = 1/2 + 1 = 3/2;
  // bank 2: 3/4 + p0/2.5 = 3/4 + 3/5 = 27/20 < 3/2 ⇒ defaults, D = {0, 2}: p2 = 27/20 (bank 2 receives
  // only from 0, who is unaffected by p2); bank 1: 5/8 + (2/3)·p2 = 5/8 + 9/10 = 61/40 ≥ 3/2: solvent.
  const auto r = three_banks(1.0, 1.0, 1.0);
  REQUIRE(r.converged);
  CHECK(r.payments[0] == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(r.payments[1] == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(r.payments[2] == doctest::Approx(27.0 / 20).epsilon(1e-12));
  CHECK(r.defaulted == std::vector<std::uint8_t>{1, 0, 1});
}

TEST_CASE("Rogers-Veraart costs (alpha = 0.5, beta = 0.7): three banks, x = 0, everyone defaults") {
  // From p̄: p0 = 0.25 + 0.7·(2/3)·1.5 = 0.95; bank 1 gets 5/8 + 0.95/2.5 = 1.005 < 1.5 ⇒ default,
  // p1 = 0.3125 + 0.28·0.95 = 0.5785; bank 2 gets 3/4 + (2/3)·0.5785 < 1.5 ⇒ default. All in default:
  //   p0 = 1/4 + (7/15) p2,  p1 = 5/16 + (7/25) p0,  p2 = 3/8 + (7/15) p1
  // ⇒ p1 = 153/400 + (49/375) p2, p2 = 3/8 + 1071/6000 + (343/5625) p2 = 1107/2000 + (343/5625) p2
  // ⇒ p2 = (1107/2000)(5625/5282) = 49815/84512, p1 = 38835/84512, p0 = 44375/84512.
  const auto r = three_banks(0.0, 0.5, 0.7);
  REQUIRE(r.converged);
  CHECK(r.defaults == 3);
  CHECK(r.payments[0] == doctest::Approx(44375.0 / 84512).epsilon(1e-12));
  CHECK(r.payments[1] == doctest::Approx(38835.0 / 84512).epsilon(1e-12));
  CHECK(r.payments[2] == doctest::Approx(49815.0 / 84512).epsilon(1e-12));
  // Default costs destroy value: the Eisenberg–Noe payments are higher for every bank.
  const auto en = three_banks(0.0, 1.0, 1.0);
  for (int i = 0; i < 3; ++i) CHECK(r.payments[i] < en.payments[i]);
}

TEST_CASE("Rogers-Veraart costs: three banks, x = 1") {
  // Ring 0 → 2 → 1 → 0. From p̄: bank 0 gets 1/2 + (2/3)(3/2) = 3/2 < 5/2 ⇒ default, p0 = 1/4 + (7/15)(3/2)
  // = 0.95; bank 2 gets 3/4 + (2/5)(0.95) = 1.13 < 3/2 ⇒ default, p2 = 3/8 + (7/25)(0.95) = 0.641; bank 1
  // gets 5/8 + (2/3)(0.641) = 1.05 < 3/2 ⇒ default. All in default:
  //   p0 = 1/4 + (7/15) p1,  p2 = 3/8 + (7/25) p0,  p1 = 5/16 + (7/15) p2
  // ⇒ p1 = 5/16 + 7/40 + 49/1500 + (343/5625) p1 = 3121/6000 + (343/5625) p1
  // ⇒ p1 = (3121/6000)(5625/5282) = 46815/84512; p0 = 1/4 + (7/15) p1 = 42975/84512;
  //   p2 = 3/8 + (7/25) p0 = 43725/84512.
  const auto r = three_banks(1.0, 0.5, 0.7);
  REQUIRE(r.converged);
  CHECK(r.defaults == 3);
  CHECK(r.payments[0] == doctest::Approx(42975.0 / 84512).epsilon(1e-12));
  CHECK(r.payments[1] == doctest::Approx(46815.0 / 84512).epsilon(1e-12));
  CHECK(r.payments[2] == doctest::Approx(43725.0 / 84512).epsilon(1e-12));
}

TEST_CASE("a solvent system pays in full; alpha = beta = 1 is Eisenberg-Noe") {
  auto m = LiabilityMatrix::from_entries(2, {{0, 1, 1.0}, {1, 0, 1.0}});
  const auto r = clearing_vector(m, {0.1, 0.1}, {0.0, 0.0});
  CHECK(r.defaults == 0);
  CHECK(r.payments == std::vector<double>{1.0, 1.0});  // the greatest of all p = (t, t), t ≤ 1
}

TEST_CASE("the clearing vector does not depend on how nodes are labelled") {
  // A random 60-node network with heterogeneous external assets; relabel by a permutation σ
  // (node i becomes σ(i)) and the clearing payments move with the labels.
  PhiloxEngine engine(cascade::random::PhiloxStream(7, 0, cascade::random::StreamPurpose::test, 1));
  TopologySpec spec;
  spec.nodes = 60;
  spec.mean_degree = 3;
  const auto edges = generate_topology(spec, engine);
  std::vector<LiabilityMatrix::Entry> entries, relabelled;
  std::vector<std::uint32_t> sigma(60);
  std::iota(sigma.begin(), sigma.end(), 0u);
  for (std::uint32_t i = 0; i < 60; ++i) std::swap(sigma[i], sigma[i + engine() % (60 - i)]);
  std::vector<double> e(60), l(60), e2(60), l2(60);
  for (std::uint32_t i = 0; i < 60; ++i) {
    e[i] = 0.05 + 0.3 * engine.stream().uniform01();
    l[i] = 0.5 * engine.stream().uniform01();
    e2[sigma[i]] = e[i];
    l2[sigma[i]] = l[i];
  }
  for (const auto& [a, b] : edges.edges) {
    const double amount = 0.2 + engine.stream().uniform01();
    entries.push_back({a, b, amount});
    relabelled.push_back({sigma[a], sigma[b], amount});
  }
  for (double alpha : {1.0, 0.6}) {
    const auto r1 = clearing_vector(LiabilityMatrix::from_entries(60, entries), e, l, alpha, alpha);
    const auto r2 = clearing_vector(LiabilityMatrix::from_entries(60, relabelled), e2, l2, alpha, alpha);
    REQUIRE(r1.converged);
    REQUIRE(r2.converged);
    CHECK(r1.defaults > 0);  // the test means something only if some nodes default
    CHECK(r1.defaults == r2.defaults);
    for (std::uint32_t i = 0; i < 60; ++i) {
      CHECK(r1.payments[i] == doctest::Approx(r2.payments[sigma[i]]).epsilon(1e-10));
      CHECK(r1.defaulted[i] == r2.defaulted[sigma[i]]);
    }
  }
}
