#pragma once
/// @file loader.hpp
/// @brief YAML → ExperimentSpec, with every diagnostic collected before failing, `--set`
/// overrides and sweep expansion.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cascade/config/experiment_spec.hpp"

namespace cascade::config {

/// @brief `--set key.path=value`: the value is YAML flow text ("0.05", "[1, 2]", "{dist: ...}").
struct Override {
  std::string path;
  std::string value;
  std::string origin = "--set";  ///< shown in diagnostics instead of file:line:col
};

/// @brief Parses "a.b.c=value" into an Override.
/// @throws ConfigError if there is no '=' or the path is empty.
Override parse_override(std::string_view text);

/// @brief Loads and validates an experiment file.
/// @param path the YAML file; relative file parameters are resolved against its folder.
/// @param catalog the registered component schemas.
/// @param overrides applied to the YAML tree before validation, in order.
/// @throws ConfigError with every problem found (file:line:col, key path, message, hint);
///         an unreadable file is reported the same way.
ExperimentSpec load_experiment(const std::string& path, const SchemaCatalog& catalog,
                               const std::vector<Override>& overrides = {});

/// @brief As load_experiment, from text; `display_name` is used in marks and `base_dir` to
/// resolve relative file parameters.
ExperimentSpec load_experiment_text(std::string_view text, const std::string& display_name, const std::string& base_dir,
                                    const SchemaCatalog& catalog, const std::vector<Override>& overrides = {});

/// @brief One point of a sweep: its id and the overrides that define it.
struct SweepPoint {
  std::uint32_t point_id = 0;
  std::vector<Override> assignments;  ///< one per swept parameter (empty for design "none")
};

/// @brief Expands the sweep design: "none" → one point; "grid" → Cartesian product, the last
/// parameter varying fastest; "zip" → the i-th values together (all lists of equal length).
std::vector<SweepPoint> expand_sweep(const SweepSpec& sweep);

/// @brief The spec of one sweep point: the base file re-validated with the point's assignments
/// appended to `overrides`.
/// @throws ConfigError if the point's values are invalid (e.g. out of range).
ExperimentSpec spec_for_point(const ExperimentSpec& base, const SweepPoint& point, const SchemaCatalog& catalog,
                              const std::vector<Override>& overrides = {});

}  // namespace cascade::config
