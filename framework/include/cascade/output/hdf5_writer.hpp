#pragma once
/// @file hdf5_writer.hpp
/// @brief The single HDF5 writer. One thread owns it (the HDF5 C++ API is not thread-safe); the
/// runner hands it results in run-index order.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cascade/output/network_tables.hpp"
#include "cascade/output/run_result.hpp"

namespace cascade::output {

/// @brief Everything the writer must know before the first run arrives.
struct OutputLayout {
  // /experiment
  std::string original_yaml;
  std::string normalized_yaml;
  std::string source_path;
  std::string cascade_version;
  std::string git_revision;
  std::string created_utc;  ///< ISO 8601; attribute only (not part of the determinism check)
  std::uint64_t seed = 0;
  // runs
  std::uint32_t n_points = 1;
  std::uint32_t replicas = 1;  ///< runs per point; n_runs = n_points · replicas
  // /sweep/points: one row per point, one column per swept parameter (value as YAML text, and
  // as float64 where every value of the column is a number)
  std::vector<std::string> sweep_parameters;
  std::vector<std::vector<std::string>> sweep_values;  ///< [point][parameter]
  // /timeseries
  std::vector<std::string> metric_names;  ///< "component.metric"
  std::vector<std::string> metric_units;
  std::vector<double> sample_times_s;     ///< the time axis
  std::vector<std::uint64_t> recorded_runs;  ///< run indices with series, ascending
  // /runs/metrics and /points/metrics: the final value of every component metric
  std::vector<std::string> final_metric_names;  ///< "component.metric", build then schema order
  std::vector<std::string> final_metric_units;
  // /events
  bool write_liquidations = true;
  bool write_adl = false;  ///< /events/adl
  std::vector<std::string> protocol_names;  ///< for LiquidationRecord::protocol
  // /network and /runs/nodes (written when it has nodes)
  NetworkTables network;
  // /heatmaps (written when heatmap_bins > 0): liquidation-price ratio bins over [low, high)
  std::vector<double> heatmap_times_s;
  double heatmap_low = 0.0;
  double heatmap_high = 1.0;
  std::uint64_t heatmap_bins = 0;

  std::uint64_t n_runs() const { return static_cast<std::uint64_t>(n_points) * replicas; }
};

/// @brief Writes one experiment's results (DESIGN §10). Create, call write() once per run in
/// run-index order, then close(). On destruction without close() the file is left incomplete
/// (the runner writes to a temporary name and renames only after close()).
///
/// @code
/// Hdf5Writer w("out.h5.tmp", layout);
/// for (auto& r : results) w.write(r);
/// w.close();
/// @endcode
class Hdf5Writer {
 public:
  /// @throws cascade::Error if the file cannot be created.
  Hdf5Writer(const std::string& path, const OutputLayout& layout);
  ~Hdf5Writer();
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  /// @brief Stores one run: its summary row at index run_index, its series (if recorded) and its
  /// events appended. @throws cascade::Error on an HDF5 failure or an out-of-order run.
  void write(const RunResult& result);

  /// @brief Writes `/points/aggregates`, `/points/metrics` and `/runs/errors`, flushes and closes
  /// the file.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cascade::output
