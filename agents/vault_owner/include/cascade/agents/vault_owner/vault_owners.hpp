#pragma once
/// @file vault_owners.hpp
/// @brief A population of vault owners: each locks collateral in a CDP collateral type and draws
/// stablecoin at a collateral ratio drawn from a distribution.

#include <cstdint>
#include <vector>

#include "cascade/random/distributions.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class CdpCollateral;
}

namespace cascade::agents {

/// @brief `count` vault owners. At t = 0 owner i draws a collateral value (numeraire) and a
/// collateral ratio r_i = collateral value / debt (at the collateral type's oracle price), locks
/// value/price collateral and draws value/r_i stablecoin (the collateral type caps the draw at
/// its liquidation ratio, line and Line, and refuses a dusty one). Owners do not respond to
/// margin calls in this version: a vault is liquidated when its ratio falls below `mat`.
class VaultOwners final : public world::Component {
 public:
  VaultOwners(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

 private:
  protocols::CdpCollateral* ilk_ = nullptr;
  std::uint32_t count_;
  random::Distribution collateral_value_, collateral_ratio_;
  std::uint32_t first_account_ = 0;
  double collateral_value_total_ = 0;
  double debt_total_ = 0;
};

void register_vault_owners(world::Registry& registry);

}  // namespace cascade::agents
