#pragma once
/// @file scripted_seller.hpp
/// @brief A whale that dumps a fixed amount on a venue at a fixed time: the simplest
/// endogenous shock, and the trigger of hand-checked cascade scenarios.

#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class ConstantProductAmm;
}

namespace cascade::agents {

/// @brief Sells `amount` of the venue's base asset at time `at` (tokens brought from outside the
/// system, so they are minted into the seller's wallet first).
class ScriptedSeller final : public world::Component {
 public:
  ScriptedSeller(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

 private:
  protocols::ConstantProductAmm* venue_ = nullptr;
  Time at_;
  double amount_;
  ledger::AccountId wallet_ = 0;
  double proceeds_ = 0;
};

void register_scripted_seller(world::Registry& registry);

}  // namespace cascade::agents
