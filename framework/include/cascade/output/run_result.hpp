#pragma once
/// @file run_result.hpp
/// @brief What one replica hands to the writer: its summary row, sampled time series and event
/// logs. Plain data; the HDF5 layout of each field is documented in analysis/README.md.

#include <cstdint>
#include <string>
#include <vector>

namespace cascade::output {

/// Run status codes stored in `/runs/summary.status`.
enum class RunStatus : std::int32_t { ok = 0, failed = 1 };

/// @brief One row of `/runs/summary`. Prices refer to the experiment's reference driver (the
/// first driver declared); values are in the numeraire (USD).
struct RunSummary {
  std::uint32_t point_id = 0;
  std::uint32_t replica = 0;
  std::uint64_t run_index = 0;  ///< point_id · replicas + replica
  std::uint64_t seed = 0;       ///< the experiment seed (the stream key is (seed, replica))
  std::int32_t status = 0;      ///< RunStatus
  double initial_price = 0;     ///< reference price at t = 0
  double final_price = 0;       ///< reference price at the horizon
  double min_price = 0;         ///< lowest reference price
  double max_drawdown = 0;      ///< largest peak-to-trough fall of the reference price, fraction
  double min_venue_price = 0;   ///< lowest venue (AMM) price (0 if the world has no venue)
  double min_oracle_price = 0;  ///< lowest published oracle price (0 if no oracle)
  double initial_debt = 0;      ///< total borrowed across protocols at t = 0
  double liquidated_value = 0;  ///< collateral seized by liquidators, valued at the oracle price
  double debt_repaid = 0;       ///< debt repaid by liquidators
  std::uint64_t n_liquidations = 0;
  double bad_debt = 0;          ///< deficit booked by all protocols (debt left without collateral)
  std::uint64_t n_events = 0;   ///< events processed by the engine
  // Dependency graph (framework/include/cascade/graph/README.md)
  std::int32_t shock_origin = -1;  ///< node hop distances count from (-1: nothing was impacted)
  std::int32_t cascade_depth = 0;  ///< largest hop distance of an impacted node from the origin
  std::uint32_t cascade_size = 0;  ///< impacted nodes (origin included)
  std::uint32_t insolvent_nodes = 0;
  double time_to_first_insolvency = 0;  ///< seconds; NaN if no node became insolvent
  double wall_time_s = 0;       ///< not deterministic: excluded from determinism comparisons
};

/// @brief One row of `/events/liquidations`.
struct LiquidationRecord {
  std::uint64_t run_index = 0;
  double time_s = 0;              ///< seconds since the experiment start
  std::uint32_t protocol = 0;     ///< index into the `protocols` attribute of the dataset
  std::uint32_t account = 0;      ///< borrower index within the protocol
  std::uint32_t liquidator = 0;   ///< liquidator index (within its population)
  double health_factor = 0;       ///< before the liquidation
  double oracle_price = 0;        ///< collateral price used (numeraire per unit)
  double debt_repaid = 0;         ///< debt asset units
  double collateral_seized = 0;   ///< collateral units taken from the borrower (incl. bonus & fee)
  double bonus = 0;               ///< collateral units of bonus (liquidator + protocol fee)
  double protocol_fee = 0;        ///< collateral units of the bonus paid to the treasury
  double bad_debt = 0;            ///< deficit booked by this liquidation (debt units)
};

/// @brief One row of `/events/adl`: one position closed by auto-deleveraging.
struct AdlRecord {
  std::uint64_t run_index = 0;
  double time_s = 0;             ///< seconds since the experiment start
  std::uint32_t protocol = 0;    ///< index into the `protocols` attribute of the dataset
  std::uint32_t market = 0;      ///< market index within the exchange
  std::uint32_t account = 0;     ///< the deleveraged account
  std::int32_t side = 0;         ///< side of the closed position: +1 long, -1 short
  double size = 0;               ///< contracts closed (> 0)
  double price = 0;              ///< bankruptcy price it was closed at (numeraire per contract)
  double pnl = 0;                ///< PnL the closed part realised at that price (numeraire)
  double score = 0;              ///< its ADL rank score (PnL% × effective leverage) when ranked
  double loss_covered = 0;       ///< size × |mark − price|: the loss it absorbed (numeraire)
};

/// @brief One row of `/runs/nodes`: a dependency-graph node in one run.
struct NodeRecord {
  std::uint64_t run_index = 0;
  std::uint32_t node = 0;          ///< index into the `nodes` attribute (= /network/nodes row)
  std::int32_t hops = -1;          ///< hop distance from the run's shock origin, -1 unreachable
  std::uint8_t impacted = 0;
  std::uint8_t insolvent = 0;
  double first_impact_s = 0;       ///< NaN if never impacted
  double insolvent_s = 0;          ///< NaN if never insolvent
  std::uint32_t signals_sent = 0;
  std::uint32_t signals_received = 0;
};

/// @brief Everything one run produces.
struct RunResult {
  RunSummary summary;
  /// [metric][sample]; empty when this run's series are not recorded.
  std::vector<std::vector<double>> series;
  std::vector<LiquidationRecord> liquidations;
  std::vector<AdlRecord> adl;  ///< `/events/adl` rows (when outputs.events has adl)
  std::vector<NodeRecord> nodes;  ///< one per dependency-graph node; empty when the run failed
  /// Final value of every metric every component declares, in build order then schema order
  /// (`OutputLayout::final_metric_names`); empty when the run failed.
  std::vector<double> final_metrics;
  /// `/heatmaps/liquidation` input: [sample][bin] row-major debt (numeraire); empty when off or failed
  std::vector<double> heatmap;
  std::string error;  ///< set when status == failed
};

}  // namespace cascade::output
