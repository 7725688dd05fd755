// interbank_network and overlapping_portfolios built from YAML, as an experiment would.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "cascade/protocols/network/interbank_network.hpp"
#include "cascade/protocols/network/overlapping_portfolios.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {
std::string with_protocol(const std::string& body) {
  return "experiment: {name: net, seed: 3, horizon: 1s}\nassets: {USD: {numeraire: true}}\nprotocols:\n" + body;
}
}  // namespace

TEST_CASE("interbank_network: the three-bank Eisenberg-Noe example written in YAML") {
  // x = 1/2 (every bank owes 1/2 to each other bank), no shock: p = (165/112, 159/112, 3/2) as solved
  // by hand in test_clearing.cpp; banks 0 and 1 default.
  auto spec = testing::load(with_protocol(R"(
  en:
    type: interbank_network
    topology: {kind: explicit, nodes: 3}
    liabilities: [0, 0.5, 0.5,  0.5, 0, 0.5,  0.5, 0.5, 0]
    external_assets: [0.5, 0.625, 0.75]
    external_liabilities: [1.5, 0.5, 0.5]
    rule: eisenberg_noe
    shock: {nodes: 0}
)"));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& en = w.get<protocols::InterbankNetwork>("en");
  CHECK(en.payments()[0] == doctest::Approx(165.0 / 112).epsilon(1e-12));
  CHECK(en.payments()[1] == doctest::Approx(159.0 / 112).epsilon(1e-12));
  CHECK(en.payments()[2] == doctest::Approx(1.5).epsilon(1e-12));
  const int defaults = spec.components[0].schema->metric_index("defaults");
  CHECK(en.metric(defaults) == 2.0);
  // 2 of 3 nodes ≥ 5%: a contagion.
  CHECK(en.metric(spec.components[0].schema->metric_index("contagion")) == 1.0);
}

TEST_CASE("interbank_network: Gai-Kapadia balance sheets on a generated network") {
  // Every bank: total assets 1, interbank assets 0.2/j on each of its j debtors, equity K = 0.04.
  auto spec = testing::load(with_protocol(R"(
  gk: {type: interbank_network, topology: {kind: erdos_renyi, nodes: 300, mean_degree: 3}, shock: {nodes: 1}}
)"));
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& gk = w.get<protocols::InterbankNetwork>("gk");
  const auto& m = gk.liabilities();
  int lenders = 0;
  for (std::uint32_t j = 0; j < m.nodes(); ++j) {
    if (m.debtor_count(j) == 0) continue;
    ++lenders;
    CHECK(m.interbank_assets(j) == doctest::Approx(0.2).epsilon(1e-12));
    for (std::uint32_t k = m.in_start()[j]; k < m.in_start()[j + 1]; ++k)
      CHECK(m.amount()[m.in_link()[k]] == doctest::Approx(0.2 / m.debtor_count(j)).epsilon(1e-12));
  }
  CHECK(lenders > 250);  // P(no debtor) = e^−3 ≈ 5%
  CHECK(gk.metric(3) >= 1.0);  // the shocked bank itself
}

TEST_CASE("interbank_network: a replica's network and shock are a function of (seed, replica)") {
  auto spec = testing::load(with_protocol(R"(
  gk: {type: interbank_network, topology: {kind: erdos_renyi, nodes: 500, mean_degree: 2}, default_rule: losses_exceed_capital}
)"));
  auto run = [&](std::uint32_t replica) {
    world::RunContext ctx;
    ctx.replica = replica;
    ctx.run_index = replica;
    world::World w(spec, testing::registry(), ctx);
    w.start();
    const auto& gk = w.get<protocols::InterbankNetwork>("gk");
    return std::make_pair(gk.defaulted(), gk.liabilities().links());
  };
  CHECK(run(4) == run(4));
  CHECK(run(4).second != run(5).second);
}

TEST_CASE("overlapping_portfolios: Caccioli's fire sale written in YAML") {
  // The three banks of test_fire_sale.cpp at leverage 5: bank 0 fails, all three fail in 3 rounds.
  auto spec = testing::load(with_protocol(R"(
  op:
    type: overlapping_portfolios
    banks: 3
    assets: 2
    holdings: [1, 0,  0.5, 0.5,  0, 1]
    leverage: 5
    diversification: 1
    shock: {bank: 0}
)"));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& op = w.get<protocols::OverlappingPortfolios>("op");
  CHECK(op.result().failures == 3);
  CHECK(op.result().rounds == 3);
  CHECK(op.metric(6) == doctest::Approx(1.0 - std::exp(-1.0536)).epsilon(1e-12));  // max price drop
  CHECK(op.metric(5) == doctest::Approx(1.0).epsilon(1e-12));  // all equity lost
}

TEST_CASE("bad network input is reported with its key path") {
  auto spec = testing::load(with_protocol(R"(
  en: {type: interbank_network, topology: {kind: explicit, nodes: 2}, liabilities: [0, 1, 1], external_assets: [1, 1], external_liabilities: [0, 0]}
)"));
  try {
    world::World w(spec, testing::registry(), world::RunContext{});
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(std::string(e.what()).find("protocols.en.liabilities") != std::string::npos);
    CHECK(std::string(e.what()).find("needs 4 liabilities") != std::string::npos);
  }
}

TEST_CASE("overlapping_portfolios: one round of leverage targeting loses AV·(1 + λF)/(1 + F) of equity") {
  // Every bank has leverage λ and every asset the same return F. After the shock a bank's portfolio
  // is a(1 + F) and its equity a/λ + aF; returning to leverage λ it keeps assets λ(a/λ + aF) = a(1 + λF),
  // i.e. a share (1 + λF)/(1 + F) of its shares, and sells b·a·|F| dollars (b = λ − 1): Greenwood's
  // sales. The impact (1 + F)(1 − ℓ x) moves each price by −ℓ·(shares sold) = −ℓ·φ_k/(1 + F)·(1 + F)
  // = −ℓ φ_k, Greenwood's price change, which hits only the shares kept:
  // indirect loss = AV·(1 + λF)/(1 + F). λ = 10, F = −0.01: factor 0.9/0.99.
  auto spec = testing::load(with_protocol(R"(
  glt:
    type: overlapping_portfolios
    banks: 100
    assets: 20
    diversification: 5
    leverage: 10
    response: target_leverage
    price_impact: linear
    impact: 1.0e-3
    impact_scale: per_share
    max_rounds: 1
    shock: {failed_banks: 0, asset_return: -0.01}
)"));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& glt = w.get<protocols::OverlappingPortfolios>("glt");
  const auto* schema = spec.components[0].schema;
  const double av = glt.metric(schema->metric_index("aggregate_vulnerability"));
  CHECK(av > 0.0);
  CHECK(glt.metric(schema->metric_index("failures")) == 0.0);
  CHECK(glt.metric(schema->metric_index("indirect_loss")) == doctest::Approx(av * 0.9 / 0.99).epsilon(1e-10));
  // Total equity loss = the direct loss λ|F| = 10% plus the indirect loss.
  CHECK(glt.metric(schema->metric_index("equity_loss")) == doctest::Approx(0.1 + av * 0.9 / 0.99).epsilon(1e-10));
}
