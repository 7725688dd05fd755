#include "cascade/graph/network_analysis.hpp"

#include <cstdio>

namespace cascade::graph {

output::NetworkTables analyse(const DependencyGraph& graph, const config::NetworkSpec& network) {
  output::NetworkTables t;
  t.configured = network.present;
  t.shock_origin = network.shock_origin;
  t.signal_threshold = network.signal_threshold;
  const auto scc = graph.components();
  const auto layers = graph.layers();
  const auto between = graph.betweenness();
  const auto cycles = graph.cycles();
  const auto hops = graph.hops_from(network.shock_origin.empty() ? -1 : graph.find(network.shock_origin));
  t.acyclic = cycles.empty();
  std::vector<int> cycle_of(graph.node_count(), -1);
  for (std::size_t c = 0; c < cycles.size(); ++c) {
    std::vector<std::string> names;
    for (const int v : cycles[c]) {
      cycle_of[static_cast<std::size_t>(v)] = static_cast<int>(c);
      names.push_back(graph.node(v).name);
    }
    t.cycles.push_back(std::move(names));
  }
  std::vector<std::uint32_t> in_degree(graph.node_count(), 0);
  for (const auto& e : graph.edges()) ++in_degree[static_cast<std::size_t>(e.to)];
  for (std::size_t v = 0; v < graph.node_count(); ++v) {
    const auto& n = graph.node(static_cast<int>(v));
    output::NetworkNodeRow row;
    row.name = n.name;
    row.kind = to_string(n.kind);
    row.type = n.type;
    row.layer = layers[v];
    row.scc = scc[v];
    row.cycle = cycle_of[v];
    row.hops = hops[v];
    row.in_degree = in_degree[v];
    row.out_degree = static_cast<std::uint32_t>(graph.out_edges(static_cast<int>(v)).size());
    row.betweenness = between[v];
    t.nodes.push_back(std::move(row));
  }
  for (const auto& e : graph.edges()) {
    t.edges.push_back(output::NetworkEdgeRow{static_cast<std::uint32_t>(e.from), static_cast<std::uint32_t>(e.to),
                                             to_string(e.kind), e.weight, to_seconds(e.latency), e.via});
  }
  return t;
}

output::NetworkTables network_tables(const config::ExperimentSpec& spec) {
  return analyse(DependencyGraph::from_spec(spec), spec.network);
}

std::string format_tables(const output::NetworkTables& t) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%zu nodes, %zu edges, %s\n\n", t.nodes.size(), t.edges.size(),
                t.acyclic ? "acyclic" : (std::to_string(t.cycles.size()) + " cycle class(es)").c_str());
  out += line;
  std::snprintf(line, sizeof line, "%-4s %-22s %-9s %-22s %5s %5s %4s %4s %12s\n", "node", "name", "kind", "type", "layer",
                "hops", "in", "out", "betweenness");
  out += line;
  for (std::size_t v = 0; v < t.nodes.size(); ++v) {
    const auto& n = t.nodes[v];
    std::snprintf(line, sizeof line, "%-4zu %-22s %-9s %-22s %5d %5s %4u %4u %12.4g\n", v, n.name.c_str(), n.kind.c_str(),
                  n.type.empty() ? "-" : n.type.c_str(), n.layer, n.hops < 0 ? "-" : std::to_string(n.hops).c_str(),
                  n.in_degree, n.out_degree, n.betweenness);
    out += line;
  }
  out += "\nedges (contagion flows from -> to):\n";
  for (const auto& e : t.edges) {
    std::snprintf(line, sizeof line, "  %-22s -> %-22s %-14s weight %-10.4g latency %gs  (%s)\n",
                  t.nodes[e.from].name.c_str(), t.nodes[e.to].name.c_str(), e.kind.c_str(), e.weight, e.latency_s,
                  e.via.c_str());
    out += line;
  }
  if (t.cycles.empty()) {
    out += "\nno cycles: the graph is acyclic (layers above are its topological layers)\n";
  } else {
    out += "\ncycles (recursive leverage loops; strongly connected components):\n";
    for (std::size_t c = 0; c < t.cycles.size(); ++c) {
      std::string members;
      for (const auto& name : t.cycles[c]) members += (members.empty() ? "" : ", ") + name;
      out += "  cycle " + std::to_string(c) + ": " + members + "\n";
    }
  }
  if (!t.shock_origin.empty()) out += "\nhops counted from network.shock_origin = " + t.shock_origin + "\n";
  return out;
}

}  // namespace cascade::graph
