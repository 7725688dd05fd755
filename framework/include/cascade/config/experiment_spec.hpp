#pragma once
/// @file experiment_spec.hpp
/// @brief The immutable, fully typed description of an experiment (defaults filled in).

#include <cstdint>
#include <string>
#include <vector>

#include "cascade/config/schema.hpp"

namespace cascade::config {

struct AssetSpec {
  std::string name;
  std::int64_t decimals = 18;
  bool numeraire = false;  ///< the unit of account (prices are quoted in it); exactly one asset
  std::string issuer;      ///< the component that issues the token ("" = none): graph edge `issues`
  Mark mark;
};

/// @brief One named component: its section, registered type and validated parameters.
struct ComponentSpec {
  std::string name;
  std::string type;
  Section section = Section::drivers;
  ParamSet params;
  Mark mark;
  const ComponentSchema* schema = nullptr;  ///< owned by the registry
};

struct OutputSpec {
  Time sample_every = 5 * kMinute;
  std::vector<std::string> timeseries;   ///< "component.metric", validated against schemas
  std::int64_t timeseries_replicas = 20; ///< full series for replicas [0, n) of every point
  bool liquidation_events = true;        ///< `events: [liquidations]`
  bool adl_events = false;               ///< `events: [adl]`
  std::vector<std::string> summary;      ///< "component.metric" final values printed per point
  /// `heatmaps.liquidation_price`: bins (0 = off), sampling interval, ratio range [low, high)
  std::int64_t heatmap_bins = 0;
  Time heatmap_every = kHour;
  double heatmap_low = 0.0;
  double heatmap_high = 1.0;
};

/// @brief An explicit claim of `holder` on `debtor` (`network.exposures`): graph edge
/// debtor → holder of kind exposed_to.
struct ExposureSpec {
  std::string holder;
  std::string debtor;
  double weight = 1.0;   ///< face value of the claim (numeraire)
  Time latency = -1;     ///< signal delay along the edge; < 0 = network.latency
  Mark mark;
};

/// @brief The `network:` section (framework/include/cascade/graph/README.md).
struct NetworkSpec {
  bool present = false;          ///< the file has a network: section
  std::string shock_origin;      ///< node the hop distances count from; "" = the first impacted node
  double signal_threshold = 0.05;  ///< relative change of an observable that counts as an impact
  Time latency = 0;              ///< default delay of a signal along an edge
  std::vector<ExposureSpec> exposures;
};

/// @brief A swept parameter: a key path and the YAML texts of its values (grid, zip) or the
/// range it is sampled from (random, lhs, sobol).
struct SweepParameter {
  std::string path;                 ///< e.g. "venues.uni.fee"
  std::vector<std::string> values;  ///< grid/zip: each value as YAML flow text, e.g. "0.003"
  Mark mark;
  double low = 0;          ///< random/lhs/sobol: the range [low, high]
  double high = 0;
  bool log_scale = false;  ///< sample log(value) uniformly (`scale: log`)
  bool integer = false;    ///< the parameter is an integer: sampled values are rounded
  bool duration = false;   ///< the parameter is a duration: low/high in microseconds, values rounded to 1 µs
};

struct SweepSpec {
  /// "none" (one point), "grid" (Cartesian), "zip", "random" (independent uniform draws),
  /// "lhs" (Latin hypercube) or "sobol" (Sobol' sequence)
  std::string design = "none";
  std::vector<SweepParameter> parameters;
  std::int64_t points = 0;  ///< random/lhs/sobol: number of points
  std::uint64_t seed = 0;   ///< random/lhs: sampling seed (default: the experiment seed)
};

/// @brief A whole experiment. Components appear in section order (drivers, venues, oracles,
/// protocols, agents) and in file order within a section; that order is the build order.
struct ExperimentSpec {
  std::string name;
  std::string description;
  std::uint64_t seed = 0;
  Time horizon = kDay;
  std::int64_t replicas = 1;
  bool common_random_numbers = true;
  bool audit = false;  ///< check ledger invariants after every event (`--audit`)

  std::vector<AssetSpec> assets;
  std::vector<ComponentSpec> components;
  OutputSpec outputs;
  SweepSpec sweep;
  NetworkSpec network;

  std::string source_path;  ///< the file as given on the command line
  std::string source_text;  ///< its original text
  std::string base_dir;     ///< folder against which relative file parameters resolve

  /// The component with this name, or nullptr.
  const ComponentSpec* find(const std::string& name) const;
  /// Index of the asset in `assets`, or -1.
  int asset_index(const std::string& name) const;
  /// Index of the numeraire asset (validated to exist).
  int numeraire_index() const;
  /// The spec as YAML with every default filled in (stored in the output as `normalised_yaml`).
  std::string normalized_yaml() const;
};

}  // namespace cascade::config
