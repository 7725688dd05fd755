#pragma once
/// @file signal.hpp
/// @brief What a component receives when a node it depends on changes observably.

#include <cstdint>

#include "cascade/core/time.hpp"
#include "cascade/graph/edge_kind.hpp"

namespace cascade::graph {

/// @brief The observable that changed. Level kinds (price, liquidity, equity) count as an impact
/// when they move by ≥ network.signal_threshold relative to the level last propagated (the first
/// report is the baseline); bad_debt when it first becomes positive or grows by the threshold;
/// insolvent and shock once per node.
enum class SignalKind : std::uint8_t { price, liquidity, bad_debt, equity, insolvent, shock };
inline constexpr int kSignalKindCount = 6;
const char* to_string(SignalKind k);

/// @brief One notification delivered along one edge (Component::on_dependency_signal).
struct Signal {
  int source = 0;       ///< node that changed (the edge's tail; for a relay through an asset, the asset)
  int origin = 0;       ///< node whose report started this chain
  int target = 0;       ///< node receiving it
  int edge = 0;         ///< index of the edge it arrived on
  EdgeKind edge_kind = EdgeKind::depends_on;
  double weight = 1.0;  ///< the edge's weight (claim size for exposed_to)
  SignalKind kind = SignalKind::price;
  double value = 0.0;   ///< the reported level (price, bad debt, equity...); 1 for insolvent
  /// For bad_debt and insolvent: the fraction of the source's liabilities lost (0..1), which a
  /// holder of a claim on the source writes down; 0 where the source does not say.
  double loss_fraction = 0.0;
  int hops = 1;         ///< edges travelled from the origin's report
  Time sent = 0;        ///< when the origin reported
};

}  // namespace cascade::graph
