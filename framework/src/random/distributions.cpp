#include "cascade/random/distributions.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <system_error>

#include "cascade/core/error.hpp"

namespace cascade::random {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

/// ln(k!) for an integer-valued k >= 0. Not std::lgamma: glibc's lgamma writes the global
/// `signgam` (a data race between replica threads), and its last bits vary between libms.
double log_factorial(double k) {
  if (k < 10.0) {
    double product = 1.0;  // exact: 9! < 2^53
    for (double i = 2.0; i <= k; i += 1.0) product *= i;
    return std::log(product);
  }
  // Stirling series for ln Γ(x), x = k + 1 >= 11; the first omitted term, 1/(1188 x^9), is
  // below 4e-13.
  const double x = k + 1.0;
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  const double series =
      inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 / 1680.0)));
  return (x - 0.5) * std::log(x) - x + 0.5 * std::log(2.0 * std::numbers::pi) + series;
}

/// Poisson by sequential search of the CDF; expected cost O(lambda), exact for small lambda.
std::uint64_t poisson_inversion(PhiloxStream& s, double lambda) {
  const double u = s.uniform01();
  std::uint64_t k = 0;
  double p = std::exp(-lambda);
  double cdf = p;
  // Rounding can leave the summed CDF just below a u close to 1; stop once terms vanish.
  while (u > cdf && p > 0.0) {
    ++k;
    p *= lambda / static_cast<double>(k);
    cdf += p;
  }
  return k;
}

/// PTRS, the transformed rejection method with squeeze: W. Hörmann, "The transformed rejection
/// method for generating Poisson random variables", Insurance: Mathematics and Economics 12
/// (1993) 39–45. Constants as published; two uniforms per trial.
std::uint64_t poisson_ptrs(PhiloxStream& s, double lambda) {
  const double log_lambda = std::log(lambda);
  const double b = 0.931 + 2.53 * std::sqrt(lambda);
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = s.uniform01() - 0.5;
    const double v = s.uniform01();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::uint64_t>(k);
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -lambda + k * log_lambda - log_factorial(k)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

std::string format_number(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[32];
  // Shortest text that reads back to the same double.
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  CASCADE_ASSERT(ec == std::errc{}, "to_chars failed");
  return std::string(buf, end);
}

}  // namespace

double standard_normal(PhiloxStream& s) {
  const double u1 = s.uniform01();
  const double u2 = s.uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double normal(PhiloxStream& s, double mean, double sd) { return mean + sd * standard_normal(s); }

double lognormal(PhiloxStream& s, double mu, double sigma) {
  return std::exp(mu + sigma * standard_normal(s));
}

double exponential(PhiloxStream& s, double mean) { return -mean * std::log(s.uniform01()); }

double uniform(PhiloxStream& s, double low, double high) {
  const double x = low + (high - low) * s.uniform01();
  // u < 1, but the product and sum can round up to high; keep the interval half-open.
  return x < high ? x : std::nextafter(high, low);
}

double gamma(PhiloxStream& s, double shape, double scale) {
  CASCADE_ASSERT(shape > 0.0 && scale > 0.0, "gamma needs shape > 0 and scale > 0");
  if (shape < 1.0) {
    // Marsaglia & Tsang's boost: Y ~ Gamma(shape + 1), U uniform => Y·U^(1/shape) ~ Gamma(shape).
    const double y = gamma(s, shape + 1.0, 1.0);
    return scale * y * std::pow(s.uniform01(), 1.0 / shape);
  }
  // G. Marsaglia, W. W. Tsang, "A simple method for generating gamma variables",
  // ACM TOMS 26(3) (2000) 363–372.
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = standard_normal(s);
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = s.uniform01();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return scale * d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return scale * d * v;
  }
}

double student_t(PhiloxStream& s, double nu) {
  CASCADE_ASSERT(nu > 0.0, "student_t needs nu > 0");
  const double z = standard_normal(s);
  const double g = gamma(s, 0.5 * nu, 2.0);  // chi-square with nu degrees of freedom
  return z / std::sqrt(g / nu);
}

std::uint64_t poisson(PhiloxStream& s, double lambda) {
  CASCADE_ASSERT(lambda >= 0.0 && std::isfinite(lambda), "poisson needs a finite lambda >= 0");
  return lambda < 30.0 ? poisson_inversion(s, lambda) : poisson_ptrs(s, lambda);
}

Distribution Distribution::lognormal_median_sigma(double median, double sigma) {
  CASCADE_ASSERT(median > 0.0 && sigma >= 0.0, "lognormal needs median > 0 and sigma >= 0");
  return lognormal_mu_sigma(std::log(median), sigma);
}

Distribution Distribution::lognormal_mean_sd(double mean, double sd) {
  CASCADE_ASSERT(mean > 0.0 && sd >= 0.0, "lognormal needs mean > 0 and sd >= 0");
  // E = exp(mu + sigma²/2), Var = (exp(sigma²) - 1)·E², solved for mu and sigma.
  const double ratio = sd / mean;
  const double sigma2 = std::log1p(ratio * ratio);
  return lognormal_mu_sigma(std::log(mean) - 0.5 * sigma2, std::sqrt(sigma2));
}

double Distribution::sample(PhiloxStream& s) const {
  // Qualified calls: inside the struct, unqualified `normal` etc. find the static factories.
  switch (kind) {
    case Kind::constant: return a;
    case Kind::normal: return random::normal(s, a, b);
    case Kind::lognormal: return random::lognormal(s, a, b);
    case Kind::uniform: return random::uniform(s, a, b);
    case Kind::exponential: return random::exponential(s, a);
    case Kind::student_t: return a + b * random::student_t(s, c);
    case Kind::poisson: return static_cast<double>(random::poisson(s, a));
  }
  CASCADE_ASSERT(false, "unknown distribution kind");
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::constant:
    case Kind::normal:
    case Kind::exponential:
    case Kind::poisson: return a;
    case Kind::lognormal: return std::exp(a + 0.5 * b * b);
    case Kind::uniform: return 0.5 * (a + b);
    case Kind::student_t: return c > 1.0 ? a : infinity;
  }
  CASCADE_ASSERT(false, "unknown distribution kind");
}

double Distribution::lower_bound() const {
  switch (kind) {
    case Kind::constant:
    case Kind::uniform: return a;
    case Kind::lognormal:
    case Kind::exponential:
    case Kind::poisson: return 0.0;
    case Kind::normal:
    case Kind::student_t: return -infinity;
  }
  CASCADE_ASSERT(false, "unknown distribution kind");
}

double Distribution::upper_bound() const {
  switch (kind) {
    case Kind::constant: return a;
    case Kind::uniform: return b;
    case Kind::normal:
    case Kind::lognormal:
    case Kind::exponential:
    case Kind::student_t:
    case Kind::poisson: return infinity;
  }
  CASCADE_ASSERT(false, "unknown distribution kind");
}

std::string Distribution::to_yaml() const {
  const auto f = format_number;
  const std::string head = std::string("{dist: ") + to_string(kind) + ", ";
  switch (kind) {
    case Kind::constant: return f(a);
    case Kind::normal: return head + "mean: " + f(a) + ", sd: " + f(b) + "}";
    case Kind::lognormal: return head + "mu: " + f(a) + ", sigma: " + f(b) + "}";
    case Kind::uniform: return head + "low: " + f(a) + ", high: " + f(b) + "}";
    case Kind::exponential: return head + "mean: " + f(a) + "}";
    case Kind::student_t:
      return head + "location: " + f(a) + ", scale: " + f(b) + ", nu: " + f(c) + "}";
    case Kind::poisson: return head + "lambda: " + f(a) + "}";
  }
  CASCADE_ASSERT(false, "unknown distribution kind");
  return {};
}

const char* to_string(Distribution::Kind kind) {
  switch (kind) {
    case Distribution::Kind::constant: return "constant";
    case Distribution::Kind::normal: return "normal";
    case Distribution::Kind::lognormal: return "lognormal";
    case Distribution::Kind::uniform: return "uniform";
    case Distribution::Kind::exponential: return "exponential";
    case Distribution::Kind::student_t: return "student_t";
    case Distribution::Kind::poisson: return "poisson";
  }
  CASCADE_ASSERT(false, "unknown distribution kind");
}

}  // namespace cascade::random
