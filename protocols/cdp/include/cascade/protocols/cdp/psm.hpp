#pragma once
/// @file psm.hpp
/// @brief Peg Stability Module: swaps a reserve stablecoin (gem) and the system's stablecoin 1:1
/// with fees, up to a debt ceiling.

#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

class CdpSystem;

/// @brief dss-psm: `sell_gem` locks gem and mints gem·(1 − tin) stablecoin to the seller (the
/// fee gem·tin is minted to the Vow); `buy_gem` takes gem·(1 + tout) stablecoin, burns gem of
/// it, pays gem·tout to the Vow and releases the gem. The PSM's debt (= gem held) counts against
/// the system's debt and is capped by `ceiling` (the ilk line).
/// @code
/// double dai = psm.sell_gem(world, wallet, 1000.0);  // 1,000 USDC → 999 DAI with tin = 0.001
/// @endcode
class Psm final : public world::Component {
 public:
  Psm(const config::ComponentSpec& spec, world::World& world);

  double tin() const { return tin_; }
  double tout() const { return tout_; }
  double debt() const { return debt_; }
  ledger::TokenId gem() const { return gem_; }
  CdpSystem& system() const { return *system_; }

  /// @brief Swaps up to `gem_amount` gem from `who` (limited by the ceiling); returns the
  /// stablecoin received.
  double sell_gem(world::World& world, ledger::AccountId who, double gem_amount);
  /// @brief Buys up to `gem_amount` gem for stablecoin (limited by the gem held and by `who`'s
  /// stablecoin); returns the gem received.
  double buy_gem(world::World& world, ledger::AccountId who, double gem_amount);

  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

 private:
  CdpSystem* system_ = nullptr;
  ledger::TokenId gem_ = 0, dai_ = 0;
  ledger::AccountId pocket_ = 0;
  std::uint32_t handle_ = 0;
  double tin_, tout_, ceiling_;
  double debt_ = 0;
  double volume_ = 0;
};

void register_psm(world::Registry& registry);

}  // namespace cascade::protocols
