#pragma once
/// @file time.hpp
/// @brief Simulation time: int64 microseconds since the experiment start.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cascade {

/// Microseconds since the start of the experiment.
using Time = std::int64_t;

inline constexpr Time kMicrosecond = 1;
inline constexpr Time kSecond = 1'000'000;
inline constexpr Time kMinute = 60 * kSecond;
inline constexpr Time kHour = 60 * kMinute;
inline constexpr Time kDay = 24 * kHour;
inline constexpr double kSecondsPerYear = 365.0 * 86400.0;

/// @brief Seconds as a double (for rates and reporting).
constexpr double to_seconds(Time t) { return static_cast<double>(t) / static_cast<double>(kSecond); }

/// @brief Parses a duration such as "90s", "15m", "1h", "7d", "250ms", "1h30m" or "0".
/// @return the duration, or std::nullopt if the text is not a valid non-negative duration.
std::optional<Time> parse_duration(std::string_view text);

/// @brief Formats a duration in the largest exact unit ("1h", "90s", "1500ms").
std::string format_duration(Time t);

}  // namespace cascade
