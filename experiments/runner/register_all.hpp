#pragma once
/// @file register_all.hpp
/// @brief The one list of component types known to the `cascade` command.

#include "cascade/world/registry.hpp"

namespace cascade {

/// @brief Registers every built-in driver, venue, oracle, protocol and agent type.
void register_all(world::Registry& registry);

}  // namespace cascade
