#pragma once
/// @file ledger.hpp
/// @brief Every token balance of every account in one world. Transfers are the only way value
/// moves; mint and burn are tracked so supply conservation can be audited (DESIGN §5).

#include <cstdint>
#include <string>
#include <vector>

namespace cascade::ledger {

using TokenId = std::uint32_t;
using AccountId = std::uint32_t;

/// @brief Dense balances [account][token] in double precision.
///
/// Amounts must be finite and non-negative; a transfer larger than the balance is a programming
/// error (components check first), except for a shortfall within floating-point rounding of the
/// balance (relative 1e-9), which is clamped so dust never makes a balance negative.
/// @code
/// Ledger l({"ETH", "USDC"});
/// AccountId alice = l.open_account("alice");
/// l.mint(alice, 0, 10.0);
/// l.transfer(alice, pool, 0, 4.0);
/// @endcode
class Ledger {
 public:
  explicit Ledger(std::vector<std::string> token_names);

  /// @brief Opens an account with zero balances. Labels are for audit messages only.
  AccountId open_account(std::string label);
  /// @brief Opens `n` consecutive accounts sharing a label prefix (a population's wallets).
  AccountId open_accounts(const std::string& label_prefix, std::uint32_t n);

  void mint(AccountId to, TokenId token, double amount);
  void burn(AccountId from, TokenId token, double amount);
  void transfer(AccountId from, AccountId to, TokenId token, double amount);

  double balance(AccountId account, TokenId token) const { return balances_[index(account, token)]; }
  /// Minted minus burned.
  double supply(TokenId token) const { return minted_[token] - burned_[token]; }
  double minted(TokenId token) const { return minted_[token]; }
  double burned(TokenId token) const { return burned_[token]; }

  std::uint32_t token_count() const { return static_cast<std::uint32_t>(tokens_.size()); }
  std::uint32_t account_count() const { return static_cast<std::uint32_t>(label_block_.size()); }
  const std::string& token_name(TokenId t) const { return tokens_[t]; }
  std::string account_label(AccountId a) const;

  /// @brief Checks conservation (Σ balances = minted − burned per token, relative 1e-9), that
  /// every balance is finite and non-negative. Appends one message per problem.
  void audit(std::vector<std::string>& problems) const;

 private:
  std::size_t index(AccountId a, TokenId t) const { return static_cast<std::size_t>(a) * tokens_.size() + t; }
  void check_amount(double amount, const char* op) const;

  std::vector<std::string> tokens_;
  std::vector<std::string> labels_;           // one per account or per population block
  std::vector<std::uint32_t> label_block_;    // account → index into labels_ for blocks
  std::vector<double> balances_;
  std::vector<double> minted_;
  std::vector<double> burned_;
};

}  // namespace cascade::ledger
