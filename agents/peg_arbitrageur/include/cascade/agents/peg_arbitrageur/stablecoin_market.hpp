#pragma once
/// @file stablecoin_market.hpp
/// @brief A stablecoin's secondary market as agents see it: a constant-product or a StableSwap
/// pool of stablecoin (base) against the numeraire (quote).

#include "cascade/ledger/ledger.hpp"

namespace cascade::world {
class Component;
class World;
}  // namespace cascade::world
namespace cascade::protocols {
class ConstantProductAmm;
class StableswapPool;
}  // namespace cascade::protocols

namespace cascade::agents {

/// @brief Dispatches to a ConstantProductAmm or a StableswapPool. Trade sizing to a target
/// marginal price uses the constant-product closed form, or bisection on the StableSwap
/// invariant (the marginal price is monotone in the trade size).
class StablecoinMarket {
 public:
  /// @brief The market if `venue` is one of the two pool types, else an empty (invalid) market.
  static StablecoinMarket of(world::Component* venue);
  bool valid() const { return cp_ != nullptr || ss_ != nullptr; }

  double price() const;
  double fee() const;
  ledger::TokenId base_token() const;
  ledger::TokenId quote_token() const;
  /// Quote needed to receive `base_out` (infinite if the pool cannot pay it).
  double quote_buy_base(double base_out) const;
  double sell_base(world::World& world, ledger::AccountId trader, double base_in) const;
  double sell_quote(world::World& world, ledger::AccountId trader, double quote_in) const;
  /// Base to sell so that the marginal quote received per base, net of fee, falls to `target`
  /// (0 if it is already below).
  double base_to_reach(double target) const;
  /// Quote to pay so that the marginal base received per quote, net of fee, falls to `target`.
  double quote_to_reach(double target) const;

 private:
  protocols::ConstantProductAmm* cp_ = nullptr;
  protocols::StableswapPool* ss_ = nullptr;
};

}  // namespace cascade::agents
