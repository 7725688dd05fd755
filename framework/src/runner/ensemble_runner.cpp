#include "cascade/runner/ensemble_runner.hpp"
#include "cascade/graph/network_analysis.hpp"

#include <tbb/concurrent_queue.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>

#include "cascade/core/version.hpp"
#include "cascade/output/hdf5_writer.hpp"
#include "cascade/world/recorder.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::runner {

Plan make_plan(const std::string& path, const world::Registry& registry, const std::vector<config::Override>& overrides,
               bool audit) {
  Plan plan;
  plan.base = config::load_experiment(path, registry, overrides);
  plan.points = config::expand_sweep(plan.base.sweep);
  config::Diagnostics all;
  auto add_all = [&](const config::ConfigError& e, const config::SweepPoint& point) {
    const std::string prefix = plan.points.size() > 1 ? "sweep point " + std::to_string(point.point_id) + ": " : "";
    for (const auto& d : e.diagnostics().items()) all.add(d.mark, d.key_path, prefix + d.message, d.hint);
  };
  for (const auto& point : plan.points) {
    try {
      plan.point_specs.push_back(config::spec_for_point(plan.base, point, registry, overrides));
      plan.point_specs.back().audit = audit;
    } catch (const config::ConfigError& e) {
      add_all(e, point);
      continue;
    }
    // Building (not running) one world checks what only the components can: cross-parameter rules
    // (ltv ≤ liquidation threshold, ...), asset pairs of venues, data files. A problem here is a
    // configuration error (exit 2, nothing written), not a failed run.
    try {
      world::World probe(plan.point_specs.back(), registry, world::RunContext{point.point_id, 0, 0, false});
    } catch (const config::ConfigError& e) {
      add_all(e, point);
    }
  }
  const auto& outputs = plan.base.outputs;
  if (!outputs.timeseries.empty() && plan.base.horizon / outputs.sample_every > 10'000'000) {
    all.add(config::Mark{plan.base.source_path, 0, 0}, "outputs.sample_every",
            "more than 10,000,000 samples per series (horizon " + format_duration(plan.base.horizon) + " / sample_every " +
                format_duration(outputs.sample_every) + "); sample less often");
  }
  if (!all.empty()) throw config::ConfigError(all);
  plan.base.audit = audit;
  return plan;
}

namespace {

// Set by SIGINT/SIGTERM while a plan runs: no new runs start, runs in flight finish, and the
// temporary output file is removed, so an interrupted command leaves nothing behind.
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int) { g_interrupted = 1; }

class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    previous_int_ = std::signal(SIGINT, on_interrupt);
    previous_term_ = std::signal(SIGTERM, on_interrupt);
  }
  ~InterruptGuard() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  void (*previous_int_)(int) = SIG_DFL;
  void (*previous_term_)(int) = SIG_DFL;
};

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}

output::OutputLayout make_layout(const Plan& plan) {
  const auto& base = plan.base;
  output::OutputLayout layout;
  layout.original_yaml = base.source_text;
  layout.normalized_yaml = base.normalized_yaml();
  layout.source_path = base.source_path;
  layout.cascade_version = version();
  layout.git_revision = git_revision();
  layout.created_utc = utc_now();
  layout.seed = base.seed;
  layout.n_points = static_cast<std::uint32_t>(plan.points.size());
  layout.replicas = static_cast<std::uint32_t>(base.replicas);
  for (const auto& p : base.sweep.parameters) layout.sweep_parameters.push_back(p.path);
  for (const auto& point : plan.points) {
    std::vector<std::string> row;
    for (const auto& a : point.assignments) row.push_back(a.value);
    layout.sweep_values.push_back(row);
  }
  for (const auto& m : base.outputs.timeseries) {
    layout.metric_names.push_back(m);
    const auto dot = m.find('.');
    const auto* c = base.find(m.substr(0, dot));
    const int i = c->schema->metric_index(m.substr(dot + 1));
    layout.metric_units.push_back(c->schema->metrics[static_cast<std::size_t>(i)].unit);
  }
  if (!base.outputs.timeseries.empty())
    layout.sample_times_s = world::Recorder::sample_times_s(base.outputs.sample_every, base.horizon);
  if (!layout.metric_names.empty()) {
    const auto recorded = std::min<std::int64_t>(base.outputs.timeseries_replicas, base.replicas);
    for (std::uint32_t p = 0; p < layout.n_points; ++p)
      for (std::int64_t r = 0; r < recorded; ++r) layout.recorded_runs.push_back(std::uint64_t{p} * layout.replicas + static_cast<std::uint64_t>(r));
  }
  for (const auto& c : base.components) {
    if (c.schema == nullptr) continue;
    for (const auto& m : c.schema->metrics) {
      layout.final_metric_names.push_back(c.name + "." + m.name);
      layout.final_metric_units.push_back(m.unit);
    }
  }
  layout.write_liquidations = base.outputs.liquidation_events;
  layout.network = graph::network_tables(base);  // /network and /runs/nodes
  for (const auto& c : base.components)
    if (c.section == config::Section::protocols) layout.protocol_names.push_back(c.name);
  return layout;
}

class Progress {
 public:
  Progress(std::uint64_t total, bool enabled) : total_(total), enabled_(enabled && isatty(STDERR_FILENO)), start_(clock::now()) {}
  void update(std::uint64_t done) {
    if (!enabled_) return;
    const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
    if (done < total_ && elapsed - last_ < 0.1) return;
    last_ = elapsed;
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    constexpr int width = 30;
    const int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total_));
    std::fprintf(stderr, "\r[%.*s%*s] %llu/%llu runs  %.1f runs/s  ETA %.0fs ", filled, "==============================",
                 width - filled, "", static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), rate, eta);
    if (done == total_) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  using clock = std::chrono::steady_clock;
  std::uint64_t total_;
  bool enabled_;
  clock::time_point start_;
  double last_ = -1.0;
};

}  // namespace

EnsembleReport run_plan(const Plan& plan, const world::Registry& registry, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::uint64_t replicas = static_cast<std::uint64_t>(plan.base.replicas);
  const std::uint64_t n_runs = replicas * plan.points.size();
  const auto layout = make_layout(plan);
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());

  std::unique_ptr<output::Hdf5Writer> writer;
  std::string temp_path;
  if (!options.output_path.empty()) {
    const std::filesystem::path out(options.output_path);
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
    temp_path = options.output_path + ".partial";
    writer = std::make_unique<output::Hdf5Writer>(temp_path, layout);
  }
  std::vector<bool> record(n_runs, false);
  for (auto r : layout.recorded_runs) record[r] = true;

  EnsembleReport report;
  report.n_runs = n_runs;
  report.final_metric_names = layout.final_metric_names;
  report.final_metric_means.assign(plan.points.size(), std::vector<double>(layout.final_metric_names.size(), 0.0));
  std::vector<std::vector<std::uint32_t>> metric_counts(plan.points.size(), std::vector<std::uint32_t>(layout.final_metric_names.size(), 0));
  report.summaries.reserve(n_runs);

  // Workers compute runs in parallel; an in-order stage hands them to this thread, which alone
  // owns the HDF5 file. The token limit bounds the runs in flight, hence memory.
  const std::size_t tokens = static_cast<std::size_t>(2 * threads + 2);
  tbb::concurrent_bounded_queue<output::RunResult*> queue;
  queue.set_capacity(static_cast<std::ptrdiff_t>(tokens));
  std::atomic<bool> abort{false};
  InterruptGuard interrupt_guard;
  std::thread producer([&] {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      std::uint64_t next = 0;
      tbb::parallel_pipeline(
          tokens,
          tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::uint64_t {
                                                  if (next >= n_runs || abort.load() || g_interrupted != 0) {
                                                    fc.stop();
                                                    return 0;
                                                  }
                                                  return next++;
                                                }) &
              tbb::make_filter<std::uint64_t, output::RunResult*>(
                  tbb::filter_mode::parallel,
                  [&](std::uint64_t run) {
                    const auto point = static_cast<std::uint32_t>(run / replicas);
                    world::RunContext ctx{point, static_cast<std::uint32_t>(run % replicas), run, record[run]};
                    auto* result = new output::RunResult;
                    try {
                      world::World w(plan.point_specs[point], registry, ctx);
                      *result = w.run();
                    } catch (const std::exception& e) {
                      result->summary.point_id = ctx.point_id;
                      result->summary.replica = ctx.replica;
                      result->summary.run_index = run;
                      result->summary.seed = plan.base.seed;
                      result->summary.status = static_cast<std::int32_t>(output::RunStatus::failed);
                      result->error = e.what();
                    }
                    return result;
                  }) &
              tbb::make_filter<output::RunResult*, void>(tbb::filter_mode::serial_in_order,
                                                         [&](output::RunResult* r) { queue.push(r); }));
    });
    queue.push(nullptr);  // end of stream
  });

  Progress progress(n_runs, options.progress);
  std::string write_error;
  for (;;) {
    output::RunResult* raw = nullptr;
    queue.pop(raw);
    if (raw == nullptr) break;
    std::unique_ptr<output::RunResult> result(raw);
    if (result->summary.status != 0) {
      ++report.n_failed;
      if (report.first_errors.size() < 5)
        report.first_errors.push_back("run " + std::to_string(result->summary.run_index) + ": " + result->error);
    }
    if (writer && write_error.empty()) {
      try {
        writer->write(*result);
      } catch (const std::exception& e) {
        write_error = e.what();
        abort = true;
      }
    }
    if (result->final_metrics.size() == report.final_metric_names.size()) {
      auto& sums = report.final_metric_means[result->summary.point_id];
      auto& counts = metric_counts[result->summary.point_id];
      for (std::size_t i = 0; i < sums.size(); ++i) {
        if (!std::isfinite(result->final_metrics[i])) continue;
        sums[i] += result->final_metrics[i];
        ++counts[i];
      }
    }
    report.summaries.push_back(result->summary);
    progress.update(report.summaries.size());
  }
  producer.join();
  if (g_interrupted != 0) {
    writer.reset();
    if (!temp_path.empty()) {
      std::error_code ignored;
      std::filesystem::remove(temp_path, ignored);
    }
    throw Interrupted("interrupted after " + std::to_string(report.summaries.size()) + " of " + std::to_string(n_runs) +
                      " runs; no output written");
  }
  if (writer) {
    if (write_error.empty()) {
      try {
        writer->close();
      } catch (const std::exception& e) {
        write_error = e.what();
      }
    }
    writer.reset();
    if (!write_error.empty()) {
      std::error_code ignored;
      std::filesystem::remove(temp_path, ignored);
      throw Error("writing " + options.output_path + ": " + write_error);
    }
    std::filesystem::rename(temp_path, options.output_path);
  }
  for (std::size_t p = 0; p < report.final_metric_means.size(); ++p) {
    for (std::size_t i = 0; i < report.final_metric_means[p].size(); ++i) {
      const auto n = metric_counts[p][i];
      report.final_metric_means[p][i] = n > 0 ? report.final_metric_means[p][i] / n : std::numeric_limits<double>::quiet_NaN();
    }
  }
  report.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

}  // namespace cascade::runner
