#include <doctest/doctest.h>

#include "cascade/config/diagnostics.hpp"

using cascade::config::closest_match;
using cascade::config::ConfigError;
using cascade::config::Diagnostic;
using cascade::config::Diagnostics;
using cascade::config::Mark;

TEST_CASE("Mark prints file:line:col, or the file alone when the position is unknown") {
  CHECK(Mark{"exp.yaml", 12, 5}.to_string() == "exp.yaml:12:5");
  CHECK(Mark{"exp.yaml", 12, 0}.to_string() == "exp.yaml:12");
  CHECK(Mark{"--set venues.amm.fee=2", 0, 0}.to_string() == "--set venues.amm.fee=2");
}

TEST_CASE("Diagnostic prints position, key path, message and hint") {
  const Diagnostic d{Mark{"exp.yaml", 3, 7}, "protocols.aave.ltv", "must be in (0, 1], got 1.3", "did you mean 'x'?"};
  CHECK(d.to_string() == "exp.yaml:3:7: error: protocols.aave.ltv: must be in (0, 1], got 1.3 (did you mean 'x'?)");
  const Diagnostic bare{Mark{"exp.yaml", 1, 1}, "", "file is empty", ""};
  CHECK(bare.to_string() == "exp.yaml:1:1: error: file is empty");
}

TEST_CASE("Diagnostics keep order and count, and ConfigError carries all of them") {
  Diagnostics d;
  CHECK(d.empty());
  d.add(Mark{"a.yaml", 1, 1}, "x", "first");
  d.add(Mark{"a.yaml", 2, 3}, "y", "second", "hint");
  REQUIRE(d.size() == 2);
  CHECK(d.items()[0].message == "first");
  CHECK(d.items()[1].hint == "hint");
  CHECK(d.to_string() == "a.yaml:1:1: error: x: first\na.yaml:2:3: error: y: second (hint)\n2 errors");

  const ConfigError error(d);
  CHECK(error.diagnostics().size() == 2);
  CHECK(std::string(error.what()) == d.to_string());

  Diagnostics one;
  one.add(Mark{"b.yaml", 4, 2}, "", "oops");
  CHECK(one.to_string() == "b.yaml:4:2: error: oops\n1 error");
}

TEST_CASE("closest_match suggests near names only") {
  const std::vector<std::string> params{"fee", "reserves", "pair", "liquidation_bonus", "liquidation_threshold"};
  CHECK(closest_match("fees", params) == "fee");
  CHECK(closest_match("reserve", params) == "reserves");
  CHECK(closest_match("liquidation_bonsu", params) == "liquidation_bonus");  // transposition counts 1
  CHECK(closest_match("liquidaton_threshold", params) == "liquidation_threshold");
  CHECK(closest_match("volatility", params).empty());
  CHECK(closest_match("x", {"ab"}).empty());  // nothing in common
  CHECK(closest_match("gmb", {"gbm", "csv_replay", "scripted_crash"}) == "gbm");
  CHECK(closest_match("eth", {"ETH", "USDC"}) == "ETH");  // case is compared loosely
  CHECK(closest_match("anything", {}).empty());
  // Failing the edit distance, a name that extends the word (or that the word extends).
  CHECK(closest_match("chainlink", {"uniswap", "chainlink_eth", "chainlink_eth_usd"}) == "chainlink_eth");
  CHECK(closest_match("brownian", {"step", "linear", "brownian_bridge"}) == "brownian_bridge");
  CHECK(closest_match("amm_eth_usdc", {"amm"}) == "amm");
  CHECK(closest_match("ab", {"abcdef"}).empty());  // too short to guess from
}
