#include "cascade/runner/ensemble_runner.hpp"
#include "cascade/graph/network_analysis.hpp"

#include <tbb/concurrent_queue.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
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
#include "cascade/output/run_journal.hpp"
#include "cascade/world/recorder.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"
#include "distributed.hpp"

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
  layout.write_adl = base.outputs.adl_events;
  if (base.outputs.heatmap_bins > 0) {
    layout.heatmap_times_s = world::Recorder::sample_times_s(base.outputs.heatmap_every, base.horizon);
    layout.heatmap_low = base.outputs.heatmap_low;
    layout.heatmap_high = base.outputs.heatmap_high;
    layout.heatmap_bins = static_cast<std::uint64_t>(base.outputs.heatmap_bins);
  }
  layout.network = graph::network_tables(base);  // /network and /runs/nodes
  for (const auto& c : base.components)
    if (c.section == config::Section::protocols) layout.protocol_names.push_back(c.name);
  return layout;
}

class Progress {
 public:
  // A bar on a terminal; elsewhere (a batch job's log) a line every `log_interval_s` seconds.
  Progress(std::uint64_t total, std::uint64_t already, bool enabled, double log_interval_s)
      : total_(total), already_(already), enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0),
        interval_(log_interval_s > 0 ? log_interval_s : 30.0), start_(clock::now()) {}
  void update(std::uint64_t done) {
    if (!enabled_ || total_ == 0) return;
    const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
    const bool last = done == total_;
    if (!last && elapsed - last_ < (tty_ ? 0.1 : interval_)) return;
    if (!tty_ && last && last_ < 0) return;  // a short run: no log line needed
    last_ = elapsed;
    // The rate counts only runs computed now, not those taken from a journal.
    const double rate = elapsed > 0 ? static_cast<double>(done - already_) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
    const auto d = static_cast<unsigned long long>(done);
    const auto t = static_cast<unsigned long long>(total_);
    if (tty_) {
      constexpr int width = 30;
      const int filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total_));
      std::fprintf(stderr, "\r[%.*s%*s] %llu/%llu runs  %.1f runs/s  ETA %.0fs ", filled,
                   "==============================", width - filled, "", d, t, rate, eta);
      if (last) std::fprintf(stderr, "\n");
    } else {
      std::fprintf(stderr, "[%s] %llu/%llu runs (%.1f%%)  %.2f runs/s  ETA %.0fs\n", utc_now().c_str(), d, t,
                   100.0 * static_cast<double>(done) / static_cast<double>(total_), rate, eta);
    }
    std::fflush(stderr);
  }

 private:
  using clock = std::chrono::steady_clock;
  std::uint64_t total_;
  std::uint64_t already_;
  bool enabled_;
  bool tty_;
  double interval_;
  clock::time_point start_;
  double last_ = -1.0;
};

output::RunResult compute_run(const Plan& plan, const world::Registry& registry, std::uint64_t run, bool record) {
  const std::uint64_t replicas = static_cast<std::uint64_t>(plan.base.replicas);
  const auto point = static_cast<std::uint32_t>(run / replicas);
  world::RunContext ctx{point, static_cast<std::uint32_t>(run % replicas), run, record};
  output::RunResult result;
  try {
    world::World w(plan.point_specs[point], registry, ctx);
    result = w.run();
  } catch (const std::exception& e) {
    result = output::RunResult{};
    result.summary.point_id = ctx.point_id;
    result.summary.replica = ctx.replica;
    result.summary.run_index = run;
    result.summary.seed = plan.base.seed;
    result.summary.status = static_cast<std::int32_t>(output::RunStatus::failed);
    result.error = e.what();
  }
  return result;
}

// Runs [first, end) on this process: workers compute in parallel, an in-order stage hands the
// results to the calling thread through a bounded queue (the token limit bounds the runs in
// flight, hence memory), and `deliver` sees them in run-index order.
void compute_local(const Plan& plan, const world::Registry& registry, const std::vector<bool>& record, std::uint64_t first,
                   std::uint64_t end, int threads, const std::atomic<bool>& abort, const detail::Deliver& deliver) {
  const std::size_t tokens = static_cast<std::size_t>(2 * threads + 2);
  // TBB caps its workers at the core count; --threads N above it is honoured (tests run 4
  // threads on 2 cores to show the results do not depend on it).
  const tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads) + 1);
  tbb::concurrent_bounded_queue<output::RunResult*> queue;
  queue.set_capacity(static_cast<std::ptrdiff_t>(tokens));
  std::thread producer([&] {
    tbb::task_arena arena(threads);
    arena.execute([&] {
      std::uint64_t next = first;
      tbb::parallel_pipeline(
          tokens,
          tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                                [&](tbb::flow_control& fc) -> std::uint64_t {
                                                  if (next >= end || abort.load() || g_interrupted != 0) {
                                                    fc.stop();
                                                    return 0;
                                                  }
                                                  return next++;
                                                }) &
              tbb::make_filter<std::uint64_t, output::RunResult*>(
                  tbb::filter_mode::parallel,
                  [&](std::uint64_t run) { return new output::RunResult(compute_run(plan, registry, run, record[run])); }) &
              tbb::make_filter<output::RunResult*, void>(tbb::filter_mode::serial_in_order,
                                                         [&](output::RunResult* r) { queue.push(r); }));
    });
    queue.push(nullptr);  // end of stream
  });
  for (;;) {
    output::RunResult* raw = nullptr;
    queue.pop(raw);
    if (raw == nullptr) break;
    deliver(std::unique_ptr<output::RunResult>(raw));
  }
  producer.join();
}

// Per-point statistics for the printed table, from the runs of the current point only.
class PointAccumulator {
 public:
  explicit PointAccumulator(std::size_t n_points) : stats_(n_points) {}
  void add(const output::RunSummary& s) {
    if (s.point_id != point_) flush();
    point_ = s.point_id;
    if (s.status != 0) return;
    bad_.push_back(s.bad_debt);
    auto& p = stats_[point_];
    ++p.n_ok;
    p.min_price_mean += s.min_price;
    p.n_liquidations_mean += static_cast<double>(s.n_liquidations);
    p.liquidated_value_mean += s.liquidated_value;
    p.initial_debt_mean += s.initial_debt;
    p.bad_debt_mean += s.bad_debt;
    p.cascade_depth_mean += s.cascade_depth;
    p.cascade_size_mean += s.cascade_size;
    p.insolvent_nodes_mean += s.insolvent_nodes;
    if (s.insolvent_nodes > 0) p.prob_insolvency += 1.0;
    if (std::isfinite(s.time_to_first_insolvency)) {
      p.time_to_first_insolvency_mean += s.time_to_first_insolvency;
      ++n_insolvency_times_;
    }
  }
  std::vector<PointStats> finish() {
    flush();
    return std::move(stats_);
  }

 private:
  void flush() {
    if (point_ >= stats_.size()) return;
    auto& p = stats_[point_];
    if (p.n_ok > 0) {
      const auto n = static_cast<double>(p.n_ok);
      p.min_price_mean /= n;
      p.n_liquidations_mean /= n;
      p.liquidated_value_mean /= n;
      p.initial_debt_mean /= n;
      p.bad_debt_mean /= n;
      p.cascade_depth_mean /= n;
      p.cascade_size_mean /= n;
      p.insolvent_nodes_mean /= n;
      p.prob_insolvency /= n;
      p.time_to_first_insolvency_mean = n_insolvency_times_ > 0
                                            ? p.time_to_first_insolvency_mean / static_cast<double>(n_insolvency_times_)
                                            : std::numeric_limits<double>::quiet_NaN();
      std::sort(bad_.begin(), bad_.end());
      const double h = (static_cast<double>(bad_.size()) - 1.0) * 0.95;
      const auto lo = static_cast<std::size_t>(h);
      const std::size_t hi = std::min(lo + 1, bad_.size() - 1);
      p.bad_debt_p95 = bad_[lo] + (h - static_cast<double>(lo)) * (bad_[hi] - bad_[lo]);
      p.prob_bad_debt = static_cast<double>(std::count_if(bad_.begin(), bad_.end(), [](double b) { return b > 0.0; })) / n;
    }
    bad_.clear();
    n_insolvency_times_ = 0;
    point_ = std::numeric_limits<std::uint32_t>::max();
  }
  std::vector<PointStats> stats_;
  std::vector<double> bad_;
  std::uint64_t n_insolvency_times_ = 0;
  std::uint32_t point_ = std::numeric_limits<std::uint32_t>::max();
};

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace

OutputEstimate estimate_output(const Plan& plan) {
  const auto layout = make_layout(plan);
  OutputEstimate e;
  e.n_points = layout.n_points;
  e.n_runs = layout.n_runs();
  const std::uint64_t metrics_row = 16 + 8 * layout.final_metric_names.size();
  const std::uint64_t aggregate_row = 4 * 3 + 8 * 20;
  e.table_bytes = e.n_runs * (sizeof(output::RunSummary) + metrics_row) + e.n_points * (aggregate_row + metrics_row);
  e.series_bytes = static_cast<std::uint64_t>(layout.recorded_runs.size()) * layout.metric_names.size() *
                   layout.sample_times_s.size() * 8;
  e.event_bytes_per_liquidation = layout.write_liquidations ? sizeof(output::LiquidationRecord) : 0;
  return e;
}

std::uint64_t pilot_liquidations(const Plan& plan, const world::Registry& registry) {
  const output::RunResult r = compute_run(plan, registry, 0, false);
  return r.summary.status == 0 ? r.liquidations.size() : 0;
}

std::uint64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  double scale = 0;
  const std::vector<std::pair<std::string, double>> units{{"", 1},      {"k", 1e3},  {"K", 1e3},  {"M", 1e6},  {"G", 1e9},
                                                          {"T", 1e12},  {"Ki", 1024.0}, {"Mi", 1048576.0},
                                                          {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  for (const auto& [name, factor] : units)
    if (unit == name) scale = factor;
  if (used == 0 || scale == 0 || !(value >= 0) || value * scale > 1.8e19) {
    throw InputError("'" + text + "' is not a size (e.g. 50GiB, 500MB, 2e9)");
  }
  return static_cast<std::uint64_t>(value * scale);
}

std::string format_size(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024 && u < 5) {
    bytes /= 1024;
    ++u;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, u == 0 ? "%.0f %s" : "%.3g %s", bytes, units[u]);
  return buffer;
}

std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t n_runs, std::uint32_t index, std::uint32_t count) {
  CASCADE_ASSERT(count > 0 && index < count, "bad shard");
  const auto at = [&](std::uint64_t i) {
    // n_runs · i / count without overflow for any realistic run count (< 2^32 · 2^32).
    return n_runs / count * i + n_runs % count * i / count;
  };
  return {at(index), at(index + 1ULL)};
}

EnsembleReport run_plan(const Plan& plan, const world::Registry& registry, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::uint64_t n_all = static_cast<std::uint64_t>(plan.base.replicas) * plan.points.size();
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  InterruptGuard interrupt_guard;

  const auto layout = make_layout(plan);
  std::vector<bool> record(n_all, false);
  for (auto r : layout.recorded_runs) record[r] = true;

  EnsembleReport report;
  if (detail::mpi_rank() > 0) {
    detail::mpi_worker(threads, [&](std::uint64_t run) { return compute_run(plan, registry, run, record[run]); });
    report.worker = true;
    return report;
  }

  const auto [first, end] = shard_range(n_all, options.shard_index, options.shard_count);
  const bool sharded = options.sharded;
  report.n_runs = end - first;
  report.final_metric_names = layout.final_metric_names;
  report.final_metric_means.assign(plan.points.size(), std::vector<double>(layout.final_metric_names.size(), 0.0));
  std::vector<std::vector<std::uint32_t>> metric_counts(plan.points.size(), std::vector<std::uint32_t>(layout.final_metric_names.size(), 0));
  PointAccumulator points(plan.points.size());

  // Outputs: the journal of completed runs (a shard's only output), and the HDF5 file under a
  // temporary name, renamed when complete.
  std::unique_ptr<output::Hdf5Writer> writer;
  std::unique_ptr<output::JournalWriter> journal;
  std::string temp_path, journal_path;
  std::uint64_t next = first;
  std::unique_ptr<Progress> progress;
  std::uint64_t delivered = 0;
  std::string write_error;
  std::atomic<bool> abort{false};

  auto account = [&](const output::RunResult& result) {
    if (result.summary.status != 0) {
      ++report.n_failed;
      if (report.first_errors.size() < 5)
        report.first_errors.push_back("run " + std::to_string(result.summary.run_index) + ": " + result.error);
    }
    if (result.final_metrics.size() == report.final_metric_names.size()) {
      auto& sums = report.final_metric_means[result.summary.point_id];
      auto& counts = metric_counts[result.summary.point_id];
      for (std::size_t i = 0; i < sums.size(); ++i) {
        if (!std::isfinite(result.final_metrics[i])) continue;
        sums[i] += result.final_metrics[i];
        ++counts[i];
      }
    }
    points.add(result.summary);
    ++delivered;
  };
  auto deliver = [&](std::unique_ptr<output::RunResult> result) {
    if (write_error.empty()) {
      try {
        if (journal) journal->append(*result);
        if (writer) writer->write(*result);
      } catch (const std::exception& e) {
        write_error = e.what();
        abort = true;
      }
    }
    account(*result);
    if (progress) progress->update(delivered);
  };

  try {
    if (!options.output_path.empty()) {
      const std::filesystem::path out(options.output_path);
      if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
      journal_path = sharded ? options.output_path : options.output_path + ".journal";
      const bool exists = std::filesystem::exists(journal_path);
      if (exists && !options.resume) {
        throw output::JournalError(
            sharded ? "shard file '" + journal_path + "' exists: continue it with --resume, or delete it to start over"
                    : "'" + journal_path + "' exists: a run writing " + options.output_path +
                          " was interrupted; continue it with --resume, or delete the journal to start over");
      }
      if (!sharded) {
        temp_path = options.output_path + ".partial";
        writer = std::make_unique<output::Hdf5Writer>(temp_path, layout);
      }
      if (exists) {
        output::JournalReader reader(journal_path);
        const auto& h = reader.header();
        if (!output::same_experiment(h.layout, layout)) {
          throw output::JournalError("'" + journal_path +
                                     "' was written for a different experiment (file, overrides, replicas or cascade "
                                     "version differ); delete it to start over");
        }
        if (h.shard_index != options.shard_index || h.shard_count != options.shard_count) {
          throw output::JournalError("'" + journal_path + "' is shard " + std::to_string(h.shard_index) + "/" +
                                     std::to_string(h.shard_count) + ", not " + std::to_string(options.shard_index) + "/" +
                                     std::to_string(options.shard_count));
        }
        output::RunResult result;
        while (reader.next(result)) {
          if (writer) writer->write(result);
          account(result);
          ++next;
        }
        report.n_resumed = next - first;
        journal = std::make_unique<output::JournalWriter>(journal_path, reader.valid_bytes());
      } else {
        output::JournalHeader header{layout, options.shard_index, options.shard_count, first, end};
        journal = std::make_unique<output::JournalWriter>(journal_path, header);
      }
    }
  } catch (...) {
    writer.reset();
    if (!temp_path.empty()) remove_quietly(temp_path);
    if (detail::mpi_size() > 1) detail::mpi_release_workers();
    throw;
  }

  progress = std::make_unique<Progress>(report.n_runs, report.n_resumed, options.progress, options.log_interval_s);
  if (detail::mpi_size() > 1) {
    const auto window = static_cast<std::uint64_t>(8 * threads) * static_cast<std::uint64_t>(detail::mpi_size());
    // Rank 0 writes and dispatches on this thread and computes on `threads` - 1 others.
    detail::mpi_master(
        next, end, window, std::max(threads - 1, 1),
        [&](std::uint64_t run) { return compute_run(plan, registry, run, record[run]); }, deliver,
        [&] { return abort.load() || g_interrupted != 0; });
  } else {
    compute_local(plan, registry, record, next, end, threads, abort, deliver);
  }

  if (g_interrupted != 0 && delivered < report.n_runs) {
    writer.reset();
    if (!temp_path.empty()) remove_quietly(temp_path);
    std::string kept;
    if (journal) {
      try {
        journal->close();
        kept = "; " + std::to_string(delivered) + " completed run(s) are kept in " + journal_path +
               ": continue with the same command and --resume";
      } catch (const std::exception& e) {
        kept = "; the journal could not be closed: " + std::string(e.what());
      }
    }
    throw Interrupted("interrupted after " + std::to_string(delivered) + " of " + std::to_string(report.n_runs) +
                      " runs" + (kept.empty() ? "; no output written" : kept));
  }
  if (write_error.empty() && journal) {
    try {
      journal->close();
    } catch (const std::exception& e) {
      write_error = e.what();
    }
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
      remove_quietly(temp_path);
      throw Error("writing " + options.output_path + ": " + write_error);
    }
    std::filesystem::rename(temp_path, options.output_path);
    remove_quietly(journal_path);  // complete: the HDF5 file now holds every run
  } else if (!write_error.empty()) {
    throw Error("writing " + journal_path + ": " + write_error);
  }
  report.points = points.finish();
  for (std::size_t p = 0; p < report.final_metric_means.size(); ++p) {
    for (std::size_t i = 0; i < report.final_metric_means[p].size(); ++i) {
      const auto n = metric_counts[p][i];
      report.final_metric_means[p][i] = n > 0 ? report.final_metric_means[p][i] / n : std::numeric_limits<double>::quiet_NaN();
    }
  }
  report.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

void merge_shards(const std::vector<std::string>& shard_paths, const std::string& output_path) {
  std::vector<std::unique_ptr<output::JournalReader>> shards;
  for (const auto& path : shard_paths) shards.push_back(std::make_unique<output::JournalReader>(path));
  if (shards.empty()) throw output::JournalError("merge: no shard files given");
  const auto& first = shards.front()->header();
  const std::uint32_t count = first.shard_count;
  std::vector<output::JournalReader*> by_index(count, nullptr);
  std::vector<std::string> path_of(count);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const auto& h = shards[i]->header();
    if (!output::same_experiment(h.layout, first.layout) || h.shard_count != count) {
      throw output::JournalError("merge: '" + shard_paths[i] + "' belongs to a different experiment or shard split than '" +
                                 shard_paths.front() + "'");
    }
    if (by_index[h.shard_index] != nullptr) {
      throw output::JournalError("merge: shard " + std::to_string(h.shard_index) + "/" + std::to_string(count) +
                                 " is given twice ('" + shard_paths[i] + "')");
    }
    by_index[h.shard_index] = shards[i].get();
    path_of[h.shard_index] = shard_paths[i];
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    if (by_index[i] == nullptr) {
      throw output::JournalError("merge: shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
    }
  }
  const std::filesystem::path out(output_path);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  const std::string temp_path = output_path + ".partial";
  try {
    output::Hdf5Writer writer(temp_path, first.layout);
    output::RunResult result;
    for (std::uint32_t i = 0; i < count; ++i) {
      auto& reader = *by_index[i];
      while (reader.next(result)) writer.write(result);
      const auto& h = reader.header();
      if (reader.records() != h.end_run - h.first_run) {
        throw output::JournalError("merge: shard " + std::to_string(i) + "/" + std::to_string(count) + " ('" + path_of[i] +
                                   "') is incomplete: " + std::to_string(reader.records()) + " of " +
                                   std::to_string(h.end_run - h.first_run) + " runs" +
                                   (reader.torn() ? " (then a damaged record)" : "") +
                                   "; finish it with --shard " + std::to_string(i) + "/" + std::to_string(count) + " --resume");
      }
    }
    writer.close();
  } catch (...) {
    remove_quietly(temp_path);
    throw;
  }
  std::filesystem::rename(temp_path, output_path);
}

}  // namespace cascade::runner
