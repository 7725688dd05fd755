// Tests for PhiloxStream: published Philox4x64-10 answers, the key/counter layout of DESIGN §4,
// and the value semantics of a stream.

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "cascade/random/philox_stream.hpp"

using cascade::random::PhiloxStream;
using cascade::random::StreamPurpose;

namespace {

constexpr std::uint64_t all_ones = ~std::uint64_t{0};

std::vector<std::uint64_t> first_words(PhiloxStream s, int n) {
  std::vector<std::uint64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(s.next_u64());
  return out;
}

}  // namespace

// Known answers from Random123's examples/kat_vectors (rows "philox4x64 10 CTR[4] KEY[2] OUT[4]"),
// the same rows as DEShawResearch/Random123-Boost libs/random/test/test_philox.cpp.
TEST_CASE("PhiloxStream::block reproduces the published Philox4x64-10 known-answer vectors") {
  SUBCASE("all-zero counter and key") {
    const std::array<std::uint64_t, 4> expected = {0x16554d9eca36314c, 0xdb20fe9d672d0fdc,
                                                   0xd7e772cee186176b, 0x7e68b68aec7ba23b};
    CHECK(PhiloxStream::block({0, 0}, {0, 0, 0, 0}) == expected);
  }
  SUBCASE("all-ones counter and key") {
    const std::array<std::uint64_t, 4> expected = {0x87b092c3013fe90b, 0x438c3c67be8d0224,
                                                   0x9cc7d7c69cd777b6, 0xa09caebf594f0ba0};
    CHECK(PhiloxStream::block({all_ones, all_ones}, {all_ones, all_ones, all_ones, all_ones}) ==
          expected);
  }
  SUBCASE("digits of pi") {
    const std::array<std::uint64_t, 4> expected = {0xa528f45403e61d95, 0x38c72dbd566e9788,
                                                   0xa5a1610e72fd18b5, 0x57bd43b5e52b7fe6};
    CHECK(PhiloxStream::block({0x452821e638d01377, 0xbe5466cf34e90c6c},
                              {0x243f6a8885a308d3, 0x13198a2e03707344, 0xa4093822299f31d0,
                               0x082efa98ec4e6c89}) == expected);
  }
}

TEST_CASE("a stream with zero key and counter yields the zero known-answer block word by word") {
  PhiloxStream s(0, 0, StreamPurpose{0}, 0);
  CHECK(s.next_u64() == 0x16554d9eca36314c);
  CHECK(s.next_u64() == 0xdb20fe9d672d0fdc);
  CHECK(s.next_u64() == 0xd7e772cee186176b);
  CHECK(s.next_u64() == 0x7e68b68aec7ba23b);
  // The fifth word opens block index 1: counter (0, 0, 1, 0).
  CHECK(s.next_u64() == PhiloxStream::block({0, 0}, {0, 0, 1, 0})[0]);
}

// Golden words from an independent pure-Python Philox4x64-10 (checked first against the three
// known-answer rows above), evaluated at key = (seed, replica), counter = (purpose, entity,
// block, 0) as DESIGN §4 lays them out:
//   M = 2**64 - 1
//   def philox(c, k):
//       for r in range(10):
//           if r: k = [(k[0] + 0x9E3779B97F4A7C15) & M, (k[1] + 0xBB67AE8584CAA73B) & M]
//           p0 = 0xD2E7470EE14C6C93 * c[0]; p1 = 0xCA5A826395121157 * c[2]
//           c = [(p1 >> 64) ^ c[1] ^ k[0], p1 & M, (p0 >> 64) ^ c[3] ^ k[1], p0 & M]
//       return c
//   philox([15, 1234, 2, 0], [42, 7])  # words 8..11 of stream (seed 42, replica 7, test, 1234)
//   philox([0, 0, 1, 0], [0, 0])[0]    # word 4 of the all-zero stream
TEST_CASE("stream words follow key = (seed, replica), counter = (purpose, entity, block, 0)") {
  PhiloxStream s(42, 7, StreamPurpose::test, 1234);
  for (int i = 0; i < 8; ++i) s.next_u64();
  CHECK(s.next_u64() == 0xc6884cc3b9db7211);
  CHECK(s.next_u64() == 0x3d277f5da7140255);
  CHECK(s.next_u64() == 0xb5be9d1cc20007e7);
  CHECK(s.next_u64() == 0xa8dd78f8b2d8e0a9);

  PhiloxStream zero(0, 0, StreamPurpose{0}, 0);
  for (int i = 0; i < 4; ++i) zero.next_u64();
  CHECK(zero.next_u64() == 0x19bf6be67257df0b);
}

// uniform01 = ((w >> 11) + 0.5) * 2**-53 on the words of the all-zero known-answer block,
// computed in Python; the arithmetic is exact in binary64, so equality is required.
TEST_CASE("uniform01 maps the top 53 bits of each word to the centre of its cell") {
  PhiloxStream s(0, 0, StreamPurpose{0}, 0);
  CHECK(s.uniform01() == 0.0872391235991124);    // w = 0x16554d9eca36314c
  CHECK(s.uniform01() == 0.855972207478022);     // w = 0xdb20fe9d672d0fdc
  CHECK(s.uniform01() == 0.8433753733711671);    // w = 0xd7e772cee186176b
  CHECK(s.uniform01() == 0.49378529445355795);   // w = 0x7e68b68aec7ba23b
  CHECK(s.draw_index() == 4);
}

TEST_CASE("uniform01 stays inside the open interval (0, 1)") {
  PhiloxStream s(7, 0, StreamPurpose::test, 1);
  double lo = 1.0, hi = 0.0;
  for (int i = 0; i < 100000; ++i) {
    const double u = s.uniform01();
    lo = u < lo ? u : lo;
    hi = u > hi ? u : hi;
  }
  CHECK(lo > 0.0);
  CHECK(hi < 1.0);
  // By construction the extremes are 2^-54 and 1 - 2^-54; 100k draws land well inside.
  CHECK(lo < 1e-3);
  CHECK(hi > 1.0 - 1e-3);
}

TEST_CASE("the same key and counter give identical words") {
  CHECK(first_words(PhiloxStream(99, 3, StreamPurpose::agent, 17), 11) ==
        first_words(PhiloxStream(99, 3, StreamPurpose::agent, 17), 11));
}

TEST_CASE("changing any key or counter component changes the words") {
  const auto base = first_words(PhiloxStream(99, 3, StreamPurpose::agent, 17), 8);
  CHECK(first_words(PhiloxStream(100, 3, StreamPurpose::agent, 17), 8) != base);
  CHECK(first_words(PhiloxStream(99, 4, StreamPurpose::agent, 17), 8) != base);
  CHECK(first_words(PhiloxStream(99, 3, StreamPurpose::oracle, 17), 8) != base);
  CHECK(first_words(PhiloxStream(99, 3, StreamPurpose::agent, 18), 8) != base);

  // Not a mere shift either: no word of the base stream reappears in a neighbour's first block.
  const auto neighbour = first_words(PhiloxStream(99, 3, StreamPurpose::agent, 18), 8);
  for (const auto w : neighbour) {
    for (const auto v : base) CHECK(w != v);
  }
}

TEST_CASE("draw_index counts words, one per next_u64 or uniform01") {
  PhiloxStream s(1, 0, StreamPurpose::test, 0);
  CHECK(s.draw_index() == 0);
  s.next_u64();
  CHECK(s.draw_index() == 1);
  s.uniform01();
  CHECK(s.draw_index() == 2);
  for (int i = 0; i < 7; ++i) s.next_u64();
  CHECK(s.draw_index() == 9);
}

TEST_CASE("copying a stream forks an identical sequence") {
  PhiloxStream original(5, 2, StreamPurpose::price_driver, 0);
  original.next_u64();  // stand mid-block, so the copied buffer matters
  PhiloxStream fork = original;
  CHECK(fork.draw_index() == original.draw_index());
  const auto from_fork = first_words(fork, 10);
  for (int i = 0; i < 3; ++i) fork.next_u64();  // advancing the fork leaves the original alone
  CHECK(first_words(original, 10) == from_fork);
  CHECK(original.draw_index() == 1);
}

TEST_CASE("a stream's words do not depend on draws from other streams") {
  const auto alone = first_words(PhiloxStream(11, 0, StreamPurpose::price_driver, 0), 9);

  PhiloxStream price(11, 0, StreamPurpose::price_driver, 0);
  PhiloxStream agent(11, 0, StreamPurpose::agent, 0);
  std::vector<std::uint64_t> interleaved;
  for (int i = 0; i < 9; ++i) {
    agent.next_u64();
    agent.next_u64();
    interleaved.push_back(price.next_u64());
  }
  CHECK(interleaved == alone);
}
