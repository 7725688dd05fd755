#include "cascade/agents/creditor/creditor.hpp"

#include <algorithm>
#include <limits>

#include "cascade/graph/propagation.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::agents {

Creditor::Creditor(const config::ComponentSpec& spec, world::World&)
    : Component(spec.name, spec.schema),
      equity_(spec.params.number("equity")),
      external_assets_(spec.params.number("external_assets")),
      recovery_rate_(spec.params.number("recovery_rate")),
      write_down_(spec.params.string("write_down") == "default" ? WriteDown::default_only : WriteDown::loss),
      shock_at_(spec.params.duration("shock_at")),
      shock_loss_(spec.params.number("shock_loss")) {}

void Creditor::start(world::World& world) {
  const auto& g = world.network().graph();
  const int self = world.node_of(*this);
  written_.assign(g.edge_count(), 0.0);
  for (const auto& e : g.edges())
    if (e.to == self && e.kind == graph::EdgeKind::exposed_to) claims_ += e.weight;
  liabilities_ = std::max(0.0, external_assets_ + claims_ - equity_);
  world.signal(*this, graph::SignalKind::equity, equity_);  // the baseline
  if (shock_loss_ > 0.0 && shock_at_ <= world.horizon()) world.sim().schedule(shock_at_, engine::EventClass::agent, id(), 0);
}

void Creditor::handle(const engine::Event&, world::World& world) {
  // The exogenous shock: a share of the assets outside the graph is lost.
  world.signal(*this, graph::SignalKind::shock, shock_loss_);
  book_loss(shock_loss_ * external_assets_, world);
}

void Creditor::on_dependency_signal(const graph::Signal& s, world::World& world) {
  if (s.edge_kind != graph::EdgeKind::exposed_to) return;
  double fraction = 0.0;
  if (write_down_ == WriteDown::loss) {
    if (s.kind == graph::SignalKind::bad_debt || s.kind == graph::SignalKind::insolvent) fraction = s.loss_fraction;
  } else if (s.kind == graph::SignalKind::insolvent) {
    fraction = 1.0 - recovery_rate_;
  }
  fraction = std::clamp(fraction, 0.0, 1.0);
  double& written = written_[static_cast<std::size_t>(s.edge)];
  if (fraction <= written) return;  // claims are only ever marked down
  const double loss = s.weight * (fraction - written);
  written = fraction;
  book_loss(loss, world);
}

void Creditor::book_loss(double loss, world::World& world) {
  if (loss <= 0.0) return;
  losses_ += loss;
  equity_ -= loss;
  world.signal(*this, graph::SignalKind::equity, equity_);
  if (equity_ >= 0.0) return;
  const double fraction = liabilities_ > 0.0 ? std::min(1.0, -equity_ / liabilities_) : 1.0;
  if (!insolvent_) {
    insolvent_ = true;
    world.signal_insolvent(*this, fraction);
  } else {
    world.signal(*this, graph::SignalKind::bad_debt, -equity_, fraction);  // deeper losses reach its creditors
  }
}

double Creditor::metric(int index) const {
  switch (index) {
    case 0: return equity_;
    case 1: return losses_;
    case 2: return claims_;
    case 3: return insolvent_ ? 1.0 : 0.0;
    default: return 0.0;
  }
}

void register_creditor(world::Registry& registry) {
  using config::ParamSchema;
  constexpr double inf = std::numeric_limits<double>::infinity();
  config::ComponentSchema s;
  s.type = "creditor";
  s.section = config::Section::agents;
  s.summary = "holds claims (network.exposures) on other nodes; writes them down, defaults when equity < 0";
  s.source = "Gai & Kapadia (2010) default cascade; Eisenberg & Noe (2001) balance-sheet identity";
  s.params.push_back(ParamSchema::number("equity", "numeraire", "capital: assets − liabilities at t = 0").range(0, inf));
  s.params.push_back(ParamSchema::number("external_assets", "numeraire", "assets outside the graph").range(0, inf).with_default(0.0));
  s.params.push_back(ParamSchema::number("recovery_rate", "fraction", "share of a defaulted claim recovered (write_down: default)")
                         .range(0, 1)
                         .with_default(0.0));
  s.params.push_back(ParamSchema::string("write_down", "loss: mark claims down by the debtor's reported loss fraction; "
                                         "default: lose 1 − recovery_rate when the debtor defaults",
                                         {"loss", "default"})
                         .with_default(std::string("loss")));
  s.params.push_back(ParamSchema::duration("shock_at", "time of the exogenous shock to external assets").range(0, inf).with_default(config::Duration{0}));
  s.params.push_back(ParamSchema::number("shock_loss", "fraction", "share of external assets lost at shock_at (0 = no shock)")
                         .range(0, 1)
                         .with_default(0.0));
  s.metrics = {{"equity", "numeraire", "equity after write-downs"},
               {"losses", "numeraire", "claims and external assets written down"},
               {"claims", "numeraire", "face value of the claims held"},
               {"insolvent", "0/1", "equity turned negative"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<Creditor>(spec, w);
  });
}

}  // namespace cascade::agents
