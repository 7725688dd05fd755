#include "cascade/agents/peg_arbitrageur/stablecoin_market.hpp"

#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/stableswap/stableswap_pool.hpp"

namespace cascade::agents {

StablecoinMarket StablecoinMarket::of(world::Component* venue) {
  StablecoinMarket m;
  m.cp_ = dynamic_cast<protocols::ConstantProductAmm*>(venue);
  m.ss_ = dynamic_cast<protocols::StableswapPool*>(venue);
  return m;
}

double StablecoinMarket::price() const { return cp_ ? cp_->price() : ss_->price(); }
double StablecoinMarket::fee() const { return cp_ ? cp_->fee() : ss_->fee(); }
ledger::TokenId StablecoinMarket::base_token() const { return cp_ ? cp_->base_token() : ss_->base_token(); }
ledger::TokenId StablecoinMarket::quote_token() const { return cp_ ? cp_->quote_token() : ss_->quote_token(); }
double StablecoinMarket::quote_buy_base(double base_out) const {
  return cp_ ? cp_->quote_buy_base(base_out) : ss_->quote_buy_base(base_out);
}
double StablecoinMarket::sell_base(world::World& world, ledger::AccountId trader, double base_in) const {
  return cp_ ? cp_->sell_base(world, trader, base_in) : ss_->sell_base(world, trader, base_in);
}
double StablecoinMarket::sell_quote(world::World& world, ledger::AccountId trader, double quote_in) const {
  return cp_ ? cp_->sell_quote(world, trader, quote_in) : ss_->sell_quote(world, trader, quote_in);
}

namespace {
/// Bisection for the a ≥ 0 where a decreasing `marginal(a)` reaches `target`.
template <class F>
double bisect(F marginal, double target, double hi) {
  if (!(marginal(0.0) > target)) return 0.0;
  while (marginal(hi) > target) hi *= 2.0;
  double lo = 0.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (marginal(mid) > target ? lo : hi) = mid;
  }
  return lo;
}
}  // namespace

double StablecoinMarket::base_to_reach(double target) const {
  // Constant product: marginal quote per base γxy/(x + γa)² = target ⇔ input_to_reach(x, y, fee, 1/target).
  if (cp_) return protocols::ConstantProductMath::input_to_reach(cp_->reserve_base(), cp_->reserve_quote(), cp_->fee(), 1.0 / target);
  return bisect([&](double a) { return ss_->marginal_after(a); }, target, ss_->reserve_base());
}

double StablecoinMarket::quote_to_reach(double target) const {
  if (cp_) return protocols::ConstantProductMath::input_to_reach(cp_->reserve_quote(), cp_->reserve_base(), cp_->fee(), 1.0 / target);
  // Buying base with quote: marginal base per quote after removing b base is (1 − fee)² / (price
  // after, gross) — bisect on the base bought, then convert to the quote it costs.
  const double gamma = 1.0 - ss_->fee();
  const double base = bisect([&](double b) { return gamma * gamma / ss_->marginal_after(-b / gamma); }, target, 0.5 * ss_->reserve_base());
  return ss_->quote_buy_base(base);
}

}  // namespace cascade::agents
