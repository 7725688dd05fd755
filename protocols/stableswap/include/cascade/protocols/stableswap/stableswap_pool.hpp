#pragma once
/// @file stableswap_pool.hpp
/// @brief Curve StableSwap pool of two assets (curve-contract get_D / get_y).

#include <string>

#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief Two-coin StableSwap arithmetic, usable without a world. `amp` is the contracts' A
/// (so Ann = amp · n with n = 2); balances are in whole units with equal precision.
///
/// Invariant (n = 2): Ann·(x + y) + D = Ann·D + D³ / (4·x·y).
struct StableSwapMath {
  /// get_D: Newton iteration D ← (Ann·S + 2·D_P)·D / ((Ann − 1)·D + 3·D_P), D_P = D³/(4xy).
  static double invariant(double x, double y, double amp);
  /// get_y: the other balance that keeps D when one balance is `x`:
  /// y ← (y² + c)/(2y + b − D), c = D³/(4·x·Ann), b = x + D/Ann.
  static double other_balance(double x, double d, double amp);
  /// Marginal price of x in units of y (−dy/dx on the invariant): F_x / F_y with
  /// F_x = Ann + D³/(4x²y), F_y = Ann + D³/(4xy²).
  static double marginal_price(double x, double y, double amp);
};

/// @brief A two-asset StableSwap pool (`base`/`quote`; quote = the numeraire when the pair holds
/// it). Price = marginal quote per base on the invariant. A swap of Δ in pays out
/// (y − get_y(x + Δ)) · (1 − fee); the fee stays in the pool (admin fee not modelled).
/// @code
/// venues: {curve_dai_usdc: {type: stableswap_pool, reserves: {DAI: 2.0e7, USDC: 2.0e7}, amp: 200, fee: 0.0004}}
/// @endcode
class StableswapPool final : public world::Component, public world::PriceSource {
 public:
  StableswapPool(const config::ComponentSpec& spec, world::World& world);

  double price() const override;
  const std::string& base_asset() const override { return base_name_; }
  ledger::TokenId base_token() const { return base_; }
  ledger::TokenId quote_token() const { return quote_; }
  double reserve_base() const { return reserve_base_; }
  double reserve_quote() const { return reserve_quote_; }
  double fee() const { return fee_; }
  double amp() const { return amp_; }

  /// Quote received for selling `base_in` (no state change).
  double quote_sell_base(double base_in) const;
  /// Base received for selling `quote_in` (no state change).
  double quote_sell_quote(double quote_in) const;
  /// Quote needed to receive `base_out` (infinite if the pool cannot pay it).
  double quote_buy_base(double base_out) const;
  /// Marginal quote per base, net of fee, after selling `base_in` (or, with negative `base_in`,
  /// after buying −base_in).
  double marginal_after(double base_in) const;

  double sell_base(world::World& world, ledger::AccountId trader, double base_in);
  double sell_quote(world::World& world, ledger::AccountId trader, double quote_in);

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

 private:
  std::string base_name_;
  ledger::TokenId base_ = 0, quote_ = 0;
  ledger::AccountId pool_ = 0;
  double initial_base_ = 0, initial_quote_ = 0;
  double reserve_base_ = 0, reserve_quote_ = 0;
  double amp_ = 0, fee_ = 0;
  double volume_quote_ = 0;
  world::PriceStats stats_;
};

void register_stableswap_pool(world::Registry& registry);

}  // namespace cascade::protocols
