#include "cascade/graph/edge_kind.hpp"

#include <array>

namespace cascade::graph {

namespace {
constexpr std::array<EdgeKind, kEdgeKindCount> kAll{EdgeKind::depends_on,    EdgeKind::collateral_in, EdgeKind::priced_by,
                                                    EdgeKind::liquidates_on, EdgeKind::exposed_to,    EdgeKind::issues,
                                                    EdgeKind::prices,        EdgeKind::trades_on};
}

const char* to_string(EdgeKind k) {
  switch (k) {
    case EdgeKind::depends_on: return "depends_on";
    case EdgeKind::collateral_in: return "collateral_in";
    case EdgeKind::priced_by: return "priced_by";
    case EdgeKind::liquidates_on: return "liquidates_on";
    case EdgeKind::exposed_to: return "exposed_to";
    case EdgeKind::issues: return "issues";
    case EdgeKind::prices: return "prices";
    case EdgeKind::trades_on: return "trades_on";
  }
  return "?";
}

std::optional<EdgeKind> edge_kind_from_string(std::string_view text) {
  for (const EdgeKind k : kAll)
    if (text == to_string(k)) return k;
  return std::nullopt;
}

bool flows_to_referent(EdgeKind k) {
  return k == EdgeKind::liquidates_on || k == EdgeKind::issues || k == EdgeKind::prices || k == EdgeKind::trades_on;
}

}  // namespace cascade::graph
