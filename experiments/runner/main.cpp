// The `cascade` command: run, validate, list, describe.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <tuple>

#include "cascade/core/version.hpp"
#include "cascade/output/run_journal.hpp"
#include "cascade/runner/ensemble_runner.hpp"
#include "cascade/runner/mpi_session.hpp"
#include "graph_command.hpp"
#include "register_all.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;    // runs failed or the output could not be written
constexpr int kExitBadInput = 2;   // configuration, input file or command-line error
constexpr int kExitInterrupted = 130;

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
    const auto& stats = report.points[p];
    if (stats.n_ok == 0 && report.n_runs < plan.points.size() * replicas) continue;  // not in this shard
    std::string params;
    for (const auto& a : plan.points[p].assignments) params += (params.empty() ? "" : " | ") + a.value;
    if (params.empty()) params = "-";
    std::printf("%-6zu %-44.44s %9.2f %11.1f %13.4g %9.3g %12.4g %12.4g %8.2f\n", p, params.c_str(), stats.min_price_mean,
                stats.n_liquidations_mean, stats.liquidated_value_mean, stats.initial_debt_mean, stats.bad_debt_mean,
                stats.bad_debt_p95, stats.prob_bad_debt);
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

// "i/N" → (i, N) with 0 ≤ i < N.
std::pair<std::uint32_t, std::uint32_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      std::size_t a = 0, b = 0;
      const unsigned long i = std::stoul(text.substr(0, slash), &a);
      const unsigned long n = std::stoul(text.substr(slash + 1), &b);
      if (a == slash && b == text.size() - slash - 1 && n >= 1 && i < n && n <= 1000000)
        return {static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(n)};
    }
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): reported below
  }
  throw cascade::InputError("--shard: expected i/N with 0 <= i < N (e.g. --shard 0/3), got '" + text + "'");
}

// Prints what the plan writes and whether it is within the limit; returns false if it is not.
bool check_output_size(const cascade::runner::Plan& plan, const cascade::world::Registry& registry, std::uint64_t limit,
                       bool force, bool print) {  // NOLINT(bugprone-easily-swappable-parameters)
  const auto e = cascade::runner::estimate_output(plan);
  const double liquidations = e.event_bytes_per_liquidation > 0 ? static_cast<double>(cascade::runner::pilot_liquidations(plan, registry)) : 0.0;
  const double events = liquidations * static_cast<double>(e.event_bytes_per_liquidation) * static_cast<double>(e.n_runs);
  const double total = static_cast<double>(e.total()) + events;
  using cascade::runner::format_size;
  if (print) {
    std::printf("output: about %s before compression — tables %s, time series %s, liquidation events %s (%.0f per run in a "
                "pilot run of point 0, replica 0)\n",
                format_size(total).c_str(), format_size(static_cast<double>(e.table_bytes)).c_str(),
                format_size(static_cast<double>(e.series_bytes)).c_str(), format_size(events).c_str(), liquidations);
  }
  if (total <= static_cast<double>(limit) || force) return true;
  std::fprintf(stderr,
               "error: the output would be about %s, over the limit of %s (%llu runs). Record fewer series "
               "(outputs.timeseries, outputs.timeseries_replicas) or events (outputs.events: []), run fewer points or "
               "replicas, or raise the limit with --max-output-size SIZE or --force.\n",
               format_size(total).c_str(), format_size(static_cast<double>(limit)).c_str(),
               static_cast<unsigned long long>(e.n_runs));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  cascade::runner::MpiSession mpi(argc, argv);
  if (mpi.rank() > 0) {
    // One reporter: only rank 0 prints (the others compute).
    std::fclose(stdout);
    if (std::freopen("/dev/null", "w", stderr) == nullptr) return kExitFailure;
  }
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
  bool resume = false, force = false;
  std::string shard, max_output = "50GiB";
  double log_interval = 0;
  run->add_flag("--resume", resume, "continue an interrupted run from its journal (OUT.journal, or the shard file)");
  run->add_option("--shard", shard, "run shard i of N (i/N, 0-based) and write its journal; join with cascade merge");
  run->add_option("--log-interval", log_interval, "seconds between progress lines when stderr is not a terminal (default 30)")
      ->check(CLI::PositiveNumber);
  run->add_option("--max-output-size", max_output, "refuse to start if the output would exceed this (default 50GiB)");
  run->add_flag("--force", force, "run even if the output would exceed --max-output-size");

  auto* validate = app.add_subcommand("validate", "check an experiment file and print what it would run");
  validate->add_option("file", file, "experiment YAML")->required();
  validate->add_option("--set", sets, "override a key (repeatable)");
  validate->add_option("--replicas", replicas, "override experiment.replicas")->check(CLI::Range(1, 1 << 30));
  validate->add_option("--max-output-size", max_output, "the limit `run` applies to the output size (default 50GiB)");

  auto* merge = app.add_subcommand("merge", "join the shard files of a sharded run (--shard i/N) into one HDF5 file");
  std::vector<std::string> shard_files;
  merge->add_option("shards", shard_files, "shard files, any order")->required();
  merge->add_option("-o,--output", output, "output HDF5 file")->required();

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
    if (*merge) {
      cascade::runner::merge_shards(shard_files, output);
      std::printf("merged %zu shard(s) into %s\n", shard_files.size(), output.c_str());
      return kExitOk;
    }
    const std::uint64_t size_limit = cascade::runner::parse_size(max_output);
    const auto overrides = parse_overrides(sets, replicas, seed);
    if (*graph) {
      cascade::graph_command(file, registry, overrides, dot_path);
      return kExitOk;
    }
    const auto plan = cascade::runner::make_plan(file, registry, overrides, audit);
    const std::uint64_t n_runs = plan.points.size() * static_cast<std::uint64_t>(plan.base.replicas);
    if (*validate) {
      std::printf("%s: ok — %zu component(s), %zu point(s) × %lld replicas = %llu runs, horizon %s, sweep design %s\n",
                  file.c_str(), plan.base.components.size(), plan.points.size(), static_cast<long long>(plan.base.replicas),
                  static_cast<unsigned long long>(n_runs), cascade::format_duration(plan.base.horizon).c_str(),
                  plan.base.sweep.design.c_str());
      if (!check_output_size(plan, registry, size_limit, false, true)) {
        std::printf("`cascade run` would refuse this (see above)\n");
      }
      return kExitOk;
    }
    cascade::runner::RunOptions options;
    if (!shard.empty()) {
      std::tie(options.shard_index, options.shard_count) = parse_shard(shard);
      options.sharded = true;
    }
    if (output.empty()) {
      output = "results/" + plan.base.name +
               (options.sharded ? ".shard-" + std::to_string(options.shard_index) + "-of-" +
                                              std::to_string(options.shard_count) + ".journal"
                                        : ".h5");
    }
    // Every MPI rank checks (the same answer everywhere), so all stop together.
    if (!force && !check_output_size(plan, registry, size_limit, false, false)) return kExitBadInput;
    options.output_path = output;
    options.threads = threads;
    options.progress = !quiet || log_interval > 0;
    if (log_interval > 0) options.log_interval_s = log_interval;
    options.resume = resume;
    const auto report = cascade::runner::run_plan(plan, registry, options);
    if (report.worker) return kExitOk;
    if (!quiet) {
      if (report.n_resumed > 0)
        std::printf("resumed: %llu of %llu run(s) taken from the journal\n",
                    static_cast<unsigned long long>(report.n_resumed), static_cast<unsigned long long>(report.n_runs));
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
