#include "cascade/random/philox_stream.hpp"

#include <Random123/philox.h>

namespace cascade::random {

PhiloxStream::PhiloxStream(std::uint64_t seed, std::uint64_t replica, StreamPurpose purpose,
                           std::uint64_t entity)
    : key_{seed, replica}, purpose_(static_cast<std::uint64_t>(purpose)), entity_(entity) {}

std::array<std::uint64_t, 4> PhiloxStream::block(std::array<std::uint64_t, 2> key,
                                                 std::array<std::uint64_t, 4> counter) {
  const r123::Philox4x64::ctr_type ctr = {{counter[0], counter[1], counter[2], counter[3]}};
  const r123::Philox4x64::key_type k = {{key[0], key[1]}};
  const r123::Philox4x64::ctr_type out = r123::Philox4x64{}(ctr, k);
  return {out[0], out[1], out[2], out[3]};
}

std::uint64_t PhiloxStream::next_u64() {
  const std::uint64_t lane = index_ % 4;
  // The block is recomputed only on entering it, so a copied stream (buffer included) continues
  // exactly where the original stood.
  if (lane == 0) buffer_ = block(key_, {purpose_, entity_, index_ / 4, 0});
  ++index_;
  return buffer_[lane];
}

double PhiloxStream::uniform01() {
  // The top 53 bits, centred in their cell: never exactly 0 (log-safe) nor 1.
  constexpr double two_pow_minus_53 = 1.0 / 9007199254740992.0;
  return (static_cast<double>(next_u64() >> 11) + 0.5) * two_pow_minus_53;
}

}  // namespace cascade::random
