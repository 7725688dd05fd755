#include "cascade/graph/propagation.hpp"

#include <cmath>
#include <limits>

namespace cascade::graph {

const char* to_string(SignalKind k) {
  switch (k) {
    case SignalKind::price: return "price";
    case SignalKind::liquidity: return "liquidity";
    case SignalKind::bad_debt: return "bad_debt";
    case SignalKind::equity: return "equity";
    case SignalKind::insolvent: return "insolvent";
    case SignalKind::shock: return "shock";
  }
  return "?";
}

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxRelayDepth = 4;  // assets relay; asset → asset chains are not derived, so 1 suffices
}  // namespace

Propagation::Propagation(DependencyGraph graph, double threshold, int origin)
    : graph_(std::move(graph)),
      threshold_(threshold),
      origin_(origin),
      first_impact_(graph_.node_count(), -1),
      insolvent_at_(graph_.node_count(), -1),
      last_level_(graph_.node_count() * kSignalKindCount, kNaN),
      fired_(graph_.node_count() * kSignalKindCount, 0),
      sent_(graph_.node_count(), 0),
      received_(graph_.node_count(), 0) {}

void Propagation::impact(int node, Time at) {
  auto& t = first_impact_[static_cast<std::size_t>(node)];
  if (t < 0 || at < t) t = at;
  if (origin_ < 0) origin_ = node;
}

std::vector<Propagation::Delivery> Propagation::report(int node, SignalKind kind, double value, double loss_fraction,
                                                       Time now) {
  std::vector<Delivery> out;
  if (node < 0 || static_cast<std::size_t>(node) >= graph_.node_count() || !std::isfinite(value)) return out;
  const std::size_t slot = static_cast<std::size_t>(node) * kSignalKindCount + static_cast<std::size_t>(kind);
  double& last = last_level_[slot];
  bool is_impact = false;
  switch (kind) {
    case SignalKind::price:
    case SignalKind::liquidity:
    case SignalKind::equity:
      if (std::isnan(last)) {
        last = value;  // the baseline
        return out;
      }
      is_impact = last == 0.0 ? value != 0.0 : std::fabs(value / last - 1.0) >= threshold_;
      break;
    case SignalKind::bad_debt:
      is_impact = value > 0.0 && (std::isnan(last) || last <= 0.0 || value / last - 1.0 >= threshold_);
      break;
    case SignalKind::insolvent:
    case SignalKind::shock: is_impact = fired_[slot] == 0; break;
  }
  if (!is_impact) return out;
  last = value;
  fired_[slot] = 1;
  if (kind == SignalKind::insolvent && insolvent_at_[static_cast<std::size_t>(node)] < 0)
    insolvent_at_[static_cast<std::size_t>(node)] = now;
  impact(node, now);
  ++sent_[static_cast<std::size_t>(node)];
  Signal s;
  s.source = node;
  s.origin = node;
  s.kind = kind;
  s.value = value;
  s.loss_fraction = loss_fraction;
  s.hops = 0;
  s.sent = now;
  fan_out(s, node, now, out, 0);
  return out;
}

void Propagation::fan_out(const Signal& from, int node, Time at, std::vector<Delivery>& out, int depth) {
  for (const int e : graph_.out_edges(node)) {
    const EdgeInfo& edge = graph_.edge(e);
    Signal s = from;
    s.source = node;
    s.target = edge.to;
    s.edge = e;
    s.edge_kind = edge.kind;
    s.weight = edge.weight;
    s.hops = from.hops + 1;
    const Time when = at + edge.latency;
    if (graph_.node(edge.to).kind == NodeKind::asset && depth < kMaxRelayDepth) {
      // An asset has no code of its own: it relays what reaches it to whatever uses the token.
      ++received_[static_cast<std::size_t>(edge.to)];
      impact(edge.to, when);
      fan_out(s, edge.to, when, out, depth + 1);
      continue;
    }
    out.push_back(Delivery{when, s});
  }
}

void Propagation::received(const Signal& signal, Time /*now*/) { ++received_[static_cast<std::size_t>(signal.target)]; }

void Propagation::finish(output::RunResult& result) const {
  auto& s = result.summary;
  const std::vector<int> hops = graph_.hops_from(origin_);
  s.shock_origin = origin_;
  s.cascade_depth = 0;
  s.cascade_size = 0;
  s.insolvent_nodes = 0;
  Time first_insolvency = -1;
  result.nodes.clear();
  result.nodes.reserve(graph_.node_count());
  for (std::size_t v = 0; v < graph_.node_count(); ++v) {
    output::NodeRecord r;
    r.run_index = s.run_index;
    r.node = static_cast<std::uint32_t>(v);
    r.hops = hops[v];
    r.impacted = first_impact_[v] >= 0 ? 1 : 0;
    r.insolvent = insolvent_at_[v] >= 0 ? 1 : 0;
    r.first_impact_s = r.impacted ? to_seconds(first_impact_[v]) : kNaN;
    r.insolvent_s = r.insolvent ? to_seconds(insolvent_at_[v]) : kNaN;
    r.signals_sent = sent_[v];
    r.signals_received = received_[v];
    if (r.impacted) {
      ++s.cascade_size;
      if (r.hops > s.cascade_depth) s.cascade_depth = r.hops;
    }
    if (r.insolvent) {
      ++s.insolvent_nodes;
      if (first_insolvency < 0 || insolvent_at_[v] < first_insolvency) first_insolvency = insolvent_at_[v];
    }
    result.nodes.push_back(r);
  }
  s.time_to_first_insolvency = first_insolvency >= 0 ? to_seconds(first_insolvency) : kNaN;
}

}  // namespace cascade::graph
