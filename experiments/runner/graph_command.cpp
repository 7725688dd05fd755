#include "graph_command.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

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
  const auto replicas = static_cast<std::size_t>(plan.base.replicas);
  std::printf("\n%-6s %-28s %9s %9s %10s %9s %14s\n", "point", "values", "depth", "size", "insolvent", "P(insol)",
              "t first insol");
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    double depth = 0, size = 0, insolvent = 0, any = 0, t_sum = 0;
    std::size_t n = 0, n_t = 0;
    for (std::size_t r = 0; r < replicas; ++r) {
      const auto& s = report.summaries[p * replicas + r];
      if (s.status != 0) continue;
      ++n;
      depth += s.cascade_depth;
      size += s.cascade_size;
      insolvent += s.insolvent_nodes;
      if (s.insolvent_nodes > 0) any += 1;
      if (std::isfinite(s.time_to_first_insolvency)) {
        t_sum += s.time_to_first_insolvency;
        ++n_t;
      }
    }
    const double d = n > 0 ? static_cast<double>(n) : 1.0;
    std::string params;
    for (const auto& a : plan.points[p].assignments) params += (params.empty() ? "" : " | ") + a.value;
    if (params.empty()) params = "-";
    char t_text[32] = "-";
    if (n_t > 0) std::snprintf(t_text, sizeof t_text, "%.0f s", t_sum / static_cast<double>(n_t));
    std::printf("%-6zu %-28.28s %9.2f %9.2f %10.2f %9.2f %14s\n", p, params.c_str(), depth / d, size / d, insolvent / d,
                any / d, t_text);
  }
  std::printf("(dependency graph: depth = largest hop distance of an impacted node from the shock origin, size = impacted "
              "nodes; per node in /runs/nodes, static analysis in /network)\n");
}

}  // namespace cascade
