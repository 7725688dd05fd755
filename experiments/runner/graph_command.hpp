#pragma once
// `cascade graph FILE [--dot OUT.dot] [--set ...]` and the cascade lines of `cascade run`'s summary.

#include <string>
#include <vector>

#include "cascade/config/loader.hpp"
#include "cascade/runner/ensemble_runner.hpp"

namespace cascade {

/// @brief Prints the dependency graph of an experiment (nodes, edges, cycles, layers,
/// betweenness); writes Graphviz text to `dot_path` if given ("-" = standard output).
/// @throws config::ConfigError for a bad file; cascade::Error if the dot file cannot be written.
void graph_command(const std::string& file, const world::Registry& registry,
                   const std::vector<config::Override>& overrides, const std::string& dot_path);

/// @brief Per point: mean cascade depth and size, insolvent nodes, P(any insolvency) and the
/// share of runs in which each node was impacted. Printed when the experiment has a network: section.
void print_cascade_summary(const runner::Plan& plan, const runner::EnsembleReport& report);

}  // namespace cascade
