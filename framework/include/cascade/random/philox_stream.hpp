#pragma once
/// @file philox_stream.hpp
/// @brief Counter-based random streams (Random123 Philox4x64-10), keyed as in DESIGN §4.

#include <array>
#include <cstdint>

namespace cascade::random {

/// @brief What a stream is for: the first word of the Philox counter. Adding a purpose never
/// changes the draws of another, so adding an agent type does not change the price path.
enum class StreamPurpose : std::uint64_t {
  price_driver = 1,  ///< exogenous price paths
  population = 2,    ///< drawing heterogeneous agent parameters at build time
  agent = 3,         ///< behaviour draws during the run (latencies, choices)
  oracle = 4,        ///< oracle delays and noise
  venue = 5,         ///< venue-side randomness
  shock = 6,         ///< scripted or random shocks
  sweep = 14,        ///< sampling sweep points (random and lhs designs)
  test = 15,         ///< reserved for tests
};

/// @brief One independent stream of 64-bit random words.
///
/// Key = (experiment seed, replica); counter = (purpose, entity id, block index, 0). Each
/// Philox4x64-10 block yields four 64-bit words, used in order; `draw_index()` counts words.
/// A stream is a small value type (no heap); copying it forks an identical stream.
///
/// @code
/// PhiloxStream s(seed, replica, StreamPurpose::agent, borrower_id);
/// double u = s.uniform01();  // in (0, 1)
/// @endcode
class PhiloxStream {
 public:
  PhiloxStream(std::uint64_t seed, std::uint64_t replica, StreamPurpose purpose, std::uint64_t entity);

  /// @brief The next raw 64-bit word.
  std::uint64_t next_u64();

  /// @brief A uniform double in the open interval (0, 1): ((w >> 11) + 0.5) · 2^-53.
  double uniform01();

  /// @brief Number of 64-bit words drawn so far.
  std::uint64_t draw_index() const { return index_; }

  /// @brief The raw Philox4x64-10 block for an explicit key and counter (for known-answer tests).
  static std::array<std::uint64_t, 4> block(std::array<std::uint64_t, 2> key, std::array<std::uint64_t, 4> counter);

 private:
  std::array<std::uint64_t, 2> key_;
  std::uint64_t purpose_;
  std::uint64_t entity_;
  std::uint64_t index_ = 0;
  std::array<std::uint64_t, 4> buffer_{};
};

}  // namespace cascade::random
