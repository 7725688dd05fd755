#include "cascade/config/sweep_design.hpp"

#include <array>
#include <numeric>
#include <string>

#include "cascade/core/error.hpp"
#include "cascade/random/philox_stream.hpp"

namespace cascade::config {
namespace {

// new-joe-kuo-6.21201 (S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30, 2635–2654, 2008), dimensions 2..21:
// degree s of the primitive polynomial, its coefficients a, and the initial direction numbers m.
struct JoeKuoRow {
  unsigned s;
  unsigned a;
  std::array<std::uint32_t, 7> m;
};
constexpr std::array<JoeKuoRow, kSobolMaxDimensions - 1> kJoeKuo{{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
}};

constexpr unsigned kBits = 32;

}  // namespace

SobolSequence::SobolSequence(std::size_t dimensions) {
  if (dimensions == 0 || dimensions > kSobolMaxDimensions) {
    throw Error("sobol design: " + std::to_string(dimensions) + " parameters; supported 1 to " +
                std::to_string(kSobolMaxDimensions));
  }
  direction_.assign(dimensions, std::vector<std::uint32_t>(kBits));
  // Dimension 1: all m = 1, i.e. the van der Corput sequence in base 2.
  for (unsigned i = 0; i < kBits; ++i) direction_[0][i] = std::uint32_t{1} << (kBits - 1 - i);
  for (std::size_t d = 1; d < dimensions; ++d) {
    const JoeKuoRow& row = kJoeKuo[d - 1];
    auto& v = direction_[d];
    for (unsigned i = 0; i < row.s; ++i) v[i] = row.m[i] << (kBits - 1 - i);
    for (unsigned i = row.s; i < kBits; ++i) {
      v[i] = v[i - row.s] ^ (v[i - row.s] >> row.s);
      for (unsigned k = 1; k < row.s; ++k) {
        if ((row.a >> (row.s - 1 - k)) & 1U) v[i] ^= v[i - k];
      }
    }
  }
  x_.assign(dimensions, 0);
}

std::vector<double> SobolSequence::next() {
  std::vector<double> point(x_.size());
  for (std::size_t d = 0; d < x_.size(); ++d) point[d] = static_cast<double>(x_[d]) / 4294967296.0;
  // Gray-code update: flip the direction number of the lowest zero bit of the index.
  unsigned c = 0;
  for (std::uint64_t value = index_; value & 1U; value >>= 1) ++c;
  if (c < kBits) {
    for (std::size_t d = 0; d < x_.size(); ++d) x_[d] ^= direction_[d][c];
  }
  ++index_;
  return point;
}

std::vector<std::vector<double>> sobol_points(std::size_t n, std::size_t d) {
  SobolSequence sequence(d);
  std::vector<std::vector<double>> points;
  points.reserve(n);
  for (std::size_t i = 0; i < n; ++i) points.push_back(sequence.next());
  return points;
}

std::vector<std::vector<double>> random_points(std::size_t n, std::size_t d, std::uint64_t seed) {
  std::vector<std::vector<double>> points(n, std::vector<double>(d));
  for (std::size_t k = 0; k < d; ++k) {
    random::PhiloxStream stream(seed, 0, random::StreamPurpose::sweep, k);
    for (std::size_t i = 0; i < n; ++i) points[i][k] = stream.uniform01();
  }
  return points;
}

std::vector<std::vector<double>> lhs_points(std::size_t n, std::size_t d, std::uint64_t seed) {
  std::vector<std::vector<double>> points(n, std::vector<double>(d));
  std::vector<std::size_t> stratum(n);
  for (std::size_t k = 0; k < d; ++k) {
    random::PhiloxStream stream(seed, 0, random::StreamPurpose::sweep, k);
    std::iota(stratum.begin(), stratum.end(), std::size_t{0});
    // Fisher–Yates; the index comes from a uniform in (0, 1), so it is unbiased to 2^-53.
    for (std::size_t i = n; i > 1; --i) {
      const auto j = static_cast<std::size_t>(stream.uniform01() * static_cast<double>(i));
      std::swap(stratum[i - 1], stratum[j < i ? j : i - 1]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      points[i][k] = (static_cast<double>(stratum[i]) + stream.uniform01()) / static_cast<double>(n);
    }
  }
  return points;
}

}  // namespace cascade::config
