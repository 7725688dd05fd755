#include "cascade/ledger/ledger.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cascade/core/error.hpp"

namespace cascade::ledger {

namespace {
constexpr double kRelativeDust = 1e-9;
// Rounding left by a protocol's own bookkeeping (sums of many positions in double precision) is
// bounded by a few ulps of the token's whole supply, not of the account's balance: when a reserve
// is nearly drained, the last position's recorded amount can exceed what is left by far more than
// 1e-9 of the (tiny) balance. Amounts within this share of everything ever minted count as the
// balance itself.
constexpr double kSupplyDust = 1e-12;
}

Ledger::Ledger(std::vector<std::string> token_names)
    : tokens_(std::move(token_names)), minted_(tokens_.size(), 0.0), burned_(tokens_.size(), 0.0) {}

AccountId Ledger::open_account(std::string label) {
  const auto id = static_cast<AccountId>(label_block_.size());
  labels_.push_back(std::move(label));
  label_block_.push_back(static_cast<std::uint32_t>(labels_.size() - 1));
  balances_.resize(balances_.size() + tokens_.size(), 0.0);
  return id;
}

AccountId Ledger::open_accounts(const std::string& label_prefix, std::uint32_t n) {
  const auto first = static_cast<AccountId>(label_block_.size());
  labels_.push_back(label_prefix);
  const auto block = static_cast<std::uint32_t>(labels_.size() - 1);
  label_block_.resize(label_block_.size() + n, block);
  balances_.resize(balances_.size() + static_cast<std::size_t>(n) * tokens_.size(), 0.0);
  return first;
}

std::string Ledger::account_label(AccountId a) const {
  const std::uint32_t block = label_block_[a];
  // Accounts of a block are labelled prefix[i].
  AccountId first = a;
  while (first > 0 && label_block_[first - 1] == block) --first;
  const bool single = (first == a) && (a + 1 >= label_block_.size() || label_block_[a + 1] != block);
  if (single) return labels_[block];
  return labels_[block] + "[" + std::to_string(a - first) + "]";
}

void Ledger::check_amount(double amount, const char* op) const {
  CASCADE_ASSERT(std::isfinite(amount) && amount >= 0.0, std::string("ledger ") + op + " of a negative or non-finite amount");
}

void Ledger::mint(AccountId to, TokenId token, double amount) {
  check_amount(amount, "mint");
  balances_[index(to, token)] += amount;
  minted_[token] += amount;
}

void Ledger::burn(AccountId from, TokenId token, double amount) {
  check_amount(amount, "burn");
  double& b = balances_[index(from, token)];
  CASCADE_ASSERT(amount <= b * (1.0 + kRelativeDust) + kSupplyDust * std::max(1.0, minted_[token]),
                 "burn exceeds balance of " + account_label(from));
  if (amount > b) amount = b;
  b -= amount;
  burned_[token] += amount;
}

void Ledger::transfer(AccountId from, AccountId to, TokenId token, double amount) {
  check_amount(amount, "transfer");
  double& source = balances_[index(from, token)];
  if (amount > source) {
    CASCADE_ASSERT(amount <= source * (1.0 + kRelativeDust) + kSupplyDust * std::max(1.0, minted_[token]),
                   "transfer of " + std::to_string(amount) + " " + tokens_[token] + " exceeds the balance " +
                       std::to_string(source) + " of " + account_label(from));
    amount = source;
  }
  source -= amount;
  balances_[index(to, token)] += amount;
}

void Ledger::audit(std::vector<std::string>& problems) const {
  const std::size_t n_tokens = tokens_.size();
  std::vector<double> sum(n_tokens, 0.0);
  std::vector<double> gross(n_tokens, 0.0);
  for (std::size_t a = 0; a < label_block_.size(); ++a) {
    for (std::size_t t = 0; t < n_tokens; ++t) {
      const double b = balances_[a * n_tokens + t];
      if (!std::isfinite(b) || b < 0.0) {
        std::ostringstream m;
        m << "ledger: balance of " << account_label(static_cast<AccountId>(a)) << " in " << tokens_[t] << " is " << b;
        problems.push_back(m.str());
      }
      sum[t] += b;
      gross[t] += std::fabs(b);
    }
  }
  for (std::size_t t = 0; t < n_tokens; ++t) {
    const double expected = minted_[t] - burned_[t];
    const double tolerance = 1e-9 * std::max({1.0, gross[t], minted_[t]});
    if (std::fabs(sum[t] - expected) > tolerance) {
      std::ostringstream m;
      m.precision(17);
      m << "ledger: " << tokens_[t] << " not conserved: balances sum to " << sum[t] << " but minted - burned = " << expected;
      problems.push_back(m.str());
    }
  }
}

}  // namespace cascade::ledger
