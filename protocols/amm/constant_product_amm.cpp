#include "cascade/protocols/amm/constant_product_amm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cascade/config/diagnostics.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

double ConstantProductMath::amount_out(double amount_in, double reserve_in, double reserve_out, double fee) {
  // out = y − x·y/(x + γ·a): written through the new reserve so that it stays positive even when
  // a ≫ x (γ·a·y/(x + γ·a) rounds to y there and would empty the pool).
  const double gamma_in = (1.0 - fee) * amount_in;
  const double new_reserve = reserve_out * (reserve_in / (reserve_in + gamma_in));
  return new_reserve > 0.0 ? reserve_out - new_reserve : 0.0;
}

double ConstantProductMath::amount_in(double amount_out, double reserve_in, double reserve_out, double fee) {
  if (amount_out >= reserve_out) return std::numeric_limits<double>::infinity();
  return reserve_in * amount_out / ((1.0 - fee) * (reserve_out - amount_out));
}

double ConstantProductMath::input_to_reach(double reserve_in, double reserve_out, double fee, double price_of_out_in_in) {
  const double gamma = 1.0 - fee;
  const double a = (std::sqrt(gamma * reserve_in * reserve_out * price_of_out_in_in) - reserve_in) / gamma;
  return a > 0.0 ? a : 0.0;
}

ConstantProductAmm::ConstantProductAmm(const config::ComponentSpec& spec, world::World& world)
    : Component(spec.name, spec.schema), fee_(spec.params.number("fee")) {
  const auto& reserves = spec.params.number_map("reserves");
  const std::string path = "venues." + spec.name + ".reserves";
  if (reserves.entries.size() != 2) {
    config::Diagnostics d;
    d.add(spec.params.mark("reserves"), path, "a constant-product pool holds exactly two assets, got " + std::to_string(reserves.entries.size()));
    throw config::ConfigError(d);
  }
  // The quote side is the numeraire when present, otherwise the second asset listed.
  std::size_t quote_index = 1;
  for (std::size_t i = 0; i < 2; ++i)
    if (world.token(reserves.entries[i].first) == world.numeraire()) quote_index = i;
  const auto& base_entry = reserves.entries[1 - quote_index];
  const auto& quote_entry = reserves.entries[quote_index];
  if (!(base_entry.second > 0.0) || !(quote_entry.second > 0.0)) {
    config::Diagnostics d;
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

void ConstantProductAmm::start(world::World& world) {
  // Liquidity providers' deposit, minted into the pool at t = 0.
  world.ledger().mint(pool_, base_, initial_base_);
  world.ledger().mint(pool_, quote_, initial_quote_);
  reserve_base_ = initial_base_;
  reserve_quote_ = initial_quote_;
  stats_.observe(price());
  notify_price_change(world);
}

void ConstantProductAmm::handle(const engine::Event&, world::World&) {}

double ConstantProductAmm::quote_sell_base(double base_in) const {
  return ConstantProductMath::amount_out(base_in, reserve_base_, reserve_quote_, fee_);
}

double ConstantProductAmm::quote_buy_base(double base_out) const {
  return ConstantProductMath::amount_in(base_out, reserve_quote_, reserve_base_, fee_);
}

double ConstantProductAmm::sell_base(world::World& world, ledger::AccountId trader, double base_in) {
  if (!(base_in > 0.0)) return 0.0;
  // New reserve from the invariant, so it stays positive however large the trade.
  const double new_quote = reserve_quote_ * (reserve_base_ / (reserve_base_ + (1.0 - fee_) * base_in));
  const double out = std::min(reserve_quote_ - new_quote, world.ledger().balance(pool_, quote_));
  auto& ledger = world.ledger();
  ledger.transfer(trader, pool_, base_, base_in);
  ledger.transfer(pool_, trader, quote_, out);
  reserve_base_ += base_in;
  reserve_quote_ = new_quote;
  volume_quote_ += out;
  stats_.observe(price());
  notify_price_change(world);
  return out;
}

double ConstantProductAmm::sell_quote(world::World& world, ledger::AccountId trader, double quote_in) {
  if (!(quote_in > 0.0)) return 0.0;
  const double new_base = reserve_base_ * (reserve_quote_ / (reserve_quote_ + (1.0 - fee_) * quote_in));
  const double out = std::min(reserve_base_ - new_base, world.ledger().balance(pool_, base_));
  auto& ledger = world.ledger();
  ledger.transfer(trader, pool_, quote_, quote_in);
  ledger.transfer(pool_, trader, base_, out);
  reserve_quote_ += quote_in;
  reserve_base_ = new_base;
  volume_quote_ += quote_in;
  stats_.observe(price());
  notify_price_change(world);
  return out;
}

double ConstantProductAmm::metric(int index) const {
  switch (index) {
    case 0: return price();
    case 1: return reserve_base_;
    case 2: return reserve_quote_;
    default: return volume_quote_;
  }
}

void ConstantProductAmm::finish(world::World&, output::RunSummary& summary) {
  summary.min_venue_price = std::min(summary.min_venue_price, stats_.min());
}

void ConstantProductAmm::audit(const world::World& world, std::vector<std::string>& problems) const {
  const auto& ledger = world.ledger();
  auto check = [&](double book, ledger::TokenId token, const char* side) {
    const double held = ledger.balance(pool_, token);
    if (std::fabs(held - book) > 1e-9 * std::max(1.0, book))
      problems.push_back(name() + ": " + side + " reserve " + std::to_string(book) + " != pool balance " + std::to_string(held));
  };
  check(reserve_base_, base_, "base");
  check(reserve_quote_, quote_, "quote");
  if (!(reserve_base_ > 0.0) || !(reserve_quote_ > 0.0)) problems.push_back(name() + ": a reserve is not positive");
}

void register_constant_product_amm(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "constant_product_amm";
  s.section = config::Section::venues;
  s.summary = "two-asset x·y = k pool with a swap fee (Uniswap v2)";
  s.source = "Uniswap v2 UniswapV2Library.getAmountOut / UniswapV2Pair.swap";
  s.params.push_back(ParamSchema::number_map("reserves", "asset units", "initial reserves of the two assets, e.g. {ETH: 25000, USDC: 4.9e6}")
                         .range(0, 1e18, true));
  s.params.push_back(ParamSchema::number("fee", "fraction", "swap fee kept by the pool").range(0, 0.1).with_default(0.003));
  s.metrics = {{"price", "quote per base", "marginal price reserve_quote / reserve_base"},
               {"reserve_base", "base units", "base-asset reserve"},
               {"reserve_quote", "quote units", "quote-asset reserve"},
               {"volume", "quote units", "cumulative traded volume"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<ConstantProductAmm>(spec, w);
  });
}

}  // namespace cascade::protocols
