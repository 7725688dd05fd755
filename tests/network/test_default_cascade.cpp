// Gai–Kapadia default cascade on a network small enough to trace by hand.
#include <doctest/doctest.h>

#include <vector>

#include "cascade/protocols/network/balance_sheet_network.hpp"

using namespace cascade::protocols::network;

namespace {
// Seven banks with Gai–Kapadia balance sheets (total assets 1, interbank assets 0.2 split equally
// over a bank's debtors, capital K = 0.04). Edges a → b: a borrows from b.
//   0, 1, 2, 3, 4 → 6   bank 6 has 5 debtors: a claim of 0.2/5 = 0.04 = K on each
//   6 → 5               bank 5 has 1 debtor: a claim of 0.2 on bank 6
//   0 → 1               bank 1 has 1 debtor: a claim of 0.2 on bank 0
LiabilityMatrix seven_banks() {
  return LiabilityMatrix::from_entries(7, {{0, 6, 0.04}, {1, 6, 0.04}, {2, 6, 0.04}, {3, 6, 0.04}, {4, 6, 0.04}, {6, 5, 0.2}, {0, 1, 0.2}});
}
const std::vector<double> kCapital(7, 0.04);
}  // namespace

TEST_CASE("Gai-Kapadia by hand: zero capital left is a default under losses_reach_capital") {
  // Bank 0 fails. Generation 1: bank 1 loses 0.2 ≥ 0.04 (default); bank 6 loses 0.04 = K: no capital
  // left, a default under this rule. Generation 2: bank 5 loses 0.2 (default). Depth 2, 4 defaults.
  const auto r = default_cascade(seven_banks(), kCapital, {0}, 0.0, DefaultRule::losses_reach_capital);
  CHECK(r.defaulted == std::vector<std::uint8_t>{1, 1, 0, 0, 0, 1, 1});
  CHECK(r.defaults == 4);
  CHECK(r.depth == 2);
  // Losses booked: 0.2 (bank 1 on 0) + 0.04 (6 on 0) + 0.04 (6 on 1) + 0.2 (5 on 6).
  CHECK(r.losses == doctest::Approx(0.48).epsilon(1e-12));
}

TEST_CASE("Gai-Kapadia by hand: zero capital left survives under losses_exceed_capital") {
  // Generation 1: bank 1 defaults; bank 6 is left with exactly 0 and survives. Generation 2: bank 1's
  // default costs 6 another 0.04 (0.08 > K): default. Generation 3: bank 5. Same set, depth 3.
  const auto r = default_cascade(seven_banks(), kCapital, {0}, 0.0, DefaultRule::losses_exceed_capital);
  CHECK(r.defaulted == std::vector<std::uint8_t>{1, 1, 0, 0, 0, 1, 1});
  CHECK(r.depth == 3);
}

TEST_CASE("Gai-Kapadia by hand: a recovery rate of 1/2 halves every loss") {
  // losses_exceed_capital: bank 1 loses 0.1 > 0.04 (default); bank 6 loses 0.02, then 0.02 more = 0.04,
  // not more than K: it survives, and so does bank 5. Defaults {0, 1}, depth 1.
  const auto exceed = default_cascade(seven_banks(), kCapital, {0}, 0.5, DefaultRule::losses_exceed_capital);
  CHECK(exceed.defaulted == std::vector<std::uint8_t>{1, 1, 0, 0, 0, 0, 0});
  CHECK(exceed.depth == 1);
  CHECK(exceed.node_losses[6] == doctest::Approx(0.04).epsilon(1e-12));
  // losses_reach_capital: bank 6's 0.04 reaches K in generation 2, bank 5 (loses 0.1) in generation 3.
  const auto reach = default_cascade(seven_banks(), kCapital, {0}, 0.5, DefaultRule::losses_reach_capital);
  CHECK(reach.defaulted == std::vector<std::uint8_t>{1, 1, 0, 0, 0, 1, 1});
  CHECK(reach.depth == 3);
}

TEST_CASE("a default that hits nobody stays alone, and the final set does not depend on the shock order") {
  auto r = default_cascade(seven_banks(), kCapital, {5}, 0.0, DefaultRule::losses_reach_capital);
  CHECK(r.defaults == 1);  // nobody lends to bank 5
  CHECK(r.depth == 0);
  const auto a = default_cascade(seven_banks(), kCapital, {2, 3}, 0.0, DefaultRule::losses_exceed_capital);
  const auto b = default_cascade(seven_banks(), kCapital, {3, 2}, 0.0, DefaultRule::losses_exceed_capital);
  // 2 and 3 together cost bank 6 0.08 > K: 6 and then 5 default.
  CHECK(a.defaulted == std::vector<std::uint8_t>{0, 0, 1, 1, 0, 1, 1});
  CHECK(a.defaulted == b.defaulted);
}
