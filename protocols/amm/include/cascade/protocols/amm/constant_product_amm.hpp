#pragma once
/// @file constant_product_amm.hpp
/// @brief Uniswap-v2-style constant-product pool with a swap fee.

#include <string>

#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief Pure x·y = k arithmetic with fee (Uniswap v2 getAmountOut), usable without a world.
struct ConstantProductMath {
  /// Output for `amount_in` of one side given reserves (in, out): γ·a·y / (x + γ·a), γ = 1 − fee.
  static double amount_out(double amount_in, double reserve_in, double reserve_out, double fee);
  /// Input needed to receive `amount_out` (< reserve_out): x·b / (γ·(y − b)).
  static double amount_in(double amount_out, double reserve_in, double reserve_out, double fee);
  /// Input of the `in` side that moves the marginal price of `out` in `in` units, after fee, to
  /// `target` (= reserve_in/reserve_out after the trade, times 1/γ): the arbitrageur's optimal trade
  /// against an outside price. Returns 0 if no profitable trade exists.
  /// Derivation: after selling a of `in`, marginal output per unit = γ·x·y / (x + γ·a)²; setting
  /// it equal to 1/target_price_of_out_in_in gives a = (sqrt(γ·x·y·target) − x) / γ.
  static double input_to_reach(double reserve_in, double reserve_out, double fee, double price_of_out_in_in);
};

/// @brief A two-asset constant-product pool (`base`/`quote`, quote = the numeraire when the pair
/// contains it). Its price is quote per base = reserve_quote / reserve_base. Reserves are the
/// pool account's ledger balances; the fee stays in the pool (as in Uniswap v2).
///
/// Followers (oracles, arbitrageurs) are notified after every swap.
/// @code
/// double usdc = amm.sell_base(world, trader_account, 50.0);  // sell 50 ETH
/// @endcode
class ConstantProductAmm final : public world::Component, public world::PriceSource {
 public:
  ConstantProductAmm(const config::ComponentSpec& spec, world::World& world);

  double price() const override { return reserve_quote_ / reserve_base_; }
  const std::string& base_asset() const override { return base_name_; }
  ledger::TokenId base_token() const { return base_; }
  ledger::TokenId quote_token() const { return quote_; }
  double reserve_base() const { return reserve_base_; }
  double reserve_quote() const { return reserve_quote_; }
  double fee() const { return fee_; }

  /// Quote received for selling `base_in` (no state change).
  double quote_sell_base(double base_in) const;
  /// Quote needed to buy `base_out` (no state change); infinite if base_out ≥ reserve.
  double quote_buy_base(double base_out) const;

  /// @brief Sells `base_in` from `trader` into the pool; returns the quote paid out.
  double sell_base(world::World& world, ledger::AccountId trader, double base_in);
  /// @brief Sells `quote_in` from `trader` into the pool; returns the base paid out.
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
  double fee_ = 0;
  double volume_quote_ = 0;
  world::PriceStats stats_;
};

void register_constant_product_amm(world::Registry& registry);

}  // namespace cascade::protocols
