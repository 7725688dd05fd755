#include <doctest/doctest.h>

#include "cascade/core/time.hpp"

using cascade::format_duration;
using cascade::kDay;
using cascade::kHour;
using cascade::kMinute;
using cascade::kSecond;
using cascade::parse_duration;
using cascade::Time;

TEST_CASE("parse_duration reads every unit") {
  CHECK(parse_duration("90s") == 90 * kSecond);
  CHECK(parse_duration("15m") == 15 * kMinute);
  CHECK(parse_duration("15min") == 15 * kMinute);
  CHECK(parse_duration("1h") == kHour);
  CHECK(parse_duration("7d") == 7 * kDay);
  CHECK(parse_duration("2w") == 14 * kDay);
  CHECK(parse_duration("250ms") == 250'000);
  CHECK(parse_duration("17us") == 17);
  CHECK(parse_duration("0") == Time{0});
  CHECK(parse_duration("0s") == Time{0});
}

TEST_CASE("parse_duration adds compound parts and fractions") {
  CHECK(parse_duration("1h30m") == 90 * kMinute);
  CHECK(parse_duration("1d12h") == 36 * kHour);
  CHECK(parse_duration("1m30s250ms") == 90 * kSecond + 250'000);
  CHECK(parse_duration("1.5s") == 1'500'000);
  CHECK(parse_duration("0.25h") == 15 * kMinute);
  CHECK(parse_duration("1.1s") == 1'100'000);  // 1.1 * 1e6 is not exact in binary; rounds back
}

TEST_CASE("parse_duration rejects malformed text") {
  for (const char* bad : {"", "5", "5x", "-1s", "1.5.2s", "s", "1h30", " 5s", "5s ", "5 s", "5S", "1e3s", ".s", "+5s",
                          "0.4us", "1.0000001s"}) {
    INFO("input: '" << bad << "'");
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("parse_duration rejects overflow instead of wrapping") {
  CHECK(parse_duration("200000w") == 200000 * 7 * kDay);  // 1.2e17 us: fits
  CHECK_FALSE(parse_duration("20000000w").has_value());         // 1.2e19 us: does not fit in int64
  CHECK_FALSE(parse_duration("8000000000000000000us8000000000000000000us").has_value());
}

TEST_CASE("format_duration picks the largest exact unit") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(90 * kSecond) == "90s");
  CHECK(format_duration(kHour) == "1h");
  CHECK(format_duration(90 * kMinute) == "90m");
  CHECK(format_duration(7 * kDay) == "7d");
  CHECK(format_duration(1'500'000) == "1500ms");
  CHECK(format_duration(17) == "17us");
}

TEST_CASE("format_duration output parses back to the same time") {
  for (const Time t : {Time{0}, Time{1}, Time{999}, Time{1000}, kSecond, 90 * kSecond, 36 * kHour, 3 * kDay + 1,
                       Time{123'456'789'012}}) {
    INFO("t = " << t);
    CHECK(parse_duration(format_duration(t)) == t);
  }
}
