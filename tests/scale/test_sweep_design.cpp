// Sweep designs: random, Latin hypercube and Sobol' against their defining properties and the
// published Sobol' points; the loader's range syntax, its mapping onto parameter ranges and its
// diagnostics. Grid and zip expansion are tested in tests/framework/config/test_loader.cpp.

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "cascade/config/loader.hpp"
#include "cascade/config/sweep_design.hpp"
#include "register_all.hpp"

namespace {

using namespace cascade::config;

const cascade::world::Registry& registry() {
  static const cascade::world::Registry r = [] {
    cascade::world::Registry reg;
    cascade::register_all(reg);
    return reg;
  }();
  return r;
}

std::string base_yaml() {
  std::ifstream in(std::string(CASCADE_TEST_DATA_DIR) + "/cli/base.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ExperimentSpec load(const std::string& sweep) {
  return load_experiment_text(base_yaml() + sweep, "test.yaml", CASCADE_TEST_DATA_DIR, registry());
}

std::string diagnostics_of(const std::string& sweep) {
  try {
    load(sweep);
  } catch (const ConfigError& e) {
    return e.diagnostics().to_string();
  }
  return "";
}

}  // namespace

TEST_CASE("Sobol' points match Joe & Kuo's published sequence") {
  // The first eight points of Joe & Kuo's sobol.cc (new-joe-kuo-6.21201) in three dimensions,
  // Gray-code order, point 0 = origin — e.g. web.maths.unsw.edu.au/~fkuo/sobol/ and
  // scipy.stats.qmc.Sobol(d=3, scramble=False). Each is a dyadic rational, so exact.
  const std::vector<std::vector<double>> expected{
      {0, 0, 0},           {0.5, 0.5, 0.5},     {0.75, 0.25, 0.25},   {0.25, 0.75, 0.75},
      {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}};
  const auto points = sobol_points(8, 3);
  REQUIRE(points.size() == 8);
  for (std::size_t i = 0; i < 8; ++i) {
    INFO("point " << i);
    CHECK(points[i] == expected[i]);
  }
}

TEST_CASE("Sobol' points use every Joe–Kuo dimension: the first 2^m points are a (0, m, 1)-net in each") {
  // Every one-dimensional projection of a Sobol' sequence is a (0, m, 1)-net in base 2: the first
  // 2^m points put exactly one point in each interval [j/2^m, (j+1)/2^m). A wrong direction number
  // (any m_i even or ≥ 2^i) breaks this for that dimension.
  constexpr std::size_t n = 64;
  const auto points = sobol_points(n, kSobolMaxDimensions);
  for (std::size_t d = 0; d < kSobolMaxDimensions; ++d) {
    std::set<long> cells;
    for (const auto& p : points) cells.insert(static_cast<long>(std::floor(p[d] * n)));
    INFO("dimension " << d + 1);
    CHECK(cells.size() == n);
  }
  // Point 5 in dimensions 6..21, as scipy.stats.qmc.Sobol(d=21, scramble=False) gives it (an
  // independent implementation of the same Joe–Kuo table; all 256 × 21 first points agree).
  const std::vector<double> point5{0.625, 0.875, 0.375, 0.375, 0.125, 0.375, 0.875, 0.875,
                                   0.125, 0.875, 0.375, 0.875, 0.375, 0.375, 0.625, 0.625};
  CHECK(std::vector<double>(points[5].begin() + 5, points[5].end()) == point5);
  // Point 1 is (1/2, ..., 1/2) in every dimension: the first direction number is always 1/2.
  for (double x : points[1]) CHECK(x == 0.5);
  CHECK_THROWS(SobolSequence(kSobolMaxDimensions + 1));
}

TEST_CASE("a Sobol' projection's third point follows the second direction number") {
  // Gray-code order: x_1 = v_1 and x_2 = v_1 xor v_2, with v_1 = m_1/2 = 1/2 and v_2 = m_2/4.
  // Joe–Kuo m_2 for dimensions 3, 4 and 5 is 3, 3 and 1, so x_2 = 0.10b xor 0.11b = 0.25,
  // 0.25 and 0.10b xor 0.01b = 0.75.
  const auto points = sobol_points(3, 5);
  CHECK(points[2][2] == 0.25);
  CHECK(points[2][3] == 0.25);
  CHECK(points[2][4] == 0.75);
}

TEST_CASE("a Latin hypercube hits each stratum of each dimension exactly once") {
  for (const std::size_t n : {1u, 7u, 50u}) {
    const auto points = lhs_points(n, 4, 12345);
    REQUIRE(points.size() == n);
    for (std::size_t d = 0; d < 4; ++d) {
      std::set<long> strata;
      for (const auto& p : points) {
        CHECK(p[d] >= 0.0);
        CHECK(p[d] < 1.0);
        strata.insert(static_cast<long>(std::floor(p[d] * static_cast<double>(n))));
      }
      INFO("n = " << n << ", dimension " << d);
      CHECK(strata.size() == n);
    }
  }
  // Different seeds permute differently; the same seed repeats exactly.
  CHECK(lhs_points(20, 2, 1) == lhs_points(20, 2, 1));
  CHECK(lhs_points(20, 2, 1) != lhs_points(20, 2, 2));
}

TEST_CASE("random points are uniform: mean near 1/2, and reproducible by seed") {
  const auto points = random_points(4000, 2, 99);
  for (std::size_t d = 0; d < 2; ++d) {
    double sum = 0;
    for (const auto& p : points) sum += p[d];
    // sd of the mean of 4000 U(0,1) = sqrt(1/12/4000) = 0.00456; 5 sd = 0.023.
    CHECK(std::abs(sum / 4000 - 0.5) < 0.023);
  }
  CHECK(random_points(5, 2, 99) == random_points(5, 2, 99));
  // Adding a dimension does not change the others (one stream per dimension).
  CHECK(random_points(5, 3, 99)[4][1] == points[4][1]);
}

TEST_CASE("a sobol sweep maps points onto the parameter ranges, linear, log and integer") {
  const ExperimentSpec spec = load(R"(
sweep:
  design: sobol
  points: 4
  parameters:
    protocols.pool.liquidation_bonus: {low: 0.02, high: 0.10}
    venues.amm.fee: {low: 0.0001, high: 0.01, scale: log}
    agents.borrowers.count: {low: 10, high: 90}
)");
  CHECK(spec.sweep.design == "sobol");
  const auto points = expand_sweep(spec.sweep);
  REQUIRE(points.size() == 4);
  // Unit points (0,0,0), (.5,.5,.5), (.75,.25,.25), (.25,.75,.75):
  // bonus = 0.02 + u·0.08; fee = 10^(-4 + 2u); count = round(10 + 80u); numbers are written
  // with 15 significant digits.
  const std::vector<std::vector<std::string>> expected{
      {"0.02", "1e-04", "10"}, {"0.06", "0.001", "50"}, {"0.08", "0.000316227766016838", "30"}, {"0.04", "0.00316227766016838", "70"}};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("point " << i);
    REQUIRE(points[i].assignments.size() == 3);
    CHECK(points[i].assignments[0].value == expected[i][0]);
    CHECK(points[i].assignments[1].value == expected[i][1]);
    CHECK(points[i].assignments[2].value == expected[i][2]);
  }
  const ExperimentSpec p1 = spec_for_point(spec, points[1], registry());
  CHECK(p1.find("pool")->params.number("liquidation_bonus") == doctest::Approx(0.06).epsilon(1e-15));
  CHECK(p1.find("borrowers")->params.integer("count") == 50);
  // The normalised YAML keeps the design and reads back to the same points.
  const ExperimentSpec again = load_experiment_text(spec.normalized_yaml(), "n.yaml", CASCADE_TEST_DATA_DIR, registry());
  CHECK(again.sweep.points == 4);
  CHECK(expand_sweep(again.sweep)[3].assignments[2].value == "70");
}

TEST_CASE("random and lhs sweeps draw from the sweep seed, defaulting to the experiment seed") {
  const std::string sweep = R"(
sweep:
  design: lhs
  points: 10
  parameters:
    protocols.pool.liquidation_bonus: {low: 0.02, high: 0.12}
)";
  const ExperimentSpec spec = load(sweep);
  CHECK(spec.sweep.seed == 7);  // experiment.seed in base.yaml
  const auto points = expand_sweep(spec.sweep);
  REQUIRE(points.size() == 10);
  std::set<long> strata;  // one point per 0.01-wide stratum of [0.02, 0.12)
  for (const auto& p : points) strata.insert(static_cast<long>(std::floor((std::stod(p.assignments[0].value) - 0.02) / 0.01)));
  CHECK(strata.size() == 10);
  const ExperimentSpec seeded = load(R"(
sweep:
  design: random
  points: 3
  seed: 11
  parameters:
    protocols.pool.liquidation_bonus: {low: 0.02, high: 0.12}
)");
  CHECK(seeded.sweep.seed == 11);
  const auto r = expand_sweep(seeded.sweep);
  REQUIRE(r.size() == 3);
  for (const auto& p : r) {
    CHECK(std::stod(p.assignments[0].value) >= 0.02);
    CHECK(std::stod(p.assignments[0].value) <= 0.12);
  }
}

TEST_CASE("range sweeps report every mistake with its key path") {
  const std::string text = diagnostics_of(R"(
sweep:
  design: sobol
  parameters:
    protocols.pool.liquidation_bonus: {low: 0.2, high: 0.1}
    venues.amm.fee: [0.001, 0.003]
    oracles.oracle.source: {low: 1, high: 2}
    protocols.pool.ltv: {low: 0.5, hgh: 0.7}
)");
  CHECK(text.find("sweep.points: design 'sobol' needs points:") != std::string::npos);
  CHECK(text.find("sweep.parameters.protocols.pool.liquidation_bonus: low must be below high") != std::string::npos);
  CHECK(text.find("sweep.parameters.venues.amm.fee: design 'sobol' samples a range") != std::string::npos);
  CHECK(text.find("sweep.parameters.oracles.oracle.source: design 'sobol' samples numbers") != std::string::npos);
  CHECK(text.find("sweep.parameters.protocols.pool.ltv.hgh: unknown key 'hgh'") != std::string::npos);
  CHECK(text.find("sweep.parameters.protocols.pool.ltv.high: missing high") != std::string::npos);
  const std::string log_text = diagnostics_of(R"(
sweep:
  design: random
  points: 3
  parameters:
    venues.amm.fee: {low: 0, high: 0.01, scale: log}
)");
  CHECK(log_text.find("scale: log needs low > 0") != std::string::npos);
  const std::string grid_points = diagnostics_of(R"(
sweep:
  design: grid
  points: 3
  parameters:
    venues.amm.fee: [0.001]
)");
  CHECK(grid_points.find("points: is for the random, lhs and sobol designs") != std::string::npos);
}
