#pragma once
/// @file risk_controls.hpp
/// @brief Risk controls shared by the perpetual exchange, order books and lending protocols:
/// a circuit breaker, an EWMA volatility estimate with volatility-scaled margin, and a variable
/// liquidation penalty. Plain value types, usable without a world.

#include <deque>
#include <utility>

#include "cascade/core/time.hpp"

namespace cascade::protocols::risk {

/// @brief Halts trading for `halt` when the price moves more than `move` (fraction) within a
/// rolling `window`, as exchange circuit breakers do (e.g. CME price limits, Binance's
/// "price protection"). A move of 0 disables it.
/// @code
/// CircuitBreaker cb(0.10, 5 * kMinute, 15 * kMinute);
/// if (cb.observe(now, price)) { /* trading halted until cb.halted_until() */ }
/// @endcode
class CircuitBreaker {
 public:
  CircuitBreaker() = default;
  CircuitBreaker(double move, Time window, Time halt) : move_(move), window_(window), halt_(halt) {}

  bool enabled() const { return move_ > 0.0; }
  /// @brief Records a price at `now`; returns true if this observation trips the breaker (the
  /// price is more than `move` away from the highest or lowest price within the window). While
  /// halted, observations are recorded but do not trip it again.
  bool observe(Time now, double price);
  bool halted(Time now) const { return now < halted_until_; }
  Time halted_until() const { return halted_until_; }
  int trips() const { return trips_; }

 private:
  double move_ = 0.0;
  Time window_ = 0, halt_ = 0;
  Time halted_until_ = 0;
  int trips_ = 0;
  std::deque<std::pair<Time, double>> samples_;
};

/// @brief Exponentially weighted volatility of log returns, per √hour, with time-decayed
/// weights: after a return r over dt seconds, var ← w·var + (1 − w)·r²·(3600/dt) with
/// w = exp(−dt / time_constant) (RiskMetrics-style EWMA on an irregular grid).
class EwmaVolatility {
 public:
  EwmaVolatility() = default;
  /// @param time_constant_s decay time of the weights, in seconds
  /// @param initial_hourly_vol starting estimate (fraction per √hour)
  EwmaVolatility(double time_constant_s, double initial_hourly_vol)
      : tau_(time_constant_s), variance_(initial_hourly_vol * initial_hourly_vol) {}

  void observe(Time now, double price);
  /// Current volatility estimate, fraction per √hour.
  double hourly_vol() const;

 private:
  double tau_ = 600.0;
  double variance_ = 0.0;
  Time last_time_ = 0;
  double last_price_ = 0.0;
};

/// @brief Volatility-scaled (dynamic) margin: the base margin rate times max(1, σ/σ_ref),
/// capped at `max_scale` (σ_ref ≤ 0 disables scaling).
double volatility_scaled_margin(double base_rate, double vol, double reference_vol, double max_scale);

/// @brief Variable liquidation penalty: `base` when the position is just at maintenance
/// (equity = MM), rising linearly to `max` when equity reaches zero:
/// penalty = base + (max − base)·(1 − clamp(equity/MM, 0, 1)).
double variable_penalty(double base, double max, double equity, double maintenance);

}  // namespace cascade::protocols::risk
