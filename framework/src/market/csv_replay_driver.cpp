#include <algorithm>
#include <cmath>

#include "cascade/config/diagnostics.hpp"
#include "cascade/market/candles.hpp"
#include "cascade/market/price_driver.hpp"
#include "cascade/random/distributions.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::market {

namespace {

/// Replays real candles. Knots: (0, open of the first candle) and (end of candle k, close of
/// candle k). Between knots the log price follows the straight line plus, with
/// `interpolate: brownian_bridge`, a Brownian bridge pinned to zero at both knots whose variance
/// rate is the candle's Parkinson (1980) estimate σ² = ln(high/low)² / (4 ln 2) per candle,
/// times volatility_scale². Every replica therefore passes through the real closes but differs
/// inside the candles, with intra-candle volatility of the real day. After the last knot the
/// price holds.
class CsvReplayDriver final : public PriceDriver {
 public:
  CsvReplayDriver(const config::ComponentSpec& spec, world::World& world)
      : PriceDriver(spec, world),
        bridge_(spec.params.string("interpolate") == "brownian_bridge"),
        stream_(world.stream(random::StreamPurpose::price_driver, *this)) {
    std::vector<Candle> candles;
    try {
      candles = load_candles(spec.params.file("file").path);
    } catch (const InputError& e) {
      config::Diagnostics d;
      d.add(spec.params.mark("file"), "drivers." + spec.name + ".file", e.what());
      throw config::ConfigError(d);
    }
    const double scale = spec.params.number("volatility_scale");
    const double price_scale = spec.params.number("price_scale");
    knot_time_.push_back(0);
    knot_log_.push_back(std::log(candles.front().open * price_scale));
    for (std::size_t k = 0; k < candles.size(); ++k) {
      const Time duration = k + 1 < candles.size() ? candles[k + 1].start - candles[k].start : candles[k].start - candles[k - 1].start;
      knot_time_.push_back(candles[k].start + duration);
      knot_log_.push_back(std::log(candles[k].close * price_scale));
      const double range = std::log(candles[k].high / candles[k].low);
      // variance per microsecond over this candle
      variance_rate_.push_back(scale * scale * range * range / (4.0 * std::log(2.0)) / static_cast<double>(duration));
    }
  }

 protected:
  double initial_price(world::World&) override {
    segment_ = 0;
    last_time_ = 0;
    bridge_value_ = 0.0;
    return std::exp(knot_log_.front());
  }

  double price_at(Time t, world::World&) override {
    const std::size_t last_knot = knot_time_.size() - 1;
    while (segment_ < last_knot && t >= knot_time_[segment_ + 1]) {
      ++segment_;
      last_time_ = knot_time_[segment_];
      bridge_value_ = 0.0;  // pinned at the knot
    }
    if (segment_ >= last_knot) return std::exp(knot_log_.back());
    const Time t0 = knot_time_[segment_], t1 = knot_time_[segment_ + 1];
    const double w = static_cast<double>(t - t0) / static_cast<double>(t1 - t0);
    const double line = knot_log_[segment_] + w * (knot_log_[segment_ + 1] - knot_log_[segment_]);
    if (bridge_ && t > last_time_) {
      // Exact conditional law of a Brownian bridge given its value at last_time_ and 0 at t1.
      const double remaining = static_cast<double>(t1 - last_time_);
      const double step = static_cast<double>(t - last_time_);
      const double to_end = static_cast<double>(t1 - t);
      const double mean = bridge_value_ * to_end / remaining;
      const double variance = variance_rate_[segment_] * step * to_end / remaining;
      bridge_value_ = mean + std::sqrt(variance) * random::standard_normal(stream_);
      last_time_ = t;
    }
    return std::exp(line + (bridge_ ? bridge_value_ : 0.0));
  }

 private:
  bool bridge_;
  random::PhiloxStream stream_;
  std::vector<Time> knot_time_;
  std::vector<double> knot_log_;
  std::vector<double> variance_rate_;
  std::size_t segment_ = 0;
  Time last_time_ = 0;
  double bridge_value_ = 0.0;
};

}  // namespace

void register_csv_replay_driver(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "csv_replay";
  s.section = config::Section::drivers;
  s.summary = "replays real OHLC candles, with Brownian-bridge paths inside each candle";
  s.source = "candle files time_utc,open,high,low,close; Parkinson (1980) range volatility";
  s.params = driver_common_params();
  s.params.push_back(ParamSchema::file("file", "CSV with header time_utc,open,high,low,close[,volume]"));
  s.params.push_back(ParamSchema::string("interpolate", "path between candle closes", {"linear", "brownian_bridge"})
                         .with_default(std::string("brownian_bridge")));
  s.params.push_back(ParamSchema::number("volatility_scale", "", "multiplier on the candles' Parkinson volatility")
                         .range(0, 100).with_default(1.0));
  s.params.push_back(ParamSchema::number("price_scale", "", "multiplier on every price of the file").range(0, 1e9, true).with_default(1.0));
  s.metrics = {{"price", "numeraire", "reference price"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<CsvReplayDriver>(spec, w);
  });
}

}  // namespace cascade::market
