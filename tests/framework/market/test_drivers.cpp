// Price drivers: closed-form crash path, GBM moments, candle replay through the real closes.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "cascade/core/error.hpp"
#include "cascade/market/candles.hpp"
#include "cascade/market/price_driver.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"
#include "cascade/config/loader.hpp"

using namespace cascade;

namespace {
const world::Registry& drivers_only() {
  static const world::Registry r = [] {
    world::Registry reg;
    market::register_gbm_driver(reg);
    market::register_scripted_crash_driver(reg);
    market::register_csv_replay_driver(reg);
    return reg;
  }();
  return r;
}
config::ExperimentSpec load(const std::string& text) {
  return config::load_experiment_text(text, "test.yaml", CASCADE_REPO_DIR, drivers_only());
}
}  // namespace

TEST_CASE("scripted crash: flat, geometric fall, flat") {
  const auto spec = load(R"(
experiment: {name: crash, seed: 1, horizon: 2h}
assets: {ETH: {}, USD: {numeraire: true}}
drivers: {ref: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.36, crash_at: 30m, over: 20m, tick: 1m}}
)");
  world::World w(spec, drivers_only(), world::RunContext{});
  w.start();
  auto& d = w.get<market::PriceDriver>("ref");
  w.advance_to(30 * kMinute);
  CHECK(d.price() == 2000.0);
  w.advance_to(40 * kMinute);  // half way in log price: 2000 · 0.64^0.5 = 1600
  CHECK(d.price() == doctest::Approx(1600.0));
  w.advance_to(2 * kHour);
  CHECK(d.price() == doctest::Approx(1280.0));
  CHECK(d.stats().max_drawdown() == doctest::Approx(0.36));
}

TEST_CASE("GBM log-returns have the drift and variance of the model") {
  // With sigma = 0.8 and 1-minute ticks over 400 replicas × 1 day: mean log return per day
  // (mu − sigma²/2)·T and variance sigma²·T, T = 1/365. Tolerance: 5 standard errors.
  const auto spec = load(R"(
experiment: {name: gbm, seed: 7, horizon: 1d}
assets: {ETH: {}, USD: {numeraire: true}}
drivers: {ref: {type: gbm, asset: ETH, initial_price: 100, drift: 0.5, volatility: 0.8, tick: 1m}}
)");
  const int n = 400;
  double sum = 0, sum2 = 0;
  for (int r = 0; r < n; ++r) {
    world::World w(spec, drivers_only(), world::RunContext{0, static_cast<std::uint32_t>(r), static_cast<std::uint64_t>(r), false});
    w.start();
    w.advance_to(kDay);
    const double x = std::log(w.get<market::PriceDriver>("ref").price() / 100.0);
    sum += x;
    sum2 += x * x;
  }
  const double T = 1.0 / 365.0, var = 0.64 * T;
  const double mean = sum / n, sample_var = (sum2 - n * mean * mean) / (n - 1);
  CHECK(std::fabs(mean - (0.5 - 0.32) * T) < 5 * std::sqrt(var / n));
  CHECK(std::fabs(sample_var - var) < 5 * var * std::sqrt(2.0 / (n - 1)));
}

TEST_CASE("candle replay passes through every real close of Black Thursday") {
  const auto candles = market::load_candles(std::string(CASCADE_REPO_DIR) + "/experiments/data/eth_10min/ETHUSD_10min_2020-03-12.csv");
  REQUIRE(candles.size() == 144);
  CHECK(candles.front().open == 195.21);
  CHECK(candles.back().close == 107.52);  // defi-mechanics.md §7.1: day close 107.52
  const auto spec = load(R"(
experiment: {name: bt, seed: 3, horizon: 1d}
assets: {ETH: {}, USD: {numeraire: true}}
drivers: {ref: {type: csv_replay, asset: ETH, file: experiments/data/eth_10min/ETHUSD_10min_2020-03-12.csv, tick: 1m}}
)");
  world::World w(spec, drivers_only(), world::RunContext{});
  world::World other(spec, drivers_only(), world::RunContext{0, 1, 1, false});
  w.start();
  other.start();
  auto& d = w.get<market::PriceDriver>("ref");
  auto& d1 = other.get<market::PriceDriver>("ref");
  CHECK(d.price() == doctest::Approx(195.21));
  // Inside a candle the Brownian bridges of two replicas differ...
  w.advance_to(12 * kHour + 5 * kMinute);
  other.advance_to(12 * kHour + 5 * kMinute);
  CHECK(d.price() != d1.price());
  // ...and both pass through the close of the 12:00 candle (row 73), which lands at 12:10.
  w.advance_to(12 * kHour + 10 * kMinute);
  other.advance_to(12 * kHour + 10 * kMinute);
  CHECK(d.price() == doctest::Approx(candles[72].close).epsilon(1e-12));
  CHECK(d1.price() == doctest::Approx(candles[72].close).epsilon(1e-12));
  w.advance_to(kDay);
  CHECK(d.price() == doctest::Approx(107.52).epsilon(1e-12));
}

TEST_CASE("bad candle files are reported with file and line") {
  const std::string path = "/tmp/cascade_bad_candles.csv";
  {
    std::ofstream out(path);
    out << "time_utc,open,high,low,close\n2020-03-12T00:00:00Z,1,2,0.5,1.5\n2020-03-12T00:10:00Z,1,abc,0.5,1.5\n";
  }
  CHECK_THROWS_WITH_AS(market::load_candles(path), doctest::Contains("cascade_bad_candles.csv:3"), InputError);
  {
    std::ofstream out(path);
    out << "time,open,high,low,close\n";
  }
  CHECK_THROWS_WITH_AS(market::load_candles(path), doctest::Contains("no column 'time_utc'"), InputError);
  CHECK_THROWS_AS(market::load_candles("/nonexistent/file.csv"), InputError);
}
