#pragma once
/// @file edge_kind.hpp
/// @brief The typed edges of the dependency graph (DESIGN §6). An edge u → v always points the
/// way contagion flows: a change of u's observable state reaches v.

#include <optional>
#include <string_view>

namespace cascade::graph {

enum class EdgeKind {
  depends_on,     ///< v reads u (the default for a component parameter that names another)
  collateral_in,  ///< token u is collateral in protocol v: u's depeg reprices v's collateral
  priced_by,      ///< v reads its price from u (protocol → oracle, oracle → venue)
  liquidates_on,  ///< u's liquidations sell on venue v: u's fire sales move v's price
  exposed_to,     ///< v holds a claim on u (deposit, loan, LP share): u's losses write down v
  issues,         ///< protocol u issues token v
  prices,         ///< driver u sets the reference price of asset v
  trades_on,      ///< u trades on venue v (an arbitrageur): u's trades move v's price
};
inline constexpr int kEdgeKindCount = 8;

const char* to_string(EdgeKind k);
std::optional<EdgeKind> edge_kind_from_string(std::string_view text);

/// @brief Whether a schema reference annotated with `k` yields referrer → referent (the referrer
/// acts on what it names: liquidates_on, issues, prices, trades_on) rather than referent → referrer.
bool flows_to_referent(EdgeKind k);

}  // namespace cascade::graph
