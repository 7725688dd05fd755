#include "cascade/market/candles.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cascade/core/error.hpp"

namespace cascade::market {

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) {
    while (!field.empty() && (field.back() == '\r' || field.back() == ' ')) field.pop_back();
    out.push_back(field);
  }
  return out;
}

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& what) {
  throw InputError(path + ":" + std::to_string(line) + ": " + what);
}

double parse_price(const std::string& path, std::size_t line, const std::string& text, const char* column) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(v) || v <= 0.0) throw std::invalid_argument("bad");
    return v;
  } catch (const std::exception&) {
    fail(path, line, std::string("column ") + column + ": expected a positive number, got '" + text + "'");
  }
}

}  // namespace

bool parse_iso8601_utc(const std::string& text, std::int64_t& seconds) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail) != 7 || tail != 'Z') return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0) return false;
  seconds = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s;
  return true;
}

std::vector<Candle> load_candles(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open candle file");
  std::string line;
  if (!std::getline(in, line)) fail(path, 1, "empty file; expected a header time_utc,open,high,low,close");
  const auto header = split_csv(line);
  auto column = [&](const std::string& name) -> std::size_t {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    fail(path, 1, "header has no column '" + name + "' (expected time_utc,open,high,low,close)");
  };
  const std::size_t c_time = column("time_utc"), c_open = column("open"), c_high = column("high"),
                    c_low = column("low"), c_close = column("close");
  std::vector<Candle> candles;
  std::int64_t first = 0, previous = 0;
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv(line);
    if (f.size() < header.size()) fail(path, line_no, "expected " + std::to_string(header.size()) + " fields, got " + std::to_string(f.size()));
    std::int64_t t = 0;
    if (!parse_iso8601_utc(f[c_time], t)) fail(path, line_no, "bad timestamp '" + f[c_time] + "' (expected YYYY-MM-DDTHH:MM:SSZ)");
    if (candles.empty()) first = previous = t;
    else if (t == previous) continue;  // duplicated row in the source data
    else if (t < previous) fail(path, line_no, "timestamps must increase ('" + f[c_time] + "' is earlier than the row before)");
    previous = t;
    Candle c;
    c.start = (t - first) * kSecond;
    c.open = parse_price(path, line_no, f[c_open], "open");
    c.high = parse_price(path, line_no, f[c_high], "high");
    c.low = parse_price(path, line_no, f[c_low], "low");
    c.close = parse_price(path, line_no, f[c_close], "close");
    if (c.high < c.low) fail(path, line_no, "high is below low");
    candles.push_back(c);
  }
  if (candles.size() < 2) fail(path, line_no, "need at least two candles");
  return candles;
}

}  // namespace cascade::market
