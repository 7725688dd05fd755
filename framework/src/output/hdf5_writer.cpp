#include "cascade/output/hdf5_writer.hpp"

#include <H5Cpp.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include "cascade/core/error.hpp"
#include "h5_types.hpp"
#include "network_writer.hpp"

namespace cascade::output {
namespace {

constexpr std::int32_t format_version = 1;
constexpr hsize_t summary_chunk_rows = 1024;
constexpr hsize_t event_chunk_rows = 4096;
constexpr hsize_t max_series_chunk = 131072;  // 1 MiB of float64, the default chunk cache size
constexpr unsigned deflate_level = 4;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------
// Errors: H5::Exception is not a std::exception, and its detail message is generic ("H5Fcreate
// failed"). The cause (file name, errno) is on the C error stack, which the next API call clears
// (e.g. a property list closed during unwinding), so it is captured when the failure happens by
// an HDF5 error handler installed for the duration of each writer call.

thread_local std::string captured_error;

herr_t collect_error(unsigned /*depth*/, const H5E_error2_t* err, void* client) {
  auto* out = static_cast<std::vector<std::string>*>(client);
  if (err->desc != nullptr && err->desc[0] != '\0') out->emplace_back(err->desc);
  return 0;
}

// Keeps the outermost message (what failed) and the innermost one (why: errno, file name).
herr_t capture_error_stack(hid_t stack, void* /*client*/) {
  if (!captured_error.empty()) return 0;
  std::vector<std::string> messages;
  H5Ewalk2(stack, H5E_WALK_DOWNWARD, collect_error, &messages);
  if (messages.empty()) return 0;
  captured_error = messages.front();
  if (messages.size() > 1) captured_error += ": " + messages.back();
  return 0;
}

/// Replaces HDF5's printing of error stacks with capture_error_stack while alive.
class ErrorCapture {
 public:
  ErrorCapture() {
    H5Eget_auto2(H5E_DEFAULT, &old_func_, &old_data_);
    H5Eset_auto2(H5E_DEFAULT, capture_error_stack, nullptr);
    captured_error.clear();
  }
  ~ErrorCapture() { H5Eset_auto2(H5E_DEFAULT, old_func_, old_data_); }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

 private:
  H5E_auto2_t old_func_ = nullptr;
  void* old_data_ = nullptr;
};

Error hdf5_error(const std::string& context, const H5::Exception& e) {
  std::string message = context + ": " + e.getDetailMsg();
  if (!captured_error.empty()) message += " (" + captured_error + ")";
  captured_error.clear();
  return Error(message);
}

// ---------------------------------------------------------------------------------------------
// Types. Memory types mirror the C++ structs; file types are packed copies, so struct padding
// (indeterminate bytes) never reaches the file and files are reproducible byte for byte.

using detail::packed_copy;
using detail::scalar_attribute;
using detail::string_attribute;
using detail::vlen_string_type;

H5::CompType summary_mem_type() {
  using P = H5::PredType;
  H5::CompType t(sizeof(RunSummary));
  t.insertMember("point_id", HOFFSET(RunSummary, point_id), P::NATIVE_UINT32);
  t.insertMember("replica", HOFFSET(RunSummary, replica), P::NATIVE_UINT32);
  t.insertMember("run_index", HOFFSET(RunSummary, run_index), P::NATIVE_UINT64);
  t.insertMember("seed", HOFFSET(RunSummary, seed), P::NATIVE_UINT64);
  t.insertMember("status", HOFFSET(RunSummary, status), P::NATIVE_INT32);
  t.insertMember("initial_price", HOFFSET(RunSummary, initial_price), P::NATIVE_DOUBLE);
  t.insertMember("final_price", HOFFSET(RunSummary, final_price), P::NATIVE_DOUBLE);
  t.insertMember("min_price", HOFFSET(RunSummary, min_price), P::NATIVE_DOUBLE);
  t.insertMember("max_drawdown", HOFFSET(RunSummary, max_drawdown), P::NATIVE_DOUBLE);
  t.insertMember("min_venue_price", HOFFSET(RunSummary, min_venue_price), P::NATIVE_DOUBLE);
  t.insertMember("min_oracle_price", HOFFSET(RunSummary, min_oracle_price), P::NATIVE_DOUBLE);
  t.insertMember("initial_debt", HOFFSET(RunSummary, initial_debt), P::NATIVE_DOUBLE);
  t.insertMember("liquidated_value", HOFFSET(RunSummary, liquidated_value), P::NATIVE_DOUBLE);
  t.insertMember("debt_repaid", HOFFSET(RunSummary, debt_repaid), P::NATIVE_DOUBLE);
  t.insertMember("n_liquidations", HOFFSET(RunSummary, n_liquidations), P::NATIVE_UINT64);
  t.insertMember("bad_debt", HOFFSET(RunSummary, bad_debt), P::NATIVE_DOUBLE);
  t.insertMember("n_events", HOFFSET(RunSummary, n_events), P::NATIVE_UINT64);
  t.insertMember("shock_origin", HOFFSET(RunSummary, shock_origin), P::NATIVE_INT32);
  t.insertMember("cascade_depth", HOFFSET(RunSummary, cascade_depth), P::NATIVE_INT32);
  t.insertMember("cascade_size", HOFFSET(RunSummary, cascade_size), P::NATIVE_UINT32);
  t.insertMember("insolvent_nodes", HOFFSET(RunSummary, insolvent_nodes), P::NATIVE_UINT32);
  t.insertMember("time_to_first_insolvency", HOFFSET(RunSummary, time_to_first_insolvency), P::NATIVE_DOUBLE);
  t.insertMember("wall_time_s", HOFFSET(RunSummary, wall_time_s), P::NATIVE_DOUBLE);
  return t;
}

H5::CompType event_mem_type() {
  using P = H5::PredType;
  using L = LiquidationRecord;
  H5::CompType t(sizeof(L));
  t.insertMember("run_index", HOFFSET(L, run_index), P::NATIVE_UINT64);
  t.insertMember("time_s", HOFFSET(L, time_s), P::NATIVE_DOUBLE);
  t.insertMember("protocol", HOFFSET(L, protocol), P::NATIVE_UINT32);
  t.insertMember("account", HOFFSET(L, account), P::NATIVE_UINT32);
  t.insertMember("liquidator", HOFFSET(L, liquidator), P::NATIVE_UINT32);
  t.insertMember("health_factor", HOFFSET(L, health_factor), P::NATIVE_DOUBLE);
  t.insertMember("oracle_price", HOFFSET(L, oracle_price), P::NATIVE_DOUBLE);
  t.insertMember("debt_repaid", HOFFSET(L, debt_repaid), P::NATIVE_DOUBLE);
  t.insertMember("collateral_seized", HOFFSET(L, collateral_seized), P::NATIVE_DOUBLE);
  t.insertMember("bonus", HOFFSET(L, bonus), P::NATIVE_DOUBLE);
  t.insertMember("protocol_fee", HOFFSET(L, protocol_fee), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt", HOFFSET(L, bad_debt), P::NATIVE_DOUBLE);
  return t;
}

H5::CompType adl_mem_type() {
  using P = H5::PredType;
  using A = AdlRecord;
  H5::CompType t(sizeof(A));
  t.insertMember("run_index", HOFFSET(A, run_index), P::NATIVE_UINT64);
  t.insertMember("time_s", HOFFSET(A, time_s), P::NATIVE_DOUBLE);
  t.insertMember("protocol", HOFFSET(A, protocol), P::NATIVE_UINT32);
  t.insertMember("market", HOFFSET(A, market), P::NATIVE_UINT32);
  t.insertMember("account", HOFFSET(A, account), P::NATIVE_UINT32);
  t.insertMember("side", HOFFSET(A, side), P::NATIVE_INT32);
  t.insertMember("size", HOFFSET(A, size), P::NATIVE_DOUBLE);
  t.insertMember("price", HOFFSET(A, price), P::NATIVE_DOUBLE);
  t.insertMember("pnl", HOFFSET(A, pnl), P::NATIVE_DOUBLE);
  t.insertMember("score", HOFFSET(A, score), P::NATIVE_DOUBLE);
  t.insertMember("loss_covered", HOFFSET(A, loss_covered), P::NATIVE_DOUBLE);
  return t;
}

/// One row of `/runs/errors` in memory (the message points into the RunResult).
struct ErrorRow {
  std::uint64_t run_index = 0;
  const char* message = nullptr;
};

H5::CompType error_mem_type() {
  H5::CompType t(sizeof(ErrorRow));
  t.insertMember("run_index", HOFFSET(ErrorRow, run_index), H5::PredType::NATIVE_UINT64);
  t.insertMember("message", HOFFSET(ErrorRow, message), vlen_string_type());
  return t;
}

/// One row of `/points/aggregates` (definitions in analysis/README.md).
struct AggregateRow {
  std::uint32_t point_id = 0;
  std::uint32_t n_runs = 0;
  std::uint32_t n_failed = 0;
  double bad_debt_mean = nan;
  double bad_debt_sd = nan;
  double bad_debt_p50 = nan;
  double bad_debt_p95 = nan;
  double bad_debt_p99 = nan;
  double bad_debt_var95 = nan;
  double bad_debt_var99 = nan;
  double bad_debt_es95 = nan;
  double bad_debt_es99 = nan;
  double prob_bad_debt = nan;
  double liquidated_value_mean = nan;
  double liquidated_value_p95 = nan;
  double n_liquidations_mean = nan;
  double min_price_mean = nan;
};

H5::CompType aggregate_mem_type() {
  using P = H5::PredType;
  using A = AggregateRow;
  H5::CompType t(sizeof(A));
  t.insertMember("point_id", HOFFSET(A, point_id), P::NATIVE_UINT32);
  t.insertMember("n_runs", HOFFSET(A, n_runs), P::NATIVE_UINT32);
  t.insertMember("n_failed", HOFFSET(A, n_failed), P::NATIVE_UINT32);
  t.insertMember("bad_debt_mean", HOFFSET(A, bad_debt_mean), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_sd", HOFFSET(A, bad_debt_sd), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_p50", HOFFSET(A, bad_debt_p50), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_p95", HOFFSET(A, bad_debt_p95), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_p99", HOFFSET(A, bad_debt_p99), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_var95", HOFFSET(A, bad_debt_var95), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_var99", HOFFSET(A, bad_debt_var99), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_es95", HOFFSET(A, bad_debt_es95), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_es99", HOFFSET(A, bad_debt_es99), P::NATIVE_DOUBLE);
  t.insertMember("prob_bad_debt", HOFFSET(A, prob_bad_debt), P::NATIVE_DOUBLE);
  t.insertMember("liquidated_value_mean", HOFFSET(A, liquidated_value_mean), P::NATIVE_DOUBLE);
  t.insertMember("liquidated_value_p95", HOFFSET(A, liquidated_value_p95), P::NATIVE_DOUBLE);
  t.insertMember("n_liquidations_mean", HOFFSET(A, n_liquidations_mean), P::NATIVE_DOUBLE);
  t.insertMember("min_price_mean", HOFFSET(A, min_price_mean), P::NATIVE_DOUBLE);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Statistics of one point, in run-index order (so the result does not depend on thread count).

/// `/runs/metrics`: run_index, point_id, replica, then one float64 per final metric.
constexpr std::size_t metrics_row_header = 16;
H5::CompType run_metrics_mem_type(const std::vector<std::string>& names) {
  using P = H5::PredType;
  H5::CompType t(metrics_row_header + 8 * names.size());
  t.insertMember("run_index", 0, P::NATIVE_UINT64);
  t.insertMember("point_id", 8, P::NATIVE_UINT32);
  t.insertMember("replica", 12, P::NATIVE_UINT32);
  for (std::size_t i = 0; i < names.size(); ++i) t.insertMember(names[i], metrics_row_header + 8 * i, P::NATIVE_DOUBLE);
  return t;
}

/// `/points/metrics`: point_id, n_ok, then the mean over the point's successful runs per metric.
constexpr std::size_t point_metrics_row_header = 8;
H5::CompType point_metrics_mem_type(const std::vector<std::string>& names) {
  using P = H5::PredType;
  H5::CompType t(point_metrics_row_header + 8 * names.size());
  t.insertMember("point_id", 0, P::NATIVE_UINT32);
  t.insertMember("n_ok", 4, P::NATIVE_UINT32);
  for (std::size_t i = 0; i < names.size(); ++i) t.insertMember(names[i], point_metrics_row_header + 8 * i, P::NATIVE_DOUBLE);
  return t;
}

double mean_of(const std::vector<double>& x) {
  if (x.empty()) return nan;
  double sum = 0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

double sample_sd(const std::vector<double>& x, double mean) {
  if (x.empty()) return nan;
  if (x.size() < 2) return 0.0;
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

/// Type-7 quantile of sorted data (linear interpolation between order statistics, numpy's
/// default). The interpolation is written as numpy's `_lerp` so results match it to the bit.
double quantile7(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return nan;
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const double lo_d = std::floor(h);
  const auto lo = static_cast<std::size_t>(lo_d);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = h - lo_d;
  const double a = sorted[lo];
  const double b = sorted[hi];
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

/// Expected shortfall: mean of the losses at or above VaR_q.
double expected_shortfall(const std::vector<double>& sorted, double var_q) {
  if (sorted.empty()) return nan;
  const auto first = std::lower_bound(sorted.begin(), sorted.end(), var_q);
  if (first == sorted.end()) return var_q;  // unreachable: VaR never exceeds the maximum
  double sum = 0;
  for (auto it = first; it != sorted.end(); ++it) sum += *it;
  return sum / static_cast<double>(sorted.end() - first);
}

/// The successful runs of the point being written, in run-index order.
struct PointValues {
  std::uint32_t n_runs = 0;
  std::uint32_t n_failed = 0;
  std::vector<double> bad_debt;
  std::vector<double> liquidated_value;
  std::vector<double> n_liquidations;
  std::vector<double> min_price;

  void clear() {
    n_runs = n_failed = 0;
    bad_debt.clear();
    liquidated_value.clear();
    n_liquidations.clear();
    min_price.clear();
  }
};

AggregateRow aggregate(std::uint32_t point_id, const PointValues& p) {
  AggregateRow row;
  row.point_id = point_id;
  row.n_runs = p.n_runs;
  row.n_failed = p.n_failed;
  if (p.bad_debt.empty()) return row;  // every statistic stays NaN

  row.bad_debt_mean = mean_of(p.bad_debt);
  row.bad_debt_sd = sample_sd(p.bad_debt, row.bad_debt_mean);
  std::vector<double> sorted = p.bad_debt;
  std::sort(sorted.begin(), sorted.end());
  row.bad_debt_p50 = quantile7(sorted, 0.50);
  row.bad_debt_p95 = quantile7(sorted, 0.95);
  row.bad_debt_p99 = quantile7(sorted, 0.99);
  row.bad_debt_var95 = row.bad_debt_p95;
  row.bad_debt_var99 = row.bad_debt_p99;
  row.bad_debt_es95 = expected_shortfall(sorted, row.bad_debt_var95);
  row.bad_debt_es99 = expected_shortfall(sorted, row.bad_debt_var99);
  const auto n_positive = std::count_if(sorted.begin(), sorted.end(), [](double v) { return v > 0; });
  row.prob_bad_debt = static_cast<double>(n_positive) / static_cast<double>(sorted.size());

  row.liquidated_value_mean = mean_of(p.liquidated_value);
  std::vector<double> liquidated = p.liquidated_value;
  std::sort(liquidated.begin(), liquidated.end());
  row.liquidated_value_p95 = quantile7(liquidated, 0.95);
  row.n_liquidations_mean = mean_of(p.n_liquidations);
  row.min_price_mean = mean_of(p.min_price);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Creation helpers. Object modification times are off everywhere: two runs of the same
// experiment then produce the same bytes (created_utc aside).

H5::DSetCreatPropList dataset_plist(int rank, const hsize_t* chunk, bool compress) {
  H5::DSetCreatPropList plist;
  H5Pset_obj_track_times(plist.getId(), 0);
  if (chunk != nullptr) {
    plist.setChunk(rank, chunk);
    if (compress) {
      plist.setShuffle();
      plist.setDeflate(deflate_level);
    }
  }
  return plist;
}

void create_group(H5::H5File& file, const char* name) {
  const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl, 0);
  const hid_t group = H5Gcreate2(file.getId(), name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  if (group < 0) throw H5::GroupIException("create_group", std::string("cannot create ") + name);
  H5Gclose(group);
}

/// A 1-D table of fixed size; chunked and compressed unless empty.
H5::DataSet create_fixed_table(H5::H5File& file, const std::string& name, const H5::DataType& type, hsize_t rows) {
  const hsize_t chunk = std::min<hsize_t>(std::max<hsize_t>(rows, 1), summary_chunk_rows);
  const H5::DataSpace space(1, &rows);
  return file.createDataSet(name, type, space, dataset_plist(1, rows > 0 ? &chunk : nullptr, true));
}

/// A 1-D table that grows as rows are appended.
H5::DataSet create_extendible_table(H5::H5File& file, const std::string& name, const H5::DataType& type,
                                    hsize_t chunk_rows) {
  const hsize_t dims = 0;
  const hsize_t max_dims = H5S_UNLIMITED;
  const H5::DataSpace space(1, &dims, &max_dims);
  return file.createDataSet(name, type, space, dataset_plist(1, &chunk_rows, true));
}

void append_rows(H5::DataSet& ds, const H5::DataType& mem_type, const void* rows, hsize_t n, hsize_t& size) {
  if (n == 0) return;
  const hsize_t new_size = size + n;
  ds.extend(&new_size);
  H5::DataSpace file_space = ds.getSpace();
  file_space.selectHyperslab(H5S_SELECT_SET, &n, &size);
  const H5::DataSpace mem_space(1, &n);
  ds.write(rows, mem_type, mem_space, file_space);
  size = new_size;
}

void write_rows_at(H5::DataSet& ds, const H5::DataType& mem_type, const void* rows, hsize_t n, hsize_t first) {
  if (n == 0) return;
  H5::DataSpace file_space = ds.getSpace();
  file_space.selectHyperslab(H5S_SELECT_SET, &n, &first);
  const H5::DataSpace mem_space(1, &n);
  ds.write(rows, mem_type, mem_space, file_space);
}


void string_array_attribute(H5::H5Object& obj, const char* name, const std::vector<std::string>& values) {
  const H5::StrType type = vlen_string_type();
  const hsize_t n = values.size();
  H5::Attribute attr = obj.createAttribute(name, type, H5::DataSpace(1, &n));
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& v : values) pointers.push_back(v.c_str());
  if (n > 0) attr.write(type, pointers.data());
}


void string_dataset(H5::H5File& file, const std::string& name, const std::string& value) {
  const H5::StrType type = vlen_string_type();
  H5::DataSet ds = file.createDataSet(name, type, H5::DataSpace(H5S_SCALAR), dataset_plist(0, nullptr, false));
  ds.write(value, type);
}

/// Whole-string number parse, locale independent ("0.8", "-1e-3", "+2"; not ".inf", "true").
bool parse_number(std::string_view text, double& out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

void write_sweep_points(H5::H5File& file, const OutputLayout& layout) {
  const std::size_t n_points = layout.n_points;
  const std::size_t n_params = layout.sweep_parameters.size();
  auto value = [&](std::size_t point, std::size_t param) -> const std::string& {
    return layout.sweep_values[point][param];
  };

  // Column kinds: float64 if every value parses, else a fixed-length string as wide as the
  // longest value. Rows are packed by hand, so the memory type is the (packed) file type.
  std::vector<bool> numeric(n_params, true);
  std::vector<std::size_t> width(n_params, 1);
  for (std::size_t c = 0; c < n_params; ++c) {
    for (std::size_t p = 0; p < n_points; ++p) {
      double parsed = 0;
      if (!parse_number(value(p, c), parsed)) numeric[c] = false;
      width[c] = std::max(width[c], value(p, c).size());
    }
  }
  std::vector<std::size_t> offset(n_params);
  std::size_t row_size = sizeof(std::uint32_t);
  for (std::size_t c = 0; c < n_params; ++c) {
    offset[c] = row_size;
    row_size += numeric[c] ? sizeof(double) : width[c];
  }

  H5::CompType type(row_size);
  type.insertMember("point_id", 0, H5::PredType::NATIVE_UINT32);
  for (std::size_t c = 0; c < n_params; ++c) {
    if (numeric[c]) {
      type.insertMember(layout.sweep_parameters[c], offset[c], H5::PredType::NATIVE_DOUBLE);
    } else {
      H5::StrType str(H5::PredType::C_S1, width[c]);
      str.setStrpad(H5T_STR_NULLPAD);
      str.setCset(H5T_CSET_UTF8);
      type.insertMember(layout.sweep_parameters[c], offset[c], str);
    }
  }

  std::vector<char> rows(row_size * n_points, '\0');
  for (std::size_t p = 0; p < n_points; ++p) {
    char* row = rows.data() + p * row_size;
    const auto point_id = static_cast<std::uint32_t>(p);
    std::memcpy(row, &point_id, sizeof point_id);
    for (std::size_t c = 0; c < n_params; ++c) {
      if (numeric[c]) {
        double parsed = 0;
        parse_number(value(p, c), parsed);
        std::memcpy(row + offset[c], &parsed, sizeof parsed);
      } else {
        // NUL-padded, not NUL-terminated: a value as wide as the column fills it.
        // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
        std::memcpy(row + offset[c], value(p, c).data(), value(p, c).size());
      }
    }
  }
  H5::DataSet ds = create_fixed_table(file, "/sweep/points", type, n_points);
  write_rows_at(ds, type, rows.data(), n_points, 0);
}

void validate_layout(const OutputLayout& layout) {
  if (layout.n_points == 0 || layout.replicas == 0) {
    throw Error("output: an experiment needs at least one point and one replica");
  }
  for (std::size_t i = 0; i < layout.sample_times_s.size(); ++i) {
    if (!std::isfinite(layout.sample_times_s[i]) ||
        (i > 0 && layout.sample_times_s[i] <= layout.sample_times_s[i - 1])) {
      throw Error("output: sample times must be finite and strictly increasing");
    }
  }
  const std::size_t n_params = layout.sweep_parameters.size();
  std::set<std::string> names{"point_id"};
  for (const auto& p : layout.sweep_parameters) {
    if (p.empty() || p.find('/') != std::string::npos || !names.insert(p).second) {
      throw Error("output: sweep parameter name '" + p + "' is empty, contains '/', or repeats");
    }
  }
  if (n_params > 0 && layout.sweep_values.size() != layout.n_points) {
    throw Error("output: " + std::to_string(layout.sweep_values.size()) + " rows of sweep values for " +
                std::to_string(layout.n_points) + " points");
  }
  for (const auto& row : layout.sweep_values) {
    if (row.size() != n_params) {
      throw Error("output: a sweep point has " + std::to_string(row.size()) + " values for " +
                  std::to_string(n_params) + " parameters");
    }
  }
  if (!layout.metric_units.empty() && layout.metric_units.size() != layout.metric_names.size()) {
    throw Error("output: " + std::to_string(layout.metric_units.size()) + " units for " +
                std::to_string(layout.metric_names.size()) + " metrics");
  }
  std::set<std::string> metrics{"time", "run"};  // the dimension scales
  for (const auto& m : layout.metric_names) {
    if (m.empty() || m.find('/') != std::string::npos || !metrics.insert(m).second) {
      throw Error("output: metric name '" + m + "' is empty, contains '/', repeats, or is 'time' or 'run'");
    }
  }
  if (!layout.final_metric_units.empty() && layout.final_metric_units.size() != layout.final_metric_names.size()) {
    throw Error("output: " + std::to_string(layout.final_metric_units.size()) + " units for " +
                std::to_string(layout.final_metric_names.size()) + " final metrics");
  }
  std::set<std::string> finals{"run_index", "point_id", "replica", "n_ok"};
  for (const auto& m : layout.final_metric_names) {
    if (m.empty() || !finals.insert(m).second) throw Error("output: final metric name '" + m + "' is empty or repeats");
  }
  for (std::size_t i = 0; i < layout.recorded_runs.size(); ++i) {
    if (layout.recorded_runs[i] >= layout.n_runs() ||
        (i > 0 && layout.recorded_runs[i] <= layout.recorded_runs[i - 1])) {
      throw Error("output: recorded_runs must be ascending run indices below n_runs = " +
                  std::to_string(layout.n_runs()));
    }
  }
}

}  // namespace

// -----------------------------------------------------------------------------------------------

struct Hdf5Writer::Impl {
  OutputLayout layout;
  std::string path;
  // Declared before the datasets, so it is destroyed after them.
  std::optional<H5::H5File> h5file;
  H5::CompType summary_mem = summary_mem_type();
  H5::CompType event_mem = event_mem_type();
  H5::CompType error_mem = error_mem_type();
  H5::CompType adl_mem = adl_mem_type();
  H5::DataSet adl;  // /events/adl, when layout.write_adl
  std::vector<AdlRecord> adl_buffer;
  hsize_t adl_size = 0;
  std::optional<H5::CompType> run_metrics_mem;  // built from the layout's metric names
  H5::DataSet summary;
  H5::DataSet run_metrics;
  H5::DataSet events;
  H5::DataSet errors;
  std::vector<H5::DataSet> series;
  std::vector<RunSummary> summary_buffer;  // rows from summary_written on
  hsize_t summary_written = 0;
  std::vector<unsigned char> metrics_buffer;  // rows of /runs/metrics from summary_written on
  std::vector<double> point_metric_sum;       // per final metric, over the point's ok runs
  std::vector<std::uint32_t> point_metric_n;
  std::uint32_t point_failed = 0;
  std::vector<unsigned char> point_metrics;   // rows of /points/metrics
  std::vector<double> heatmap_sum;            // [time][bin] over the current point's ok runs
  std::uint32_t heatmap_n = 0;
  std::vector<double> heatmap_rows;           // /heatmaps/liquidation [point][time][bin]
  std::vector<LiquidationRecord> event_buffer;
  H5::CompType node_mem = detail::node_record_mem_type();
  H5::DataSet nodes;  // /runs/nodes, when the layout has a network
  std::vector<NodeRecord> node_buffer;
  hsize_t nodes_size = 0;
  hsize_t events_size = 0;
  hsize_t errors_size = 0;
  std::uint64_t next_run = 0;
  std::size_t next_recorded = 0;  // index into layout.recorded_runs
  PointValues point;
  std::vector<AggregateRow> aggregates;
  // /points/protocol_insolvency: per protocol, the index of its "bad_debt" final metric (or -1),
  // the point's runs with that metric > 0, and the finished rows [point][protocol].
  std::vector<long> insolvency_metric;
  std::vector<std::uint32_t> point_insolvent;
  std::vector<double> insolvency_rows;
  bool closed = false;

  void open();
  void write(const RunResult& result, bool recorded);
  void flush_summary();
  void flush_events();
  void close();
};

void Hdf5Writer::Impl::open() {
  H5::FileCreatPropList fcpl;
  H5Pset_obj_track_times(fcpl.getId(), 0);  // the root group
  H5::H5File& file = h5file.emplace(path, H5F_ACC_TRUNC, fcpl);

  scalar_attribute(file, "format_version", H5::PredType::NATIVE_INT32, format_version);
  string_attribute(file, "cascade_version", layout.cascade_version);
  string_attribute(file, "created_utc", layout.created_utc);

  create_group(file, "/experiment");
  string_dataset(file, "/experiment/original_yaml", layout.original_yaml);
  string_dataset(file, "/experiment/normalized_yaml", layout.normalized_yaml);
  {
    H5::Group experiment = file.openGroup("/experiment");
    string_attribute(experiment, "source_path", layout.source_path);
    string_attribute(experiment, "cascade_version", layout.cascade_version);
    string_attribute(experiment, "git_revision", layout.git_revision);
    scalar_attribute(experiment, "seed", H5::PredType::NATIVE_UINT64, layout.seed);
    scalar_attribute(experiment, "n_points", H5::PredType::NATIVE_UINT32, layout.n_points);
    scalar_attribute(experiment, "replicas", H5::PredType::NATIVE_UINT32, layout.replicas);
  }

  create_group(file, "/sweep");
  write_sweep_points(file, layout);

  create_group(file, "/runs");
  summary = create_fixed_table(file, "/runs/summary", packed_copy(summary_mem), layout.n_runs());
  errors = create_extendible_table(file, "/runs/errors", packed_copy(error_mem), 64);
  run_metrics_mem.emplace(run_metrics_mem_type(layout.final_metric_names));
  run_metrics = create_fixed_table(file, "/runs/metrics", packed_copy(*run_metrics_mem), layout.n_runs());
  string_array_attribute(run_metrics, "metrics", layout.final_metric_names);
  string_array_attribute(run_metrics, "units", layout.final_metric_units.empty()
                                                   ? std::vector<std::string>(layout.final_metric_names.size())
                                                   : layout.final_metric_units);

  if (!layout.network.empty()) {
    detail::write_network(file, layout.network);
    nodes = create_extendible_table(file, "/runs/nodes", packed_copy(node_mem), event_chunk_rows);
    std::vector<std::string> names;
    for (const auto& n : layout.network.nodes) names.push_back(n.name);
    string_array_attribute(nodes, "nodes", names);
  }

  create_group(file, "/events");
  if (layout.write_liquidations) {
    events = create_extendible_table(file, "/events/liquidations", packed_copy(event_mem), event_chunk_rows);
    string_array_attribute(events, "protocols", layout.protocol_names);
  }
  if (layout.write_adl) {
    adl = create_extendible_table(file, "/events/adl", packed_copy(adl_mem), event_chunk_rows);
    string_array_attribute(adl, "protocols", layout.protocol_names);
    string_array_attribute(adl, "columns", {"run_index", "time_s", "protocol", "market", "account", "side", "size",
                                            "price", "pnl", "score", "loss_covered"});
    string_array_attribute(adl, "units", {"", "s", "", "", "", "", "contracts", "numeraire/contract", "numeraire", "",
                                          "numeraire"});
  }

  create_group(file, "/points");

  create_group(file, "/timeseries");
  {
    H5::Group group = file.openGroup("/timeseries");
    string_array_attribute(group, "metrics", layout.metric_names);  // declaration order
  }
  const hsize_t n_samples = layout.sample_times_s.size();
  const hsize_t n_recorded = layout.recorded_runs.size();
  H5::DataSet time = file.createDataSet("/timeseries/time", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n_samples),
                                        dataset_plist(1, nullptr, false));
  if (n_samples > 0) time.write(layout.sample_times_s.data(), H5::PredType::NATIVE_DOUBLE);
  string_attribute(time, "units", "s");
  if (H5DSset_scale(time.getId(), "time") < 0) {
    throw H5::DataSetIException("H5DSset_scale", "cannot make /timeseries/time a dimension scale");
  }
  H5::DataSet run = file.createDataSet("/timeseries/run", H5::PredType::STD_U64LE, H5::DataSpace(1, &n_recorded),
                                       dataset_plist(1, nullptr, false));
  if (n_recorded > 0) run.write(layout.recorded_runs.data(), H5::PredType::NATIVE_UINT64);
  if (H5DSset_scale(run.getId(), "run") < 0) {
    throw H5::DataSetIException("H5DSset_scale", "cannot make /timeseries/run a dimension scale");
  }

  // One run's series per chunk: a run is written (and usually read) whole.
  const hsize_t dims[2] = {n_recorded, n_samples};
  const hsize_t chunk[2] = {1, std::min(std::max<hsize_t>(n_samples, 1), max_series_chunk)};
  const bool empty = n_recorded == 0 || n_samples == 0;
  for (std::size_t m = 0; m < layout.metric_names.size(); ++m) {
    H5::DSetCreatPropList plist = dataset_plist(2, empty ? nullptr : chunk, true);
    plist.setFillValue(H5::PredType::NATIVE_DOUBLE, &nan);
    H5::DataSet ds = file.createDataSet("/timeseries/" + layout.metric_names[m], H5::PredType::IEEE_F64LE,
                                        H5::DataSpace(2, dims), plist);
    string_attribute(ds, "unit", layout.metric_units.empty() ? "" : layout.metric_units[m]);
    if (H5DSattach_scale(ds.getId(), run.getId(), 0) < 0 || H5DSattach_scale(ds.getId(), time.getId(), 1) < 0 ||
        H5DSset_label(ds.getId(), 0, "run") < 0 || H5DSset_label(ds.getId(), 1, "time") < 0) {
      throw H5::DataSetIException("H5DSattach_scale", "cannot attach dimension scales to " + layout.metric_names[m]);
    }
    series.push_back(ds);
  }
}

void Hdf5Writer::Impl::write(const RunResult& result, bool recorded) {
  const RunSummary& s = result.summary;

  {
    const std::size_t n = layout.final_metric_names.size();
    const std::size_t row = metrics_buffer.size();
    metrics_buffer.resize(row + metrics_row_header + 8 * n);
    unsigned char* out = metrics_buffer.data() + row;
    std::memcpy(out, &s.run_index, 8);
    std::memcpy(out + 8, &s.point_id, 4);
    std::memcpy(out + 12, &s.replica, 4);
    for (std::size_t i = 0; i < n; ++i) {
      const double v = result.final_metrics.empty() ? nan : result.final_metrics[i];
      std::memcpy(out + metrics_row_header + 8 * i, &v, 8);
    }
  }
  summary_buffer.push_back(s);
  if (summary_buffer.size() >= summary_chunk_rows) flush_summary();

  if (s.status == static_cast<std::int32_t>(RunStatus::failed)) {
    const ErrorRow row{s.run_index, result.error.c_str()};
    append_rows(errors, error_mem, &row, 1, errors_size);
  }

  if (recorded && !result.series.empty()) {
    const hsize_t n_samples = layout.sample_times_s.size();
    const hsize_t start[2] = {next_recorded, 0};
    const hsize_t count[2] = {1, n_samples};
    for (std::size_t m = 0; m < series.size() && n_samples > 0; ++m) {
      H5::DataSpace file_space = series[m].getSpace();
      file_space.selectHyperslab(H5S_SELECT_SET, count, start);
      const H5::DataSpace mem_space(1, &n_samples);
      series[m].write(result.series[m].data(), H5::PredType::NATIVE_DOUBLE, mem_space, file_space);
    }
  }

  if (layout.write_liquidations) {
    event_buffer.insert(event_buffer.end(), result.liquidations.begin(), result.liquidations.end());
    if (event_buffer.size() >= event_chunk_rows) flush_events();
  }
  if (layout.write_adl) {
    adl_buffer.insert(adl_buffer.end(), result.adl.begin(), result.adl.end());
    if (adl_buffer.size() >= event_chunk_rows) flush_events();
  }
  if (!layout.network.empty()) {
    node_buffer.insert(node_buffer.end(), result.nodes.begin(), result.nodes.end());
    if (node_buffer.size() >= event_chunk_rows) flush_events();
  }
}

void Hdf5Writer::Impl::flush_summary() {
  write_rows_at(summary, summary_mem, summary_buffer.data(), summary_buffer.size(), summary_written);
  write_rows_at(run_metrics, *run_metrics_mem, metrics_buffer.data(), summary_buffer.size(), summary_written);
  metrics_buffer.clear();
  summary_written += summary_buffer.size();
  summary_buffer.clear();
}

void Hdf5Writer::Impl::flush_events() {
  if (layout.write_liquidations) {
    append_rows(events, event_mem, event_buffer.data(), event_buffer.size(), events_size);
    event_buffer.clear();
  }
  if (layout.write_adl) {
    append_rows(adl, adl_mem, adl_buffer.data(), adl_buffer.size(), adl_size);
    adl_buffer.clear();
  }
  if (!layout.network.empty()) {
    append_rows(nodes, node_mem, node_buffer.data(), node_buffer.size(), nodes_size);
    node_buffer.clear();
  }
}

void Hdf5Writer::Impl::close() {
  H5::H5File& file = *h5file;
  flush_summary();
  flush_events();
  const H5::CompType aggregate_mem = aggregate_mem_type();
  H5::DataSet ds = create_fixed_table(file, "/points/aggregates", packed_copy(aggregate_mem), aggregates.size());
  write_rows_at(ds, aggregate_mem, aggregates.data(), aggregates.size(), 0);
  ds.close();
  const H5::CompType point_metrics_mem = point_metrics_mem_type(layout.final_metric_names);
  const hsize_t n_point_rows = layout.n_points;
  H5::DataSet pm = create_fixed_table(file, "/points/metrics", packed_copy(point_metrics_mem), n_point_rows);
  string_array_attribute(pm, "metrics", layout.final_metric_names);
  write_rows_at(pm, point_metrics_mem, point_metrics.data(), n_point_rows, 0);
  pm.close();
  {
    const hsize_t dims[2] = {layout.n_points, layout.protocol_names.size()};
    H5::DataSet pi = file.createDataSet("/points/protocol_insolvency", H5::PredType::IEEE_F64LE, H5::DataSpace(2, dims),
                                        dataset_plist(2, nullptr, false));
    if (!insolvency_rows.empty()) pi.write(insolvency_rows.data(), H5::PredType::NATIVE_DOUBLE);
    string_array_attribute(pi, "protocols", layout.protocol_names);
  }
  if (layout.heatmap_bins > 0) {
    file.createGroup("/heatmaps");
    const hsize_t n_times = layout.heatmap_times_s.size();
    const hsize_t n_bins = layout.heatmap_bins;
    H5::DataSet time = file.createDataSet("/heatmaps/time", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n_times),
                                          dataset_plist(1, nullptr, false));
    if (n_times > 0) time.write(layout.heatmap_times_s.data(), H5::PredType::NATIVE_DOUBLE);
    string_attribute(time, "units", "s");
    std::vector<double> lower(n_bins);
    for (hsize_t k = 0; k < n_bins; ++k)
      lower[k] = layout.heatmap_low + (layout.heatmap_high - layout.heatmap_low) * static_cast<double>(k) / static_cast<double>(n_bins);
    H5::DataSet bin_lower = file.createDataSet("/heatmaps/bin_lower", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n_bins),
                                               dataset_plist(1, nullptr, false));
    bin_lower.write(lower.data(), H5::PredType::NATIVE_DOUBLE);
    string_attribute(bin_lower, "units", "ratio");
    const hsize_t dims[3] = {layout.n_points, n_times, n_bins};
    H5::DataSet hm = file.createDataSet("/heatmaps/liquidation", H5::PredType::IEEE_F64LE, H5::DataSpace(3, dims),
                                        dataset_plist(3, nullptr, false));
    if (!heatmap_rows.empty()) hm.write(heatmap_rows.data(), H5::PredType::NATIVE_DOUBLE);
    string_attribute(hm, "units", "numeraire");
    string_attribute(hm, "variable",
                     "debt of positions whose liquidation price / oracle price lies in the bin; ratios >= high in the last "
                     "bin; mean over the point's completed runs (NaN when none); dims [point, time, bin]");
    scalar_attribute(hm, "low", H5::PredType::NATIVE_DOUBLE, layout.heatmap_low);
    scalar_attribute(hm, "high", H5::PredType::NATIVE_DOUBLE, layout.heatmap_high);
    scalar_attribute(hm, "bins", H5::PredType::NATIVE_UINT64, layout.heatmap_bins);
  }
  run_metrics.close();
  file.flush(H5F_SCOPE_GLOBAL);
  for (auto& d : series) d.close();
  summary.close();
  errors.close();
  if (layout.write_liquidations) events.close();
  if (layout.write_adl) adl.close();
  if (!layout.network.empty()) nodes.close();
  file.close();
}

// -----------------------------------------------------------------------------------------------

Hdf5Writer::Hdf5Writer(const std::string& path, const OutputLayout& layout) : impl_(std::make_unique<Impl>()) {
  validate_layout(layout);
  impl_->layout = layout;
  impl_->path = path;
  impl_->aggregates.reserve(layout.n_points);
  impl_->point_metric_sum.assign(layout.final_metric_names.size(), 0.0);
  impl_->point_metric_n.assign(layout.final_metric_names.size(), 0);
  for (const auto& protocol : layout.protocol_names) {
    const auto it = std::find(layout.final_metric_names.begin(), layout.final_metric_names.end(), protocol + ".bad_debt");
    impl_->insolvency_metric.push_back(it == layout.final_metric_names.end() ? -1 : it - layout.final_metric_names.begin());
  }
  impl_->point_insolvent.assign(layout.protocol_names.size(), 0);
  const ErrorCapture capture;
  try {
    impl_->open();
  } catch (const H5::Exception& e) {
    throw hdf5_error("cannot create HDF5 output '" + path + "'", e);
  }
}

Hdf5Writer::~Hdf5Writer() {
  // The H5 wrappers close their handles without throwing; the file stays incomplete.
  try {
    const ErrorCapture quiet;
    impl_.reset();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void Hdf5Writer::write(const RunResult& result) {
  Impl& w = *impl_;
  const RunSummary& s = result.summary;
  const OutputLayout& l = w.layout;
  if (w.closed) throw Error("output: write() after close()");
  if (s.run_index != w.next_run || s.run_index >= l.n_runs()) {
    throw Error("output: run " + std::to_string(s.run_index) + " written out of order (expected run " +
                std::to_string(w.next_run) + " of " + std::to_string(l.n_runs()) + ")");
  }
  if (s.point_id != s.run_index / l.replicas || s.replica != s.run_index % l.replicas) {
    throw Error("output: run " + std::to_string(s.run_index) + " has point_id " + std::to_string(s.point_id) +
                ", replica " + std::to_string(s.replica) + "; expected run_index = point_id * " +
                std::to_string(l.replicas) + " + replica");
  }
  const bool failed = s.status == static_cast<std::int32_t>(RunStatus::failed);
  if (!failed && s.status != static_cast<std::int32_t>(RunStatus::ok)) {
    throw Error("output: run " + std::to_string(s.run_index) + " has unknown status " + std::to_string(s.status));
  }
  const bool recorded = w.next_recorded < l.recorded_runs.size() && l.recorded_runs[w.next_recorded] == s.run_index;
  // A failed recorded run may come without series: its row keeps the NaN fill value.
  if (recorded && !(failed && result.series.empty())) {
    bool sizes_ok = result.series.size() == l.metric_names.size();
    for (const auto& v : result.series) sizes_ok = sizes_ok && v.size() == l.sample_times_s.size();
    if (!sizes_ok) {
      throw Error("output: run " + std::to_string(s.run_index) + " is recorded but its series are not " +
                  std::to_string(l.metric_names.size()) + " metrics x " + std::to_string(l.sample_times_s.size()) +
                  " samples");
    }
  }
  if (!result.final_metrics.empty() && result.final_metrics.size() != l.final_metric_names.size()) {
    throw Error("output: run " + std::to_string(s.run_index) + " has " + std::to_string(result.final_metrics.size()) +
                " final metrics; the layout has " + std::to_string(l.final_metric_names.size()));
  }
  if (l.write_liquidations) {
    for (const auto& e : result.liquidations) {
      if (e.run_index != s.run_index || e.protocol >= l.protocol_names.size()) {
        throw Error("output: run " + std::to_string(s.run_index) + " has a liquidation record with run_index " +
                    std::to_string(e.run_index) + " and protocol " + std::to_string(e.protocol) + " (of " +
                    std::to_string(l.protocol_names.size()) + " protocols)");
      }
    }
  }

  if (l.heatmap_bins > 0 && !failed && result.heatmap.size() != l.heatmap_times_s.size() * l.heatmap_bins) {
    throw Error("output: run " + std::to_string(s.run_index) + " has a heatmap of " + std::to_string(result.heatmap.size()) +
                " cells; the layout has " + std::to_string(l.heatmap_times_s.size() * l.heatmap_bins));
  }
  if (l.write_adl) {
    for (const auto& e : result.adl) {
      if (e.run_index != s.run_index || e.protocol >= l.protocol_names.size()) {
        throw Error("output: run " + std::to_string(s.run_index) + " has an ADL record with run_index " +
                    std::to_string(e.run_index) + " and protocol " + std::to_string(e.protocol));
      }
    }
  }

  const ErrorCapture capture;
  try {
    w.write(result, recorded);
  } catch (const H5::Exception& e) {
    throw hdf5_error("cannot write run " + std::to_string(s.run_index) + " to '" + w.path + "'", e);
  }

  ++w.point.n_runs;
  if (failed) {
    ++w.point.n_failed;
    ++w.point_failed;
  } else {
    w.point.bad_debt.push_back(s.bad_debt);
    w.point.liquidated_value.push_back(s.liquidated_value);
    w.point.n_liquidations.push_back(static_cast<double>(s.n_liquidations));
    w.point.min_price.push_back(s.min_price);
    if (l.heatmap_bins > 0) {
      w.heatmap_sum.resize(result.heatmap.size(), 0.0);
      for (std::size_t i = 0; i < result.heatmap.size(); ++i) w.heatmap_sum[i] += result.heatmap[i];
      ++w.heatmap_n;
    }
    for (std::size_t i = 0; i < result.final_metrics.size(); ++i) {
      if (!std::isfinite(result.final_metrics[i])) continue;
      w.point_metric_sum[i] += result.final_metrics[i];
      ++w.point_metric_n[i];
    }
    for (std::size_t k = 0; k < w.insolvency_metric.size(); ++k) {
      const long m = w.insolvency_metric[k];
      if (m >= 0 && !result.final_metrics.empty() && result.final_metrics[static_cast<std::size_t>(m)] > 0) ++w.point_insolvent[k];
    }
  }
  if (s.replica + 1 == l.replicas) {
    const std::uint32_t ok_runs = w.point.n_runs - w.point.n_failed;
    for (std::size_t k = 0; k < w.insolvency_metric.size(); ++k) {
      w.insolvency_rows.push_back(w.insolvency_metric[k] < 0 || ok_runs == 0 ? nan : static_cast<double>(w.point_insolvent[k]) / ok_runs);
    }
    std::fill(w.point_insolvent.begin(), w.point_insolvent.end(), 0u);
    w.aggregates.push_back(aggregate(s.point_id, w.point));
    w.point.clear();
    const std::size_t n = l.final_metric_names.size();
    const std::size_t row = w.point_metrics.size();
    w.point_metrics.resize(row + point_metrics_row_header + 8 * n);
    unsigned char* out = w.point_metrics.data() + row;
    const std::uint32_t n_ok = l.replicas - w.point_failed;
    std::memcpy(out, &s.point_id, 4);
    std::memcpy(out + 4, &n_ok, 4);
    for (std::size_t i = 0; i < n; ++i) {
      const double mean = w.point_metric_n[i] > 0 ? w.point_metric_sum[i] / w.point_metric_n[i] : nan;
      std::memcpy(out + point_metrics_row_header + 8 * i, &mean, 8);
    }
    std::fill(w.point_metric_sum.begin(), w.point_metric_sum.end(), 0.0);
    std::fill(w.point_metric_n.begin(), w.point_metric_n.end(), 0u);
    w.point_failed = 0;
    if (l.heatmap_bins > 0) {
      const std::size_t cells = l.heatmap_times_s.size() * l.heatmap_bins;
      for (std::size_t i = 0; i < cells; ++i) w.heatmap_rows.push_back(w.heatmap_n > 0 ? w.heatmap_sum[i] / w.heatmap_n : nan);
      w.heatmap_sum.assign(cells, 0.0);
      w.heatmap_n = 0;
    }
  }
  if (recorded) ++w.next_recorded;
  ++w.next_run;
}

void Hdf5Writer::close() {
  Impl& w = *impl_;
  if (w.closed) return;
  if (w.next_run != w.layout.n_runs()) {
    throw Error("output: close() after " + std::to_string(w.next_run) + " of " + std::to_string(w.layout.n_runs()) +
                " runs; the file is incomplete");
  }
  const ErrorCapture capture;
  try {
    w.close();
  } catch (const H5::Exception& e) {
    throw hdf5_error("cannot finish HDF5 output '" + w.path + "'", e);
  }
  w.closed = true;
}

}  // namespace cascade::output
