#pragma once
/// @file network_analysis.hpp
/// @brief The static analysis of an experiment's dependency graph, as written to `/network` and
/// printed by `cascade graph`.

#include <string>

#include "cascade/config/experiment_spec.hpp"
#include "cascade/graph/dependency_graph.hpp"
#include "cascade/output/network_tables.hpp"

namespace cascade::graph {

/// @brief Nodes (kind, type, layer, strongly connected component, cycle, hops from
/// network.shock_origin, degrees, betweenness), edges and cycles of the graph.
output::NetworkTables analyse(const DependencyGraph& graph, const config::NetworkSpec& network);

/// @brief analyse(DependencyGraph::from_spec(spec), spec.network).
output::NetworkTables network_tables(const config::ExperimentSpec& spec);

/// @brief The tables as text: a node table, the edges, the cycles (or "acyclic") and layers.
std::string format_tables(const output::NetworkTables& tables);

}  // namespace cascade::graph
