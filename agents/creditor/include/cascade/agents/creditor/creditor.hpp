#pragma once
/// @file creditor.hpp
/// @brief A holder of claims on other nodes of the dependency graph (a fund, a bank, a treasury,
/// the depositors of a pool): writes its claims down when a debtor books losses or defaults, and
/// becomes insolvent, propagating further, when its equity turns negative.

#include <vector>

#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::agents {

/// @brief Balance sheet: assets = external_assets + Σ claims (the weights of the
/// `network.exposures` it holds); equity as given; liabilities = assets − equity.
///
/// On a dependency signal arriving along one of its exposed_to edges it marks that claim down to
/// (1 − f) of its face value, never up: with `write_down: loss`, f is the loss fraction the debtor
/// reports (bad debt or insolvency); with `write_down: default`, f = 1 − recovery_rate when the
/// debtor defaults (Gai & Kapadia 2010). Each write-down lowers equity; equity < 0 makes the
/// creditor insolvent (signal `insolvent` with loss fraction −equity / liabilities), so losses
/// travel on to whoever holds claims on it.
/// @code
/// agents:   {fund: {type: creditor, equity: 2.0e6, external_assets: 8.0e6}}
/// network:  {exposures: [{holder: fund, debtor: aave, weight: 5.0e6}]}
/// @endcode
class Creditor final : public world::Component {
 public:
  Creditor(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  void on_dependency_signal(const graph::Signal& signal, world::World& world) override;
  double metric(int index) const override;

  double equity() const { return equity_; }
  double claims() const { return claims_; }
  double losses() const { return losses_; }
  bool insolvent() const { return insolvent_; }

 private:
  void book_loss(double loss, world::World& world);

  enum class WriteDown { loss, default_only };
  double equity_;
  double external_assets_;
  double recovery_rate_;
  WriteDown write_down_;
  Time shock_at_;
  double shock_loss_;
  double claims_ = 0;       // face value of claims held (set in start from the graph)
  double liabilities_ = 0;  // assets − equity at t = 0
  double losses_ = 0;
  bool insolvent_ = false;
  std::vector<double> written_;  // per graph edge: fraction of the claim written down
};

void register_creditor(world::Registry& registry);

}  // namespace cascade::agents
