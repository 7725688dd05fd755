#pragma once
/// @file dependency_graph.hpp
/// @brief The dependency graph of a world (DESIGN §6): every asset and component is a node; typed
/// edges come from the YAML wiring (schema references, asset issuers) and from explicit
/// `network.exposures`. An edge u → v points the way contagion flows. See README.md here.

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cascade/config/experiment_spec.hpp"
#include "cascade/core/time.hpp"
#include "cascade/graph/edge_kind.hpp"

namespace cascade::graph {

enum class NodeKind { asset, driver, venue, oracle, protocol, agent };
const char* to_string(NodeKind k);

struct NodeInfo {
  std::string name;
  NodeKind kind = NodeKind::asset;
  std::string type;  ///< component type ("" for an asset)
};

struct EdgeInfo {
  int from = 0;
  int to = 0;
  EdgeKind kind = EdgeKind::depends_on;
  double weight = 1.0;  ///< claim size for exposed_to, 1 otherwise
  Time latency = 0;     ///< delay of a signal along the edge
  std::string via;      ///< the parameter path it comes from ("collateral", "issuer", "exposure")
};

/// The Boost.Graph view: one vertex per node, one edge per dependency (bundled EdgeInfo index).
using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                                         boost::property<boost::edge_index_t, int>>;

/// @brief Nodes, typed edges and the static analyses (cycles, layers, betweenness, hop distances).
/// @code
/// auto g = DependencyGraph::from_spec(spec);
/// for (const auto& cycle : g.cycles()) { /* recursive leverage loop */ }
/// @endcode
class DependencyGraph {
 public:
  /// @brief Nodes: the assets (file order), then the components (build order), so the node of
  /// component id c is asset_count() + c. Edges: every reference parameter (kind and direction
  /// from its schema annotation), every asset issuer, every exposure.
  static DependencyGraph from_spec(const config::ExperimentSpec& spec);

  int add_node(std::string name, NodeKind kind, std::string type = {});
  int add_edge(int from, int to, EdgeKind kind, double weight = 1.0, Time latency = 0, std::string via = {});

  std::size_t node_count() const { return nodes_.size(); }
  std::size_t edge_count() const { return edges_.size(); }
  int asset_count() const { return asset_count_; }
  const NodeInfo& node(int i) const { return nodes_[static_cast<std::size_t>(i)]; }
  const EdgeInfo& edge(int i) const { return edges_[static_cast<std::size_t>(i)]; }
  const std::vector<NodeInfo>& nodes() const { return nodes_; }
  const std::vector<EdgeInfo>& edges() const { return edges_; }
  /// Edge indices leaving `node`, in insertion order.
  const std::vector<int>& out_edges(int node) const { return out_[static_cast<std::size_t>(node)]; }
  /// Node with this name, or -1.
  int find(const std::string& name) const;
  const BoostGraph& boost_graph() const { return graph_; }

  /// @brief Strongly connected component of every node (Tarjan, via Boost), numbered in reverse
  /// topological order of the condensation.
  std::vector<int> components() const;
  /// @brief Every cycle class: strongly connected components of ≥ 2 nodes, or one node with an
  /// edge to itself; each sorted by node index, the list sorted by its first node.
  std::vector<std::vector<int>> cycles() const;
  /// Whether the graph has no cycle.
  bool acyclic() const { return cycles().empty(); }
  /// @brief Topological layer of every node: 0 for a node nothing points to, else 1 + the
  /// largest layer of its predecessors, computed on the condensation (the nodes of a cycle share
  /// a layer).
  std::vector<int> layers() const;
  /// @brief Brandes betweenness centrality (directed, unnormalised, parallel edges counted once):
  /// for each v, the sum over ordered pairs (s, t), s ≠ v ≠ t, of the share of shortest s → t
  /// paths through v.
  std::vector<double> betweenness() const;
  /// Hop distance from `origin` along edges (breadth-first), -1 where unreachable.
  std::vector<int> hops_from(int origin) const;
  /// Graphviz text (nodes shaped by kind, edges labelled by kind).
  std::string to_dot(const std::string& title) const;

 private:
  std::vector<NodeInfo> nodes_;
  std::vector<EdgeInfo> edges_;
  std::vector<std::vector<int>> out_;
  BoostGraph graph_;
  int asset_count_ = 0;
};

}  // namespace cascade::graph
