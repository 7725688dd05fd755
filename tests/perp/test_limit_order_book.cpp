// Limit order book venue: a market order walks a known book; makers refill at the resilience
// rate; depth is pulled when volatility rises.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "cascade/protocols/orderbook/limit_order_book.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::LimitOrderBook;

namespace {

std::string book_yaml(const std::string& driver, const std::string& pull = "{}", double flow_shift = 0.0) {
  return R"(
experiment: {name: book, seed: 1, horizon: 1d}
assets: {ETH: {}, USDC: {numeraire: true}}
drivers: {ref: )" + driver + R"(}
venues:
  book: {type: limit_order_book, reference: ref, half_spread: 0.0005, tick: 0.001, levels: 10, depth: 2,
         depth_slope: 0.5, resilience: 60s, refresh: 5s, flow_shift: )" + std::to_string(flow_shift) + ", pull: " + pull + R"(}
)";
}

const std::string kFlat = "{type: scripted_crash, asset: ETH, initial_price: 100, drop: 0.0, tick: 1m}";

config::ExperimentSpec audited(const std::string& yaml) {
  auto spec = testing::load(yaml);
  spec.audit = true;
  return spec;
}

}  // namespace

TEST_CASE("a market buy walks the ask side level by level") {
  const auto spec = audited(book_yaml(kFlat));
  world::World w(spec, testing::registry(), world::RunContext{});
  auto& book = w.get<LimitOrderBook>("book");
  const auto trader = w.ledger().open_account("trader");
  w.start();
  // Asks: level k at 100·(1 + 0.0005 + 0.001·k) with 2·(1 + 0.5·k): 2 @ 100.05, 3 @ 100.15, 4 @ 100.25
  CHECK(book.best_ask() == doctest::Approx(100.05));
  CHECK(book.best_bid() == doctest::Approx(99.95));
  const auto preview = book.preview_buy(5.0);
  // 2 · 100.05 + 3 · 100.15 = 200.10 + 300.45 = 500.55, average 100.11
  CHECK(preview.notional == doctest::Approx(500.55));
  CHECK(preview.average() == doctest::Approx(100.11));
  w.ledger().mint(trader, book.quote_token(), 1000.0);
  const double got = book.buy_base(w, trader, 5.0);
  CHECK(got == doctest::Approx(5.0));
  CHECK(w.ledger().balance(trader, book.quote_token()) == doctest::Approx(1000.0 - 500.55));
  CHECK(w.ledger().balance(trader, book.base_token()) == doctest::Approx(5.0));
  // Levels 0 and 1 are gone: best ask 100.25, mid (99.95 + 100.25)/2 = 100.10
  CHECK(book.best_ask() == doctest::Approx(100.25));
  CHECK(book.price() == doctest::Approx(100.10));
  CHECK(book.last_trade() == doctest::Approx(100.15));
  // A sell larger than the whole bid side fills only what is there: Σ 2·(1 + 0.5k), k < 10 = 65
  CHECK(book.preview_sell(1000.0).quantity == doctest::Approx(65.0));
}

TEST_CASE("makers refill consumed levels at the resilience rate") {
  const auto spec = audited(book_yaml(kFlat));
  world::World w(spec, testing::registry(), world::RunContext{});
  auto& book = w.get<LimitOrderBook>("book");
  w.start();
  book.execute_buy(w, 2.0);  // empties level 0 (2 @ 100.05)
  CHECK(book.ask_size(0) == doctest::Approx(0.0));
  w.advance_to(60 * kSecond);
  // One time constant later: 2 · (1 − e^−1) = 1.264241
  book.replenish(w.now());
  CHECK(book.ask_size(0) == doctest::Approx(2.0 * (1.0 - std::exp(-1.0))).epsilon(1e-9));
}

TEST_CASE("makers pull depth when volatility rises") {
  // A 20 % crash in one 1-minute step: r = ln 0.8, with EWMA time constant 600 s the variance
  // becomes (1 − e^(−60/600)) · r² · 60 ⇒ σ = |ln 0.8| · √(60 · (1 − e^−0.1)) = 0.5378 per √h.
  // Threshold 0.05 and elasticity 1 ⇒ factor = 0.05 / 0.5378 = 0.09297.
  const auto spec = audited(book_yaml("{type: scripted_crash, asset: ETH, initial_price: 100, drop: 0.2, crash_at: 1m, over: 0s, tick: 1m}",
                                            "{volatility: 0.05, elasticity: 1, min_depth: 0.01, time_constant: 10m}"));
  world::World w(spec, testing::registry(), world::RunContext{});
  auto& book = w.get<LimitOrderBook>("book");
  w.start();
  CHECK(book.depth_factor() == 1.0);
  w.advance_to(kMinute);
  const double sigma = std::fabs(std::log(0.8)) * std::sqrt(60.0 * (1.0 - std::exp(-0.1)));
  CHECK(book.depth_factor() == doctest::Approx(0.05 / sigma).epsilon(1e-9));
  CHECK(book.ask_size(0) == doctest::Approx(2.0 * 0.05 / sigma).epsilon(1e-9));
  CHECK(book.center() == doctest::Approx(80.0));
}

TEST_CASE("order flow shifts the makers' center, and the basis decays with the resilience") {
  const auto spec = audited(book_yaml(kFlat, "{}", 0.5));
  world::World w(spec, testing::registry(), world::RunContext{});
  auto& book = w.get<LimitOrderBook>("book");
  w.start();
  CHECK(book.price() == doctest::Approx(100.0));
  book.execute_buy(w, 5.0);
  // Without the shift the mid would go from 100.00 to (99.95 + 100.25)/2 = 100.10: Δ = 0.10, so
  // the basis is 0.5 · 0.10 / 100 = 0.0005 and the center moves to 100.05. The remaining asks
  // move with it: best ask = level 2 at 100.05 · 1.0025 = 100.300125.
  CHECK(book.basis() == doctest::Approx(0.0005));
  CHECK(book.center() == doctest::Approx(100.05));
  CHECK(book.best_ask() == doctest::Approx(100.300125));
  CHECK(book.best_bid() == doctest::Approx(100.05 * 0.9995));
  w.advance_to(60 * kSecond);
  book.replenish(w.now());
  CHECK(book.basis() == doctest::Approx(0.0005 * std::exp(-1.0)).epsilon(1e-9));
}
