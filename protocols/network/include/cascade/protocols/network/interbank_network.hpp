#pragma once
/// @file interbank_network.hpp
/// @brief A balance-sheet network component: nodes with external assets, interbank claims and
/// liabilities on a random (or explicit) topology, a shock, and default propagation by the
/// Gai–Kapadia cascade or Eisenberg–Noe / Rogers–Veraart clearing.

#include <cstdint>
#include <vector>

#include "cascade/protocols/network/balance_sheet_network.hpp"
#include "cascade/protocols/network/topology.hpp"
#include "cascade/random/distributions.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

/// @brief One network per replica, drawn from the replica's Philox streams at start (t = 0);
/// the shock and the propagation to a fixed point happen at once, and the component's metrics
/// (defaulted fraction, contagion, extent, ...) are the run's outcome.
/// @code
/// protocols:
///   banks: {type: interbank_network, topology: {kind: erdos_renyi, nodes: 1000, mean_degree: 4}}
/// @endcode
class InterbankNetwork final : public world::Component {
 public:
  InterbankNetwork(const config::ComponentSpec& spec, world::World& world);

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

  enum class Rule { default_cascade, eisenberg_noe };

  // Results of the run (valid after start).
  const network::LiabilityMatrix& liabilities() const { return matrix_; }
  const std::vector<std::uint8_t>& defaulted() const { return defaulted_; }
  const std::vector<double>& payments() const { return payments_; }
  double defaulted_fraction() const { return defaulted_fraction_; }

 private:
  void build(world::World& world);

  network::TopologySpec topology_;
  random::Distribution total_assets_;
  double interbank_share_ = 0.2, capital_ratio_ = 0.04;
  std::vector<double> explicit_liabilities_, explicit_external_assets_, explicit_external_liabilities_;
  Rule rule_ = Rule::default_cascade;
  double recovery_ = 0.0;
  network::DefaultRule default_rule_ = network::DefaultRule::losses_reach_capital;
  double alpha_ = 1.0, beta_ = 1.0;
  std::int64_t shock_nodes_ = 1, shock_node_ = -1;
  double shock_external_loss_ = 1.0, common_external_loss_ = 0.0;
  double contagion_threshold_ = 0.05;

  network::LiabilityMatrix matrix_;
  std::vector<double> external_assets_, external_liabilities_;  // before the shock
  std::vector<double> shocked_external_assets_;
  std::vector<std::uint8_t> defaulted_;
  std::vector<double> payments_;
  double defaulted_fraction_ = 0, contagion_ = 0, defaults_ = 0, rounds_ = 0, shortfall_ = 0, equity_loss_ = 0;
  double converged_ = 1;
};

void register_interbank_network(world::Registry& registry);

}  // namespace cascade::protocols
