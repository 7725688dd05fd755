#include "cascade/protocols/network/overlapping_portfolios.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "cascade/config/diagnostics.hpp"
#include "cascade/protocols/network/topology.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::protocols {

namespace {
constexpr std::uint64_t kHoldingsEntity = 1, kFailureEntity = 2, kAssetShockEntity = 3;

}  // namespace

OverlappingPortfolios::OverlappingPortfolios(const config::ComponentSpec& spec, world::World&) : Component(spec.name, spec.schema) {
  const auto& p = spec.params;
  banks_ = static_cast<std::uint32_t>(p.integer("banks"));
  assets_ = static_cast<std::uint32_t>(p.integer("assets"));
  diversification_ = p.number("diversification");
  leverage_ = p.number("leverage");
  explicit_holdings_ = p.number_list("holdings");
  explicit_debt_ = p.number_list("debt");
  spec_.response = p.string("response") == "target_leverage" ? network::SaleResponse::target_leverage
                                                             : network::SaleResponse::fail_and_liquidate;
  spec_.impact = p.string("price_impact") == "linear" ? network::PriceImpact::linear : network::PriceImpact::exponential;
  impact_ = p.number("impact");
  impact_per_share_ = p.string("impact_scale") == "per_share";
  spec_.max_rounds = static_cast<std::uint32_t>(p.integer("max_rounds"));
  spec_.rule = p.string("default_rule") == "losses_exceed_capital" ? network::DefaultRule::losses_exceed_capital
                                                                   : network::DefaultRule::losses_reach_capital;
  const auto& s = p.group("shock");
  failed_banks_ = s.integer("failed_banks");
  failed_bank_ = s.integer("bank");
  asset_return_ = s.number("asset_return");
  shocked_assets_ = s.integer("assets");
  contagion_threshold_ = p.number("contagion_threshold");

  config::Diagnostics d;
  const std::string path = "protocols." + spec.name;
  const std::uint64_t n = banks_, m = assets_;
  if (!explicit_holdings_.empty() && explicit_holdings_.size() != n * m)
    d.add(p.mark("holdings"), path + ".holdings",
          "explicit holdings of " + std::to_string(n) + " banks and " + std::to_string(m) + " assets need " + std::to_string(n * m) +
              " values (row-major shares h_nk), got " + std::to_string(explicit_holdings_.size()));
  if (!explicit_debt_.empty() && explicit_debt_.size() != n)
    d.add(p.mark("debt"), path + ".debt", "needs one value per bank (" + std::to_string(n) + "), got " + std::to_string(explicit_debt_.size()));
  if (diversification_ > static_cast<double>(m))
    d.add(p.mark("diversification"), path + ".diversification", "cannot exceed the number of assets (" + std::to_string(m) + ")");
  if (explicit_holdings_.empty() && static_cast<double>(n) * diversification_ > 2e8)
    d.add(p.mark("diversification"), path + ".diversification",
          "about " + std::to_string(static_cast<long long>(static_cast<double>(n) * diversification_)) + " positions, more than the 2e8 a replica may hold");
  if (failed_bank_ >= static_cast<std::int64_t>(n))
    d.add(s.mark("bank"), path + ".shock.bank", "no bank " + std::to_string(failed_bank_) + " among " + std::to_string(n));
  if (failed_banks_ > static_cast<std::int64_t>(n))
    d.add(s.mark("failed_banks"), path + ".shock.failed_banks", "cannot fail " + std::to_string(failed_banks_) + " of " + std::to_string(n) + " banks");
  if (!d.empty()) throw config::ConfigError(d);
}

void OverlappingPortfolios::start(world::World& world) {
  const std::uint32_t n = banks_, m = assets_;
  // Holdings: explicit, or each (bank, asset) pair with probability μ_b/M and equal weights
  // summing to 1 per bank (Caccioli et al. 2014).
  std::vector<network::Holdings::Entry> entries;
  if (!explicit_holdings_.empty()) {
    for (std::uint32_t b = 0; b < n; ++b)
      for (std::uint32_t k = 0; k < m; ++k) entries.push_back({b, k, explicit_holdings_[std::size_t{b} * m + k]});
  } else {
    network::EdgeList pairs;
    auto stream = world.stream(random::StreamPurpose::population, *this, kHoldingsEntity);
    network::bernoulli_block(pairs, 0, n, 0, m, m > 0 ? diversification_ / m : 0.0, stream, false);
    std::vector<std::uint32_t> degree(n, 0);
    for (const auto& e : pairs.edges) ++degree[e.first];
    entries.reserve(pairs.edges.size());
    for (const auto& e : pairs.edges) entries.push_back({e.first, e.second, 1.0 / degree[e.first]});
  }
  const auto holdings = network::Holdings::from_entries(n, m, std::move(entries));
  std::vector<double> debt(n), target(n);
  std::vector<std::uint32_t> active;
  for (std::uint32_t b = 0; b < n; ++b) {
    const double a = holdings.initial_value(b);
    debt[b] = explicit_debt_.empty() ? a * (1.0 - 1.0 / leverage_) : explicit_debt_[b];
    target[b] = a > debt[b] ? a / (a - debt[b]) : 1.0;
    if (holdings.bank_start()[b + 1] > holdings.bank_start()[b]) active.push_back(b);
  }
  mean_diversification_ = n > 0 ? static_cast<double>(holdings.positions()) / n : 0.0;
  // Shock: failed banks (a given one, or uniformly among banks that hold something) and a
  // return on some assets (chosen uniformly) or all.
  std::vector<std::uint32_t> failed;
  if (failed_bank_ >= 0) failed.push_back(static_cast<std::uint32_t>(failed_bank_));
  else if (failed_banks_ > 0 && !active.empty()) {
    auto stream = world.stream(random::StreamPurpose::shock, *this, kFailureEntity);
    for (auto i : network::choose_distinct(static_cast<std::uint32_t>(active.size()), failed_banks_, stream)) failed.push_back(active[i]);
  }
  std::vector<double> returns(m, 0.0);
  if (asset_return_ != 0.0) {
    auto stream = world.stream(random::StreamPurpose::shock, *this, kAssetShockEntity);
    for (auto k : network::choose_distinct(m, shocked_assets_, stream)) returns[k] = asset_return_;
  }
  spec_.alpha.assign(m, impact_);
  if (!impact_per_share_)
    for (std::uint32_t k = 0; k < m; ++k) spec_.alpha[k] = holdings.total_shares()[k] > 0.0 ? impact_ / holdings.total_shares()[k] : 0.0;

  const auto v = network::vulnerability(holdings, debt, returns, spec_.alpha);
  aggregate_vulnerability_ = v.aggregate;
  max_systemicness_ = v.systemicness.empty() ? 0.0 : *std::max_element(v.systemicness.begin(), v.systemicness.end());

  result_ = network::fire_sale(holdings, debt, target, returns, failed, spec_);
  double initial_equity = 0.0, final_equity = 0.0, shocked_equity = 0.0;
  std::vector<std::uint8_t> failed_at_start(n, 0);
  for (auto b : failed) failed_at_start[b] = 1;
  for (std::uint32_t b = 0; b < n; ++b) {
    initial_equity += std::max(0.0, holdings.initial_value(b) - debt[b]);
    final_equity += result_.equity[b];
    if (failed_at_start[b]) continue;
    double marked = 0.0;  // at the shocked prices, before anyone sells
    for (std::uint32_t i = holdings.bank_start()[b]; i < holdings.bank_start()[b + 1]; ++i)
      marked += holdings.shares()[i] * (1.0 + returns[holdings.asset()[i]]);
    shocked_equity += std::max(0.0, marked - debt[b]);
  }
  failed_fraction_ = n > 0 ? result_.failures / static_cast<double>(n) : 0.0;
  contagion_ = failed_fraction_ >= contagion_threshold_ ? 1.0 : 0.0;
  equity_loss_ = initial_equity > 0.0 ? 1.0 - final_equity / initial_equity : 0.0;
  indirect_loss_ = initial_equity > 0.0 ? (shocked_equity - final_equity) / initial_equity : 0.0;
  max_price_drop_ = 0.0;
  for (auto price : result_.prices) max_price_drop_ = std::max(max_price_drop_, 1.0 - price);
}

void OverlappingPortfolios::handle(const engine::Event&, world::World&) {}

double OverlappingPortfolios::metric(int index) const {
  switch (index) {
    case 0: return failed_fraction_;
    case 1: return contagion_;
    case 2: return contagion_ > 0.0 ? failed_fraction_ : std::numeric_limits<double>::quiet_NaN();
    case 3: return result_.failures;
    case 4: return result_.rounds;
    case 5: return equity_loss_;
    case 6: return max_price_drop_;
    case 7: return aggregate_vulnerability_;
    case 8: return max_systemicness_;
    case 9: return mean_diversification_;
    default: return indirect_loss_;
  }
}

void OverlappingPortfolios::audit(const world::World&, std::vector<std::string>& problems) const {
  for (std::size_t k = 0; k < result_.prices.size(); ++k)
    if (!std::isfinite(result_.prices[k]) || result_.prices[k] < 0.0)
      problems.push_back(name() + ": asset " + std::to_string(k) + " has price " + std::to_string(result_.prices[k]));
  for (std::size_t b = 0; b < result_.equity.size(); ++b)
    if (!std::isfinite(result_.equity[b]) || result_.equity[b] < 0.0 || (result_.failed[b] && result_.equity[b] != 0.0))
      problems.push_back(name() + ": bank " + std::to_string(b) + " has equity " + std::to_string(result_.equity[b]));
}

void register_overlapping_portfolios(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "overlapping_portfolios";
  s.section = config::Section::protocols;
  s.summary = "banks with overlapping portfolios: fire sales into price impact (Caccioli et al.; Greenwood-Landier-Thesmar)";
  s.source = "Caccioli, Shrestha, Moore & Farmer (2014) J. Banking & Finance 46; Greenwood, Landier & Thesmar (2015) JFE 115(3)";
  const double inf = std::numeric_limits<double>::infinity();
  s.params.push_back(ParamSchema::integer("banks", "banks", "number of banks N").range(1, 1e7).with_default(std::int64_t{100}));
  s.params.push_back(ParamSchema::integer("assets", "assets", "number of assets M").range(1, 1e7).with_default(std::int64_t{100}));
  s.params.push_back(ParamSchema::number("diversification", "assets per bank", "mean diversification mu_b: each (bank, asset) pair held with probability mu_b/M, equal weights").range(0, inf).with_default(10.0));
  s.params.push_back(ParamSchema::number("leverage", "assets/equity", "common leverage lambda; debt = (1 - 1/lambda) x portfolio value").range(1, inf).with_default(20.0));
  s.params.push_back(ParamSchema::number_list("holdings", "shares", "explicit: row-major N x M shares h_nk (initial prices 1); empty = random").range(0, inf).with_default(config::NumberList{}));
  s.params.push_back(ParamSchema::number_list("debt", "currency", "explicit: debt per bank; empty = (1 - 1/leverage) x portfolio value").range(0, inf).with_default(config::NumberList{}));
  s.params.push_back(ParamSchema::string("response", "what banks do: sell everything when failing, or also sell back to target leverage each round", {"fail_and_liquidate", "target_leverage"})
                         .with_default(std::string("fail_and_liquidate")));
  s.params.push_back(ParamSchema::string("price_impact", "price after selling x: exp(-alpha x) or max(0, 1 - alpha x), times (1 + shock return)", {"exponential", "linear"})
                         .with_default(std::string("exponential")));
  s.params.push_back(ParamSchema::number("impact", "per fraction (or per share)", "alpha; 1.0536 = a 10% price drop when 10% of the holdings are sold").range(0, inf).with_default(1.0536));
  s.params.push_back(ParamSchema::string("impact_scale", "x = fraction of the asset's holdings sold, or shares sold (Greenwood's l per dollar)", {"holdings", "per_share"})
                         .with_default(std::string("holdings")));
  s.params.push_back(ParamSchema::integer("max_rounds", "rounds", "rounds of selling at most (1 = Greenwood's one round)").range(1, 1e7).with_default(std::int64_t{1000}));
  s.params.push_back(ParamSchema::string("default_rule", "is a portfolio worth exactly its debt a failure?", {"losses_reach_capital", "losses_exceed_capital"})
                         .with_default(std::string("losses_reach_capital")));
  s.params.push_back(ParamSchema::group(
      "shock", "the initial shock",
      {ParamSchema::integer("failed_banks", "banks", "banks that fail and liquidate, uniformly among banks holding assets").range(0, 1e7).with_default(std::int64_t{1}),
       ParamSchema::integer("bank", "", "fail this bank instead (-1: random)").range(-1, 1e7).with_default(std::int64_t{-1}),
       ParamSchema::number("asset_return", "fraction", "return F applied to the shocked assets' prices").range(-1, 1).with_default(0.0),
       ParamSchema::integer("assets", "assets", "number of assets shocked, uniformly at random (-1: all)").range(-1, 1e7).with_default(std::int64_t{-1})}));
  s.params.push_back(ParamSchema::number("contagion_threshold", "fraction", "a run is a contagion when at least this share of banks fails").range(0, 1).with_default(0.05));
  s.metrics = {{"failed_fraction", "fraction", "share of banks failed (initial failures included)"},
               {"contagion", "indicator", "1 if failed_fraction >= contagion_threshold"},
               {"extent_given_contagion", "fraction", "failed_fraction if contagion, else NaN"},
               {"failures", "banks", "number of failed banks"},
               {"rounds", "count", "rounds in which someone sold"},
               {"equity_loss", "fraction", "share of the initial total equity lost"},
               {"max_price_drop", "fraction", "largest fall of an asset price (shock included)"},
               {"aggregate_vulnerability", "fraction of equity", "Greenwood et al. AV = -1'AMLM'BAMF / sum e (first order, one round)"},
               {"max_systemicness", "fraction of equity", "largest systemicness S_n (sum over banks = AV)"},
               {"mean_diversification", "assets per bank", "realised positions / banks"},
               {"indirect_loss", "fraction", "equity lost to fire sales beyond the shock itself (equity of the banks not failed at the start, at the shocked prices, minus final equity), over initial equity"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) { return std::make_unique<OverlappingPortfolios>(spec, w); });
}

}  // namespace cascade::protocols
