// Topology generators: realised structure against the generators' definitions.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "cascade/protocols/network/topology.hpp"

using namespace cascade::protocols::network;
using cascade::random::PhiloxStream;
using cascade::random::StreamPurpose;

namespace {
PhiloxEngine engine(std::uint64_t seed) { return PhiloxEngine(PhiloxStream(seed, 0, StreamPurpose::test, 3)); }
}  // namespace

TEST_CASE("Erdős–Rényi: mean degree z within statistical tolerance, Poisson in-degrees") {
  // N = 4000, z = 4: the link count is Binomial(N(N−1), z/(N−1)), mean N·z = 16000, sd ≈ √16000 = 126,
  // so the mean degree has sd 126/4000 = 0.032; 5 sd = 0.16. The share of nodes without a debtor is
  // (1 − p)^(N−1) ≈ e^−4 = 0.0183, sd √(0.0183·0.98/4000) = 0.0021.
  TopologySpec spec;
  spec.nodes = 4000;
  spec.mean_degree = 4.0;
  auto e = engine(11);
  const auto g = generate_topology(spec, e);
  const double mean = static_cast<double>(g.edges.size()) / spec.nodes;
  CHECK(std::fabs(mean - 4.0) < 0.16);
  std::vector<int> in(spec.nodes, 0);
  for (const auto& [a, b] : g.edges) {
    CHECK(a != b);
    ++in[b];
  }
  int isolated = 0;
  for (int d : in) isolated += d == 0;
  CHECK(std::fabs(isolated / 4000.0 - std::exp(-4.0)) < 5 * 0.0021);
  // Another z: 10 on 2000 nodes (sd of the mean 0.07).
  spec.nodes = 2000;
  spec.mean_degree = 10.0;
  const auto g10 = generate_topology(spec, e);
  CHECK(std::fabs(static_cast<double>(g10.edges.size()) / 2000 - 10.0) < 0.35);
}

TEST_CASE("Erdős–Rényi: the same stream gives the same graph") {
  TopologySpec spec;
  spec.nodes = 500;
  auto a = engine(5), b = engine(5), c = engine(6);
  const auto ga = generate_topology(spec, a), gb = generate_topology(spec, b), gc = generate_topology(spec, c);
  CHECK(ga.edges == gb.edges);
  CHECK(ga.edges != gc.edges);
}

TEST_CASE("core-periphery: a complete core, no periphery-periphery links, block densities as asked") {
  // 20 core nodes, 980 periphery: core-core p = 1 ⇒ exactly 20·19 = 380 links; periphery-periphery 0;
  // core → periphery and periphery → core p = 0.05 over 20·980 = 19600 pairs each: mean 980,
  // sd √(19600·0.05·0.95) = 30.5; 5 sd = 153.
  TopologySpec spec;
  spec.kind = TopologyKind::core_periphery;
  spec.nodes = 1000;
  spec.core_nodes = 20;
  spec.core_core = 1.0;
  spec.core_periphery = 0.05;
  spec.periphery_core = 0.05;
  spec.periphery_periphery = 0.0;
  auto e = engine(3);
  const auto g = generate_topology(spec, e);
  int cc = 0, cp = 0, pc = 0, pp = 0;
  for (const auto& [a, b] : g.edges) {
    const bool ca = a < 20, cb = b < 20;
    cc += ca && cb;
    cp += ca && !cb;
    pc += !ca && cb;
    pp += !ca && !cb;
  }
  CHECK(cc == 380);
  CHECK(pp == 0);
  CHECK(std::abs(cp - 980) < 153);
  CHECK(std::abs(pc - 980) < 153);
}

TEST_CASE("small world without rewiring is a ring lattice of mutual exposures") {
  // k = 4: node i is linked to i±1 and i±2 (mod N), in both directions: in- and out-degree exactly 4.
  TopologySpec spec;
  spec.kind = TopologyKind::small_world;
  spec.nodes = 50;
  spec.neighbours = 4;
  spec.rewire = 0.0;
  auto e = engine(1);
  const auto g = generate_topology(spec, e);
  CHECK(g.edges.size() == 200u);
  std::vector<int> in(50, 0), out(50, 0);
  for (const auto& [a, b] : g.edges) {
    ++out[a];
    ++in[b];
    const int gap = std::abs(static_cast<int>(a) - static_cast<int>(b));
    CHECK((gap <= 2 || gap >= 48));
  }
  for (int i = 0; i < 50; ++i) {
    CHECK(in[i] == 4);
    CHECK(out[i] == 4);
  }
}

TEST_CASE("scale-free (PLOD): heavy-tailed out-degrees") {
  // Out-degree ⌊β x^−α⌋ with x uniform on {0..N−1}: with α = 2, β = 2000, N = 1000, the node drawing
  // x = 1 gets 2000 ≥ N − 1 links (capped by duplicates), while x ≥ 45 gives 0: most nodes lend nothing.
  TopologySpec spec;
  spec.kind = TopologyKind::scale_free;
  spec.nodes = 1000;
  spec.plod_alpha = 2.0;
  spec.plod_beta = 2000.0;
  auto e = engine(9);
  const auto g = generate_topology(spec, e);
  std::vector<int> out(1000, 0);
  for (const auto& [a, b] : g.edges) ++out[a];
  int zero = 0, max_degree = 0;
  for (int d : out) {
    zero += d == 0;
    max_degree = std::max(max_degree, d);
  }
  // P(out-degree 0) = P(x = 0 or x ≥ 45) = 956/1000; the largest degree is in the hundreds.
  CHECK(std::fabs(zero / 1000.0 - 0.956) < 0.05);
  CHECK(max_degree > 100);
}
