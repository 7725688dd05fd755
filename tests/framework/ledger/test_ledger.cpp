// The ledger conserves every token and refuses impossible transfers.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "cascade/ledger/ledger.hpp"
#include "cascade/core/error.hpp"

using namespace cascade;
using namespace cascade::ledger;

TEST_CASE("mint, transfer and burn keep supply equal to the sum of balances") {
  Ledger l({"ETH", "USDC"});
  const auto alice = l.open_account("alice");
  const auto pool = l.open_account("pool");
  l.mint(alice, 0, 10.0);
  l.transfer(alice, pool, 0, 4.0);
  l.burn(pool, 0, 1.0);
  CHECK(l.balance(alice, 0) == 6.0);
  CHECK(l.balance(pool, 0) == 3.0);
  CHECK(l.supply(0) == 9.0);
  std::vector<std::string> problems;
  l.audit(problems);
  CHECK(problems.empty());
}

TEST_CASE("a reserve's last withdrawal may exceed its tiny balance by rounding of the supply's size, not more") {
  // 1,000,000 ETH minted; the pool keeps 0.3 ETH. Rounding from summing positions of up to 1e6
  // is of order 1e-10 ETH: far above 1e-9 of 0.3 ETH (3e-10 is the limit), well below
  // 1e-12 of the supply (1e-6 ETH). Such a transfer is the whole balance; a real overdraft
  // (1e-3 ETH more) still fails.
  Ledger l({"ETH"});
  const auto whale = l.open_account("whale");
  const auto pool = l.open_account("pool");
  const auto liquidator = l.open_account("liquidator");
  l.mint(whale, 0, 1.0e6);
  l.transfer(whale, pool, 0, 0.3);
  CHECK_THROWS_AS(l.transfer(pool, liquidator, 0, 0.3 + 1e-3), AssertionFailure);
  l.transfer(pool, liquidator, 0, 0.3 + 5e-7);
  CHECK(l.balance(pool, 0) == 0.0);
  CHECK(l.balance(liquidator, 0) == 0.3);
  std::vector<std::string> problems;
  l.audit(problems);
  CHECK(problems.empty());
}

TEST_CASE("population accounts are labelled by index") {
  Ledger l({"ETH"});
  l.open_account("pool");
  const auto first = l.open_accounts("borrowers", 3);
  CHECK(l.account_label(first + 2) == "borrowers[2]");
  CHECK(l.account_label(0) == "pool");
  CHECK(l.account_count() == 4);
}

TEST_CASE("overdrafts, negative and non-finite amounts are refused") {
  Ledger l({"ETH"});
  const auto a = l.open_account("a");
  const auto b = l.open_account("b");
  l.mint(a, 0, 1.0);
  CHECK_THROWS_AS(l.transfer(a, b, 0, 2.0), AssertionFailure);
  CHECK_THROWS_AS(l.transfer(a, b, 0, -1.0), AssertionFailure);
  CHECK_THROWS_AS(l.mint(a, 0, std::numeric_limits<double>::quiet_NaN()), AssertionFailure);
  CHECK_THROWS_AS(l.mint(a, 0, std::numeric_limits<double>::infinity()), AssertionFailure);
  CHECK(l.balance(a, 0) == 1.0);
}

TEST_CASE("a rounding-sized overdraft is clamped to the balance, never negative") {
  Ledger l({"ETH"});
  const auto a = l.open_account("a");
  const auto b = l.open_account("b");
  l.mint(a, 0, 0.1 + 0.2);            // 0.30000000000000004
  l.transfer(a, b, 0, 0.3 + 1e-16);   // within 1e-9 relative of the balance
  CHECK(l.balance(a, 0) >= 0.0);
  std::vector<std::string> problems;
  l.audit(problems);
  CHECK(problems.empty());
}
