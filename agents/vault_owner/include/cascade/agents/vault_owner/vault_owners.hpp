#pragma once
/// @file vault_owners.hpp
/// @brief A population of vault owners: each locks collateral in a CDP collateral type, draws
/// stablecoin at a collateral ratio drawn from a distribution, and may top up on margin calls.

#include <cstdint>
#include <vector>

#include "cascade/random/distributions.hpp"
#include "cascade/random/philox_stream.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class CdpCollateral;
class Osm;
}  // namespace cascade::protocols

namespace cascade::agents {

/// @brief `count` vault owners. At t = 0 owner i draws a collateral value (numeraire) and a
/// collateral ratio r_i = collateral value / debt (at the collateral type's oracle price), locks
/// value/price collateral and draws value/r_i stablecoin (the collateral type caps the draw at
/// its liquidation ratio, line and Line, and refuses a dusty one).
///
/// Margin calls: a share `on_margin_call.top_up` of owners hold `spare_collateral` × their
/// initial collateral in their wallet. After every oracle update they look at the price the
/// system will use next — an OSM's queued `next_price`, visible one hop ahead, or the current
/// price of any other oracle — and when their ratio at that price is below `respond_below` × mat
/// they add collateral, after a `reaction` delay, to restore `restore_to` × mat (as far as their
/// spare collateral allows). The others never act; their vaults are liquidated below mat.
class VaultOwners final : public world::Component {
 public:
  VaultOwners(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

 private:
  enum Kind : std::uint32_t { price_update = 0, react = 1 };
  double lookahead_price() const;
  void respond(world::World& world, std::uint32_t owner);

  protocols::CdpCollateral* ilk_ = nullptr;
  const protocols::Osm* osm_ = nullptr;
  std::uint32_t count_;
  random::Distribution collateral_value_, collateral_ratio_;
  double top_up_share_, respond_below_, restore_to_, spare_collateral_;
  random::Distribution reaction_;
  std::uint32_t first_account_ = 0;
  std::vector<std::uint32_t> vault_;          // owner → vault
  std::vector<std::uint32_t> owner_of_vault_;  // vault → owner (+1; 0 = another population's)
  std::vector<std::uint8_t> responds_, pending_;
  std::vector<random::PhiloxStream> streams_;
  std::vector<std::uint32_t> scratch_;
  double collateral_value_total_ = 0;
  double debt_total_ = 0;
  std::uint64_t top_ups_ = 0;
  double topped_up_ = 0;
};

void register_vault_owners(world::Registry& registry);

}  // namespace cascade::agents
