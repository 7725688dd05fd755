#pragma once
/// @file network_tables.hpp
/// @brief The static dependency-graph analysis as plain tables for `/network` (layout in
/// framework/include/cascade/graph/README.md).

#include <cstdint>
#include <string>
#include <vector>

namespace cascade::output {

struct NetworkNodeRow {
  std::string name;
  std::string kind;  ///< asset, driver, venue, oracle, protocol, agent
  std::string type;  ///< component type, "" for an asset
  std::int32_t layer = 0;
  std::int32_t scc = 0;          ///< strongly connected component id
  std::int32_t cycle = -1;       ///< index into /network/cycles, -1 if on no cycle
  std::int32_t hops = -1;        ///< from network.shock_origin (-1: unreachable or no origin given)
  std::uint32_t in_degree = 0;
  std::uint32_t out_degree = 0;
  double betweenness = 0;
};

struct NetworkEdgeRow {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::string kind;
  double weight = 1;
  double latency_s = 0;
  std::string via;  ///< parameter path, "issuer" or "exposure"
};

struct NetworkTables {
  std::vector<NetworkNodeRow> nodes;
  std::vector<NetworkEdgeRow> edges;
  std::vector<std::vector<std::string>> cycles;  ///< node names of each cycle class
  bool acyclic = true;
  std::string shock_origin;        ///< as configured ("" = the first impacted node of each run)
  double signal_threshold = 0.05;
  bool configured = false;         ///< the experiment has a network: section

  bool empty() const { return nodes.empty(); }
};

}  // namespace cascade::output
