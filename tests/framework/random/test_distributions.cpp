// Tests for the project's own distributions: golden values worked out in Python from the
// published Philox4x64-10 words, moments and probabilities against closed forms, and the
// Distribution description type.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cascade/random/distributions.hpp"
#include "cascade/random/philox_stream.hpp"

namespace rnd = cascade::random;
using rnd::Distribution;
using rnd::PhiloxStream;
using rnd::StreamPurpose;

namespace {

/// The stream whose first block is Random123's all-zero known-answer block
/// 16554d9eca36314c db20fe9d672d0fdc d7e772cee186176b 7e68b68aec7ba23b, i.e. (Python)
///   u = [((w >> 11) + 0.5) * 2**-53 for w in words]
///     = [0.0872391235991124, 0.855972207478022, 0.8433753733711671, 0.49378529445355795]
PhiloxStream kat_stream() { return PhiloxStream(0, 0, StreamPurpose{0}, 0); }

// Transcendental results may differ by an ulp or two between libms; the derivation is exact.
doctest::Approx golden(double v) { return doctest::Approx(v).epsilon(1e-14); }

template <class Draw>
std::vector<double> draw_many(Draw draw, int n) {
  std::vector<double> xs;
  xs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) xs.push_back(draw());
  return xs;
}

/// Sample mean within 5 standard errors sqrt(var/n), and sample variance within 5 standard
/// errors var·sqrt((kurtosis − 1)/n) (the large-n variance of s², which needs the fourth
/// moment: kurtosis is E[(X−μ)^4]/var², 3 for a normal). For a near-normal estimator a 5 SE
/// miss has probability ~6e-7; each case uses a fixed stream, so a pass is reproducible.
void check_moments(const std::vector<double>& xs, double mean, double variance, double kurtosis) {
  const double n = static_cast<double>(xs.size());
  double sum = 0.0;
  for (const double x : xs) sum += x;
  const double m = sum / n;
  double ss = 0.0;
  for (const double x : xs) ss += (x - m) * (x - m);
  const double v = ss / (n - 1.0);
  const double se_mean = std::sqrt(variance / n);
  const double se_var = variance * std::sqrt((kurtosis - 1.0) / n);
  INFO("sample mean " << m << " expected " << mean << " (SE " << se_mean << ")");
  INFO("sample variance " << v << " expected " << variance << " (SE " << se_var << ")");
  CHECK(std::fabs(m - mean) < 5.0 * se_mean);
  CHECK(std::fabs(v - variance) < 5.0 * se_var);
}

/// The fraction of draws satisfying `pred` within 5 binomial standard errors of p.
template <class Pred>
void check_probability(const std::vector<double>& xs, Pred pred, double p) {
  const double n = static_cast<double>(xs.size());
  double hits = 0.0;
  for (const double x : xs) hits += pred(x) ? 1.0 : 0.0;
  const double se = std::sqrt(p * (1.0 - p) / n);
  INFO("fraction " << hits / n << " expected " << p << " (SE " << se << ")");
  CHECK(std::fabs(hits / n - p) < 5.0 * se);
}

/// Pearson chi-square goodness of fit of integer draws to a Poisson(lambda) pmf. The cells are
/// the integers lo..hi around lambda whose expected count is at least 5; the first cell also
/// takes every draw below lo and the last every draw above hi. The statistic is compared with the
/// chi-square quantile at upper tail 1e-6 (z = 4.753) by Wilson–Hilferty,
/// df (1 − 2/(9 df) + z sqrt(2/(9 df)))³. The pmf comes from std::lgamma, not from the code
/// under test.
void check_poisson_fit(const std::vector<double>& xs, double lambda) {
  const double n = static_cast<double>(xs.size());
  auto pmf = [&](double k) {
    return std::exp(-lambda + k * std::log(lambda) - std::lgamma(k + 1.0));
  };
  double lo = std::floor(lambda);
  while (lo > 0.0 && n * pmf(lo - 1.0) >= 5.0) lo -= 1.0;
  double hi = std::floor(lambda);
  while (n * pmf(hi + 1.0) >= 5.0) hi += 1.0;
  const auto cells = static_cast<std::size_t>(hi - lo) + 1;
  std::vector<double> observed(cells, 0.0), expected(cells, 0.0);
  for (const double x : xs) {
    const double k = x < lo ? lo : x > hi ? hi : x;
    observed[static_cast<std::size_t>(k - lo)] += 1.0;
  }
  double inner = 0.0;
  for (double k = lo; k <= hi; k += 1.0) {
    expected[static_cast<std::size_t>(k - lo)] = n * pmf(k);
    inner += pmf(k);
  }
  double below = 0.0;
  for (double k = 0.0; k < lo; k += 1.0) below += pmf(k);
  expected.front() += n * below;
  expected.back() += n * (1.0 - inner - below);
  double chi2 = 0.0;
  for (std::size_t i = 0; i < cells; ++i) {
    chi2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  }
  const double df = static_cast<double>(cells) - 1.0;
  const double z = 4.753;
  const double h = 2.0 / (9.0 * df);
  const double critical = df * std::pow(1.0 - h + z * std::sqrt(h), 3.0);
  INFO("chi-square " << chi2 << " on " << df << " degrees of freedom, critical " << critical);
  CHECK(chi2 < critical);
}

constexpr int n_draws = 200000;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Golden values: each expected number is the formula in the comment evaluated in Python on the
// known-answer uniforms u[0..3] above, never the output of this code.

TEST_CASE("standard_normal golden values: Box-Muller cosine branch, two words per call") {
  PhiloxStream s = kat_stream();
  // sqrt(-2 ln u[0]) * cos(2 pi u[1])
  CHECK(rnd::standard_normal(s) == golden(1.3643421337447958));
  CHECK(s.draw_index() == 2);
  // sqrt(-2 ln u[2]) * cos(2 pi u[3])
  CHECK(rnd::standard_normal(s) == golden(-0.5832384371550832));
  CHECK(s.draw_index() == 4);
}

TEST_CASE("exponential golden values: -mean ln(u), one word per call") {
  PhiloxStream s = kat_stream();
  CHECK(rnd::exponential(s, 2.0) == golden(4.87820476711974));    // -2 ln u[0]
  CHECK(rnd::exponential(s, 2.0) == golden(0.3110347425339911));  // -2 ln u[1]
  CHECK(rnd::exponential(s, 2.0) == golden(0.340686274647819));   // -2 ln u[2]
  CHECK(rnd::exponential(s, 2.0) == golden(1.4113089657679347));  // -2 ln u[3]
  CHECK(s.draw_index() == 4);
}

TEST_CASE("normal, lognormal and uniform golden values") {
  PhiloxStream s = kat_stream();
  // 1 + 2 * sqrt(-2 ln u[0]) cos(2 pi u[1])
  CHECK(rnd::normal(s, 1.0, 2.0) == golden(3.7286842674895917));
  s = kat_stream();
  // exp(0.5 + 0.25 * sqrt(-2 ln u[0]) cos(2 pi u[1]))
  CHECK(rnd::lognormal(s, 0.5, 0.25) == golden(2.318882835862418));
  s = kat_stream();
  // -1 + 4 u[0]
  CHECK(rnd::uniform(s, -1.0, 3.0) == golden(-0.6510435056035504));
  CHECK(s.draw_index() == 1);
}

TEST_CASE("poisson golden values below lambda = 30: smallest k with CDF(k) >= u") {
  // Python: k = 0; p = exp(-4); F = p; while u > F: k += 1; p *= 4 / k; F += p
  // CDF(0..6) at lambda 4 = 0.018, 0.092, 0.238, 0.433, 0.629, 0.785, 0.889: no u is near a step.
  PhiloxStream s = kat_stream();
  CHECK(rnd::poisson(s, 4.0) == 1);  // u[0] = 0.087
  CHECK(rnd::poisson(s, 4.0) == 6);  // u[1] = 0.856
  CHECK(rnd::poisson(s, 4.0) == 6);  // u[2] = 0.843
  CHECK(rnd::poisson(s, 4.0) == 4);  // u[3] = 0.494
  CHECK(s.draw_index() == 4);
}

// ---------------------------------------------------------------------------------------------
// Moments and probabilities against closed forms.

TEST_CASE("normal(1, 2): mean, variance and CDF") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 1);
  const auto xs = draw_many([&] { return rnd::normal(s, 1.0, 2.0); }, n_draws);
  check_moments(xs, 1.0, 4.0, 3.0);
  // Phi(1) = 0.8413447460685429 and Phi(-2) = 0.02275013194817922 (0.5 erfc(-x/sqrt 2)).
  check_probability(xs, [](double x) { return x <= 3.0; }, 0.8413447460685429);
  check_probability(xs, [](double x) { return x <= -3.0; }, 0.02275013194817922);
}

TEST_CASE("uniform(-1, 3): mean (a+b)/2, variance (b-a)^2/12, support a <= x < b") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 2);
  const auto xs = draw_many([&] { return rnd::uniform(s, -1.0, 3.0); }, n_draws);
  check_moments(xs, 1.0, 16.0 / 12.0, 1.8);  // kurtosis of a uniform: 9/5
  for (const double x : xs) {
    if (x < -1.0 || x >= 3.0) FAIL("out of [-1, 3): " << x);
  }
  check_probability(xs, [](double x) { return x <= 0.0; }, 0.25);
}

TEST_CASE("exponential(mean 2): mean 2, variance 4, P(X > 2) = 1/e") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 3);
  const auto xs = draw_many([&] { return rnd::exponential(s, 2.0); }, n_draws);
  check_moments(xs, 2.0, 4.0, 9.0);  // kurtosis of an exponential: 9
  for (const double x : xs) {
    if (!(x > 0.0)) FAIL("not positive: " << x);
  }
  check_probability(xs, [](double x) { return x > 2.0; }, std::exp(-1.0));
}

TEST_CASE("lognormal(0.5, 0.5): mean e^{mu + s^2/2}, variance (e^{s^2} - 1) e^{2mu + s^2}") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 4);
  const double mu = 0.5, sigma = 0.5;
  const auto xs = draw_many([&] { return rnd::lognormal(s, mu, sigma); }, n_draws);
  const double s2 = sigma * sigma;
  // kurtosis e^{4s²} + 2e^{3s²} + 3e^{2s²} − 3 = 8.898445673784778 at s = 0.5
  check_moments(xs, std::exp(mu + s2 / 2.0), (std::exp(s2) - 1.0) * std::exp(2.0 * mu + s2),
                8.898445673784778);
  check_probability(xs, [&](double x) { return x <= std::exp(mu); }, 0.5);  // median e^mu
}

TEST_CASE("gamma shape 0.5 (boosted path): chi-square with 1 degree of freedom") {
  // Gamma(1/2, scale 2) is the law of Z^2: mean 1, variance 2, kurtosis 3 + 6/k = 15,
  // P(X <= 1) = P(|Z| <= 1) = erf(1/sqrt 2) = 0.6826894921370859.
  PhiloxStream s(2024, 0, StreamPurpose::test, 5);
  const auto xs = draw_many([&] { return rnd::gamma(s, 0.5, 2.0); }, n_draws);
  check_moments(xs, 1.0, 2.0, 15.0);
  check_probability(xs, [](double x) { return x <= 1.0; }, 0.6826894921370859);
}

TEST_CASE("gamma shape 3, scale 1.5: mean k theta, variance k theta^2") {
  // kurtosis 3 + 6/3 = 5; P(X <= 4.5) = P(Gamma(3, 1) <= 3) = 1 - e^-3 (1 + 3 + 9/2)
  // = 0.5768099188731565.
  PhiloxStream s(2024, 0, StreamPurpose::test, 6);
  const auto xs = draw_many([&] { return rnd::gamma(s, 3.0, 1.5); }, n_draws);
  check_moments(xs, 4.5, 6.75, 5.0);
  check_probability(xs, [](double x) { return x <= 4.5; }, 0.5768099188731565);
}

TEST_CASE("student_t nu = 5: mean 0, variance nu/(nu-2), CDF") {
  // kurtosis 3 + 6/(nu-4) = 9. The sample variance of a t5 is right-skewed (its own variance
  // needs the 8th moment, infinite at nu = 5), so the 5 SE band is looser than for a normal
  // (Chebyshev alone would only give 4 %); the CDF checks below are exact binomial tests.
  PhiloxStream s(2024, 0, StreamPurpose::test, 7);
  const auto xs = draw_many([&] { return rnd::student_t(s, 5.0); }, n_draws);
  check_moments(xs, 0.0, 5.0 / 3.0, 9.0);
  // For nu = 5, with th = atan(t/sqrt 5): F(t) = 1/2 + (th + sin th cos th (1 + 2/3 cos² th))/pi.
  check_probability(xs, [](double x) { return x <= 1.0; }, 0.8183912661754387);
  check_probability(xs, [](double x) { return x <= 2.0; }, 0.9490302605850709);
}

TEST_CASE("poisson lambda = 4 (sequential inversion): mean = variance = lambda, pmf") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 8);
  const auto xs = draw_many([&] { return static_cast<double>(rnd::poisson(s, 4.0)); }, n_draws);
  check_moments(xs, 4.0, 4.0, 3.0 + 1.0 / 4.0);  // kurtosis 3 + 1/lambda
  // e^-4 4^4/4! = 0.1953668148131647; P(X <= 2) = 13 e^-4 = 0.2381033055535444
  check_probability(xs, [](double x) { return x == 4.0; }, 0.1953668148131647);
  check_probability(xs, [](double x) { return x <= 2.0; }, 0.2381033055535444);
  check_poisson_fit(xs, 4.0);
  CHECK(s.draw_index() == static_cast<std::uint64_t>(n_draws));  // one word per draw
}

TEST_CASE("poisson lambda = 100 (PTRS): mean = variance = lambda, pmf") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 9);
  const auto xs = draw_many([&] { return static_cast<double>(rnd::poisson(s, 100.0)); }, n_draws);
  check_moments(xs, 100.0, 100.0, 3.0 + 1.0 / 100.0);
  // exp(-100 + 100 ln 100 - ln 100!) = 0.03986099680914883; sum_{k<=90} pmf = 0.1713851193217687
  check_probability(xs, [](double x) { return x == 100.0; }, 0.03986099680914883);
  check_probability(xs, [](double x) { return x <= 90.0; }, 0.1713851193217687);
  check_poisson_fit(xs, 100.0);
  for (const double x : xs) {
    if (x != std::floor(x) || x < 0.0) FAIL("not a count: " << x);
  }
}

TEST_CASE("poisson on both sides of the algorithm switch and far above it") {
  for (const double lambda : {29.5, 30.0, 1.0e6}) {
    CAPTURE(lambda);
    PhiloxStream s(2024, 0, StreamPurpose::test, 10);
    const auto xs =
        draw_many([&] { return static_cast<double>(rnd::poisson(s, lambda)); }, n_draws / 4);
    check_moments(xs, lambda, lambda, 3.0 + 1.0 / lambda);
    if (lambda < 100.0) check_poisson_fit(xs, lambda);
  }
}

TEST_CASE("poisson lambda = 0 is always 0") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 11);
  for (int i = 0; i < 100; ++i) CHECK(rnd::poisson(s, 0.0) == 0);
}

// ---------------------------------------------------------------------------------------------
// Distribution

TEST_CASE("Distribution::sample draws the same as the free functions") {
  const PhiloxStream start(3, 1, StreamPurpose::population, 4);
  auto same = [&](const Distribution& d, auto direct) {
    PhiloxStream a = start, b = start;
    for (int i = 0; i < 20; ++i) CHECK(d.sample(a) == direct(b));
    CHECK(a.draw_index() == b.draw_index());
  };
  same(Distribution::normal(1.0, 2.0), [](PhiloxStream& s) { return rnd::normal(s, 1.0, 2.0); });
  same(Distribution::lognormal_mu_sigma(9.0, 1.5),
       [](PhiloxStream& s) { return rnd::lognormal(s, 9.0, 1.5); });
  same(Distribution::uniform(2.0, 5.0), [](PhiloxStream& s) { return rnd::uniform(s, 2.0, 5.0); });
  same(Distribution::exponential(3.0), [](PhiloxStream& s) { return rnd::exponential(s, 3.0); });
  same(Distribution::student_t(10.0, 2.0, 3.0),
       [](PhiloxStream& s) { return 10.0 + 2.0 * rnd::student_t(s, 3.0); });
  same(Distribution::poisson(7.0),
       [](PhiloxStream& s) { return static_cast<double>(rnd::poisson(s, 7.0)); });
}

TEST_CASE("a constant draws nothing from the stream") {
  PhiloxStream s(3, 1, StreamPurpose::population, 4);
  const Distribution d = Distribution::constant(2.5);
  for (int i = 0; i < 5; ++i) CHECK(d.sample(s) == 2.5);
  CHECK(s.draw_index() == 0);
}

TEST_CASE("student_t with location and scale: mean location, variance scale^2 nu/(nu-2)") {
  PhiloxStream s(2024, 0, StreamPurpose::test, 12);
  const Distribution d = Distribution::student_t(10.0, 2.0, 5.0);
  const auto xs = draw_many([&] { return d.sample(s); }, n_draws);
  check_moments(xs, 10.0, 4.0 * 5.0 / 3.0, 9.0);
}

TEST_CASE("lognormal factories solve for mu and sigma") {
  SUBCASE("median and sigma: mu = ln(median)") {
    const Distribution d = Distribution::lognormal_median_sigma(20000.0, 1.5);
    CHECK(d.kind == Distribution::Kind::lognormal);
    CHECK(d.a == golden(9.903487552536127));  // ln 20000
    CHECK(d.b == 1.5);
  }
  SUBCASE("mean and sd: sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2") {
    const Distribution d = Distribution::lognormal_mean_sd(20000.0, 30000.0);
    // sigma^2 = ln 3.25; mu = ln 20000 - ln(3.25)/2
    CHECK(d.a == golden(9.314160054365304));
    CHECK(d.b == golden(1.085658784490618));
    CHECK(d.mean() == golden(20000.0));
    const double variance = (std::exp(d.b * d.b) - 1.0) * d.mean() * d.mean();
    CHECK(std::sqrt(variance) == golden(30000.0));
  }
  SUBCASE("sampled mean matches the requested mean") {
    // sigma = 0.5 keeps the kurtosis (8.9) small enough for a 5 SE moment check.
    const Distribution d =
        Distribution::lognormal_mean_sd(100.0, 100.0 * std::sqrt(std::exp(0.25) - 1.0));
    CHECK(d.b == golden(0.5));
    PhiloxStream s(2024, 0, StreamPurpose::test, 13);
    const auto xs = draw_many([&] { return d.sample(s); }, n_draws);
    check_moments(xs, 100.0, 10000.0 * (std::exp(0.25) - 1.0), 8.898445673784778);
  }
}

TEST_CASE("Distribution::mean") {
  CHECK(Distribution::constant(3.0).mean() == 3.0);
  CHECK(Distribution::normal(-1.0, 2.0).mean() == -1.0);
  CHECK(Distribution::lognormal_mu_sigma(1.0, 2.0).mean() == golden(std::exp(3.0)));
  CHECK(Distribution::uniform(2.0, 6.0).mean() == 4.0);
  CHECK(Distribution::exponential(5.0).mean() == 5.0);
  CHECK(Distribution::student_t(7.0, 2.0, 3.0).mean() == 7.0);
  CHECK(std::isinf(Distribution::student_t(7.0, 2.0, 1.0).mean()));
  CHECK(Distribution::poisson(4.5).mean() == 4.5);
}

TEST_CASE("Distribution bounds") {
  const double inf = HUGE_VAL;
  CHECK(Distribution::constant(3.0).lower_bound() == 3.0);
  CHECK(Distribution::constant(3.0).upper_bound() == 3.0);
  CHECK(Distribution::normal(0.0, 1.0).lower_bound() == -inf);
  CHECK(Distribution::normal(0.0, 1.0).upper_bound() == inf);
  CHECK(Distribution::lognormal_mu_sigma(0.0, 1.0).lower_bound() == 0.0);
  CHECK(Distribution::lognormal_mu_sigma(0.0, 1.0).upper_bound() == inf);
  CHECK(Distribution::uniform(-2.0, 5.0).lower_bound() == -2.0);
  CHECK(Distribution::uniform(-2.0, 5.0).upper_bound() == 5.0);
  CHECK(Distribution::exponential(1.0).lower_bound() == 0.0);
  CHECK(Distribution::exponential(1.0).upper_bound() == inf);
  CHECK(Distribution::student_t(0.0, 1.0, 3.0).lower_bound() == -inf);
  CHECK(Distribution::student_t(0.0, 1.0, 3.0).upper_bound() == inf);
  CHECK(Distribution::poisson(2.0).lower_bound() == 0.0);
  CHECK(Distribution::poisson(2.0).upper_bound() == inf);
}

TEST_CASE("Distribution::to_yaml writes canonical flow text") {
  CHECK(Distribution::constant(3.0).to_yaml() == "3");
  CHECK(Distribution::constant(0.1).to_yaml() == "0.1");
  CHECK(Distribution::constant(-2.5e-7).to_yaml() == "-2.5e-07");
  CHECK(Distribution::normal(0.0, 1.0).to_yaml() == "{dist: normal, mean: 0, sd: 1}");
  CHECK(Distribution::lognormal_mu_sigma(9.5, 1.5).to_yaml() ==
        "{dist: lognormal, mu: 9.5, sigma: 1.5}");
  CHECK(Distribution::uniform(-1.0, 2.5).to_yaml() == "{dist: uniform, low: -1, high: 2.5}");
  CHECK(Distribution::exponential(30.0).to_yaml() == "{dist: exponential, mean: 30}");
  CHECK(Distribution::student_t(0.0, 1.0, 3.0).to_yaml() ==
        "{dist: student_t, location: 0, scale: 1, nu: 3}");
  CHECK(Distribution::poisson(4.0).to_yaml() == "{dist: poisson, lambda: 4}");
  // Python repr(math.log(20000)) is the shortest round-tripping text, as std::to_chars gives.
  CHECK(Distribution::lognormal_median_sigma(20000.0, 1.5).to_yaml() ==
        "{dist: lognormal, mu: 9.903487552536127, sigma: 1.5}");
  CHECK(Distribution::constant(HUGE_VAL).to_yaml() == ".inf");
}

TEST_CASE("to_yaml numbers read back to the same doubles") {
  const Distribution d = Distribution::lognormal_mean_sd(12345.678, 0.1 / 3.0);
  const std::string text = d.to_yaml();
  const auto mu_at = text.find("mu: ") + 4;
  const auto sigma_at = text.find("sigma: ") + 7;
  CHECK(std::strtod(text.c_str() + mu_at, nullptr) == d.a);
  CHECK(std::strtod(text.c_str() + sigma_at, nullptr) == d.b);
}

TEST_CASE("to_string names every kind as YAML spells it") {
  using K = Distribution::Kind;
  CHECK(std::string(rnd::to_string(K::constant)) == "constant");
  CHECK(std::string(rnd::to_string(K::normal)) == "normal");
  CHECK(std::string(rnd::to_string(K::lognormal)) == "lognormal");
  CHECK(std::string(rnd::to_string(K::uniform)) == "uniform");
  CHECK(std::string(rnd::to_string(K::exponential)) == "exponential");
  CHECK(std::string(rnd::to_string(K::student_t)) == "student_t");
  CHECK(std::string(rnd::to_string(K::poisson)) == "poisson");
}

TEST_CASE("Distribution equality compares kind and parameters") {
  CHECK(Distribution::normal(0.0, 1.0) == Distribution::normal(0.0, 1.0));
  CHECK(Distribution::normal(0.0, 1.0) != Distribution::normal(0.0, 2.0));
  CHECK(Distribution::exponential(1.0) != Distribution::poisson(1.0));
  CHECK(Distribution::lognormal_median_sigma(1.0, 0.5) ==
        Distribution::lognormal_mu_sigma(0.0, 0.5));
}
