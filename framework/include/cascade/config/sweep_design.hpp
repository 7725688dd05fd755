#pragma once
/// @file sweep_design.hpp
/// @brief Sampling designs for continuous sweeps (DESIGN §9): `random` (independent uniform
/// draws), `lhs` (Latin hypercube) and `sobol` (Sobol' low-discrepancy sequence, Joe–Kuo
/// direction numbers). Each returns points in the unit cube [0, 1)^d; the loader maps them onto
/// each parameter's range (linear or log scale).

#include <cstdint>
#include <vector>

namespace cascade::config {

/// @brief The most dimensions (swept parameters) the Sobol' design supports.
inline constexpr std::size_t kSobolMaxDimensions = 21;

/// @brief The Sobol' sequence in Gray-code order (Antonov–Saleev), unscrambled, with the
/// direction numbers of Joe & Kuo (2008), file new-joe-kuo-6.21201. Point 0 is the origin.
///
/// @code
/// SobolSequence s(3);
/// auto p = s.next();  // {0, 0, 0}, then {0.5, 0.5, 0.5}, {0.75, 0.25, 0.25}, ...
/// @endcode
class SobolSequence {
 public:
  /// @throws cascade::Error if dimensions is 0 or above kSobolMaxDimensions.
  explicit SobolSequence(std::size_t dimensions);
  /// @brief The next point, each coordinate k / 2^32.
  std::vector<double> next();

 private:
  std::vector<std::vector<std::uint32_t>> direction_;  ///< [dim][bit] scaled by 2^32
  std::vector<std::uint32_t> x_;
  std::uint64_t index_ = 0;
};

/// @brief `n` points of the Sobol' sequence in `d` dimensions, [point][dimension].
std::vector<std::vector<double>> sobol_points(std::size_t n, std::size_t d);

/// @brief `n` independent uniform points in (0, 1)^d from the Philox stream of purpose
/// `sweep`, keyed by (seed, 0) with entity = dimension: point i, dimension k is the i-th draw of
/// stream k, so adding a parameter does not change the others' values.
std::vector<std::vector<double>> random_points(std::size_t n, std::size_t d, std::uint64_t seed);

/// @brief A Latin hypercube of `n` points in `d` dimensions: in every dimension each stratum
/// [j/n, (j+1)/n) holds exactly one point, at a uniform position inside it; strata are matched
/// across dimensions by independent random permutations (Fisher–Yates on Philox streams, purpose
/// `sweep`, entity = dimension).
std::vector<std::vector<double>> lhs_points(std::size_t n, std::size_t d, std::uint64_t seed);

}  // namespace cascade::config
