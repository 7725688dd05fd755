// The experiment loader against a fake schema catalog: every diagnostic kind with its exact
// position and key path, defaults, overrides, sweeps and the normalised round trip. Line and
// column numbers below are counted by hand in the YAML texts (1-based).

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>

#include "cascade/config/loader.hpp"

namespace {

using namespace cascade::config;
using cascade::kDay;
using cascade::kHour;
using cascade::kMinute;
using cascade::kSecond;
using cascade::random::Distribution;

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- a small catalog shaped like the real component types -----------------------------------

class FakeCatalog : public SchemaCatalog {
 public:
  FakeCatalog() {
    add({"gbm", Section::drivers, "geometric Brownian motion", "", {
        ParamSchema::number("initial_price", "USD", "price at t = 0").range(0, kInf, true),
        ParamSchema::number("drift", "1/year", "annual drift").with_default(0),
        ParamSchema::number("volatility", "1/sqrt(year)", "annual volatility").range(0, kInf).with_default(0.8),
        ParamSchema::duration("tick", "time between prices").range(0, kInf, true).with_default(Duration{kMinute}),
      }, {{"price", "USD", "reference price"}}});
    add({"csv_replay", Section::drivers, "replays candles", "", {
        ParamSchema::file("file", "CSV with time and price columns"),
        ParamSchema::string("column", "price column").with_default(std::string("close")),
        ParamSchema::string("interpolate", "between candles", {"step", "linear", "brownian_bridge"})
            .with_default(std::string("linear")),
        ParamSchema::distribution("noise", "fraction", "per-replica relative noise").with_default(0.0),
      }, {{"price", "USD", "reference price"}}});
    add({"constant_product_amm", Section::venues, "x*y=k pool", "Uniswap v2", {
        ParamSchema::string_list("pair", "the two assets").with_default(StringList{}),
        ParamSchema::number_map("reserves", "token", "initial reserves").range(0, kInf, true),
        ParamSchema::number("fee", "fraction", "swap fee").range(0, 1, false, true).with_default(0.003),
      }, {{"price", "USD", "pool price"}, {"reserves", "token", "reserves"}}});
    add({"deviation_heartbeat", Section::oracles, "Chainlink-style feed", "", {
        ParamSchema::reference("source", RefKind::price_source, "what the oracle reads"),
        ParamSchema::number("deviation", "fraction", "update threshold").range(0, 1, false, true).with_default(0.005),
        ParamSchema::duration("heartbeat", "maximum time between updates").range(0, kInf, true)
            .with_default(Duration{kHour}),
        ParamSchema::duration("delay", "publication delay").range(0, kInf).with_default(Duration{0}),
      }, {{"price", "USD", "published price"}}});
    add({"lending_pool", Section::protocols, "Aave-like pool", "", {
        ParamSchema::reference("oracle", RefKind::oracle, "price oracle"),
        ParamSchema::reference("liquidation_venue", RefKind::venue, "where seized collateral is sold"),
        ParamSchema::reference("collateral", RefKind::asset, "collateral asset"),
        ParamSchema::reference("debt", RefKind::asset, "debt asset"),
        ParamSchema::number("ltv", "fraction", "loan to value").range(0, 1, true, false),
        ParamSchema::number("liquidation_threshold", "fraction", "").range(0, 1, true, false),
        ParamSchema::number("liquidation_bonus", "fraction", "").range(0, 1, false, true).with_default(0.05),
        ParamSchema::group("rate", "kinked rate model", {
            ParamSchema::number("optimal", "fraction", "kink").range(0, 1, true, true),
            ParamSchema::number("base", "1/year", "").range(0, kInf).with_default(0.0),
            ParamSchema::number("slope1", "1/year", "").range(0, kInf).with_default(0.04),
            ParamSchema::number("slope2", "1/year", "").range(0, kInf),
        }),
        ParamSchema::group("close_factor", "share of debt one liquidation may repay", {
            ParamSchema::number("default", "fraction", "").range(0, 1, true, false).with_default(0.5),
            ParamSchema::number("full_below_health", "", "").range(0, kInf, true).with_default(0.95),
        }),
        ParamSchema::number("supply", "USD", "initial deposits").range(0, kInf).with_default(0),
      }, {{"total_debt", "USD", ""}, {"bad_debt", "USD", ""}, {"liquidated_value", "USD", ""}}});
    add({"leveraged_borrower", Section::agents, "borrowers", "", {
        ParamSchema::reference("protocol", RefKind::protocol, "where they borrow"),
        ParamSchema::integer("count", "", "population size").range(1, kInf),
        ParamSchema::distribution("collateral_usd", "USD", "").range(0, kInf, true),
        ParamSchema::distribution("health_factor", "", "initial health").range(1, kInf, true),
        ParamSchema::boolean("tops_up", "adds collateral on margin calls").with_default(false),
      }, {}});
    add({"liquidator", Section::agents, "liquidation bots", "", {
        ParamSchema::reference("protocol", RefKind::protocol, ""),
        ParamSchema::reference("venue", RefKind::venue, ""),
        ParamSchema::integer("count", "", "").range(1, kInf).with_default(1),
        ParamSchema::distribution("latency", "s", "reaction time").range(0, kInf).with_default(12.0),
        ParamSchema::number("capital", "USD", "").range(0, kInf, true),
        ParamSchema::number_list("gas_levels", "gwei", "").range(0, kInf).with_default(NumberList{}),
      }, {{"profit", "USD", ""}}});
  }

  const ComponentSchema* find_schema(const std::string& type) const override {
    const auto it = schemas_.find(type);
    return it == schemas_.end() ? nullptr : it->second.get();
  }
  std::vector<std::string> type_names() const override {
    std::vector<std::string> names;
    for (const auto& [name, schema] : schemas_) names.push_back(name);
    return names;
  }

 private:
  void add(ComponentSchema schema) {
    const std::string type = schema.type;
    schemas_[type] = std::make_unique<ComponentSchema>(std::move(schema));
  }
  std::map<std::string, std::unique_ptr<ComponentSchema>> schemas_;
};

const FakeCatalog& catalog() {
  static const FakeCatalog c;
  return c;
}

/// A folder with data/eth.csv for file parameters; removed at exit.
struct TestDir {
  std::filesystem::path path;
  TestDir() {
    path = std::filesystem::temp_directory_path() / ("cascade_config_tests_" + std::to_string(::getpid()));
    std::filesystem::create_directories(path / "data");
    std::ofstream(path / "data" / "eth.csv") << "time,close\n0,2000\n";
  }
  ~TestDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};
const TestDir& test_dir() {
  static const TestDir dir;
  return dir;
}

// ---- the base experiment ------------------------------------------------------------------------

// Line numbers (each line of the raw string is one line of the file):
//  1 experiment:           14   eth_ref:                27     liquidation_venue: amm      40   liquidators:
//  5 assets:               18 oracles:                  32     rate: {...}                 45     latency: ...
//  8 venues:               23 protocols:                33 agents:
//  9   amm:                24   pool:                   34   borrowers:
// 13 drivers:              25     type: lending_pool    38     collateral_usd: ...
const std::string kBase = R"(experiment:
  name: unit-test
  seed: 42
  horizon: 1d
assets:
  ETH: {decimals: 18}
  USDC: {decimals: 6, numeraire: true}
venues:
  amm:
    type: constant_product_amm
    reserves: {ETH: 1000, USDC: 2000000}
    fee: 0.003
drivers:
  eth_ref:
    type: gbm
    initial_price: 2000
    volatility: 0.8
oracles:
  chainlink_eth:
    type: deviation_heartbeat
    source: eth_ref
    heartbeat: 1h
protocols:
  pool:
    type: lending_pool
    oracle: chainlink_eth
    liquidation_venue: amm
    collateral: ETH
    debt: USDC
    ltv: 0.8
    liquidation_threshold: 0.85
    rate: {optimal: 0.9, slope2: 0.8}
agents:
  borrowers:
    type: leveraged_borrower
    protocol: pool
    count: 100
    collateral_usd: {dist: lognormal, median: 20000, sigma: 1.5}
    health_factor: {dist: uniform, low: 1.05, high: 3.0}
  liquidators:
    type: liquidator
    protocol: pool
    venue: amm
    capital: 1.0e6
    latency: {dist: exponential, mean: 12s}
)";

/// `text` with the single occurrence of `from` replaced by `to`.
std::string edit(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, "not in the text: " << from);
  REQUIRE_MESSAGE(text.find(from, pos + 1) == std::string::npos, "twice in the text: " << from);
  return text.replace(pos, from.size(), to);
}

ExperimentSpec load(const std::string& text, const std::vector<Override>& overrides = {}) {
  return load_experiment_text(text, "test.yaml", test_dir().path.string(), catalog(), overrides);
}

/// The diagnostics of a text that must fail to load.
Diagnostics diagnose(const std::string& text, const std::vector<Override>& overrides = {}) {
  try {
    load(text, overrides);
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  FAIL("expected a ConfigError");
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Exactly one diagnostic, at test.yaml:line:col, for `path`, whose message and hint contain the parts.
void check_one(const std::string& text, int line, int col, const std::string& path, const std::string& message,
               const std::string& hint = "") {
  const Diagnostics d = diagnose(text);
  INFO(d.to_string());
  REQUIRE(d.size() == 1);
  const Diagnostic& x = d.items()[0];
  CHECK(x.mark.file == "test.yaml");
  CHECK(x.mark.line == line);
  CHECK(x.mark.column == col);
  CHECK(x.key_path == path);
  CHECK(contains(x.message, message));
  CHECK(contains(x.hint, hint));
}

const ComponentSpec& component(const ExperimentSpec& spec, const std::string& name) {
  const ComponentSpec* c = spec.find(name);
  REQUIRE_MESSAGE(c != nullptr, "no component " << name);
  return *c;
}

}  // namespace

// ---- valid input --------------------------------------------------------------------------------

TEST_CASE("a valid experiment loads with every default filled in") {
  const ExperimentSpec spec = load(kBase);
  CHECK(spec.name == "unit-test");
  CHECK(spec.description.empty());
  CHECK(spec.seed == 42);
  CHECK(spec.horizon == kDay);
  CHECK(spec.replicas == 1);
  CHECK(spec.common_random_numbers);
  CHECK(spec.source_path == "test.yaml");
  CHECK(spec.source_text == kBase);

  REQUIRE(spec.assets.size() == 2);
  CHECK(spec.assets[0].name == "ETH");
  CHECK(spec.assets[0].decimals == 18);
  CHECK_FALSE(spec.assets[0].numeraire);
  CHECK(spec.assets[1].decimals == 6);
  CHECK(spec.numeraire_index() == 1);
  CHECK(spec.asset_index("ETH") == 0);
  CHECK(spec.asset_index("BTC") == -1);

  // Section order (drivers, venues, oracles, protocols, agents), not file order (venues came first).
  REQUIRE(spec.components.size() == 6);
  const std::vector<std::string> order{"eth_ref", "amm", "chainlink_eth", "pool", "borrowers", "liquidators"};
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(spec.components[i].name == order[i]);
  CHECK(spec.components[0].section == Section::drivers);
  CHECK(spec.components[4].section == Section::agents);
  for (const auto& c : spec.components) CHECK(c.schema == catalog().find_schema(c.type));
  CHECK(component(spec, "amm").mark.line == 9);
  CHECK(component(spec, "amm").mark.column == 3);

  const ParamSet& gbm = component(spec, "eth_ref").params;
  CHECK(gbm.number("initial_price") == 2000.0);
  CHECK(gbm.number("drift") == 0.0);  // with_default(0): an integer default stored as a number
  CHECK(gbm.duration("tick") == kMinute);

  const ParamSet& amm = component(spec, "amm").params;
  CHECK(amm.string_list("pair").empty());
  CHECK(amm.number("fee") == 0.003);
  REQUIRE(amm.number_map("reserves").entries.size() == 2);
  CHECK(amm.number_map("reserves").entries[0].first == "ETH");
  CHECK(lookup(amm.number_map("reserves"), "USDC") == 2e6);
  CHECK(amm.mark("fee").line == 12);
  CHECK(amm.mark("fee").column == 10);

  const ParamSet& oracle = component(spec, "chainlink_eth").params;
  CHECK(oracle.reference("source") == "eth_ref");
  CHECK(oracle.duration("heartbeat") == kHour);
  CHECK(oracle.duration("delay") == 0);
  CHECK(oracle.number("deviation") == 0.005);

  const ParamSet& pool = component(spec, "pool").params;
  CHECK(pool.reference("oracle") == "chainlink_eth");
  CHECK(pool.reference("collateral") == "ETH");
  CHECK(pool.number("liquidation_bonus") == 0.05);
  CHECK(pool.group("rate").number("optimal") == 0.9);
  CHECK(pool.group("rate").number("slope1") == 0.04);
  CHECK(pool.group("rate").number("base") == 0.0);
  // An omitted group whose children all have defaults is filled in.
  CHECK(pool.group("close_factor").number("default") == 0.5);
  CHECK(pool.group("close_factor").number("full_below_health") == 0.95);

  const ParamSet& borrowers = component(spec, "borrowers").params;
  CHECK(borrowers.integer("count") == 100);
  CHECK(borrowers.distribution("collateral_usd") == Distribution::lognormal_median_sigma(20000, 1.5));
  CHECK(borrowers.distribution("health_factor") == Distribution::uniform(1.05, 3.0));
  CHECK_FALSE(borrowers.boolean("tops_up"));

  const ParamSet& liquidators = component(spec, "liquidators").params;
  CHECK(liquidators.integer("count") == 1);
  CHECK(liquidators.number("capital") == 1e6);
  // A distribution of seconds may be written with durations.
  CHECK(liquidators.distribution("latency") == Distribution::exponential(12.0));
  CHECK(liquidators.number_list("gas_levels").empty());
  // Poisson draws can be 0: fine for a latency in [0, inf).
  CHECK(component(load(edit(kBase, "{dist: exponential, mean: 12s}", "{dist: poisson, lambda: 3}")), "liquidators")
            .params.distribution("latency") == Distribution::poisson(3));

  CHECK(spec.outputs.sample_every == 5 * kMinute);
  CHECK(spec.outputs.timeseries.empty());
  CHECK(spec.outputs.timeseries_replicas == 20);
  CHECK(spec.outputs.liquidation_events);
  CHECK(spec.sweep.design == "none");
  CHECK(spec.sweep.parameters.empty());
}

TEST_CASE("distributions: every form becomes its canonical parameters") {
  const auto dist = [](const std::string& yaml) {
    const ExperimentSpec spec = load(edit(kBase, "{dist: lognormal, median: 20000, sigma: 1.5}", yaml));
    return component(spec, "borrowers").params.distribution("collateral_usd");
  };
  CHECK(dist("5000") == Distribution::constant(5000));
  CHECK(dist("{dist: lognormal, mu: 9.9, sigma: 1.5}") == Distribution::lognormal_mu_sigma(9.9, 1.5));
  CHECK(dist("{dist: lognormal, mean: 30000, sd: 10000}") == Distribution::lognormal_mean_sd(30000, 10000));
  CHECK(dist("{dist: uniform, low: 100, high: 200}") == Distribution::uniform(100, 200));
  CHECK(dist("{dist: exponential, mean: 7}") == Distribution::exponential(7));
  CHECK(dist("{dist: constant, value: 12}") == Distribution::constant(12));

  // Unbounded distributions need an unbounded parameter: the gbm... no, csv noise (any real).
  const auto noise = [](const std::string& yaml) {
    const ExperimentSpec spec =
        load(edit(kBase, "    type: gbm\n    initial_price: 2000\n    volatility: 0.8",
                  "    type: csv_replay\n    file: data/eth.csv\n    noise: " + yaml));
    return component(spec, "eth_ref").params.distribution("noise");
  };
  CHECK(noise("{dist: normal, sd: 0.002}") == Distribution::normal(0, 0.002));  // mean defaults to 0
  CHECK(noise("{dist: normal, mean: 0.1, sd: 0.2}") == Distribution::normal(0.1, 0.2));
  CHECK(noise("{dist: student_t, nu: 3}") == Distribution::student_t(0, 1, 3));
  CHECK(noise("{dist: student_t, nu: 4, location: 0.5, scale: 2}") == Distribution::student_t(0.5, 2, 4));
}

TEST_CASE("file parameters resolve against the experiment's folder") {
  const std::string text = edit(kBase, "    type: gbm\n    initial_price: 2000\n    volatility: 0.8",
                                "    type: csv_replay\n    file: data/eth.csv\n    interpolate: brownian_bridge");
  const ExperimentSpec spec = load(text);
  const FilePath& file = component(spec, "eth_ref").params.file("file");
  CHECK(file.as_written == "data/eth.csv");
  CHECK(file.path == (test_dir().path / "data" / "eth.csv").string());
  CHECK(component(spec, "eth_ref").params.string("column") == "close");
  CHECK(component(spec, "eth_ref").params.string("interpolate") == "brownian_bridge");

  // Through load_experiment: base_dir is the file's folder.
  const auto path = test_dir().path / "exp.yaml";
  std::ofstream(path) << text;
  const ExperimentSpec from_file = load_experiment(path.string(), catalog());
  CHECK(from_file.source_path == path.string());
  CHECK(from_file.base_dir == test_dir().path.string());
  CHECK(component(from_file, "eth_ref").params.file("file").path == file.path);
}

TEST_CASE("a file that cannot be read is a diagnostic with its path") {
  const std::string missing = (test_dir().path / "nope.yaml").string();
  try {
    load_experiment(missing, catalog());
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics().items()[0].mark.file == missing);
    CHECK(contains(e.what(), missing));
    CHECK(contains(e.diagnostics().items()[0].message, "no such file"));
  }
  try {
    load_experiment(test_dir().path.string(), catalog());
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(contains(e.diagnostics().items()[0].message, "directory"));
  }
}

// ---- diagnostics, one kind at a time -----------------------------------------------------------

TEST_CASE("YAML syntax errors become a diagnostic") {
  // Line 2 opens a flow sequence that never closes; yaml-cpp gives up at the ':' of line 3.
  check_one("experiment:\n  name: [a, b\nassets: {}\n", 3, 7, "", "YAML syntax error: end of sequence flow not found");
  check_one("experiment:\n  name: x\n\tseed: 1\n", 3, 1, "", "YAML syntax error");  // a tab as indentation
}

TEST_CASE("YAML structure problems") {
  // A second document.
  check_one(kBase + "---\nexperiment: {}\n", 46, 1, "", "the file holds more than one YAML document");
  CHECK_NOTHROW(load(kBase + "---\n"));  // an empty document after the separator is nothing
  // yaml-cpp reads a lone ',' as an empty document (and YAML::LoadAll loops forever on it).
  check_one("# comment\n  ,\n", 2, 3, "", "YAML syntax error");
  // A mapping key that is not a name.
  check_one(kBase + "? [a, b]\n: 1\n", 46, 3, "", "mapping keys must be plain names");
  // A section of the wrong shape.
  {
    // (The references to the lost venue are reported as well.)
    const Diagnostics d = diagnose(edit(kBase, "venues:\n  amm:\n    type: constant_product_amm\n"
                                               "    reserves: {ETH: 1000, USDC: 2000000}\n    fee: 0.003\n",
                                        "venues: [amm]\n"));
    REQUIRE(d.size() == 3);
    CHECK(d.items()[0].to_string() == "test.yaml:8:9: error: venues: expected a mapping of named components, got a list");
  }
  // Anchors and aliases are plain YAML and work.
  const ExperimentSpec spec =
      load(edit(kBase, "    rate: {optimal: 0.9, slope2: 0.8}\n",
                "    rate: &kinked {optimal: 0.9, slope2: 0.8}\n"
                "  other_pool:\n    type: lending_pool\n    oracle: chainlink_eth\n    liquidation_venue: amm\n"
                "    collateral: ETH\n    debt: USDC\n    ltv: 0.7\n    liquidation_threshold: 0.75\n    rate: *kinked\n"));
  CHECK(component(spec, "other_pool").params.group("rate") == component(spec, "pool").params.group("rate"));
}

TEST_CASE("alias expansion is bounded") {
  // Ten references per level, six levels: a million nodes once expanded.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'f'; ++c) {
    const std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  const Diagnostics d = diagnose(bomb);
  REQUIRE(d.size() == 1);
  CHECK(contains(d.items()[0].message, "too large"));
}

TEST_CASE("an empty file is reported at 1:1") {
  for (const std::string text : {"", "\n\n", "# only a comment\n"}) {
    check_one(text, 1, 1, "", "file is empty");
  }
  check_one("- a\n- b\n", 1, 1, "", "mapping of sections");
}

TEST_CASE("unknown sections and keys suggest the closest name") {
  check_one(kBase + "venue: {}\n", 46, 1, "venue", "unknown section 'venue'", "did you mean 'venues'?");
  check_one(kBase + "plots: {}\n", 46, 1, "plots", "unknown section 'plots'", "sections are: experiment");
  check_one(edit(kBase, "  seed: 42", "  sed: 42\n  seed: 1"), 3, 3, "experiment.sed", "unknown key 'sed'",
            "did you mean 'seed'?");
  check_one(edit(kBase, "    fee: 0.003", "    fees: 0.003"), 12, 5, "venues.amm.fees",
            "unknown key 'fees' for type constant_product_amm", "did you mean 'fee'?");
  check_one(edit(kBase, "{optimal: 0.9, slope2: 0.8}", "{optimal: 0.9, slope2: 0.8, slop1: 0.1}"), 32, 39,
            "protocols.pool.rate.slop1", "unknown key 'slop1'", "did you mean 'slope1'?");
}

TEST_CASE("missing required keys are marked at the enclosing mapping") {
  // `seed` removed: reported at the experiment mapping, whose first key is on line 2.
  check_one(edit(kBase, "  seed: 42\n", ""), 2, 3, "experiment.seed", "missing required key 'seed'");
  check_one(edit(kBase, "    initial_price: 2000\n", ""), 15, 5, "drivers.eth_ref.initial_price",
            "missing required key 'initial_price'", "price at t = 0 [USD]");
  // A group with a required child cannot be omitted; inside a group the group's own mapping is the mark.
  check_one(edit(kBase, "    rate: {optimal: 0.9, slope2: 0.8}\n", ""), 25, 5, "protocols.pool.rate",
            "missing required key 'rate'", "it needs optimal, slope2");
  check_one(edit(kBase, "{optimal: 0.9, slope2: 0.8}", "{optimal: 0.9}"), 32, 11, "protocols.pool.rate.slope2",
            "missing required key 'slope2'");
  check_one(edit(kBase, "experiment:\n  name: unit-test\n  seed: 42\n  horizon: 1d\n", ""), 1, 1, "experiment",
            "missing required section 'experiment'");
}

TEST_CASE("wrong types") {
  check_one(edit(kBase, "    fee: 0.003", "    fee: cheap"), 12, 10, "venues.amm.fee", "expected a number, got 'cheap'");
  check_one(edit(kBase, "    fee: 0.003", "    fee: \"0.003\""), 12, 10, "venues.amm.fee",
            "expected a number, got the string \"0.003\"");
  check_one(edit(kBase, "    fee: 0.003", "    fee: [0.003]"), 12, 10, "venues.amm.fee", "expected a number, got a list");
  check_one(edit(kBase, "    count: 100", "    count: 2.5"), 37, 12, "agents.borrowers.count",
            "must be a whole number, got 2.5");
}

TEST_CASE("numbers: whole doubles are integers, booleans are true/false, NaN and Inf are rejected") {
  CHECK(load(edit(kBase, "    count: 100", "    count: 1e2")).find("borrowers")->params.integer("count") == 100);
  CHECK(load(edit(kBase, "  seed: 42", "  seed: 4.2e1")).seed == 42);
  check_one(edit(kBase, "    count: 100", "    count: 100\n    tops_up: yes"), 38, 14, "agents.borrowers.tops_up",
            "expected true or false, got 'yes'");
  check_one(edit(kBase, "    fee: 0.003", "    fee: .nan"), 12, 10, "venues.amm.fee", "must be a finite number, got .nan");
  check_one(edit(kBase, "    capital: 1.0e6", "    capital: .inf"), 44, 14, "agents.liquidators.capital",
            "must be a finite number");
  check_one(edit(kBase, "    capital: 1.0e6", "    capital: 1e999"), 44, 14, "agents.liquidators.capital",
            "must be a finite number");
}

TEST_CASE("out-of-range values show the range") {
  check_one(edit(kBase, "    ltv: 0.8", "    ltv: 1.3"), 30, 10, "protocols.pool.ltv", "must be in (0, 1], got 1.3");
  check_one(edit(kBase, "    fee: 0.003", "    fee: 1"), 12, 10, "venues.amm.fee", "must be in [0, 1), got 1");
  check_one(edit(kBase, "    initial_price: 2000", "    initial_price: 0"), 16, 20, "drivers.eth_ref.initial_price",
            "must be > 0, got 0");
  check_one(edit(kBase, "{optimal: 0.9, slope2: 0.8}", "{optimal: 0.9, slope2: -0.8}"), 32, 34,
            "protocols.pool.rate.slope2", "must be >= 0, got -0.8");
}

TEST_CASE("experiment and asset keys") {
  check_one(edit(kBase, "  horizon: 1d", "  horizon: 1d\n  replicas: 0"), 5, 13, "experiment.replicas",
            "must be >= 1, got 0");
  check_one(edit(kBase, "  horizon: 1d", "  horizon: 0s"), 4, 12, "experiment.horizon", "must be > 0s, got 0s");
  check_one(edit(kBase, "  seed: 42", "  seed: -1"), 3, 9, "experiment.seed", "must be >= 0, got -1");
  check_one(edit(kBase, "{decimals: 6, numeraire: true}", "{decimals: 40, numeraire: true}"), 7, 20,
            "assets.USDC.decimals", "must be in [0, 36], got 40");
  check_one(edit(kBase, "{decimals: 6, numeraire: true}", "{decimals: 6}"), 6, 3, "assets", "no numeraire asset",
            "numeraire: true");
  check_one(edit(kBase, "  ETH: {decimals: 18}", "  ETH: {decimals: 18, numeraire: true}"), 7, 34,
            "assets.USDC.numeraire", "more than one numeraire: 'ETH' and 'USDC'");
  check_one(edit(kBase, "  ETH: {decimals: 18}", "  ETH: {decimals: 18}\n  W-ETH: {}"), 7, 3, "assets.W-ETH",
            "invalid name 'W-ETH'");
}

TEST_CASE("component types") {
  check_one(edit(kBase, "    type: gbm", "    type: gmb"), 15, 11, "drivers.eth_ref.type", "unknown type 'gmb'",
            "did you mean 'gbm'?");
  check_one(edit(kBase, "    type: gbm", "    type: lending_pool"), 15, 11, "drivers.eth_ref.type",
            "type 'lending_pool' is a protocol type, not a driver", "move 'eth_ref' under protocols:");
  check_one(edit(kBase, "    type: deviation_heartbeat\n", ""), 20, 5, "oracles.chainlink_eth.type",
            "missing required key 'type'", "deviation_heartbeat");
  check_one(edit(kBase, "  liquidators:\n", "  liquidators: 3\n  other:\n"), 40, 16, "agents.liquidators",
            "expected a mapping with a type: key, got '3'");
}

TEST_CASE("names are unique across sections and assets") {
  check_one(edit(kBase, "oracles:\n", "oracles:\n  amm:\n    type: deviation_heartbeat\n    source: eth_ref\n"), 19, 3,
            "oracles.amm", "name 'amm' is already used by venues.amm (test.yaml:9:3)");
  check_one(edit(kBase, "  borrowers:", "  ETH:"), 34, 3, "agents.ETH", "already used by assets.ETH");
  // Duplicates inside one mapping are YAML duplicate keys (yaml-cpp would keep one silently).
  check_one(edit(kBase, "    fee: 0.003", "    fee: 0.003\n    fee: 0.004"), 13, 5, "venues.amm.fee",
            "duplicate key 'fee' (first defined at test.yaml:12:5)");
  check_one(edit(kBase, "{ETH: 1000, USDC: 2000000}", "{ETH: 1000, ETH: 5}"), 11, 27, "venues.amm.reserves.ETH",
            "duplicate key 'ETH'");
}

TEST_CASE("references must name a component of the right kind") {
  check_one(edit(kBase, "    oracle: chainlink_eth", "    oracle: chainlink"), 26, 13, "protocols.pool.oracle",
            "no oracle named 'chainlink'", "did you mean 'chainlink_eth'?");
  check_one(edit(kBase, "    oracle: chainlink_eth", "    oracle: amm"), 26, 13, "protocols.pool.oracle",
            "'amm' is a venue, not an oracle");
  check_one(edit(kBase, "    collateral: ETH", "    collateral: ETHH"), 28, 17, "protocols.pool.collateral",
            "no asset named 'ETHH'", "did you mean 'ETH'?");
  check_one(edit(kBase, "    protocol: pool\n    count", "    protocol: amm\n    count"), 36, 15,
            "agents.borrowers.protocol", "'amm' is a venue, not a protocol");
  // A price source is a driver, a venue or an oracle.
  CHECK(component(load(edit(kBase, "    source: eth_ref", "    source: amm")), "chainlink_eth").params.reference("source") ==
        "amm");
  check_one(edit(kBase, "    source: eth_ref", "    source: pool"), 21, 13, "oracles.chainlink_eth.source",
            "'pool' is a protocol, not a driver, venue or oracle");
  check_one(edit(kBase, "    source: eth_ref", "    source: eth"), 21, 13, "oracles.chainlink_eth.source",
            "no driver, venue or oracle named 'eth'");
}

TEST_CASE("number maps take asset names") {
  check_one(edit(kBase, "{ETH: 1000, USDC: 2000000}", "{ETH: 1000, USCD: 2000000}"), 11, 27,
            "venues.amm.reserves.USCD", "no asset named 'USCD'", "did you mean 'USDC'?");
  check_one(edit(kBase, "{ETH: 1000, USDC: 2000000}", "{ETH: -1000, USDC: 2000000}"), 11, 21,
            "venues.amm.reserves.ETH", "must be > 0, got -1000");
}

TEST_CASE("string choices, lists and files") {
  const std::string csv = "    type: csv_replay\n    file: data/eth.csv";
  const std::string gbm = "    type: gbm\n    initial_price: 2000\n    volatility: 0.8";
  check_one(edit(kBase, gbm, csv + "\n    interpolate: brownian"), 17, 18, "drivers.eth_ref.interpolate",
            "must be one of step, linear, brownian_bridge, got 'brownian'", "did you mean 'brownian_bridge'?");
  check_one(edit(kBase, gbm, "    type: csv_replay\n    file: data/missing.csv"), 16, 11, "drivers.eth_ref.file",
            "file not found: 'data/missing.csv'", "experiment file's folder");
  check_one(edit(kBase, gbm, "    type: csv_replay\n    file: data"), 16, 11, "drivers.eth_ref.file", "is a directory");
  check_one(edit(kBase, "    capital: 1.0e6", "    capital: 1.0e6\n    gas_levels: [1, x]"), 45, 21,
            "agents.liquidators.gas_levels[1]", "expected a number, got 'x'");
  check_one(edit(kBase, "    fee: 0.003", "    fee: 0.003\n    pair: ETH"), 13, 11, "venues.amm.pair",
            "expected a list of strings");
}

TEST_CASE("durations need units") {
  check_one(edit(kBase, "    heartbeat: 1h", "    heartbeat: 3600"), 22, 16, "oracles.chainlink_eth.heartbeat",
            "a duration needs a unit, got 3600", "write e.g. \"3600s\"");
  check_one(edit(kBase, "    heartbeat: 1h", "    heartbeat: 1hour"), 22, 16, "oracles.chainlink_eth.heartbeat",
            "not a valid duration: '1hour'", "\"90s\"");
  check_one(edit(kBase, "    heartbeat: 1h", "    heartbeat: 0s"), 22, 16, "oracles.chainlink_eth.heartbeat",
            "must be > 0s, got 0s");
  // 0 is allowed where the range allows it.
  CHECK(component(load(edit(kBase, "    heartbeat: 1h", "    heartbeat: 90s\n    delay: 0")), "chainlink_eth")
            .params.duration("delay") == 0);
  CHECK(component(load(edit(kBase, "    heartbeat: 1h", "    heartbeat: 1h30m")), "chainlink_eth")
            .params.duration("heartbeat") == 90 * kMinute);
}

TEST_CASE("distribution diagnostics") {
  const std::string line38 = "{dist: lognormal, median: 20000, sigma: 1.5}";
  // "    collateral_usd: " is 20 characters: the mapping starts at column 21.
  check_one(edit(kBase, line38, "{dist: lognorm, median: 20000, sigma: 1.5}"), 38, 28,
            "agents.borrowers.collateral_usd.dist", "unknown distribution 'lognorm'", "did you mean 'lognormal'?");
  check_one(edit(kBase, line38, "{median: 20000, sigma: 1.5}"), 38, 21, "agents.borrowers.collateral_usd.dist",
            "missing required key 'dist'");
  check_one(edit(kBase, line38, "{dist: lognormal, median: 20000, sigma: 1.5, sd: 2}"), 38, 21,
            "agents.borrowers.collateral_usd", "a lognormal takes median and sigma, mu and sigma, or mean and sd");
  check_one(edit(kBase, line38, "{dist: lognormal, median: 20000, sigmaa: 1.5}"), 38, 54,
            "agents.borrowers.collateral_usd.sigmaa", "unknown key 'sigmaa' for a lognormal", "did you mean 'sigma'?");
  check_one(edit(kBase, line38, "{dist: lognormal, median: 20000, sigma: 0}"), 38, 61,
            "agents.borrowers.collateral_usd.sigma", "must be > 0, got 0");
  check_one(edit(kBase, line38, "{dist: normal, mean: 20000, sd: 5000}"), 38, 21, "agents.borrowers.collateral_usd",
            "the normal distribution takes values in [-inf, inf], outside the allowed range: must be > 0",
            "use a lognormal");
  check_one(edit(kBase, "{dist: uniform, low: 1.05, high: 3.0}", "{dist: uniform, low: 0.5, high: 3.0}"), 39, 20,
            "agents.borrowers.health_factor", "takes values in [0.5, 3]");
  check_one(edit(kBase, "{dist: uniform, low: 1.05, high: 3.0}", "{dist: uniform, low: 3, high: 2}"), 39, 50,
            "agents.borrowers.health_factor.high", "must be greater than low");
  // A lognormal's support (0, inf) fits a range that excludes 0; a uniform starting at 1 does not fit (1, inf).
  check_one(edit(kBase, "{dist: uniform, low: 1.05, high: 3.0}", "{dist: uniform, low: 1, high: 3.0}"), 39, 20,
            "agents.borrowers.health_factor", "outside the allowed range");
  check_one(edit(kBase, "{dist: exponential, mean: 12s}", "{dist: exponential, mean: 0}"), 45, 40,
            "agents.liquidators.latency.mean", "must be > 0, got 0");
  check_one(edit(kBase, line38, "-5"), 38, 21, "agents.borrowers.collateral_usd", "must be > 0, got -5");
  check_one(edit(kBase, line38, "lots"), 38, 21, "agents.borrowers.collateral_usd", "expected a number or a distribution");
}

TEST_CASE("outputs") {
  const ExperimentSpec spec = load(kBase + "outputs:\n  sample_every: 1h\n  timeseries: [eth_ref.price, pool.bad_debt]\n"
                                           "  timeseries_replicas: 3\n  events: []\n");
  CHECK(spec.outputs.sample_every == kHour);
  CHECK(spec.outputs.timeseries == StringList{"eth_ref.price", "pool.bad_debt"});
  CHECK(spec.outputs.timeseries_replicas == 3);
  CHECK_FALSE(spec.outputs.liquidation_events);

  check_one(kBase + "outputs:\n  timeseries: [eth_ref.price, pool.bad_dept]\n", 47, 31, "outputs.timeseries[1]",
            "'pool' (lending_pool) has no metric 'bad_dept'", "did you mean 'bad_debt'?");
  check_one(kBase + "outputs:\n  timeseries: [pol.bad_debt]\n", 47, 16, "outputs.timeseries[0]",
            "no component named 'pol'", "did you mean 'pool'?");
  check_one(kBase + "outputs:\n  timeseries: [price]\n", 47, 16, "outputs.timeseries[0]", "expected component.metric");
  check_one(kBase + "outputs:\n  events: [liquidation]\n", 47, 12, "outputs.events[0]",
            "must be one of liquidations", "did you mean 'liquidations'?");
  check_one(kBase + "outputs:\n  sample_every: 0s\n", 47, 17, "outputs.sample_every", "must be > 0s");
}

TEST_CASE("shocks: only an empty list for now") {
  CHECK_NOTHROW(load(kBase + "shocks: []\n"));
  check_one(kBase + "shocks:\n  - {at: 1h, driver: eth_ref, drop: 0.3}\n", 47, 3, "shocks", "shocks are not supported yet");
}

TEST_CASE("every problem is reported in one ConfigError") {
  std::string text = edit(kBase, "    fee: 0.003", "    fees: 0.003");             // unknown key
  text = edit(text, "    ltv: 0.8", "    ltv: 1.3");                                  // out of range
  text = edit(text, "    oracle: chainlink_eth", "    oracle: chainlink");              // dangling reference
  text = edit(text, "    heartbeat: 1h", "    heartbeat: 60");                          // duration without unit
  text = edit(text, "    type: gbm", "    type: gmb");                                  // unknown type
  text += "venue: {}\n";                                                                // unknown section
  const Diagnostics d = diagnose(text);
  INFO(d.to_string());
  REQUIRE(d.size() == 6);
  std::vector<std::string> paths;
  for (const auto& x : d.items()) paths.push_back(x.key_path);
  const std::vector<std::string> expected{"venue", "drivers.eth_ref.type", "venues.amm.fees",
                                          "oracles.chainlink_eth.heartbeat", "protocols.pool.oracle",
                                          "protocols.pool.ltv"};
  CHECK(paths == expected);
  CHECK(contains(d.to_string(), "test.yaml:30:10: error: protocols.pool.ltv: must be in (0, 1], got 1.3"));
  CHECK(contains(d.to_string(), "6 errors"));
}

// ---- overrides -----------------------------------------------------------------------------------

TEST_CASE("parse_override splits at the first '='") {
  const Override o = parse_override("protocols.pool.ltv=0.75");
  CHECK(o.path == "protocols.pool.ltv");
  CHECK(o.value == "0.75");
  CHECK(o.origin == "--set");
  CHECK(parse_override("a.b={dist: normal, sd: 1}").value == "{dist: normal, sd: 1}");
  CHECK(parse_override("a.b=x=y").value == "x=y");
  CHECK(parse_override("a.b=").value.empty());
  CHECK_THROWS_AS(parse_override("no-equals-sign"), ConfigError);
  CHECK_THROWS_AS(parse_override("=5"), ConfigError);
}

TEST_CASE("overrides change the tree before validation") {
  const ExperimentSpec spec =
      load(kBase, {parse_override("venues.amm.fee=0.01"), parse_override("experiment.replicas=7"),
                   parse_override("venues.amm.reserves.ETH=500"),
                   parse_override("agents.borrowers.health_factor={dist: uniform, low: 1.5, high: 2}"),
                   parse_override("outputs.sample_every=1m"), parse_override("protocols.pool.close_factor.default=1")});
  CHECK(component(spec, "amm").params.number("fee") == 0.01);
  CHECK(spec.replicas == 7);
  CHECK(component(spec, "amm").params.number_map("reserves").entries ==
        std::vector<std::pair<std::string, double>>{{"ETH", 500}, {"USDC", 2e6}});
  CHECK(component(spec, "borrowers").params.distribution("health_factor") == Distribution::uniform(1.5, 2));
  CHECK(spec.outputs.sample_every == kMinute);
  CHECK(component(spec, "pool").params.group("close_factor").number("default") == 1.0);
  CHECK(component(spec, "pool").params.group("close_factor").number("full_below_health") == 0.95);
  CHECK(spec.source_text == kBase);  // the original text is kept as written
}

TEST_CASE("override diagnostics point at the --set argument") {
  {
    const Diagnostics d = diagnose(kBase, {parse_override("venues.amm.fees=0.01")});
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].mark.file == "--set venues.amm.fees=0.01");
    CHECK(d.items()[0].mark.line == 0);
    CHECK(d.items()[0].key_path == "venues.amm.fees");
    CHECK(d.items()[0].hint == "did you mean 'fee'?");
    CHECK(d.items()[0].to_string() ==
          "--set venues.amm.fees=0.01: error: venues.amm.fees: unknown key 'fees' for type constant_product_amm "
          "(did you mean 'fee'?)");
  }
  {
    const Diagnostics d = diagnose(kBase, {parse_override("protocols.pool.ltv=1.5")});
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].mark.file == "--set protocols.pool.ltv=1.5");
    CHECK(d.items()[0].message == "must be in (0, 1], got 1.5");
  }
  {
    const Diagnostics d = diagnose(kBase, {parse_override("experment.seed=1")});
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].key_path == "experment");
    CHECK(d.items()[0].hint == "did you mean 'experiment'?");
  }
  {
    const Diagnostics d = diagnose(kBase, {parse_override("venues.amm.fee.x=1")});
    REQUIRE(d.size() == 1);
    CHECK(contains(d.items()[0].message, "'venues.amm.fee' is '0.003', not a mapping"));
  }
  {
    const Diagnostics d = diagnose(kBase, {parse_override("venues.amm.fee=[1, 2")});
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].mark.file == "--set venues.amm.fee=[1, 2");
    CHECK(contains(d.items()[0].message, "YAML syntax error"));
  }
  {
    // `--replicas` on a file without an experiment: section: the file is what is wrong.
    const Diagnostics d = diagnose(edit(kBase, "experiment:\n  name: unit-test\n  seed: 42\n  horizon: 1d\n", ""),
                                   {Override{"experiment.replicas", "1", "--replicas"}});
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].mark.file == "test.yaml");
    CHECK(d.items()[0].message == "missing required section 'experiment'");
  }
  {
    // An override that creates a component still needs a type.
    const Diagnostics d = diagnose(kBase, {parse_override("venues.amm2.fee=0.01")});
    REQUIRE(d.size() == 1);
    CHECK(d.items()[0].key_path == "venues.amm2.type");
    CHECK(d.items()[0].mark.file == "--set venues.amm2.fee=0.01");
  }
}

// ---- sweeps --------------------------------------------------------------------------------------

TEST_CASE("expand_sweep: none is one point") {
  const auto points = expand_sweep(SweepSpec{});
  REQUIRE(points.size() == 1);
  CHECK(points[0].point_id == 0);
  CHECK(points[0].assignments.empty());
}

TEST_CASE("a grid sweep is the Cartesian product with the last parameter fastest") {
  const ExperimentSpec spec = load(kBase + R"(sweep:
  parameters:
    venues.amm.fee: [0.001, 0.003]
    protocols.pool.liquidation_bonus: [0.05, 0.075, 0.1]
)");
  CHECK(spec.sweep.design == "grid");
  REQUIRE(spec.sweep.parameters.size() == 2);
  CHECK(spec.sweep.parameters[0].mark.line == 48);
  CHECK(spec.sweep.parameters[1].values == std::vector<std::string>{"0.05", "0.075", "0.1"});
  const auto points = expand_sweep(spec.sweep);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"0.001", "0.05"}, {"0.001", "0.075"}, {"0.001", "0.1"}, {"0.003", "0.05"}, {"0.003", "0.075"}, {"0.003", "0.1"}};
  REQUIRE(points.size() == expected.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    INFO("point " << i);
    CHECK(points[i].point_id == i);
    REQUIRE(points[i].assignments.size() == 2);
    CHECK(points[i].assignments[0].path == "venues.amm.fee");
    CHECK(points[i].assignments[0].value == expected[i].first);
    CHECK(points[i].assignments[1].path == "protocols.pool.liquidation_bonus");
    CHECK(points[i].assignments[1].value == expected[i].second);
  }
  const ExperimentSpec p4 = spec_for_point(spec, points[4], catalog());
  CHECK(component(p4, "amm").params.number("fee") == 0.003);
  CHECK(component(p4, "pool").params.number("liquidation_bonus") == 0.075);
  CHECK(component(spec, "pool").params.number("liquidation_bonus") == 0.05);  // the base is untouched
}

TEST_CASE("a three-parameter grid counts in mixed radix") {
  const ExperimentSpec spec = load(kBase + R"(sweep:
  design: grid
  parameters:
    experiment.horizon: [1h, 2h]
    venues.amm.reserves.ETH: [500, 1000]
    agents.borrowers.collateral_usd: [1000, {dist: uniform, low: 10, high: 20}]
)");
  const auto points = expand_sweep(spec.sweep);
  REQUIRE(points.size() == 8);
  // id 5 = binary 101: horizon[1], reserves[0], collateral[1].
  CHECK(points[5].assignments[0].value == "2h");
  CHECK(points[5].assignments[1].value == "500");
  CHECK(points[5].assignments[2].value == "{dist: uniform, low: 10, high: 20}");
  const ExperimentSpec p5 = spec_for_point(spec, points[5], catalog());
  CHECK(p5.horizon == 2 * kHour);
  CHECK(component(p5, "amm").params.number_map("reserves").entries ==
        std::vector<std::pair<std::string, double>>{{"ETH", 500}, {"USDC", 2e6}});
  CHECK(component(p5, "borrowers").params.distribution("collateral_usd") == Distribution::uniform(10, 20));
}

TEST_CASE("a zip sweep takes the i-th values together") {
  const ExperimentSpec spec = load(kBase + R"(sweep:
  design: zip
  parameters:
    venues.amm.fee: [0.001, 0.003, 0.005]
    protocols.pool.liquidation_bonus: [0.05, 0.075, 0.1]
)");
  const auto points = expand_sweep(spec.sweep);
  REQUIRE(points.size() == 3);
  CHECK(points[2].point_id == 2);
  CHECK(points[2].assignments[0].value == "0.005");
  CHECK(points[2].assignments[1].value == "0.1");
  CHECK(points[1].assignments[0].value == "0.003");
  CHECK(points[1].assignments[1].value == "0.075");
  const ExperimentSpec p1 = spec_for_point(spec, points[1], catalog(), {parse_override("experiment.replicas=3")});
  CHECK(component(p1, "amm").params.number("fee") == 0.003);
  CHECK(p1.replicas == 3);
}

TEST_CASE("sweep diagnostics") {
  const std::string head = kBase + "sweep:\n  parameters:\n";  // parameters' keys are on line 48
  check_one(head + "    venues.amm.fees: [0.1, 0.2]\n", 48, 5, "sweep.parameters.venues.amm.fees",
            "unknown parameter 'fees' in venues.amm", "did you mean 'fee'?");
  check_one(head + "    venues.amn.fee: [0.1, 0.2]\n", 48, 5, "sweep.parameters.venues.amn.fee", "no venue named 'amn'",
            "did you mean 'amm'?");
  check_one(head + "    protocols.pool.rate.slope3: [1]\n", 48, 5, "sweep.parameters.protocols.pool.rate.slope3",
            "unknown parameter 'slope3' in protocols.pool.rate", "did you mean 'slope");
  check_one(head + "    experiment.sed: [1, 2]\n", 48, 5, "sweep.parameters.experiment.sed", "unknown key 'experiment.sed'",
            "did you mean 'seed'?");
  check_one(head + "    venus.amm.fee: [1]\n", 48, 5, "sweep.parameters.venus.amm.fee", "unknown section 'venus'",
            "did you mean 'venues'?");
  check_one(head + "    venues.amm.fee: []\n", 48, 21, "sweep.parameters.venues.amm.fee", "the list of values is empty");
  check_one(head + "    venues.amm.fee: 0.1\n", 48, 21, "sweep.parameters.venues.amm.fee", "expected a list of values");
  check_one(head + "    venues.amm.fee: [0.1, 2]\n", 48, 27, "sweep.parameters.venues.amm.fee[1]", "must be in [0, 1), got 2");
  check_one(head + "    venues.amm.fee.x: [0.1]\n", 48, 5, "sweep.parameters.venues.amm.fee.x",
            "'venues.amm.fee' is a number and has no field 'x'");
  check_one(kBase + "sweep:\n  design: zip\n  parameters:\n    venues.amm.fee: [0.1, 0.2]\n    experiment.seed: [1]\n",
            50, 5, "sweep.parameters.experiment.seed", "zip needs lists of equal length");
  check_one(kBase + "sweep:\n  design: none\n  parameters:\n    venues.amm.fee: [0.1]\n", 47, 11, "sweep.design",
            "design 'none' takes no parameters");
  check_one(kBase + "sweep:\n  design: lhs\n  points: 5\n", 47, 11, "sweep.design", "design 'lhs' needs parameters");
  check_one(kBase + "sweep:\n  design: gird\n", 47, 11, "sweep.design", "unknown design 'gird'", "did you mean 'grid'?");
  check_one(kBase + "sweep:\n  desing: grid\n", 47, 3, "sweep.desing", "unknown key 'desing'", "did you mean 'design'?");
}

TEST_CASE("spec_for_point reports invalid assignments") {
  ExperimentSpec spec = load(kBase);
  spec.audit = true;
  CHECK(spec_for_point(spec, SweepPoint{}, catalog()).audit);  // kept from the base
  SweepPoint point{0, {Override{"protocols.pool.ltv", "2", "sweep"}}};
  try {
    spec_for_point(spec, point, catalog());
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics().items()[0].mark.file == "sweep protocols.pool.ltv=2");
  }
}

// ---- the normalised spec -------------------------------------------------------------------------

namespace {

void check_same(const ExperimentSpec& a, const ExperimentSpec& b) {
  CHECK(a.name == b.name);
  CHECK(a.description == b.description);
  CHECK(a.seed == b.seed);
  CHECK(a.horizon == b.horizon);
  CHECK(a.replicas == b.replicas);
  CHECK(a.common_random_numbers == b.common_random_numbers);
  REQUIRE(a.assets.size() == b.assets.size());
  for (std::size_t i = 0; i < a.assets.size(); ++i) {
    CHECK(a.assets[i].name == b.assets[i].name);
    CHECK(a.assets[i].decimals == b.assets[i].decimals);
    CHECK(a.assets[i].numeraire == b.assets[i].numeraire);
  }
  REQUIRE(a.components.size() == b.components.size());
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    INFO("component " << a.components[i].name);
    CHECK(a.components[i].name == b.components[i].name);
    CHECK(a.components[i].type == b.components[i].type);
    CHECK(a.components[i].section == b.components[i].section);
    CHECK(a.components[i].schema == b.components[i].schema);
    CHECK(a.components[i].params == b.components[i].params);
  }
  CHECK(a.outputs.sample_every == b.outputs.sample_every);
  CHECK(a.outputs.timeseries == b.outputs.timeseries);
  CHECK(a.outputs.timeseries_replicas == b.outputs.timeseries_replicas);
  CHECK(a.outputs.liquidation_events == b.outputs.liquidation_events);
  CHECK(a.sweep.design == b.sweep.design);
  REQUIRE(a.sweep.parameters.size() == b.sweep.parameters.size());
  for (std::size_t i = 0; i < a.sweep.parameters.size(); ++i) {
    CHECK(a.sweep.parameters[i].path == b.sweep.parameters[i].path);
    CHECK(a.sweep.parameters[i].values == b.sweep.parameters[i].values);
  }
}

}  // namespace

TEST_CASE("the normalised YAML loads back to an equal spec") {
  std::string text = edit(kBase, "    type: gbm\n    initial_price: 2000\n    volatility: 0.8",
                          "    type: csv_replay\n    file: data/eth.csv\n    noise: {dist: student_t, nu: 3, scale: 0.01}");
  text = edit(text, "  horizon: 1d", "  horizon: 36h\n  description: \"ETH: 2020 crash, 'quoted'\"\n  replicas: 4\n"
                                     "  common_random_numbers: false");
  text = edit(text, "    fee: 0.003", "    fee: 0.003\n    pair: [ETH, USDC]");
  text = edit(text, "    capital: 1.0e6", "    capital: 1.0e6\n    gas_levels: [1.5, 30, 0.1]");
  text = edit(text, "{dist: lognormal, median: 20000, sigma: 1.5}", "{dist: lognormal, mean: 20000, sd: 3000}");
  text += R"(outputs:
  sample_every: 90s
  timeseries: [eth_ref.price, pool.bad_debt]
  timeseries_replicas: 0
sweep:
  design: zip
  parameters:
    venues.amm.fee: [0.001, 0.003]
    agents.borrowers.collateral_usd: [{dist: uniform, low: 1, high: 2}, 7]
    experiment.description: ["a, \"b\"", "7"]
)";
  const ExperimentSpec spec = load(text);
  // Sweep values are kept as YAML flow text; quoted strings stay quoted.
  CHECK(spec.sweep.parameters[1].values ==
        std::vector<std::string>{"{dist: uniform, low: 1, high: 2}", "7"});
  CHECK(spec.sweep.parameters[2].values == std::vector<std::string>{R"("a, \"b\"")", R"("7")"});
  const std::string normalized = spec.normalized_yaml();
  INFO(normalized);
  const ExperimentSpec again = load(normalized);
  check_same(spec, again);
  CHECK(again.normalized_yaml() == normalized);  // a fixed point
  // Defaults are written out.
  CHECK(contains(normalized, "close_factor:"));
  CHECK(contains(normalized, "full_below_health: 0.95"));
  CHECK(contains(normalized, "heartbeat: 1h"));
  CHECK(contains(normalized, "delay: 0s"));
  CHECK(contains(normalized, "file: data/eth.csv"));
  CHECK(contains(normalized, "fee: 0.003"));  // shortest text, not 0.0030000000000000001

  // The base experiment too (empty sweep, default outputs).
  const ExperimentSpec base = load(kBase);
  check_same(base, load(base.normalized_yaml()));
}
