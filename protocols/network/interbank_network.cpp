#include "cascade/protocols/network/interbank_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cascade/config/diagnostics.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {

network::TopologyKind topology_kind(const std::string& s) {
  if (s == "scale_free") return network::TopologyKind::scale_free;
  if (s == "small_world") return network::TopologyKind::small_world;
  if (s == "core_periphery") return network::TopologyKind::core_periphery;
  if (s == "explicit") return network::TopologyKind::explicit_edges;
  return network::TopologyKind::erdos_renyi;
}

// Stream entities within this component.
constexpr std::uint64_t kTopologyEntity = 1, kAssetsEntity = 2, kShockEntity = 3;
constexpr double kMaxLinks = 2e8;  // ~2.4 GB of links in the two layouts

}  // namespace

InterbankNetwork::InterbankNetwork(const config::ComponentSpec& spec, world::World&) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  const auto& t = p.group("topology");
  topology_.kind = topology_kind(t.string("kind"));
  topology_.nodes = static_cast<std::uint32_t>(t.integer("nodes"));
  topology_.mean_degree = t.number("mean_degree");
  topology_.plod_alpha = t.number("plod_alpha");
  topology_.plod_beta = t.number("plod_beta");
  topology_.neighbours = static_cast<std::uint32_t>(t.integer("neighbours"));
  topology_.rewire = t.number("rewire");
  topology_.core_nodes = static_cast<std::uint32_t>(t.integer("core_nodes"));
  topology_.core_core = t.number("core_core");
  topology_.core_periphery = t.number("core_periphery");
  topology_.periphery_core = t.number("periphery_core");
  topology_.periphery_periphery = t.number("periphery_periphery");
  const auto& b = p.group("balance_sheet");
  total_assets_ = b.distribution("total_assets");
  interbank_share_ = b.number("interbank_share");
  capital_ratio_ = b.number("capital_ratio");
  explicit_liabilities_ = p.number_list("liabilities");
  explicit_external_assets_ = p.number_list("external_assets");
  explicit_external_liabilities_ = p.number_list("external_liabilities");
  rule_ = p.string("rule") == "eisenberg_noe" ? Rule::eisenberg_noe : Rule::default_cascade;
  recovery_ = p.number("recovery_rate");
  default_rule_ = p.string("default_rule") == "losses_exceed_capital" ? network::DefaultRule::losses_exceed_capital
                                                                      : network::DefaultRule::losses_reach_capital;
  const auto& costs = p.group("default_costs");
  alpha_ = costs.number("alpha");
  beta_ = costs.number("beta");
  const auto& s = p.group("shock");
  shock_nodes_ = s.integer("nodes");
  shock_node_ = s.integer("node");
  shock_external_loss_ = s.number("external_loss");
  common_external_loss_ = s.number("common_external_loss");
  contagion_threshold_ = p.number("contagion_threshold");

  config::Diagnostics d;
  const std::string path = "protocols." + spec.name;
  const std::uint64_t n = topology_.nodes;
  if (topology_.kind == network::TopologyKind::explicit_edges) {
    if (explicit_liabilities_.size() != n * n)
      d.add(p.mark("liabilities"), path + ".liabilities",
            "an explicit network of " + std::to_string(n) + " nodes needs " + std::to_string(n * n) +
                " liabilities (row-major L_ij, owed by i to j), got " + std::to_string(explicit_liabilities_.size()));
    if (explicit_external_assets_.size() != n)
      d.add(p.mark("external_assets"), path + ".external_assets",
            "needs one value per node (" + std::to_string(n) + "), got " + std::to_string(explicit_external_assets_.size()));
    if (explicit_external_liabilities_.size() != n)
      d.add(p.mark("external_liabilities"), path + ".external_liabilities",
            "needs one value per node (" + std::to_string(n) + "), got " + std::to_string(explicit_external_liabilities_.size()));
  } else if (!explicit_liabilities_.empty() || !explicit_external_assets_.empty() || !explicit_external_liabilities_.empty()) {
    d.add(p.mark("liabilities"), path + ".liabilities",
          "explicit liabilities and external assets/liabilities need topology.kind: explicit");
  }
  // Expected links of a generated network: refuse what would not fit in memory (DESIGN §12).
  const double pairs = static_cast<double>(n) * static_cast<double>(n > 0 ? n - 1 : 0);
  double expected_links = 0.0;
  switch (topology_.kind) {
    case network::TopologyKind::erdos_renyi: expected_links = static_cast<double>(n) * topology_.mean_degree; break;
    case network::TopologyKind::small_world: expected_links = static_cast<double>(n) * topology_.neighbours; break;
    case network::TopologyKind::core_periphery: {
      const double c = std::min<double>(topology_.core_nodes, static_cast<double>(n)), q = static_cast<double>(n) - c;
      expected_links = c * (c - 1) * topology_.core_core + c * q * (topology_.core_periphery + topology_.periphery_core) +
                       q * (q - 1) * topology_.periphery_periphery;
      break;
    }
    case network::TopologyKind::scale_free: {
      // Link draws Σ_x β x^−α over x = 1..N−1, bounded by β(1 + ∫_1^N x^−α dx); at most N(N−1) survive.
      const double a = topology_.plod_alpha, nn = std::max(1.0, static_cast<double>(n));
      const double tail = std::fabs(a - 1.0) < 1e-12 ? std::log(nn) : (std::pow(nn, 1.0 - a) - 1.0) / (1.0 - a);
      expected_links = std::min(pairs, topology_.plod_beta * (1.0 + tail));
      break;
    }
    case network::TopologyKind::explicit_edges: break;
  }
  if (expected_links > kMaxLinks)
    d.add(t.mark("nodes"), path + ".topology",
          "this topology has about " + std::to_string(static_cast<long long>(expected_links)) + " links, more than the " +
              std::to_string(static_cast<long long>(kMaxLinks)) + " a replica may hold");
  if (topology_.kind == network::TopologyKind::small_world && topology_.neighbours % 2 != 0)
    d.add(t.mark("neighbours"), path + ".topology.neighbours", "the ring lattice degree must be even, got " + std::to_string(topology_.neighbours));
  if (shock_node_ >= static_cast<std::int64_t>(n))
    d.add(s.mark("node"), path + ".shock.node", "no node " + std::to_string(shock_node_) + " in a network of " + std::to_string(n));
  if (shock_nodes_ > static_cast<std::int64_t>(n))
    d.add(s.mark("nodes"), path + ".shock.nodes", "cannot shock " + std::to_string(shock_nodes_) + " of " + std::to_string(n) + " nodes");
  if (!d.empty()) throw config::ConfigError(d);
}

void InterbankNetwork::build(world::World& world) {
  const std::uint32_t n = topology_.nodes;
  external_assets_.assign(n, 0.0);
  external_liabilities_.assign(n, 0.0);
  if (topology_.kind == network::TopologyKind::explicit_edges) {
    std::vector<network::LiabilityMatrix::Entry> entries;
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::uint32_t j = 0; j < n; ++j)
        if (explicit_liabilities_[std::size_t{i} * n + j] != 0.0) entries.push_back({i, j, explicit_liabilities_[std::size_t{i} * n + j]});
    matrix_ = network::LiabilityMatrix::from_entries(n, std::move(entries));
    external_assets_ = explicit_external_assets_;
    external_liabilities_ = explicit_external_liabilities_;
    return;
  }
  network::PhiloxEngine engine(world.stream(random::StreamPurpose::population, *this, kTopologyEntity));
  const auto edges = network::generate_topology(topology_, engine);
  // Gai–Kapadia balance sheet: total assets a_b, interbank assets share·a_b split equally over
  // b's j_b debtors (none if j_b = 0); capital K·a_b; external liabilities are the residual.
  std::vector<double> assets(n);
  auto asset_stream = world.stream(random::StreamPurpose::population, *this, kAssetsEntity);
  for (auto& a : assets) a = total_assets_.sample(asset_stream);
  std::vector<std::uint32_t> debtors(n, 0);
  for (const auto& e : edges.edges) ++debtors[e.second];
  std::vector<network::LiabilityMatrix::Entry> entries;
  entries.reserve(edges.edges.size());
  for (const auto& e : edges.edges)
    entries.push_back({e.first, e.second, interbank_share_ * assets[e.second] / static_cast<double>(debtors[e.second])});
  matrix_ = network::LiabilityMatrix::from_entries(n, std::move(entries));
  for (std::uint32_t i = 0; i < n; ++i) {
    const double interbank = debtors[i] > 0 ? interbank_share_ * assets[i] : 0.0;
    external_assets_[i] = assets[i] - interbank;
    const double residual = (1.0 - capital_ratio_) * assets[i] - matrix_.interbank_liabilities(i);
    // A node that borrows more than (1 − K)·a_i from other banks holds the excess as external
    // assets, so its equity is still K·a_i.
    if (residual >= 0.0) external_liabilities_[i] = residual;
    else external_assets_[i] -= residual;
  }
}

void InterbankNetwork::start(world::World& world) {
  build(world);
  const std::uint32_t n = matrix_.nodes();
  // The shocked nodes: one given node, or `nodes` distinct nodes uniformly at random.
  std::vector<std::uint32_t> shocked;
  if (shock_node_ >= 0) shocked.push_back(static_cast<std::uint32_t>(shock_node_));
  else if (shock_nodes_ > 0 && n > 0) {
    auto stream = world.stream(random::StreamPurpose::shock, *this, kShockEntity);
    shocked = network::choose_distinct(n, shock_nodes_, stream);
  }
  shocked_external_assets_ = external_assets_;
  for (auto& e : shocked_external_assets_) e *= 1.0 - common_external_loss_;
  for (auto i : shocked) shocked_external_assets_[i] *= 1.0 - shock_external_loss_;

  std::vector<double> equity(n), pbar(n);
  double initial_equity = 0.0;
  for (std::uint32_t i = 0; i < n; ++i) {
    pbar[i] = matrix_.interbank_liabilities(i) + external_liabilities_[i];
    equity[i] = external_assets_[i] + matrix_.interbank_assets(i) - pbar[i];
    initial_equity += std::max(0.0, equity[i]);
  }
  double final_equity = 0.0;
  if (rule_ == Rule::default_cascade) {
    // Capital after the common shock; shocked nodes default outright (Gai & Kapadia 2010).
    std::vector<double> capital(n);
    std::vector<std::uint32_t> initial = shocked;
    for (std::uint32_t i = 0; i < n; ++i) {
      capital[i] = equity[i] - (external_assets_[i] - shocked_external_assets_[i]);
      const bool insolvent = default_rule_ == network::DefaultRule::losses_reach_capital ? capital[i] <= 0.0 : capital[i] < 0.0;
      if (insolvent && std::find(shocked.begin(), shocked.end(), i) == shocked.end()) initial.push_back(i);
    }
    auto r = network::default_cascade(matrix_, capital, initial, recovery_, default_rule_);
    defaulted_ = std::move(r.defaulted);
    defaults_ = r.defaults;
    rounds_ = r.depth;
    shortfall_ = r.losses;
    payments_.assign(n, 0.0);
    for (std::uint32_t i = 0; i < n; ++i) {
      payments_[i] = defaulted_[i] ? recovery_ * matrix_.interbank_liabilities(i) : matrix_.interbank_liabilities(i);
      if (!defaulted_[i]) final_equity += std::max(0.0, capital[i] - r.node_losses[i]);
    }
  } else {
    auto r = network::clearing_vector(matrix_, shocked_external_assets_, external_liabilities_, alpha_, beta_);
    defaulted_ = std::move(r.defaulted);
    payments_ = std::move(r.payments);
    defaults_ = r.defaults;
    rounds_ = r.iterations;
    shortfall_ = r.shortfall;
    converged_ = r.converged ? 1.0 : 0.0;
    // Equity after clearing: external assets + payments received − payments made (≥ 0 for a
    // solvent node; a defaulted node's equity is 0).
    std::vector<double> received(n, 0.0);
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::uint32_t k = matrix_.out_start()[i]; k < matrix_.out_start()[i + 1]; ++k)
        received[matrix_.creditor()[k]] += payments_[i] > 0.0 ? payments_[i] * matrix_.amount()[k] / pbar[i] : 0.0;
    for (std::uint32_t i = 0; i < n; ++i)
      if (!defaulted_[i]) final_equity += std::max(0.0, shocked_external_assets_[i] + received[i] - pbar[i]);
  }
  defaulted_fraction_ = n > 0 ? defaults_ / static_cast<double>(n) : 0.0;
  contagion_ = defaulted_fraction_ >= contagion_threshold_ ? 1.0 : 0.0;
  equity_loss_ = initial_equity > 0.0 ? 1.0 - final_equity / initial_equity : 0.0;
}

void InterbankNetwork::handle(const engine::Event&, world::World&) {}

double InterbankNetwork::metric(int index) const {
  switch (index) {
    case 0: return defaulted_fraction_;
    case 1: return contagion_;
    case 2: return contagion_ > 0.0 ? defaulted_fraction_ : std::numeric_limits<double>::quiet_NaN();
    case 3: return defaults_;
    case 4: return rounds_;
    case 5: return shortfall_;
    case 6: return equity_loss_;
    case 7: return matrix_.nodes() > 0 ? static_cast<double>(matrix_.links()) / matrix_.nodes() : 0.0;
    default: return converged_;
  }
}

void InterbankNetwork::audit(const world::World&, std::vector<std::string>& problems) const {
  const std::uint32_t n = matrix_.nodes();
  if (defaulted_.size() != n) return;  // not started yet
  double claims = 0.0, owed = 0.0;
  for (std::uint32_t i = 0; i < n; ++i) {
    claims += matrix_.interbank_assets(i);
    owed += matrix_.interbank_liabilities(i);
    const double pbar = matrix_.interbank_liabilities(i) + external_liabilities_[i];
    const double cap = rule_ == Rule::eisenberg_noe ? pbar : matrix_.interbank_liabilities(i);
    if (!(payments_[i] >= -1e-12) || payments_[i] > cap * (1.0 + 1e-12) + 1e-12)
      problems.push_back(name() + ": node " + std::to_string(i) + " pays " + std::to_string(payments_[i]) + " outside [0, " + std::to_string(cap) + "]");
    if (!std::isfinite(external_assets_[i]) || external_assets_[i] < 0.0 || external_liabilities_[i] < 0.0)
      problems.push_back(name() + ": node " + std::to_string(i) + " has a negative or non-finite external balance");
  }
  // Every interbank claim is some node's liability: the two sides of the matrix agree.
  if (std::fabs(claims - owed) > 1e-9 * std::max(1.0, claims))
    problems.push_back(name() + ": interbank assets " + std::to_string(claims) + " != interbank liabilities " + std::to_string(owed));
}

void register_interbank_network(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "interbank_network";
  s.section = config::Section::protocols;
  s.summary = "balance-sheet network: default cascade (Gai-Kapadia) or Eisenberg-Noe/Rogers-Veraart clearing on a random topology";
  s.source = "Gai & Kapadia (2010) Proc. R. Soc. A 466; Eisenberg & Noe (2001) Mgmt Sci 47(2); Rogers & Veraart (2013) Mgmt Sci 59(4)";
  const double inf = std::numeric_limits<double>::infinity();
  s.params.push_back(ParamSchema::group(
      "topology", "who borrows from whom; a new network is drawn in every replica",
      {ParamSchema::string("kind", "generator", {"erdos_renyi", "scale_free", "small_world", "core_periphery", "explicit"})
           .with_default(std::string("erdos_renyi")),
       ParamSchema::integer("nodes", "nodes", "number of banks").range(1, 1e7).with_default(std::int64_t{100}),
       ParamSchema::number("mean_degree", "links per node", "erdos_renyi: z; each ordered pair linked with probability z/(N-1)")
           .range(0, inf).with_default(4.0),
       ParamSchema::number("plod_alpha", "", "scale_free: out-degree floor(beta * x^-alpha), x uniform on {0..N-1}").range(0, inf, true).with_default(2.0),
       ParamSchema::number("plod_beta", "links", "scale_free: degree scale").range(0, inf, true).with_default(100.0),
       ParamSchema::integer("neighbours", "links per node", "small_world: ring lattice degree k (even)").range(0, 1e6).with_default(std::int64_t{4}),
       ParamSchema::number("rewire", "probability", "small_world: rewiring probability").range(0, 1).with_default(0.1),
       ParamSchema::integer("core_nodes", "nodes", "core_periphery: nodes [0, core_nodes) form the core").range(0, 1e7).with_default(std::int64_t{10}),
       ParamSchema::number("core_core", "probability", "core_periphery: link probability core borrows from core").range(0, 1).with_default(1.0),
       ParamSchema::number("core_periphery", "probability", "core_periphery: core borrows from periphery").range(0, 1).with_default(0.1),
       ParamSchema::number("periphery_core", "probability", "core_periphery: periphery borrows from core").range(0, 1).with_default(0.1),
       ParamSchema::number("periphery_periphery", "probability", "core_periphery: periphery borrows from periphery").range(0, 1).with_default(0.0)}));
  s.params.push_back(ParamSchema::group(
      "balance_sheet", "generated networks: Gai-Kapadia balance sheets",
      {ParamSchema::distribution("total_assets", "currency", "total assets a_i of each node (drawn per node)").range(0, inf, true).with_default(random::Distribution::constant(1.0)),
       ParamSchema::number("interbank_share", "fraction", "interbank assets / total assets, split equally over the node's debtors").range(0, 1).with_default(0.2),
       ParamSchema::number("capital_ratio", "fraction", "capital K / total assets").range(0, 1).with_default(0.04)}));
  s.params.push_back(ParamSchema::number_list("liabilities", "currency", "explicit: row-major N x N matrix L_ij owed by i to j").range(0, inf).with_default(config::NumberList{}));
  s.params.push_back(ParamSchema::number_list("external_assets", "currency", "explicit: external assets e_i").range(0, inf).with_default(config::NumberList{}));
  s.params.push_back(ParamSchema::number_list("external_liabilities", "currency", "explicit: external liabilities l_i").range(0, inf).with_default(config::NumberList{}));
  s.params.push_back(ParamSchema::string("rule", "propagation: default cascade with a recovery rate, or the greatest clearing vector", {"default_cascade", "eisenberg_noe"})
                         .with_default(std::string("default_cascade")));
  s.params.push_back(ParamSchema::number("recovery_rate", "fraction", "default_cascade: share of a claim on a defaulted node recovered").range(0, 1).with_default(0.0));
  s.params.push_back(ParamSchema::string("default_rule", "default_cascade: is losing exactly the capital a default?", {"losses_reach_capital", "losses_exceed_capital"})
                         .with_default(std::string("losses_reach_capital")));
  s.params.push_back(ParamSchema::group(
      "default_costs", "eisenberg_noe: Rogers-Veraart default costs (1, 1 = none)",
      {ParamSchema::number("alpha", "fraction", "share of external assets realised by a defaulted node").range(0, 1).with_default(1.0),
       ParamSchema::number("beta", "fraction", "share of interbank receipts passed on by a defaulted node").range(0, 1).with_default(1.0)}));
  s.params.push_back(ParamSchema::group(
      "shock", "the initial shock",
      {ParamSchema::integer("nodes", "nodes", "number of nodes shocked, uniformly at random").range(0, 1e7).with_default(std::int64_t{1}),
       ParamSchema::integer("node", "", "shock this node instead (-1: random)").range(-1, 1e7).with_default(std::int64_t{-1}),
       ParamSchema::number("external_loss", "fraction", "share of a shocked node's external assets lost (default_cascade: shocked nodes default)").range(0, 1).with_default(1.0),
       ParamSchema::number("common_external_loss", "fraction", "share of every node's external assets lost").range(0, 1).with_default(0.0)}));
  s.params.push_back(ParamSchema::number("contagion_threshold", "fraction", "a run is a contagion when at least this share of nodes defaults").range(0, 1).with_default(0.05));
  s.metrics = {{"defaulted_fraction", "fraction", "share of nodes in default (initially shocked included)"},
               {"contagion", "indicator", "1 if defaulted_fraction >= contagion_threshold (mean over runs = contagion frequency)"},
               {"extent_given_contagion", "fraction", "defaulted_fraction if contagion, else NaN (mean over runs skips NaN = conditional extent)"},
               {"defaults", "nodes", "number of nodes in default"},
               {"rounds", "count", "default_cascade: generations after the initial defaults; eisenberg_noe: clearing sweeps"},
               {"shortfall", "currency", "default_cascade: losses on claims on defaulted nodes; eisenberg_noe: sum of unpaid obligations"},
               {"equity_loss", "fraction", "share of the initial total equity lost"},
               {"mean_degree", "links per node", "realised links / nodes"},
               {"converged", "indicator", "eisenberg_noe: 1 if the clearing vector converged"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) { return std::make_unique<InterbankNetwork>(spec, w); });
}

}  // namespace cascade::protocols
