#pragma once
/// @file limit_order_book.hpp
/// @brief A limit order book venue whose liquidity comes from market makers quoting a depth
/// profile around a reference price; market orders walk the book, makers replenish at a
/// resilience rate and pull liquidity when volatility rises.

#include <cstdint>
#include <string>
#include <vector>

#include "cascade/ledger/ledger.hpp"
#include "cascade/protocols/risk/risk_controls.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief The result of a market order: base quantity filled and quote paid or received.
struct BookFill {
  double quantity = 0;  ///< base units filled
  double notional = 0;  ///< quote units exchanged
  double last_price = 0;  ///< price of the last (worst) level touched
  double average() const { return quantity > 0.0 ? notional / quantity : 0.0; }
};

/// @brief Parameters of the makers' book (see protocols/orderbook/README.md).
struct BookParams {
  double half_spread = 1e-4;  ///< best quotes at center·(1 ± half_spread)
  double tick = 5e-4;         ///< relative spacing of price levels
  std::uint32_t levels = 40;  ///< levels per side
  double depth = 10.0;        ///< base units at the best level
  double depth_slope = 0.05;  ///< level k holds depth·(1 + slope·k)
  Time resilience = 60 * kSecond;  ///< time constant of the refill toward the profile
  Time refresh = 5 * kSecond;      ///< how often makers requote consumed levels
  double pull_vol = 0.0;       ///< hourly volatility above which makers pull depth (0 = never)
  double pull_elasticity = 1.0;  ///< depth factor = (pull_vol/σ)^elasticity above the threshold
  double min_depth = 0.05;       ///< floor of the depth factor
  double vol_time_constant_s = 600.0;  ///< EWMA time constant of the volatility estimate
  double flow_shift = 0.0;  ///< share of a market order's mid move by which makers re-centre the book
};

/// @brief A two-sided book of `levels` price levels per side, centred on a reference price
/// (the makers hedge elsewhere and quote around the outside market).
///
/// Level k of the ask side is at center·(1 + half_spread + k·tick) and holds up to
/// target_k = depth·(1 + depth_slope·k)·factor base units; bids mirror it. A market order
/// consumes levels best first (it "walks the book"), so the mid moves with the depth taken. Makers
/// refill every `refresh`: remaining ← remaining + (target − remaining)·(1 − e^(−dt/resilience))
/// (Obizhaeva–Wang exponential resilience). When the EWMA volatility σ of the reference exceeds
/// `pull_vol`, factor = max(min_depth, (pull_vol/σ)^elasticity) and quotes above the new target are
/// cancelled at once. When the reference moves, the whole book moves with it and keeps what was
/// consumed. With `flow_shift` φ > 0 makers also lean on order flow: after a market order that
/// moves the mid by Δ, the center moves by φ·Δ (a basis to the reference that decays with the
/// resilience time constant), so after heavy selling even the asks can sit below the reference —
/// the discount a perp's premium index measures.
///
/// The matching engine (execute_buy/execute_sell) only changes the book; spot wrappers
/// (sell_base/buy_base) also settle tokens against the makers' ledger account, whose inventory is
/// replenished from outside the model (minted, like the arbitrageur's outside market). A
/// derivatives exchange uses the matching engine and books the makers' side itself.
/// @code
/// BookFill f = book.execute_sell(world, 25.0);   // market sell 25 base units
/// double avg = f.average();
/// @endcode
class LimitOrderBook final : public world::Component, public world::PriceSource {
 public:
  LimitOrderBook(const config::ComponentSpec& spec, world::World& world);

  /// Mid of the best bid and ask; the center when a side is empty.
  double price() const override;
  const std::string& base_asset() const override { return base_name_; }
  ledger::TokenId base_token() const { return base_; }
  ledger::TokenId quote_token() const { return quote_; }
  const BookParams& params() const { return params_; }

  double center() const { return center_; }
  /// Relative offset of the center from the reference (order-flow basis).
  double basis() const { return basis_; }
  double best_bid() const;  ///< 0 when the bid side is empty
  double best_ask() const;  ///< 0 when the ask side is empty
  double last_trade() const { return last_trade_; }
  double depth_factor() const { return factor_; }
  std::uint32_t levels() const { return params_.levels; }
  double ask_price(std::uint32_t k) const { return center_ * (1.0 + params_.half_spread + params_.tick * k); }
  double bid_price(std::uint32_t k) const { return center_ * (1.0 - params_.half_spread - params_.tick * k); }
  double ask_size(std::uint32_t k) const { return ask_[k]; }
  double bid_size(std::uint32_t k) const { return bid_[k]; }
  double bid_depth() const;  ///< base units on the bid side
  double ask_depth() const;  ///< base units on the ask side

  /// What a market buy / sell of `quantity` base units would fill (no state change).
  BookFill preview_buy(double quantity) const;
  BookFill preview_sell(double quantity) const;
  /// @brief Average price of selling (impact bid) / buying (impact ask) `notional` quote units'
  /// worth, as used by funding premium indices; the worst level when the side runs out.
  double impact_bid(double notional) const;
  double impact_ask(double notional) const;

  /// @brief Matching engine: consumes levels for a market order and notifies followers.
  BookFill execute_buy(world::World& world, double quantity);
  BookFill execute_sell(world::World& world, double quantity);
  /// @brief Spot trades settled in the ledger against the makers' account.
  double sell_base(world::World& world, ledger::AccountId trader, double base_in);
  double buy_base(world::World& world, ledger::AccountId trader, double base_out);

  /// Moves the book to a new center (what a reference update does).
  void recenter(world::World& world, double center);
  /// Refills toward the profile for the time elapsed since the last refill.
  void replenish(Time now);

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;

 private:
  BookFill walk(const std::vector<double>& sizes, bool asks, double quantity) const;
  BookFill consume(world::World& world, bool asks, double quantity);
  double impact(bool asks, double notional) const;
  double target(std::uint32_t k) const { return params_.depth * (1.0 + params_.depth_slope * k) * factor_; }
  void apply_targets();
  void schedule_refresh(world::World& world);

  BookParams params_;
  std::string base_name_;
  ledger::TokenId base_ = 0, quote_ = 0;
  ledger::AccountId makers_ = 0;
  world::PriceSource* reference_ = nullptr;
  double center_ = 0.0;
  double basis_ = 0.0;
  double reference_price_ = 0.0;
  double factor_ = 1.0;
  double last_trade_ = 0.0;
  double volume_quote_ = 0.0;
  Time last_refill_ = 0;
  bool refresh_pending_ = false;
  std::vector<double> ask_, bid_;
  risk::EwmaVolatility vol_;
  world::PriceStats stats_;
};

void register_limit_order_book(world::Registry& registry);

}  // namespace cascade::protocols
