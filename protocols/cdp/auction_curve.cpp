#include "cascade/protocols/cdp/auction_curve.hpp"

#include <cmath>

#include "cascade/core/error.hpp"

namespace cascade::protocols {

double AuctionCurve::price(double top, double elapsed_s) const {
  if (elapsed_s < 0.0) elapsed_s = 0.0;
  switch (kind) {
    case Kind::stairstep_exponential: return top * std::pow(cut, std::floor(elapsed_s / step_s));
    case Kind::exponential: return top * std::pow(cut, elapsed_s);
    case Kind::linear: return elapsed_s >= tau_s ? 0.0 : top * (tau_s - elapsed_s) / tau_s;
  }
  return 0.0;
}

AuctionCurve::Kind AuctionCurve::kind_from(const std::string& name) {
  if (name == "stairstep_exponential") return Kind::stairstep_exponential;
  if (name == "exponential") return Kind::exponential;
  CASCADE_ASSERT(name == "linear", "unknown auction curve (the schema lists the valid ones)");
  return Kind::linear;
}

}  // namespace cascade::protocols
