#pragma once
// Builds worlds from YAML text with the real component registry (tests only).
#include <string>

#include "cascade/config/loader.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"
#include "register_all.hpp"

namespace cascade::testing {

inline const world::Registry& registry() {
  static const world::Registry r = [] {
    world::Registry reg;
    register_all(reg);
    return reg;
  }();
  return r;
}

/// Loads an experiment from text; relative files resolve against tests/.
inline config::ExperimentSpec load(const std::string& yaml) {
  return config::load_experiment_text(yaml, "test.yaml", CASCADE_TEST_DATA_DIR, registry());
}

inline config::ExperimentSpec load_file(const std::string& path_in_tests) {
  return config::load_experiment(std::string(CASCADE_TEST_DATA_DIR) + "/" + path_in_tests, registry());
}

}  // namespace cascade::testing
