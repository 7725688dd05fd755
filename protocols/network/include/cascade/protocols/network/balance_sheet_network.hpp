#pragma once
/// @file balance_sheet_network.hpp
/// @brief Interbank liabilities as a sparse matrix, with the two classic propagation rules:
/// the default cascade with a recovery rate (Gai & Kapadia 2010) and the greatest clearing
/// vector of Eisenberg & Noe (2001) with Rogers & Veraart (2013) default costs. Pure
/// arithmetic, usable without a world.

#include <cstdint>
#include <tuple>
#include <vector>

namespace cascade::protocols::network {

/// @brief Liabilities L_ij (owed by debtor i to creditor j) in two compressed layouts.
/// @code
/// auto net = LiabilityMatrix::from_entries(3, {{0, 1, 0.5}, {1, 2, 1.0}});
/// double owed = net.interbank_liabilities(0);  // 0.5
/// @endcode
class LiabilityMatrix {
 public:
  struct Entry {
    std::uint32_t debtor;
    std::uint32_t creditor;
    double amount;
  };
  /// @brief Builds from (debtor, creditor, amount) entries; zero amounts and self-loans are
  /// dropped, repeated pairs are summed.
  static LiabilityMatrix from_entries(std::uint32_t nodes, std::vector<Entry> entries);

  std::uint32_t nodes() const { return nodes_; }
  std::size_t links() const { return creditor_.size(); }
  /// Σ_j L_ij.
  double interbank_liabilities(std::uint32_t i) const { return owed_[i]; }
  /// Σ_j L_ji.
  double interbank_assets(std::uint32_t j) const { return claims_[j]; }
  /// Number of debtors of j (links into j).
  std::uint32_t debtor_count(std::uint32_t j) const { return in_start_[j + 1] - in_start_[j]; }

  // By debtor: links [out_start(i), out_start(i + 1)) of debtor i, each (creditor, amount).
  const std::vector<std::uint32_t>& out_start() const { return out_start_; }
  const std::vector<std::uint32_t>& creditor() const { return creditor_; }
  const std::vector<double>& amount() const { return amount_; }
  // By creditor: links [in_start(j), in_start(j + 1)) of creditor j, each an index into the
  // by-debtor arrays (so amount()[in_link()[k]] is the claim) and the debtor.
  const std::vector<std::uint32_t>& in_start() const { return in_start_; }
  const std::vector<std::uint32_t>& in_link() const { return in_link_; }
  const std::vector<std::uint32_t>& in_debtor() const { return in_debtor_; }

 private:
  std::uint32_t nodes_ = 0;
  std::vector<std::uint32_t> out_start_, creditor_;
  std::vector<double> amount_;
  std::vector<std::uint32_t> in_start_, in_link_, in_debtor_;
  std::vector<double> owed_, claims_;
};

/// @brief When is a loss equal to the capital a default? An explicit rule, not a rounding
/// accident: losses within a relative 1e-12 of the capital count as equal to it.
enum class DefaultRule {
  losses_reach_capital,   ///< default when losses ≥ capital (no capital left is a default)
  losses_exceed_capital,  ///< default when losses > capital (zero capital left survives)
};

struct CascadeResult {
  std::vector<std::uint8_t> defaulted;  ///< 1 for every node in default at the end
  std::uint32_t defaults = 0;
  std::uint32_t depth = 0;              ///< generations after the initial defaults
  double losses = 0;                    ///< Σ (1 − R)·claims on defaulted nodes
  std::vector<double> node_losses;      ///< losses booked by each node as a creditor
};

/// @brief Default cascade (Gai & Kapadia 2010): a defaulted debtor pays (recovery) of each
/// claim on it, so creditor j loses (1 − recovery)·L_ij; j defaults when its losses reach (or
/// exceed, per `rule`) capital_j. Processed generation by generation; the final set does not
/// depend on the order (losses only grow).
CascadeResult default_cascade(const LiabilityMatrix& net, const std::vector<double>& capital,
                              const std::vector<std::uint32_t>& initial_defaults, double recovery, DefaultRule rule);

struct ClearingResult {
  std::vector<double> payments;         ///< clearing vector p
  std::vector<std::uint8_t> defaulted;  ///< p_i < p̄_i
  std::uint32_t defaults = 0;
  std::uint32_t iterations = 0;
  bool converged = false;
  double shortfall = 0;                 ///< Σ (p̄_i − p_i)
};

/// @brief Greatest clearing vector with Rogers–Veraart default costs (alpha, beta); alpha =
/// beta = 1 is Eisenberg–Noe. p̄_i = Σ_j L_ij + external_liabilities_i, Π_ij = L_ij / p̄_i:
///   p_i = p̄_i                         if e_i + Σ_j Π_ji p_j ≥ p̄_i,
///   p_i = α e_i + β Σ_j Π_ji p_j     otherwise.
/// Computed by Gauss–Seidel sweeps from p = p̄: the map is monotone, so the iterates decrease to
/// the greatest fixed point (the default set only grows, and is final once it stops growing).
/// Stops when no payment moves by more than `tolerance`·(1 + p̄_i) in a sweep.
ClearingResult clearing_vector(const LiabilityMatrix& net, const std::vector<double>& external_assets,
                               const std::vector<double>& external_liabilities, double alpha = 1.0, double beta = 1.0,
                               double tolerance = 1e-14, std::uint32_t max_iterations = 100000);

}  // namespace cascade::protocols::network
