#include "graph_command.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cascade/core/error.hpp"
#include "cascade/graph/network_analysis.hpp"
#include "cascade/world/registry.hpp"

namespace cascade {

void graph_command(const std::string& file, const world::Registry& registry,
                   const std::vector<config::Override>& overrides, const std::string& dot_path) {
  const auto spec = config::load_experiment(file, registry, overrides);
  const auto g = graph::DependencyGraph::from_spec(spec);
  const auto tables = graph::analyse(g, spec.network);
  if (dot_path == "-") {
    std::printf("%s", g.to_dot(spec.name).c_str());
    return;
  }
  std::printf("%s — dependency graph\n%s", spec.name.c_str(), graph::format_tables(tables).c_str());
  if (dot_path.empty()) return;
  std::ofstream out(dot_path);
  out << g.to_dot(spec.name);
  if (!out) throw Error("cannot write '" + dot_path + "'");
  std::printf("wrote %s (render: dot -Tpng %s -o graph.png)\n", dot_path.c_str(), dot_path.c_str());
}

void print_cascade_summary(const runner::Plan& plan, const runner::EnsembleReport& report) {
  if (!plan.base.network.present) return;
  std::printf("\n%-6s %-28s %9s %9s %10s %9s %14s\n", "point", "values", "depth", "size", "insolvent", "P(insol)",
              "t first insol");
  for (std::size_t p = 0; p < plan.points.size() && p < report.points.size(); ++p) {
    const auto& st = report.points[p];
    if (st.n_ok == 0) continue;  // failed, or not in this shard
    // (a stream, not string appends: GCC 12's -Wrestrict misfires on them here, PR 105651)
    std::ostringstream joined;
    for (std::size_t i = 0; i < plan.points[p].assignments.size(); ++i)
      joined << (i == 0 ? "" : " | ") << plan.points[p].assignments[i].value;
    const std::string params = plan.points[p].assignments.empty() ? std::string("-") : joined.str();
    char t_text[32] = "-";
    if (std::isfinite(st.time_to_first_insolvency_mean)) std::snprintf(t_text, sizeof t_text, "%.0f s", st.time_to_first_insolvency_mean);
    std::printf("%-6zu %-28.28s %9.2f %9.2f %10.2f %9.2f %14s\n", p, params.c_str(), st.cascade_depth_mean,
                st.cascade_size_mean, st.insolvent_nodes_mean, st.prob_insolvency, t_text);
  }
  std::printf("(dependency graph: depth = largest hop distance of an impacted node from the shock origin, size = impacted "
              "nodes; per node in /runs/nodes, static analysis in /network)\n");
}

}  // namespace cascade
