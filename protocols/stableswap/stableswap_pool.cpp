#include "cascade/protocols/stableswap/stableswap_pool.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
constexpr int kMaxIterations = 255;  // as in curve-contract
bool converged(double a, double b) { return std::fabs(a - b) <= 1e-14 * std::max(1.0, std::fabs(a)); }
}  // namespace

double StableSwapMath::invariant(double x, double y, double amp) {
  const double s = x + y;
  if (!(s > 0.0)) return 0.0;
  const double ann = amp * 2.0;
  double d = s;
  for (int i = 0; i < kMaxIterations; ++i) {
    const double d_p = d * d / (2.0 * x) * d / (2.0 * y);
    const double previous = d;
    d = (ann * s + 2.0 * d_p) * d / ((ann - 1.0) * d + 3.0 * d_p);
    if (converged(d, previous)) break;
  }
  return d;
}

double StableSwapMath::other_balance(double x, double d, double amp) {
  const double ann = amp * 2.0;
  const double c = d * d / (2.0 * x) * d / (ann * 2.0);
  const double b = x + d / ann;
  double y = d;
  for (int i = 0; i < kMaxIterations; ++i) {
    const double previous = y;
    y = (y * y + c) / (2.0 * y + b - d);
    if (converged(y, previous)) break;
  }
  return y;
}

double StableSwapMath::marginal_price(double x, double y, double amp) {
  const double ann = amp * 2.0;
  const double d = invariant(x, y, amp);
  const double d3 = d * d * d;
  return (ann + d3 / (4.0 * x * x * y)) / (ann + d3 / (4.0 * x * y * y));
}

StableswapPool::StableswapPool(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema), amp_(spec.params.number("amp")), fee_(spec.params.number("fee")) {
  const auto& reserves = spec.params.number_map("reserves");
  const std::string path = "venues." + spec.name + ".reserves";
  config::Diagnostics d;
  if (reserves.entries.size() != 2) {
    d.add(spec.params.mark("reserves"), path, "a stableswap pool here holds exactly two assets, got " + std::to_string(reserves.entries.size()));
    throw config::ConfigError(d);
  }
  std::size_t quote_index = 1;
  for (std::size_t i = 0; i < 2; ++i)
    if (world.token(reserves.entries[i].first) == world.numeraire()) quote_index = i;
  const auto& base_entry = reserves.entries[1 - quote_index];
  const auto& quote_entry = reserves.entries[quote_index];
  if (!(base_entry.second > 0.0) || !(quote_entry.second > 0.0)) {
    d.add(spec.params.mark("reserves"), path, "both reserves must be positive");
    throw config::ConfigError(d);
  }
  base_name_ = base_entry.first;
  base_ = world.token(base_entry.first);
  quote_ = world.token(quote_entry.first);
  initial_base_ = base_entry.second;
  initial_quote_ = quote_entry.second;
  pool_ = world.ledger().open_account(spec.name + ".pool");
}

double StableswapPool::price() const { return StableSwapMath::marginal_price(reserve_base_, reserve_quote_, amp_); }

void StableswapPool::start(world::World& world) {
  world.ledger().mint(pool_, base_, initial_base_);
  world.ledger().mint(pool_, quote_, initial_quote_);
  reserve_base_ = initial_base_;
  reserve_quote_ = initial_quote_;
  stats_.observe(price());
  notify_price_change(world);
}

void StableswapPool::handle(const engine::Event&, world::World&) {}

double StableswapPool::quote_sell_base(double base_in) const {
  if (!(base_in > 0.0)) return 0.0;
  const double d = StableSwapMath::invariant(reserve_base_, reserve_quote_, amp_);
  const double y = StableSwapMath::other_balance(reserve_base_ + base_in, d, amp_);
  return std::max(0.0, (reserve_quote_ - y) * (1.0 - fee_));
}

double StableswapPool::quote_sell_quote(double quote_in) const {
  if (!(quote_in > 0.0)) return 0.0;
  const double d = StableSwapMath::invariant(reserve_base_, reserve_quote_, amp_);
  const double x = StableSwapMath::other_balance(reserve_quote_ + quote_in, d, amp_);
  return std::max(0.0, (reserve_base_ - x) * (1.0 - fee_));
}

double StableswapPool::quote_buy_base(double base_out) const {
  const double gross = base_out / (1.0 - fee_);
  if (!(gross < reserve_base_)) return std::numeric_limits<double>::infinity();
  const double d = StableSwapMath::invariant(reserve_base_, reserve_quote_, amp_);
  return std::max(0.0, StableSwapMath::other_balance(reserve_base_ - gross, d, amp_) - reserve_quote_);
}

double StableswapPool::marginal_after(double base_in) const {
  const double d = StableSwapMath::invariant(reserve_base_, reserve_quote_, amp_);
  const double x = reserve_base_ + base_in;
  if (!(x > 0.0)) return std::numeric_limits<double>::infinity();
  const double y = StableSwapMath::other_balance(x, d, amp_);
  const double ann = amp_ * 2.0;
  const double d3 = d * d * d;
  return (1.0 - fee_) * (ann + d3 / (4.0 * x * x * y)) / (ann + d3 / (4.0 * x * y * y));
}

double StableswapPool::sell_base(world::World& world, ledger::AccountId trader, double base_in) {
  const double out = std::min(quote_sell_base(base_in), world.ledger().balance(pool_, quote_));
  if (!(out > 0.0)) return 0.0;
  world.ledger().transfer(trader, pool_, base_, base_in);
  world.ledger().transfer(pool_, trader, quote_, out);
  reserve_base_ += base_in;
  reserve_quote_ -= out;
  volume_quote_ += out;
  stats_.observe(price());
  notify_price_change(world);
  return out;
}

double StableswapPool::sell_quote(world::World& world, ledger::AccountId trader, double quote_in) {
  const double out = std::min(quote_sell_quote(quote_in), world.ledger().balance(pool_, base_));
  if (!(out > 0.0)) return 0.0;
  world.ledger().transfer(trader, pool_, quote_, quote_in);
  world.ledger().transfer(pool_, trader, base_, out);
  reserve_quote_ += quote_in;
  reserve_base_ -= out;
  volume_quote_ += quote_in;
  stats_.observe(price());
  notify_price_change(world);
  return out;
}

double StableswapPool::metric(int index) const {
  switch (index) {
    case 0: return price();
    case 1: return reserve_base_;
    case 2: return reserve_quote_;
    default: return volume_quote_;
  }
}

void StableswapPool::finish(world::World&, output::RunSummary&) {}

void StableswapPool::audit(const world::World& world, std::vector<std::string>& problems) const {
  const auto& ledger = world.ledger();
  auto check = [&](double book, ledger::TokenId token, const char* side) {
    const double held = ledger.balance(pool_, token);
    if (std::fabs(held - book) > 1e-9 * std::max(1.0, book))
      problems.push_back(name() + ": " + side + " reserve " + std::to_string(book) + " != pool balance " + std::to_string(held));
  };
  check(reserve_base_, base_, "base");
  check(reserve_quote_, quote_, "quote");
}

void register_stableswap_pool(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "stableswap_pool";
  s.section = config::Section::venues;
  s.summary = "two-asset Curve StableSwap pool (amplified invariant) with a swap fee";
  s.source = "curve-contract 3pool get_D / get_y / exchange (admin fee not modelled)";
  s.params.push_back(ParamSchema::number_map("reserves", "asset units", "initial reserves of the two assets").range(0, 1e18, true));
  s.params.push_back(ParamSchema::number("amp", "", "amplification A as set in the contract (Ann = A·n)").range(1, 1e6).with_default(200.0));
  s.params.push_back(ParamSchema::number("fee", "fraction", "swap fee kept by the pool").range(0, 0.05).with_default(0.0004));
  s.metrics = {{"price", "quote per base", "marginal price on the invariant"},
               {"reserve_base", "base units", "base-asset reserve"},
               {"reserve_quote", "quote units", "quote-asset reserve"},
               {"volume", "quote units", "cumulative traded volume"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<StableswapPool>(spec, w);
  });
}

}  // namespace cascade::protocols
