#pragma once
/// @file market_depositor.hpp
/// @brief Depositors of one lending_market reserve who run when utilisation or bad debt frightens them.

#include <cstdint>
#include <vector>

#include "cascade/random/distributions.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class LendingMarket;
}

namespace cascade::agents {

/// @brief `count` depositors of reserve `asset` of a `lending_market`. At t = 0 depositor i
/// deposits `deposit`ᵢ units (its own stream) and keeps a scaled balance (units / liquidity index),
/// so its claim earns the supply interest. A share `run_share` of them (drawn once) are runners:
/// after an oracle update that finds the reserve's utilisation ≥ `panic_utilization` or the
/// market's bad debt ≥ `panic_bad_debt`, each runner asks for its whole claim after its own delay
/// (`reaction`). The market pays only from its cash, so at 100 % utilisation a withdrawal is
/// partly or wholly refused; the runner asks again every `retry` until its claim is paid.
/// @code
/// depositors: {type: market_depositor, protocol: market, asset: USDC, count: 100, deposit: 1.0e5,
///              run_share: 0.5, panic_utilization: 0.95, reaction: {dist: exponential, mean: 600}}
/// @endcode
class MarketDepositors final : public world::Component {
 public:
  MarketDepositors(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

  /// Depositor i's claim now (units of the reserve asset).
  double claim(std::uint32_t i) const;

 private:
  enum Kind : std::uint32_t { price_update = 0, withdraw = 1 };
  void try_withdraw(world::World& world, std::uint32_t i);

  protocols::LendingMarket* market_ = nullptr;
  std::uint32_t reserve_ = 0;
  std::uint32_t count_;
  random::Distribution deposit_, reaction_;
  double run_share_, panic_utilization_, panic_bad_debt_;
  Time retry_;
  std::uint32_t first_account_ = 0;
  std::vector<double> scaled_;          // per depositor
  std::vector<std::uint8_t> runner_;    // drawn once
  std::vector<std::uint8_t> running_;   // has started to withdraw
  double withdrawn_ = 0;
  std::uint64_t refusals_ = 0;
};

void register_market_depositor(world::Registry& registry);

}  // namespace cascade::agents
