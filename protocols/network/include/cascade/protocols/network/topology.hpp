#pragma once
/// @file topology.hpp
/// @brief Random directed topologies for balance-sheet networks: Erdős–Rényi, scale-free
/// (PLOD), small-world (Watts–Strogatz) from Boost.Graph's generators, and core-periphery.

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "cascade/random/philox_stream.hpp"

namespace cascade::protocols::network {

/// @brief A PhiloxStream as a C++/Boost uniform random bit generator, so Boost.Graph's
/// generators draw from the replica's own counter-based stream (deterministic for any thread
/// count). Boost's distributions are Boost's own code, identical on every platform.
class PhiloxEngine {
 public:
  using result_type = std::uint64_t;
  explicit PhiloxEngine(random::PhiloxStream stream) : stream_(stream) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return stream_.next_u64(); }
  random::PhiloxStream& stream() { return stream_; }

 private:
  random::PhiloxStream stream_;
};

enum class TopologyKind { erdos_renyi, scale_free, small_world, core_periphery, explicit_edges };

/// @brief What to generate. Only the fields of `kind` are used.
struct TopologySpec {
  TopologyKind kind = TopologyKind::erdos_renyi;
  std::uint32_t nodes = 100;
  double mean_degree = 4.0;        ///< erdos_renyi: each ordered pair linked with p = z/(N−1)
  double plod_alpha = 2.0;         ///< scale_free: out-degree ⌊β·x^−α⌋, x uniform on {1..N−1}
  double plod_beta = 100.0;
  std::uint32_t neighbours = 4;    ///< small_world: ring lattice degree k (even)
  double rewire = 0.1;             ///< small_world: rewiring probability
  std::uint32_t core_nodes = 10;   ///< core_periphery: nodes [0, core) form the core
  double core_core = 1.0;          ///< link probabilities per ordered pair, by block
  double core_periphery = 0.0;     ///< core node borrows from a periphery node
  double periphery_core = 0.0;     ///< periphery node borrows from a core node
  double periphery_periphery = 0.0;
};

/// @brief Directed edges (a, b): a borrows from b (b holds a claim on a). No self-loops, no
/// duplicates, sorted by (a, b).
struct EdgeList {
  std::uint32_t nodes = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
};

/// @brief Draws one topology from `engine`.
/// - erdos_renyi: Boost `sorted_erdos_renyi_iterator` on a directed graph (geometric skips, O(E)).
/// - scale_free: Boost `out_directed_plod_iterator` (Palmer & Steffan 2000), duplicates dropped.
/// - small_world: Boost `small_world_iterator` (Watts & Strogatz 1998); each undirected link
///   becomes two directed edges (mutual exposures), so in- and out-degree are both k on average.
/// - core_periphery: independent links with a probability per block (core/periphery × core/
///   periphery), drawn with geometric skips.
EdgeList generate_topology(const TopologySpec& spec, PhiloxEngine& engine);

/// @brief Appends every pair (r, c), r in [r0, r1), c in [c0, c1), each independently with
/// probability p (r = c skipped when `skip_diagonal`), drawing geometric skips from `stream`:
/// O(pairs drawn), not O(pairs).
void bernoulli_block(EdgeList& out, std::uint32_t r0, std::uint32_t r1, std::uint32_t c0, std::uint32_t c1, double p,
                     random::PhiloxStream& stream, bool skip_diagonal);

/// @brief k distinct indices of [0, n), uniformly at random by rejection, in draw order (all of
/// [0, n) in order when k < 0 or k ≥ n).
std::vector<std::uint32_t> choose_distinct(std::uint32_t n, std::int64_t k, random::PhiloxStream& stream);

/// @brief Sorts and removes duplicate edges and self-loops.
void normalise(EdgeList& list);

}  // namespace cascade::protocols::network
