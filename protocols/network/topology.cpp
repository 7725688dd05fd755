#include "cascade/protocols/network/topology.hpp"

#include <algorithm>
#include <cmath>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/erdos_renyi_generator.hpp>
#include <boost/graph/plod_generator.hpp>
#include <boost/graph/small_world_generator.hpp>

namespace cascade::protocols::network {

namespace {
using DirectedGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using UndirectedGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

}  // namespace

// Geometric skips over the row-major pair index: O(links), not O(pairs).
void bernoulli_block(EdgeList& out, std::uint32_t r0, std::uint32_t r1, std::uint32_t c0, std::uint32_t c1, double p,
                     random::PhiloxStream& stream, bool skip_diagonal) {
  if (!(p > 0.0) || r1 <= r0 || c1 <= c0) return;
  const std::uint64_t cols = c1 - c0;
  const std::uint64_t pairs = std::uint64_t{r1 - r0} * cols;
  const double log_q = p < 1.0 ? std::log1p(-p) : 0.0;
  std::uint64_t t = 0;
  while (true) {
    if (p < 1.0) {
      // Number of failures before the next success: floor(ln U / ln(1 - p)).
      const double skip = std::floor(std::log(stream.uniform01()) / log_q);
      if (skip >= static_cast<double>(pairs - t)) return;
      t += static_cast<std::uint64_t>(skip);
    }
    if (t >= pairs) return;
    const auto r = static_cast<std::uint32_t>(r0 + t / cols);
    const auto c = static_cast<std::uint32_t>(c0 + t % cols);
    if (r != c || !skip_diagonal) out.edges.emplace_back(r, c);
    ++t;
  }
}

std::vector<std::uint32_t> choose_distinct(std::uint32_t n, std::int64_t k, random::PhiloxStream& stream) {
  std::vector<std::uint32_t> out;
  if (k < 0 || k >= n) {
    for (std::uint32_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  std::vector<std::uint8_t> taken(n, 0);
  while (out.size() < static_cast<std::size_t>(k)) {
    const auto i = static_cast<std::uint32_t>(std::min<double>(n - 1, std::floor(stream.uniform01() * n)));
    if (taken[i]) continue;
    taken[i] = 1;
    out.push_back(i);
  }
  return out;
}

void normalise(EdgeList& list) {
  auto& e = list.edges;
  e.erase(std::remove_if(e.begin(), e.end(), [](const auto& x) { return x.first == x.second; }), e.end());
  std::sort(e.begin(), e.end());
  e.erase(std::unique(e.begin(), e.end()), e.end());
}

EdgeList generate_topology(const TopologySpec& spec, PhiloxEngine& engine) {
  EdgeList out;
  out.nodes = spec.nodes;
  const std::uint32_t n = spec.nodes;
  if (n < 2) return out;
  switch (spec.kind) {
    case TopologyKind::erdos_renyi: {
      const double p = std::min(1.0, spec.mean_degree / static_cast<double>(n - 1));
      if (p <= 0.0) break;
      if (p >= 1.0) {  // the geometric distribution needs p < 1
        bernoulli_block(out, 0, n, 0, n, 1.0, engine.stream(), true);
        break;
      }
      using Iterator = boost::sorted_erdos_renyi_iterator<PhiloxEngine, DirectedGraph>;
      out.edges.reserve(static_cast<std::size_t>(spec.mean_degree * n * 1.1) + 16);
      for (Iterator it(engine, n, p, false), end; it != end; ++it) out.edges.emplace_back(static_cast<std::uint32_t>(it->first), static_cast<std::uint32_t>(it->second));
      break;
    }
    case TopologyKind::scale_free: {
      using Iterator = boost::out_directed_plod_iterator<PhiloxEngine>;
      for (Iterator it(engine, n, spec.plod_alpha, spec.plod_beta, false), end; it != end; ++it)
        out.edges.emplace_back(static_cast<std::uint32_t>(it->first), static_cast<std::uint32_t>(it->second));
      break;
    }
    case TopologyKind::small_world: {
      using Iterator = boost::small_world_iterator<PhiloxEngine, UndirectedGraph>;
      const std::uint32_t k = std::min(spec.neighbours, n - 1);
      for (Iterator it(engine, n, k, spec.rewire, false), end; it != end; ++it) {
        const auto a = static_cast<std::uint32_t>(it->first), b = static_cast<std::uint32_t>(it->second);
        out.edges.emplace_back(a, b);
        out.edges.emplace_back(b, a);
      }
      break;
    }
    case TopologyKind::core_periphery: {
      const std::uint32_t c = std::min(spec.core_nodes, n);
      auto& s = engine.stream();
      bernoulli_block(out, 0, c, 0, c, spec.core_core, s, true);
      bernoulli_block(out, 0, c, c, n, spec.core_periphery, s, true);
      bernoulli_block(out, c, n, 0, c, spec.periphery_core, s, true);
      bernoulli_block(out, c, n, c, n, spec.periphery_periphery, s, true);
      break;
    }
    case TopologyKind::explicit_edges: break;
  }
  normalise(out);
  return out;
}

}  // namespace cascade::protocols::network
