#pragma once
/// @file propagation.hpp
/// @brief One world's contagion bookkeeping: which reports are impacts, where signals go next,
/// and the per-node cascade metrics of the run (README.md here).

#include <cstdint>
#include <vector>

#include "cascade/graph/dependency_graph.hpp"
#include "cascade/graph/signal.hpp"
#include "cascade/output/run_result.hpp"

namespace cascade::graph {

/// @brief Tracks reports, decides which are impacts and produces the deliveries to schedule.
/// Pure bookkeeping (no engine access), so it is tested without a world.
/// @code
/// Propagation p(graph, /*threshold=*/0.05, /*origin=*/-1);
/// for (const auto& d : p.report(node, SignalKind::price, 95.0, 0.0, now)) schedule(d);
/// @endcode
class Propagation {
 public:
  /// A signal due at `at` for `signal.target`.
  struct Delivery {
    Time at = 0;
    Signal signal;
  };

  /// @param origin the shock origin node, or -1 for "the first impacted node".
  Propagation(DependencyGraph graph, double threshold, int origin);

  const DependencyGraph& graph() const { return graph_; }

  /// @brief A node reports the current level of an observable. If it is an impact (see
  /// SignalKind) the node is marked impacted and one delivery per out-edge is returned (assets
  /// relay at once: a delivery to an asset becomes deliveries along the asset's out-edges).
  std::vector<Delivery> report(int node, SignalKind kind, double value, double loss_fraction, Time now);
  /// @brief Forwards a signal a component received and re-emits unchanged (used by relays);
  /// counts the reception and marks the target impacted when it is an asset.
  void received(const Signal& signal, Time now);

  bool impacted(int node) const { return first_impact_[static_cast<std::size_t>(node)] >= 0; }
  bool insolvent(int node) const { return insolvent_at_[static_cast<std::size_t>(node)] >= 0; }
  int origin() const { return origin_; }

  /// @brief Fills cascade_depth, cascade_size, insolvent_nodes, time_to_first_insolvency and
  /// the per-node rows of `/runs/nodes`.
  void finish(output::RunResult& result) const;

 private:
  void impact(int node, Time at);
  void fan_out(const Signal& from, int node, Time at, std::vector<Delivery>& out, int depth);

  DependencyGraph graph_;
  double threshold_;
  int origin_;
  std::vector<Time> first_impact_;
  std::vector<Time> insolvent_at_;
  std::vector<double> last_level_;  // [node * kinds + kind], NaN = no baseline yet
  std::vector<std::uint8_t> fired_;  // one-shot kinds already reported
  std::vector<std::uint32_t> sent_, received_;
};

}  // namespace cascade::graph
