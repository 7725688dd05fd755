#include "cascade/protocols/network/balance_sheet_network.hpp"

#include <algorithm>
#include <cmath>

namespace cascade::protocols::network {

namespace {
constexpr double kTie = 1e-12;  // relative: amounts this close count as equal
}

LiabilityMatrix LiabilityMatrix::from_entries(std::uint32_t nodes, std::vector<Entry> entries) {
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [](const Entry& e) { return e.debtor == e.creditor || e.amount == 0.0; }),
                entries.end());
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.debtor != b.debtor ? a.debtor < b.debtor : a.creditor < b.creditor;
  });
  LiabilityMatrix m;
  m.nodes_ = nodes;
  m.out_start_.assign(nodes + 1, 0);
  m.owed_.assign(nodes, 0.0);
  m.claims_.assign(nodes, 0.0);
  // Merge repeated (debtor, creditor) pairs (entries are sorted, so repeats are adjacent).
  std::vector<Entry> merged;
  merged.reserve(entries.size());
  for (const auto& e : entries) {
    if (!merged.empty() && merged.back().debtor == e.debtor && merged.back().creditor == e.creditor) merged.back().amount += e.amount;
    else merged.push_back(e);
  }
  m.creditor_.reserve(merged.size());
  m.amount_.reserve(merged.size());
  for (const auto& e : merged) {
    m.creditor_.push_back(e.creditor);
    m.amount_.push_back(e.amount);
    m.owed_[e.debtor] += e.amount;
    m.claims_[e.creditor] += e.amount;
    ++m.out_start_[e.debtor + 1];
  }
  for (std::uint32_t i = 0; i < nodes; ++i) m.out_start_[i + 1] += m.out_start_[i];
  // Transpose: links by creditor.
  m.in_start_.assign(nodes + 1, 0);
  for (auto c : m.creditor_) ++m.in_start_[c + 1];
  for (std::uint32_t j = 0; j < nodes; ++j) m.in_start_[j + 1] += m.in_start_[j];
  m.in_link_.resize(m.creditor_.size());
  m.in_debtor_.resize(m.creditor_.size());
  std::vector<std::uint32_t> fill(m.in_start_.begin(), m.in_start_.end() - 1);
  for (std::uint32_t i = 0; i < nodes; ++i)
    for (std::uint32_t k = m.out_start_[i]; k < m.out_start_[i + 1]; ++k) {
      const std::uint32_t slot = fill[m.creditor_[k]]++;
      m.in_link_[slot] = k;
      m.in_debtor_[slot] = i;
    }
  return m;
}

CascadeResult default_cascade(const LiabilityMatrix& net, const std::vector<double>& capital,
                              const std::vector<std::uint32_t>& initial_defaults, double recovery, DefaultRule rule) {
  const std::uint32_t n = net.nodes();
  CascadeResult r;
  r.defaulted.assign(n, 0);
  auto& losses = r.node_losses;
  losses.assign(n, 0.0);
  std::vector<std::uint32_t> generation, next;
  for (auto i : initial_defaults)
    if (!r.defaulted[i]) {
      r.defaulted[i] = 1;
      generation.push_back(i);
    }
  const auto& start = net.out_start();
  const auto& creditor = net.creditor();
  const auto& amount = net.amount();
  const double lgd = 1.0 - recovery;
  while (!generation.empty()) {
    next.clear();
    for (auto i : generation) {
      for (std::uint32_t k = start[i]; k < start[i + 1]; ++k) {
        const std::uint32_t j = creditor[k];
        const double loss = lgd * amount[k];
        losses[j] += loss;
        r.losses += loss;
        if (r.defaulted[j]) continue;
        const double cap = capital[j];
        const bool fails = rule == DefaultRule::losses_reach_capital ? losses[j] >= cap * (1.0 - kTie)
                                                                     : losses[j] > cap * (1.0 + kTie);
        if (fails) {
          r.defaulted[j] = 1;
          next.push_back(j);
        }
      }
    }
    if (!next.empty()) ++r.depth;
    std::swap(generation, next);
  }
  r.defaults = static_cast<std::uint32_t>(std::count(r.defaulted.begin(), r.defaulted.end(), 1));
  return r;
}

ClearingResult clearing_vector(const LiabilityMatrix& net, const std::vector<double>& external_assets,
                               const std::vector<double>& external_liabilities, double alpha, double beta,
                               double tolerance, std::uint32_t max_iterations) {
  const std::uint32_t n = net.nodes();
  ClearingResult r;
  std::vector<double> pbar(n);
  for (std::uint32_t i = 0; i < n; ++i) pbar[i] = net.interbank_liabilities(i) + external_liabilities[i];
  // Relative liabilities of each link (Π_ij = L_ij / p̄_i), by creditor.
  const auto& in_start = net.in_start();
  const auto& in_link = net.in_link();
  const auto& in_debtor = net.in_debtor();
  std::vector<double> share(in_link.size());
  for (std::size_t k = 0; k < in_link.size(); ++k) share[k] = net.amount()[in_link[k]] / pbar[in_debtor[k]];
  auto& p = r.payments;
  p = pbar;
  r.defaulted.assign(n, 0);
  for (r.iterations = 1; r.iterations <= max_iterations; ++r.iterations) {
    double moved = 0.0;
    for (std::uint32_t i = 0; i < n; ++i) {
      double inflow = 0.0;
      for (std::uint32_t k = in_start[i]; k < in_start[i + 1]; ++k) inflow += share[k] * p[in_debtor[k]];
      const double value = external_assets[i] + inflow;
      double next = pbar[i];
      if (r.defaulted[i] || value < pbar[i] * (1.0 - kTie)) {
        // Once in default, always in default: iterates only decrease.
        r.defaulted[i] = 1;
        next = std::min(pbar[i], alpha * external_assets[i] + beta * inflow);
      }
      moved = std::max(moved, std::fabs(next - p[i]) / (1.0 + pbar[i]));
      p[i] = next;
    }
    if (moved <= tolerance) {
      r.converged = true;
      break;
    }
  }
  r.iterations = std::min(r.iterations, max_iterations);
  for (std::uint32_t i = 0; i < n; ++i) {
    // A node whose payment equals its obligation (a tie with the Eisenberg–Noe branch) is solvent.
    if (r.defaulted[i] && p[i] >= pbar[i] * (1.0 - kTie)) r.defaulted[i] = 0;
    r.shortfall += pbar[i] - p[i];
    r.defaults += r.defaulted[i];
  }
  return r;
}

}  // namespace cascade::protocols::network
