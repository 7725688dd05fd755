// The `cascade` command: run, validate, list, describe.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <numeric>

#include "cascade/core/version.hpp"
#include "cascade/runner/ensemble_runner.hpp"
#include "graph_command.hpp"
#include "register_all.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;    // runs failed or the output could not be written
constexpr int kExitBadInput = 2;   // configuration, input file or command-line error
constexpr int kExitInterrupted = 130;

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(h);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// The `outputs.summary` columns: mean final value per point, one column per metric.
void print_metric_table(const cascade::runner::Plan& plan, const cascade::runner::EnsembleReport& report) {
  const auto& wanted = plan.base.outputs.summary;
  if (wanted.empty()) return;
  std::vector<std::size_t> columns;
  for (const auto& w : wanted) {
    const auto it = std::find(report.final_metric_names.begin(), report.final_metric_names.end(), w);
    if (it != report.final_metric_names.end()) columns.push_back(static_cast<std::size_t>(it - report.final_metric_names.begin()));
  }
  std::vector<int> widths;
  std::printf("\n%-6s %-28s", "point", "values");
  for (const auto c : columns) {
    const std::string& name = report.final_metric_names[c];
    widths.push_back(std::max(12, static_cast<int>(name.size())));
    std::printf(" %*s", widths.back(), name.c_str());
  }
  std::printf("\n");
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    std::string params;
    for (const auto& a : plan.points[p].assignments) params += (params.empty() ? "" : " | ") + a.value;
    if (params.empty()) params = "-";
    std::printf("%-6zu %-28.28s", p, params.c_str());
    for (std::size_t k = 0; k < columns.size(); ++k) std::printf(" %*.6g", widths[k], report.final_metric_means[p][columns[k]]);
    std::printf("\n");
  }
  std::printf("(outputs.summary: mean over replicas of each metric's value at the horizon; all per run in /runs/metrics)\n");
}

void print_summary(const cascade::runner::Plan& plan, const cascade::runner::EnsembleReport& report) {
  const auto replicas = static_cast<std::size_t>(plan.base.replicas);
  std::printf("\n%s — %zu point(s) × %zu replicas, %.1f s\n", plan.base.name.c_str(), plan.points.size(), replicas,
              report.wall_time_s);
  if (!plan.base.sweep.parameters.empty()) {
    std::printf("parameters:");
    for (const auto& sp : plan.base.sweep.parameters) std::printf(" %s", sp.path.c_str());
    std::printf("\n");
  }
  std::printf("%-6s %-44s %9s %11s %13s %9s %12s %12s %8s\n", "point", "values", "min price", "liq. count",
              "liq. value", "debt0", "bad debt", "bad p95", "P(bad)");
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    std::vector<double> bad, value, count, min_price, debt0;
    for (std::size_t r = 0; r < replicas; ++r) {
      const auto& s = report.summaries[p * replicas + r];
      if (s.status != 0) continue;
      bad.push_back(s.bad_debt);
      value.push_back(s.liquidated_value);
      count.push_back(static_cast<double>(s.n_liquidations));
      min_price.push_back(s.min_price);
      debt0.push_back(s.initial_debt);
    }
    auto mean = [](const std::vector<double>& v) { return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); };
    std::string params;
    for (const auto& a : plan.points[p].assignments) params += (params.empty() ? "" : " | ") + a.value;
    if (params.empty()) params = "-";
    const double p_bad = bad.empty() ? 0.0 : static_cast<double>(std::count_if(bad.begin(), bad.end(), [](double b) { return b > 0.0; })) / static_cast<double>(bad.size());
    std::printf("%-6zu %-44.44s %9.2f %11.1f %13.4g %9.3g %12.4g %12.4g %8.2f\n", p, params.c_str(), mean(min_price),
                mean(count), mean(value), mean(debt0), mean(bad), quantile(bad, 0.95), p_bad);
  }
  std::printf("(means over replicas; values in the numeraire; debt0 = debt outstanding at t = 0)\n");
  print_metric_table(plan, report);
  if (report.n_failed > 0) {
    std::printf("\n%llu run(s) FAILED:\n", static_cast<unsigned long long>(report.n_failed));
    for (const auto& e : report.first_errors) std::printf("  %s\n", e.c_str());
  }
}

std::vector<cascade::config::Override> parse_overrides(const std::vector<std::string>& sets, int replicas, long long seed) {
  std::vector<cascade::config::Override> overrides;
  for (const auto& s : sets) overrides.push_back(cascade::config::parse_override(s));
  if (replicas > 0) overrides.push_back({"experiment.replicas", std::to_string(replicas), "--replicas"});
  if (seed >= 0) overrides.push_back({"experiment.seed", std::to_string(seed), "--seed"});
  return overrides;
}

}  // namespace

int main(int argc, char** argv) {
  cascade::world::Registry registry;
  cascade::register_all(registry);

  CLI::App app{"cascade — agent-based simulation of leverage, liquidations and contagion in crypto markets"};
  app.set_version_flag("--version", std::string(cascade::version()) + " (" + cascade::git_revision() + ")");
  app.require_subcommand(1);

  std::string file, output;
  std::vector<std::string> sets;
  int threads = 0, replicas = 0;
  long long seed = -1;
  bool audit = false, quiet = false;

  auto* run = app.add_subcommand("run", "run an experiment and write its HDF5 file");
  run->add_option("file", file, "experiment YAML")->required();
  run->add_option("-o,--output", output, "output HDF5 file (default: results/<experiment name>.h5)");
  run->add_option("--threads", threads, "worker threads (default: all cores)")->check(CLI::Range(1, 4096));
  run->add_option("--replicas", replicas, "override experiment.replicas")->check(CLI::Range(1, 1 << 30));
  run->add_option("--seed", seed, "override experiment.seed")->check(CLI::NonNegativeNumber);
  run->add_option("--set", sets, "override a key: --set protocols.aave.liquidation_bonus=0.075 (repeatable)");
  run->add_flag("--audit", audit, "check ledger conservation and protocol books after every event");
  run->add_flag("-q,--quiet", quiet, "no progress bar and no summary table");

  auto* validate = app.add_subcommand("validate", "check an experiment file and print what it would run");
  validate->add_option("file", file, "experiment YAML")->required();
  validate->add_option("--set", sets, "override a key (repeatable)");
  validate->add_option("--replicas", replicas, "override experiment.replicas")->check(CLI::Range(1, 1 << 30));

  std::string dot_path;
  auto* graph = app.add_subcommand("graph", "print an experiment's dependency graph: nodes, edges, cycles, layers, centrality");
  graph->add_option("file", file, "experiment YAML")->required();
  graph->add_option("--set", sets, "override a key (repeatable)");
  graph->add_option("--dot", dot_path, "also write Graphviz to this file ('-': print only the Graphviz text)");

  auto* list = app.add_subcommand("list", "list the component types");
  std::string type;
  auto* describe = app.add_subcommand("describe", "print a component type's parameters and metrics");
  describe->add_option("type", type, "component type, e.g. lending_pool")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }

  try {
    if (*list) {
      for (const auto& name : registry.type_names()) {
        const auto* s = registry.find_schema(name);
        std::printf("%-10s %-24s %s\n", cascade::config::to_string(s->section), name.c_str(), s->summary.c_str());
      }
      return kExitOk;
    }
    if (*describe) {
      const auto* s = registry.find_schema(type);
      if (s == nullptr) {
        const auto hint = cascade::config::closest_match(type, registry.type_names());
        std::fprintf(stderr, "error: no component type '%s'%s (see `cascade list`)\n", type.c_str(),
                     hint.empty() ? "" : (" — did you mean '" + hint + "'?").c_str());
        return kExitBadInput;
      }
      std::printf("%s", cascade::world::describe(*s).c_str());
      return kExitOk;
    }
    const auto overrides = parse_overrides(sets, replicas, seed);
    if (*graph) {
      cascade::graph_command(file, registry, overrides, dot_path);
      return kExitOk;
    }
    const auto plan = cascade::runner::make_plan(file, registry, overrides, audit);
    const std::uint64_t n_runs = plan.points.size() * static_cast<std::uint64_t>(plan.base.replicas);
    if (*validate) {
      std::printf("%s: ok — %zu component(s), %zu point(s) × %lld replicas = %llu runs, horizon %s\n", file.c_str(),
                  plan.base.components.size(), plan.points.size(), static_cast<long long>(plan.base.replicas),
                  static_cast<unsigned long long>(n_runs), cascade::format_duration(plan.base.horizon).c_str());
      return kExitOk;
    }
    if (output.empty()) output = "results/" + plan.base.name + ".h5";
    cascade::runner::RunOptions options;
    options.output_path = output;
    options.threads = threads;
    options.progress = !quiet;
    const auto report = cascade::runner::run_plan(plan, registry, options);
    if (!quiet) {
      print_summary(plan, report);
      cascade::print_cascade_summary(plan, report);
      std::printf("wrote %s\n", output.c_str());
    } else if (report.n_failed > 0) {
      for (const auto& e : report.first_errors) std::fprintf(stderr, "%s\n", e.c_str());
    }
    return report.n_failed == 0 ? kExitOk : kExitFailure;
  } catch (const cascade::config::ConfigError& e) {
    std::string text = e.diagnostics().to_string();
    if (!text.empty() && text.back() != '\n') text += '\n';
    std::fprintf(stderr, "%s", text.c_str());
    return kExitBadInput;
  } catch (const cascade::runner::Interrupted& e) {
    std::fprintf(stderr, "\n%s\n", e.what());
    return kExitInterrupted;
  } catch (const cascade::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitBadInput;
  } catch (const cascade::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return kExitFailure;
  }
}
