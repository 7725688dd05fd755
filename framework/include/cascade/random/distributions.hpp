#pragma once
/// @file distributions.hpp
/// @brief The project's own distributions over PhiloxStream. std:: distributions differ between
/// standard libraries; these are pinned by golden-value tests so results are portable.

#include <cstdint>
#include <string>

#include "cascade/random/philox_stream.hpp"

namespace cascade::random {

/// Standard normal by the Box–Muller transform: each call consumes two words (u1, u2) and returns
/// the cosine branch sqrt(−2 ln u1)·cos(2π u2); the sine branch is dropped, so no state is kept
/// outside the stream.
double standard_normal(PhiloxStream& s);
double normal(PhiloxStream& s, double mean, double sd);
/// exp(mu + sigma·Z)
double lognormal(PhiloxStream& s, double mu, double sigma);
/// Exponential with the given mean, by inversion: −mean·ln(U).
double exponential(PhiloxStream& s, double mean);
/// Uniform on [low, high).
double uniform(PhiloxStream& s, double low, double high);
/// Gamma(shape, scale) by Marsaglia–Tsang (2000); shape < 1 via the U^(1/shape) boost.
double gamma(PhiloxStream& s, double shape, double scale);
/// Student-t with nu degrees of freedom: Z / sqrt(G/nu), G ~ Gamma(nu/2, 2).
double student_t(PhiloxStream& s, double nu);
/// Poisson(lambda): inversion by sequential search for lambda < 30, PTRS (Hörmann 1993) above.
std::uint64_t poisson(PhiloxStream& s, double lambda);

/// @brief A parameter distribution as written in YAML (`{dist: lognormal, median: 20000, sigma: 1.5}`)
/// in canonical form. A plain number in YAML becomes `constant`.
struct Distribution {
  enum class Kind { constant, normal, lognormal, uniform, exponential, student_t, poisson };
  Kind kind = Kind::constant;
  /// constant: a = value. normal: a = mean, b = sd. lognormal: a = mu, b = sigma (of the log).
  /// uniform: a = low, b = high. exponential: a = mean. student_t: a = location, b = scale,
  /// c = nu. poisson: a = lambda.
  double a = 0.0, b = 0.0, c = 0.0;

  static Distribution constant(double v) { return {Kind::constant, v, 0, 0}; }
  static Distribution normal(double mean, double sd) { return {Kind::normal, mean, sd, 0}; }
  static Distribution lognormal_mu_sigma(double mu, double sigma) { return {Kind::lognormal, mu, sigma, 0}; }
  /// lognormal with the given median (= exp(mu)) and sigma of the log.
  static Distribution lognormal_median_sigma(double median, double sigma);
  /// lognormal with the given arithmetic mean and standard deviation.
  static Distribution lognormal_mean_sd(double mean, double sd);
  static Distribution uniform(double low, double high) { return {Kind::uniform, low, high, 0}; }
  static Distribution exponential(double mean) { return {Kind::exponential, mean, 0, 0}; }
  static Distribution student_t(double location, double scale, double nu) { return {Kind::student_t, location, scale, nu}; }
  static Distribution poisson(double lambda) { return {Kind::poisson, lambda, 0, 0}; }

  /// @brief One draw. A constant draws nothing from the stream.
  double sample(PhiloxStream& s) const;
  /// @brief The distribution's mean (infinite for student_t with nu <= 1).
  double mean() const;
  /// @brief Smallest and largest values the distribution can produce (may be ±inf).
  double lower_bound() const;
  double upper_bound() const;
  /// @brief Canonical YAML flow text, e.g. "{dist: lognormal, mu: 9.9, sigma: 1.5}" or "3".
  std::string to_yaml() const;
  bool operator==(const Distribution&) const = default;
};

const char* to_string(Distribution::Kind kind);

}  // namespace cascade::random
