#pragma once
/// @file perp_trader.hpp
/// @brief A population of leveraged perpetual-futures traders.

#include <cstdint>
#include <vector>

#include "cascade/ledger/ledger.hpp"
#include "cascade/random/distributions.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class PerpExchange;
enum class MarginMode : std::uint8_t;
}  // namespace cascade::protocols

namespace cascade::agents {

/// @brief `count` traders on one market of a perp_exchange, each with its own margin, leverage,
/// side and margin-call response, drawn at build time.
///
/// At t = 0 each trader deposits margin·(1 + idle_balance) in an account of the population's
/// margin mode (or one drawn from `mode_shares` when the mode is `mixed`) and opens a position of notional margin·leverage at the index price against the
/// makers (existing open interest). In isolated mode only `margin` backs the position; in cross
/// and portfolio mode the whole balance does. A leverage the market's brackets (or the portfolio
/// stress test) do not allow is reduced step by step (×0.9) until the initial margin is covered.
///
/// After each liquidation check of the market, traders whose margin ratio (maintenance / equity)
/// reached `respond_at` react after their own latency: "top up" deposits from an outside reserve
/// (margin × reserve) enough to bring the ratio to `restore_to`; "reduce" sends a market order on
/// the book shrinking the position by the same proportion; the rest let it be liquidated.
class PerpTraders final : public world::Component {
 public:
  PerpTraders(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

  std::uint32_t account_of(std::uint32_t trader) const { return account_[trader]; }
  std::uint32_t count() const { return count_; }

 private:
  enum Kind : std::uint32_t { updated = 0, react = 1 };
  enum class Response : std::uint8_t { ignore, top_up, reduce };
  void respond(world::World& world, std::uint32_t i);

  protocols::PerpExchange* exchange_ = nullptr;
  std::size_t market_ = 0;
  std::uint32_t count_;
  random::Distribution margin_, leverage_, idle_, reaction_;
  double long_share_ = 0.5;
  protocols::MarginMode mode_;
  bool mixed_ = false;
  std::vector<double> mode_shares_;
  double top_up_share_ = 0, reduce_share_ = 0, respond_at_ = 0.8, restore_to_ = 0.5, reserve_ = 0.5;
  std::uint32_t first_wallet_ = 0;
  std::vector<std::uint32_t> account_;
  std::vector<Response> response_;
  std::vector<std::uint8_t> pending_;
  std::vector<std::uint32_t> reactions_;
  std::uint64_t top_ups_ = 0, reductions_ = 0;
  double notional0_ = 0;
  double capital_ = 0;
  const ledger::Ledger* ledger_ = nullptr;
};

void register_perp_trader(world::Registry& registry);

}  // namespace cascade::agents
