#include "cascade/protocols/network/fire_sale.hpp"

#include <algorithm>
#include <cmath>

namespace cascade::protocols::network {

namespace {
constexpr double kTie = 1e-12;  // relative, as in the interbank default rule

bool insolvent(double equity, double initial_equity, DefaultRule rule) {
  const double scale = std::fabs(initial_equity);
  return rule == DefaultRule::losses_reach_capital ? equity <= kTie * scale : equity < -kTie * scale;
}

double impact(PriceImpact kind, double x) { return kind == PriceImpact::exponential ? std::exp(-x) : std::max(0.0, 1.0 - x); }
}  // namespace

Holdings Holdings::from_entries(std::uint32_t banks, std::uint32_t assets, std::vector<Entry> entries) {
  entries.erase(std::remove_if(entries.begin(), entries.end(), [](const Entry& e) { return e.shares == 0.0; }), entries.end());
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.bank != b.bank ? a.bank < b.bank : a.asset < b.asset; });
  Holdings h;
  h.banks_ = banks;
  h.assets_ = assets;
  h.bank_start_.assign(banks + 1, 0);
  h.total_.assign(assets, 0.0);
  h.value_.assign(banks, 0.0);
  for (const auto& e : entries) {
    if (!h.asset_.empty() && h.bank_start_[e.bank + 1] > 0 && h.asset_.back() == e.asset) {
      h.shares_.back() += e.shares;  // same (bank, asset) as the previous entry
    } else {
      h.asset_.push_back(e.asset);
      h.shares_.push_back(e.shares);
      ++h.bank_start_[e.bank + 1];
    }
    h.total_[e.asset] += e.shares;
    h.value_[e.bank] += e.shares;
  }
  for (std::uint32_t n = 0; n < banks; ++n) h.bank_start_[n + 1] += h.bank_start_[n];
  return h;
}

FireSaleResult fire_sale(const Holdings& holdings, const std::vector<double>& debt, const std::vector<double>& target_leverage,
                         const std::vector<double>& shock_returns, const std::vector<std::uint32_t>& initial_failures,
                         const FireSaleSpec& spec) {
  const std::uint32_t nb = holdings.banks(), na = holdings.assets();
  const auto& start = holdings.bank_start();
  const auto& asset = holdings.asset();
  FireSaleResult r;
  std::vector<double> base(na), shares = holdings.shares(), d = debt, initial_equity(nb), fraction(nb, 0.0);
  for (std::uint32_t k = 0; k < na; ++k) base[k] = 1.0 + shock_returns[k];
  r.prices = base;
  r.sold.assign(na, 0.0);
  r.failed.assign(nb, 0);
  std::vector<std::uint8_t> forced(nb, 0), liquidated(nb, 0), touched(na, 0);
  for (auto n : initial_failures) forced[n] = 1;
  for (std::uint32_t n = 0; n < nb; ++n) initial_equity[n] = holdings.initial_value(n) - debt[n];
  auto value = [&](std::uint32_t n) {
    double v = 0.0;
    for (std::uint32_t i = start[n]; i < start[n + 1]; ++i) v += shares[i] * r.prices[asset[i]];
    return v;
  };
  std::vector<std::uint32_t> sellers;
  for (std::uint32_t round = 1; round <= spec.max_rounds; ++round) {
    sellers.clear();
    for (std::uint32_t n = 0; n < nb; ++n) {
      if (liquidated[n]) continue;
      const bool holds_nothing = start[n] == start[n + 1];
      if (holds_nothing && !(round == 1 && forced[n])) continue;  // no portfolio: nothing to mark or sell
      const double v = value(n);
      const double e = v - d[n];
      if ((round == 1 && forced[n]) || insolvent(e, initial_equity[n], spec.rule)) {
        r.failed[n] = 1;
        liquidated[n] = 1;
        fraction[n] = 1.0;
        sellers.push_back(n);
      } else if (spec.response == SaleResponse::target_leverage && v > 0.0) {
        const double sale = v - target_leverage[n] * e;  // back to assets/equity = λ_n
        if (sale > kTie * v) {
          fraction[n] = std::min(1.0, sale / v);
          d[n] -= sale;  // proceeds at this round's prices repay debt
          sellers.push_back(n);
        }
      }
    }
    if (sellers.empty()) break;
    r.rounds = round;
    for (auto n : sellers) {
      for (std::uint32_t i = start[n]; i < start[n + 1]; ++i) {
        const double q = fraction[n] >= 1.0 ? shares[i] : shares[i] * fraction[n];
        r.sold[asset[i]] += q;
        shares[i] -= q;
        touched[asset[i]] = 1;
      }
    }
    // All of the round's sales move prices together.
    for (std::uint32_t k = 0; k < na; ++k)
      if (touched[k]) {
        r.prices[k] = base[k] * impact(spec.impact, spec.alpha[k] * r.sold[k]);
        touched[k] = 0;
      }
  }
  r.equity.assign(nb, 0.0);
  for (std::uint32_t n = 0; n < nb; ++n) {
    if (r.failed[n] || start[n] == start[n + 1]) continue;
    const double e = value(n) - d[n];
    if (insolvent(e, initial_equity[n], spec.rule)) r.failed[n] = 1;
    else r.equity[n] = e;
  }
  r.failures = static_cast<std::uint32_t>(std::count(r.failed.begin(), r.failed.end(), 1));
  return r;
}

Vulnerability vulnerability(const Holdings& holdings, const std::vector<double>& debt, const std::vector<double>& shock_returns,
                            const std::vector<double>& alpha) {
  const std::uint32_t nb = holdings.banks(), na = holdings.assets();
  const auto& start = holdings.bank_start();
  const auto& asset = holdings.asset();
  const auto& h = holdings.shares();
  Vulnerability v;
  v.systemicness.assign(nb, 0.0);
  v.indirect.assign(nb, 0.0);
  double total_equity = 0.0;
  // φ_k: dollar sales of asset k when every bank sells b_n·(its dollar loss) pro rata to M_n.
  std::vector<double> sales(nb, 0.0), flow(na, 0.0);
  for (std::uint32_t n = 0; n < nb; ++n) {
    const double a = holdings.initial_value(n), e = a - debt[n];
    total_equity += e;
    if (!(a > 0.0) || !(e > 0.0)) continue;
    double dollar_return = 0.0;  // a_n R_n = Σ_k h_nk F_k
    for (std::uint32_t i = start[n]; i < start[n + 1]; ++i) dollar_return += h[i] * shock_returns[asset[i]];
    sales[n] = -(debt[n] / e) * dollar_return;
    for (std::uint32_t i = start[n]; i < start[n + 1]; ++i) flow[asset[i]] += h[i] / a * sales[n];
  }
  if (!(total_equity > 0.0)) return v;
  // Loss of bank n from the price impact L φ: Σ_k h_nk ℓ_k φ_k.
  for (std::uint32_t n = 0; n < nb; ++n) {
    double loss = 0.0;
    for (std::uint32_t i = start[n]; i < start[n + 1]; ++i) loss += h[i] * alpha[asset[i]] * flow[asset[i]];
    v.aggregate += loss / total_equity;
    const double e = holdings.initial_value(n) - debt[n];
    v.indirect[n] = e > 0.0 ? loss / e : 0.0;
  }
  // S_n = 1ᵀ A M L Mᵀ (bank n's sales) / Σ e = Σ_k V_k ℓ_k M_nk sales_n / Σ e.
  const auto& total = holdings.total_shares();
  for (std::uint32_t n = 0; n < nb; ++n) {
    const double a = holdings.initial_value(n);
    if (!(a > 0.0) || sales[n] == 0.0) continue;
    double s = 0.0;
    for (std::uint32_t i = start[n]; i < start[n + 1]; ++i) s += total[asset[i]] * alpha[asset[i]] * h[i] / a;
    v.systemicness[n] = s * sales[n] / total_equity;
  }
  return v;
}

}  // namespace cascade::protocols::network
