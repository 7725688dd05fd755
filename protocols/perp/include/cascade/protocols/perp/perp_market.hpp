#pragma once
/// @file perp_market.hpp
/// @brief One perpetual futures market: margin tiers, mark price, funding, risk controls.

#include <cstdint>
#include <string>
#include <vector>

#include "cascade/protocols/risk/risk_controls.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

class LimitOrderBook;

/// @brief Tiered ("tax bracket") margin by notional (Binance USDⓈ-M leverage brackets).
///
/// Bracket k covers notionals up to cap_k; the maintenance margin is
/// MM = N·mmr_k − amount_k with amount_0 = 0 and amount_k = amount_{k−1} + cap_{k−1}·(mmr_k − mmr_{k−1}),
/// which makes MM continuous across brackets; the initial margin is N / max_leverage_k.
struct MarginTiers {
  std::vector<double> caps;          ///< upper notional bound of each bracket (last: +∞ in effect)
  std::vector<double> mmr;           ///< maintenance margin rate per bracket
  std::vector<double> max_leverage;  ///< max leverage per bracket
  std::vector<double> amount;        ///< maintenance amount per bracket (derived)

  /// Fills `amount` from caps and mmr.
  void derive();
  /// Bracket of a notional (the last one beyond every cap).
  std::size_t bracket(double notional) const;
  double maintenance(double notional) const;
  double initial(double notional) const;
  double maintenance_amount(std::size_t k) const { return amount[k]; }
  /// Binance BTCUSDT brackets of March 2021 (defi-mechanics.md §4.1).
  static MarginTiers binance_btcusdt();
};

/// @brief Funding rate of one interval from the average premium index (Binance, Hyperliquid):
/// F = P̄ + clamp(I − P̄, −clamp, +clamp), then capped to [−cap, +cap]. Rates are per 8 hours.
double funding_rate_8h(double average_premium, double interest, double clamp, double cap);
/// @brief Premium index sample: [max(0, impact_bid − index) − max(0, index − impact_ask)] / index.
double premium_index(double impact_bid, double impact_ask, double index);

/// @brief A perpetual futures market on one underlying, referenced by a perp_exchange.
///
/// The index price is its oracle; the mark price is either Binance's median(P1, P2, last trade)
/// with P1 = index·(1 + F_last·τ_to_funding/interval) and P2 = index + EMA(mid − index), or
/// Hyperliquid's first input P2 alone (`mark: ema_premium`). The premium index is sampled from
/// the book's impact bid/ask every `premium_sample`; at each funding time the average premium
/// gives the rate, which the exchange settles (F·interval/8h per interval) between longs and
/// shorts. Risk controls: volatility-scaled margin and a circuit breaker on the mark price.
class PerpMarket final : public world::Component, public world::PriceSource {
 public:
  enum class MarkMethod { median, ema_premium };
  enum class FundingPrice { mark, oracle };

  PerpMarket(const config::ComponentSpec& spec, world::World& world);

  double price() const override { return mark_; }
  const std::string& base_asset() const override { return asset_; }
  double mark() const { return mark_; }
  double index() const;
  LimitOrderBook& book() const { return *book_; }
  const MarginTiers& tiers() const { return tiers_; }
  const std::string& risk_unit() const { return risk_unit_; }
  const std::vector<double>& stress_moves() const { return stress_moves_; }

  /// Maintenance / initial margin of a notional, scaled by the volatility control when enabled.
  double maintenance_margin(double notional) const;
  double initial_margin(double notional) const;
  double margin_scale() const;
  /// Liquidation fee rate for a unit with this equity and maintenance margin.
  double liquidation_fee_rate(double equity, double maintenance) const;

  /// Funding rate (per 8 h) fixed at the last funding time, and the amount per interval paid.
  double last_funding_rate() const { return last_rate_; }
  double funding_per_interval(double rate_8h) const;
  Time funding_interval() const { return interval_; }
  FundingPrice funding_price() const { return funding_price_; }
  const std::vector<std::pair<double, double>>& funding_history() const { return history_; }  ///< (time s, rate 8h)
  double impact_notional() const { return impact_notional_; }

  bool halted(Time now) const { return breaker_.halted(now); }
  bool halt_liquidations() const { return halt_liquidations_; }
  int circuit_breaker_trips() const { return breaker_.trips(); }

  /// Recomputes the mark from the index and the book (called on every oracle or book update).
  void update_mark(Time now);

  /// @brief `listener` gets Event{kind, payload} (class protocol) after each mark update, and
  /// Event{funding_kind, payload} at each funding time, and Event{kind, payload} when a halt ends.
  void subscribe(world::ComponentId listener, std::uint32_t kind, std::uint32_t funding_kind, std::uint32_t payload);

  /// Open interest (contracts long), maintained by the exchange.
  void set_open_interest(double contracts) { open_interest_ = contracts; }
  double open_interest() const { return open_interest_; }
  void add_funding_paid(double amount) { funding_paid_ += amount; }

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

 private:
  void notify(world::World& world, bool funding);

  std::string asset_;
  world::PriceSource* oracle_ = nullptr;
  LimitOrderBook* book_ = nullptr;
  MarginTiers tiers_;
  MarkMethod mark_method_ = MarkMethod::median;
  Time basis_tau_ = 150 * kSecond;
  Time interval_ = 8 * kHour;
  Time premium_sample_ = kMinute;
  double interest_ = 1e-4, clamp_ = 5e-4, cap_ = 4e-3;
  double impact_notional_ = 0;
  FundingPrice funding_price_ = FundingPrice::mark;
  double fee_base_ = 0.005, fee_max_ = 0.005;
  std::string risk_unit_;
  std::vector<double> stress_moves_;
  double vol_reference_ = 0.0, vol_max_scale_ = 3.0;
  risk::EwmaVolatility vol_;
  risk::CircuitBreaker breaker_;
  bool halt_liquidations_ = true;

  double mark_ = 0.0;
  double basis_ema_ = 0.0;
  Time last_mark_time_ = 0;
  Time next_funding_ = 0;
  double premium_sum_ = 0.0;
  std::uint64_t premium_count_ = 0;
  double last_premium_ = 0.0;
  double last_rate_ = 0.0;
  double open_interest_ = 0.0;
  double funding_paid_ = 0.0;
  std::vector<std::pair<double, double>> history_;
  struct Listener {
    world::ComponentId id;
    std::uint32_t kind, funding_kind, payload;
  };
  std::vector<Listener> listeners_;
};

void register_perp_market(world::Registry& registry);

}  // namespace cascade::protocols
