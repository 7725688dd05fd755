#pragma once
/// @file ensemble_runner.hpp
/// @brief Runs every (point, replica) of an experiment in parallel (TBB) and streams the results,
/// in run-index order, to one HDF5 writer thread.

#include <cstdint>
#include <string>
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
  std::string output_path;  ///< "" = run without writing a file
  int threads = 0;          ///< 0 = all hardware threads
  bool progress = true;     ///< a progress bar on stderr when it is a terminal
};

/// @brief What the command line prints at the end.
struct EnsembleReport {
  std::uint64_t n_runs = 0;
  std::uint64_t n_failed = 0;
  std::vector<std::string> first_errors;        ///< up to 5 "run i: message"
  std::vector<output::RunSummary> summaries;    ///< one per run, in run-index order
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

/// @brief Runs the plan. The output file is written under a temporary name and renamed only when
/// complete, so an interrupted or failed run never leaves a partial file under the final name.
/// A run that fails (audit violation, internal error) is recorded with status = failed and its
/// message; it never stops the others.
/// @throws cascade::Error if the output cannot be written (the temporary file is removed).
/// @throws Interrupted on SIGINT/SIGTERM: runs in flight finish, no new run starts, the temporary
/// file is removed.
EnsembleReport run_plan(const Plan& plan, const world::Registry& registry, const RunOptions& options);

}  // namespace cascade::runner
