#include "cascade/core/time.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace cascade {

std::optional<Time> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return Time{0};
  Time total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // number part: digits with at most one '.'; no sign, no exponent
    const std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    const std::string_view number = text.substr(start, i - start);
    if (number.empty() || number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
    double value = 0.0;
    // from_chars, not stod: locale-independent and it must consume the whole number
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc{} || end != number.data() + number.size()) return std::nullopt;
    const std::size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(ustart, i - ustart);
    double scale = 0.0;
    if (unit == "us") scale = 1.0;
    else if (unit == "ms") scale = 1e3;
    else if (unit == "s") scale = 1e6;
    else if (unit == "m" || unit == "min") scale = 60e6;
    else if (unit == "h") scale = 3600e6;
    else if (unit == "d") scale = 86400e6;
    else if (unit == "w") scale = 7 * 86400e6;
    else return std::nullopt;
    const double us = value * scale;
    if (!(us < 9.0e18)) return std::nullopt;
    const double rounded = std::round(us);
    // Time has microsecond resolution: "0.4us" must not silently become 0.
    if (std::abs(us - rounded) > 1e-9 * std::max(1.0, us)) return std::nullopt;
    const auto part = static_cast<Time>(rounded);
    if (total > std::numeric_limits<Time>::max() - part) return std::nullopt;
    total += part;
  }
  return total;
}

std::string format_duration(Time t) {
  if (t == 0) return "0s";
  struct Unit {
    Time size;
    const char* name;
  };
  static constexpr Unit units[] = {{kDay, "d"}, {kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}, {1000, "ms"}, {1, "us"}};
  for (const auto& u : units) {
    if (t % u.size == 0) return std::to_string(t / u.size) + u.name;
  }
  return std::to_string(t) + "us";
}

}  // namespace cascade
