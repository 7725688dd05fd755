#pragma once
/// @file auction_curve.hpp
/// @brief Price curves of Liquidations 2.0 Dutch auctions (dss abaci.sol).

#include <string>

namespace cascade::protocols {

/// @brief The price of a Dutch auction `elapsed` seconds after its start, as a function of its
/// starting price `top` (dss `Abacus.price(top, dur)`).
///
/// * stairstep_exponential: top · cut^floor(elapsed / step)   (StairstepExponentialDecrease)
/// * exponential:           top · cut^elapsed, cut per second (ExponentialDecrease)
/// * linear:                top · (tau − elapsed) / tau, 0 after tau (LinearDecrease)
/// @code
/// AuctionCurve c{AuctionCurve::Kind::stairstep_exponential, 0.99, 90.0, 0.0};
/// double p = c.price(110.0, 900.0);  // 110 · 0.99^10
/// @endcode
struct AuctionCurve {
  enum class Kind { stairstep_exponential, exponential, linear };
  Kind kind = Kind::stairstep_exponential;
  double cut = 0.99;     ///< multiplicative decrease per step (per second for `exponential`)
  double step_s = 90.0;  ///< seconds between decreases (stairstep)
  double tau_s = 0.0;    ///< seconds to reach zero (linear)

  double price(double top, double elapsed_s) const;
  /// Parses "stairstep_exponential", "exponential" or "linear" (asserts the name is valid).
  static Kind kind_from(const std::string& name);
};

}  // namespace cascade::protocols
