#pragma once
/// @file fire_sale.hpp
/// @brief Fire sales of overlapping portfolios: banks holding common assets sell into a price
/// impact, either all at once when they fail (Caccioli, Shrestha, Moore & Farmer 2014) or to
/// return to a target leverage (Greenwood, Landier & Thesmar 2015). Pure arithmetic, usable
/// without a world.

#include <cstdint>
#include <vector>

#include "cascade/protocols/network/balance_sheet_network.hpp"

namespace cascade::protocols::network {

/// @brief Shares h_nk of asset k held by bank n (initial prices 1, so also initial values).
class Holdings {
 public:
  struct Entry {
    std::uint32_t bank;
    std::uint32_t asset;
    double shares;
  };
  /// @brief Zero entries are dropped; repeated pairs are summed.
  static Holdings from_entries(std::uint32_t banks, std::uint32_t assets, std::vector<Entry> entries);

  std::uint32_t banks() const { return banks_; }
  std::uint32_t assets() const { return assets_; }
  std::size_t positions() const { return asset_.size(); }
  // Positions of bank n: [bank_start[n], bank_start[n + 1]), each (asset, shares).
  const std::vector<std::uint32_t>& bank_start() const { return bank_start_; }
  const std::vector<std::uint32_t>& asset() const { return asset_; }
  const std::vector<double>& shares() const { return shares_; }
  /// Σ_n h_nk: all shares of asset k held at the start.
  const std::vector<double>& total_shares() const { return total_; }
  /// Σ_k h_nk: bank n's portfolio value at the initial prices.
  double initial_value(std::uint32_t bank) const { return value_[bank]; }

 private:
  std::uint32_t banks_ = 0, assets_ = 0;
  std::vector<std::uint32_t> bank_start_, asset_;
  std::vector<double> shares_, total_, value_;
};

enum class PriceImpact {
  exponential,  ///< p_k = (1 + F_k)·exp(−α_k x_k)
  linear,       ///< p_k = (1 + F_k)·max(0, 1 − α_k x_k)
};

enum class SaleResponse {
  fail_and_liquidate,  ///< a bank sells nothing until it fails, then everything (Caccioli et al.)
  target_leverage,     ///< a solvent bank sells pro rata back to its target leverage (Greenwood et al.)
};

struct FireSaleSpec {
  SaleResponse response = SaleResponse::fail_and_liquidate;
  PriceImpact impact = PriceImpact::exponential;
  /// Impact per asset: x_k is the number of shares of k sold so far, so α_k = α / (total
  /// shares of k) makes x the fraction of holdings sold (Caccioli's α = 1.0536) and α_k = ℓ
  /// is a plain per-share coefficient (Greenwood's ℓ).
  std::vector<double> alpha;
  std::uint32_t max_rounds = 1000;
  DefaultRule rule = DefaultRule::losses_reach_capital;
};

struct FireSaleResult {
  std::vector<std::uint8_t> failed;
  std::uint32_t failures = 0;
  std::uint32_t rounds = 0;          ///< rounds in which someone sold
  std::vector<double> prices;        ///< final prices
  std::vector<double> equity;        ///< final equity per bank (0 for a failed bank)
  std::vector<double> sold;          ///< shares of each asset sold
};

/// @brief Runs the fire sale to a fixed point (or `max_rounds`).
///
/// Prices start at 1 + F_k (the exogenous return shock). Each round: every bank marks its
/// portfolio V_n = Σ_k h_nk p_k to market against its debt D_n; a bank whose equity V_n − D_n
/// is gone (per `rule`, against its initial equity) fails and sells all its shares; under
/// `target_leverage` a solvent bank with V_n > λ_n (V_n − D_n) sells S_n = V_n − λ_n(V_n − D_n)
/// pro rata and repays debt with the proceeds (at the round's prices). Banks in
/// `initial_failures` sell everything in round 1. All of a round's sales then move prices at
/// once. At the end, a bank still holding a portfolio worth no more than its debt is counted
/// failed too.
FireSaleResult fire_sale(const Holdings& holdings, const std::vector<double>& debt, const std::vector<double>& target_leverage,
                         const std::vector<double>& shock_returns, const std::vector<std::uint32_t>& initial_failures,
                         const FireSaleSpec& spec);

/// @brief Greenwood–Landier–Thesmar (2015) vulnerability of banks that target leverage, to
/// first order: returns R_n = Σ_k M_nk F_k, sales φ = B A M F, price impact L Mᵀ φ.
struct Vulnerability {
  double aggregate = 0;                 ///< AV = −1ᵀ A M L Mᵀ B A M F / Σ e (a loss is positive)
  std::vector<double> systemicness;     ///< S_n: AV caused by bank n's sales; Σ_n S_n = AV
  std::vector<double> indirect;         ///< IV_n = −(A M L Mᵀ B A M F)_n / e_n
};

/// @param alpha ℓ_k per share (as FireSaleSpec::alpha); leverage b_n = debt/equity.
Vulnerability vulnerability(const Holdings& holdings, const std::vector<double>& debt, const std::vector<double>& shock_returns,
                            const std::vector<double>& alpha);

}  // namespace cascade::protocols::network
