#pragma once
/// @file ensemble_runner.hpp
/// @brief Runs every (point, replica) of an experiment in parallel (TBB) and streams the results,
/// in run-index order, to one HDF5 writer thread.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cascade/config/loader.hpp"
#include "cascade/core/error.hpp"
#include "cascade/output/run_result.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::runner {

/// @brief Thrown by run_plan when SIGINT or SIGTERM stopped it (nothing is written).
class Interrupted : public Error {
 public:
  using Error::Error;
};

struct RunOptions {
  /// The HDF5 file (the journal of completed runs is `<output_path>.journal`), or with
  /// `sharded` the shard's journal, which `cascade merge` turns into the HDF5 file.
  /// "" = run without writing a file.
  std::string output_path;
  int threads = 0;          ///< 0 = all hardware threads (per MPI rank)
  bool progress = true;     ///< a progress bar on a terminal, else a log line every log_interval_s
  double log_interval_s = 30;
  bool resume = false;      ///< continue from the journal of an interrupted run
  bool sharded = false;           ///< write a shard journal (for `cascade merge`), not the HDF5 file
  std::uint32_t shard_index = 0;  ///< with sharded: run only shard shard_index of shard_count
  std::uint32_t shard_count = 1;  ///< (contiguous blocks of runs)
};

/// @brief Per-point statistics over the successful runs, for the printed table (the file has
/// the full set in /points/aggregates). Computed in run-index order as runs complete, so memory
/// does not grow with the number of runs.
struct PointStats {
  std::uint64_t n_ok = 0;
  double min_price_mean = 0;
  double n_liquidations_mean = 0;
  double liquidated_value_mean = 0;
  double initial_debt_mean = 0;
  double bad_debt_mean = 0;
  double bad_debt_p95 = 0;   ///< linear interpolation between order statistics
  double prob_bad_debt = 0;  ///< fraction of runs with bad debt > 0
  // dependency graph (cascade/graph/README.md)
  double cascade_depth_mean = 0;
  double cascade_size_mean = 0;
  double insolvent_nodes_mean = 0;
  double prob_insolvency = 0;                ///< fraction of runs with an insolvent node
  double time_to_first_insolvency_mean = 0;  ///< s, over runs with one; NaN if none
};

/// @brief What the command line prints at the end.
struct EnsembleReport {
  std::uint64_t n_runs = 0;      ///< runs of this process's range (a shard, or all)
  std::uint64_t n_resumed = 0;   ///< runs taken from the journal of an interrupted run
  std::uint64_t n_failed = 0;
  bool worker = false;           ///< an MPI rank other than 0: it computed runs, rank 0 reports
  std::vector<std::string> first_errors;        ///< up to 5 "run i: message"
  std::vector<PointStats> points;  ///< one per sweep point (n_ok = 0 where a shard has no run of it)
  std::vector<std::string> final_metric_names;  ///< "component.metric" (as in /runs/metrics)
  /// [point][metric]: mean of the final value over the point's successful runs (NaN if none).
  std::vector<std::vector<double>> final_metric_means;
  double wall_time_s = 0;
};

/// @brief An experiment ready to run: the base spec, its sweep points and their specs.
struct Plan {
  config::ExperimentSpec base;
  std::vector<config::SweepPoint> points;
  std::vector<config::ExperimentSpec> point_specs;  ///< one per point
};

/// @brief Loads a file, expands its sweep and validates every point; every diagnostic of every
/// point is collected. @throws config::ConfigError.
Plan make_plan(const std::string& path, const world::Registry& registry, const std::vector<config::Override>& overrides,
               bool audit);

/// @brief Per-run and total bytes the output file will take before compression (DESIGN §10).
/// Liquidation events are not known before running: `event_bytes_per_liquidation` says what each
/// costs.
struct OutputEstimate {
  std::uint64_t n_points = 0;
  std::uint64_t n_runs = 0;
  std::uint64_t table_bytes = 0;   ///< /runs/summary, /runs/metrics, /points/*
  std::uint64_t series_bytes = 0;  ///< /timeseries
  std::uint64_t event_bytes_per_liquidation = 0;
  std::uint64_t total() const { return table_bytes + series_bytes; }
};
OutputEstimate estimate_output(const Plan& plan);

/// @brief Liquidations in one pilot run (point 0, replica 0), to estimate the event log's size;
/// 0 if that run fails.
std::uint64_t pilot_liquidations(const Plan& plan, const world::Registry& registry);

/// @brief Parses "50GiB", "500MB", "2.5e9", "10k" (k/M/G/T are powers of 1000, Ki/Mi/Gi/Ti of
/// 1024; a trailing B is optional). @throws InputError.
std::uint64_t parse_size(const std::string& text);
/// @brief "1.2 GiB", "340 MiB", "12 KiB", "512 B".
std::string format_size(double bytes);

/// @brief The first run and one past the last of shard `index` of `count` (contiguous blocks
/// of equal size ± 1).
std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t n_runs, std::uint32_t index, std::uint32_t count);

/// @brief Merges complete shard journals (any order) into one HDF5 file, identical to an
/// unsharded run's. @throws output::JournalError (bad input: exit 2) if a file is not a journal,
/// is damaged or incomplete, belongs to another experiment, or shards are missing or repeated;
/// cascade::Error if the output cannot be written.
void merge_shards(const std::vector<std::string>& shard_paths, const std::string& output_path);

/// @brief Runs the plan. The output file is written under a temporary name and renamed only when
/// complete, so an interrupted or failed run never leaves a partial file under the final name.
/// A run that fails (audit violation, internal error) is recorded with status = failed and its
/// message; it never stops the others.
/// @throws cascade::Error if the output cannot be written (the temporary file is removed).
/// @throws Interrupted on SIGINT/SIGTERM: runs in flight finish, no new run starts, the temporary
/// HDF5 file is removed and the journal of completed runs is kept for `resume`.
/// @throws output::JournalError (bad input) if a journal exists and resume is off, or the
/// journal to resume belongs to another experiment.
/// Under MPI (more than one rank) rank 0 dispatches runs and writes; the other ranks compute
/// and return a report with worker = true.
EnsembleReport run_plan(const Plan& plan, const world::Registry& registry, const RunOptions& options);

}  // namespace cascade::runner
