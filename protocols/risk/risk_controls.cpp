#include "cascade/protocols/risk/risk_controls.hpp"

#include <algorithm>
#include <cmath>

namespace cascade::protocols::risk {

bool CircuitBreaker::observe(Time now, double price) {
  if (!enabled() || !(price > 0.0)) return false;
  while (!samples_.empty() && samples_.front().first < now - window_) samples_.pop_front();
  double hi = price, lo = price;
  for (const auto& s : samples_) {
    hi = std::max(hi, s.second);
    lo = std::min(lo, s.second);
  }
  samples_.emplace_back(now, price);
  if (halted(now)) return false;
  if (price <= hi * (1.0 - move_) || price >= lo * (1.0 + move_)) {
    halted_until_ = now + halt_;
    ++trips_;
    // The halt resets the reference: after it, moves are measured from the post-halt price.
    samples_.clear();
    samples_.emplace_back(now, price);
    return true;
  }
  return false;
}

void EwmaVolatility::observe(Time now, double price) {
  if (!(price > 0.0)) return;
  if (last_price_ > 0.0 && now > last_time_) {
    const double dt = to_seconds(now - last_time_);
    const double r = std::log(price / last_price_);
    const double w = std::exp(-dt / tau_);
    variance_ = w * variance_ + (1.0 - w) * r * r * (3600.0 / dt);
  }
  if (now > last_time_ || last_price_ == 0.0) {
    last_time_ = now;
    last_price_ = price;
  } else {
    last_price_ = price;  // several prices at one instant: the last one counts
  }
}

double EwmaVolatility::hourly_vol() const { return std::sqrt(variance_); }

double volatility_scaled_margin(double base_rate, double vol, double reference_vol, double max_scale) {
  if (!(reference_vol > 0.0)) return base_rate;
  return base_rate * std::clamp(vol / reference_vol, 1.0, std::max(1.0, max_scale));
}

double variable_penalty(double base, double max, double equity, double maintenance) {
  if (!(maintenance > 0.0)) return base;
  const double health = std::clamp(equity / maintenance, 0.0, 1.0);
  return base + (max - base) * (1.0 - health);
}

}  // namespace cascade::protocols::risk
