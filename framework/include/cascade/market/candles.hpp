#pragma once
/// @file candles.hpp
/// @brief OHLC candles read from CSV (`time_utc,open,high,low,close[,volume]`).

#include <string>
#include <vector>

#include "cascade/core/time.hpp"

namespace cascade::market {

struct Candle {
  Time start = 0;  ///< since the first candle's start
  double open = 0, high = 0, low = 0, close = 0;
};

/// @brief Reads a candle file. Rows repeating the previous row's timestamp are dropped (the
/// source data has such duplicates); timestamps must otherwise increase.
/// @throws cascade::InputError naming file:line for a missing file, a bad header, an unparsable
/// number or timestamp, a non-positive price, high < low, or decreasing time.
std::vector<Candle> load_candles(const std::string& path);

/// @brief Seconds since 1970-01-01 of an ISO 8601 UTC timestamp "YYYY-MM-DDTHH:MM:SSZ".
/// @return false if the text is not such a timestamp.
bool parse_iso8601_utc(const std::string& text, std::int64_t& seconds);

}  // namespace cascade::market
