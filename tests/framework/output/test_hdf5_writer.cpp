// Writes a small, hand-made experiment with Hdf5Writer and reads it back with the HDF5 C/C++
// API. Every expected number below is worked out by hand in the comments.

#include <H5Cpp.h>
#include <doctest/doctest.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cascade/core/error.hpp"
#include "cascade/output/hdf5_writer.hpp"

namespace {

using cascade::output::Hdf5Writer;
using cascade::output::LiquidationRecord;
using cascade::output::OutputLayout;
using cascade::output::RunResult;
using cascade::output::RunStatus;

std::filesystem::path temp_file(const std::string& tag) {
  return std::filesystem::temp_directory_path() /
         ("cascade_test_hdf5_" + tag + "_" + std::to_string(::getpid()) + ".h5");
}

/// Removes the file when the test ends, pass or fail.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& tag) : path(temp_file(tag)) {}
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

// Two points x four replicas = eight runs. Point 1 sweeps ltv 0.8 and the "english" auction.
OutputLayout make_layout() {
  OutputLayout l;
  l.original_yaml = "experiment:\n  name: unit\n";
  l.normalized_yaml = "experiment:\n  name: unit\n  seed: 7\n";
  l.source_path = "tests/unit.yaml";
  l.cascade_version = "0.1.0-test";
  l.git_revision = "abc1234";
  l.created_utc = "2024-01-02T03:04:05Z";
  l.seed = 7;
  l.n_points = 2;
  l.replicas = 4;
  l.sweep_parameters = {"protocols.aave.ltv", "auction"};
  l.sweep_values = {{"0.7", "dutch"}, {"0.8", "english"}};
  l.metric_names = {"eth_ref.price", "aave.debt"};
  l.metric_units = {"USD", "USD"};
  l.sample_times_s = {0.0, 600.0, 1200.0};
  l.recorded_runs = {1, 5, 6};  // run 5 fails and sends no series: its row stays NaN
  l.write_liquidations = true;
  l.protocol_names = {"aave", "compound"};
  return l;
}

LiquidationRecord event(std::uint64_t run, double time_s, std::uint32_t protocol, double repaid) {
  LiquidationRecord e;
  e.run_index = run;
  e.time_s = time_s;
  e.protocol = protocol;
  e.account = static_cast<std::uint32_t>(run * 10);
  e.liquidator = 3;
  e.health_factor = 0.95;
  e.oracle_price = 1500.0;
  e.debt_repaid = repaid;
  e.collateral_seized = repaid / 1500.0 * 1.05;
  e.bonus = repaid / 1500.0 * 0.05;
  e.protocol_fee = repaid / 1500.0 * 0.005;
  e.bad_debt = 0.0;
  return e;
}

struct RunSpec {
  double bad_debt;
  double liquidated_value;
  std::uint64_t n_liquidations;
  double min_price;
  bool failed = false;
};

// Point 0 (runs 0-3): bad debt {0, 0, 10, 30}, liquidated {100, 200, 300, 400},
//   liquidations {0, 1, 2, 1}, min price {90, 80, 70, 60}.
// Point 1 (runs 4-7): run 5 failed (its bad debt 1000 must be ignored); the others have bad debt
//   {4, 0, 2}, liquidated {50, 0, 10}, liquidations {3, 0, 1}, min price {100, 90, 80}.
const std::vector<RunSpec> run_specs = {
    {0, 100, 0, 90}, {0, 200, 1, 80},         {10, 300, 2, 70}, {30, 400, 1, 60},
    {4, 50, 3, 100}, {1000, 999, 0, 1, true}, {0, 0, 0, 90},    {2, 10, 1, 80},
};

std::vector<RunResult> make_results(const OutputLayout& l) {
  std::vector<RunResult> results;
  for (std::uint64_t i = 0; i < run_specs.size(); ++i) {
    const RunSpec& spec = run_specs[i];
    RunResult r;
    r.summary.point_id = static_cast<std::uint32_t>(i / l.replicas);
    r.summary.replica = static_cast<std::uint32_t>(i % l.replicas);
    r.summary.run_index = i;
    r.summary.seed = l.seed;
    r.summary.status = static_cast<std::int32_t>(spec.failed ? RunStatus::failed : RunStatus::ok);
    r.summary.initial_price = 100.0;
    r.summary.final_price = 95.0 + static_cast<double>(i);
    r.summary.min_price = spec.min_price;
    r.summary.max_drawdown = 0.01 * static_cast<double>(i);
    r.summary.liquidated_value = spec.liquidated_value;
    r.summary.n_liquidations = spec.n_liquidations;
    r.summary.bad_debt = spec.bad_debt;
    r.summary.n_events = 1000 + i;
    r.summary.wall_time_s = 0.5;
    if (spec.failed) r.error = "run 5: liquidator ran out of capital";
    for (std::uint64_t k = 0; k < spec.n_liquidations; ++k) {
      // Protocol alternates so both indices appear; repaid = 100 * run + k.
      r.liquidations.push_back(event(i, 60.0 * static_cast<double>(i + k), static_cast<std::uint32_t>((i + k) % 2),
                                     100.0 * static_cast<double>(i) + static_cast<double>(k)));
    }
    if (i == 1) r.series = {{100, 95, 80}, {1000, 1000, 900}};
    if (i == 6) r.series = {{100, 90, 85}, {500, 400, 400}};
    results.push_back(r);
  }
  return results;
}

void write_all(const std::filesystem::path& path, const OutputLayout& l) {
  Hdf5Writer w(path.string(), l);
  for (const auto& r : make_results(l)) w.write(r);
  w.close();
}

std::string read_string_attribute(const H5::H5Object& obj, const char* name) {
  const H5::Attribute a = obj.openAttribute(name);
  std::string value;
  a.read(a.getStrType(), value);
  return value;
}

std::vector<std::string> member_names(const H5::DataSet& ds) {
  const H5::CompType t = ds.getCompType();
  std::vector<std::string> names(static_cast<std::size_t>(t.getNmembers()));
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = t.getMemberName(static_cast<unsigned>(i));
  return names;
}

hsize_t rows_of(const H5::DataSet& ds) {
  hsize_t n = 0;
  ds.getSpace().getSimpleExtentDims(&n);
  return n;
}

// Read-side structs: HDF5 matches compound members by name, so these list only what is checked.
struct SummaryRead {
  std::uint32_t point_id, replica;
  std::uint64_t run_index, seed;
  std::int32_t status;
  double final_price, min_price, bad_debt;
  std::uint64_t n_liquidations, n_events;
};

struct EventRead {
  std::uint64_t run_index;
  double time_s;
  std::uint32_t protocol, account;
  double debt_repaid, collateral_seized;
};

struct AggregateRead {
  std::uint32_t point_id, n_runs, n_failed;
  double mean, sd, p50, p95, p99, var95, var99, es95, es99, prob, lv_mean, lv_p95, nliq_mean, minp_mean;
};

}  // namespace

TEST_CASE("Hdf5Writer: root, experiment and sweep points") {
  const TempFile file("layout");
  const OutputLayout l = make_layout();
  write_all(file.path, l);

  const H5::H5File f(file.path.string(), H5F_ACC_RDONLY);
  std::int32_t version = 0;
  f.openAttribute("format_version").read(H5::PredType::NATIVE_INT32, &version);
  CHECK(version == 1);
  CHECK(read_string_attribute(f, "cascade_version") == "0.1.0-test");
  CHECK(read_string_attribute(f, "created_utc") == "2024-01-02T03:04:05Z");

  const H5::Group e = f.openGroup("/experiment");
  std::string yaml;
  const H5::DataSet normalized = f.openDataSet("/experiment/normalized_yaml");
  normalized.read(yaml, normalized.getStrType());
  CHECK(yaml == l.normalized_yaml);
  const H5::DataSet original = f.openDataSet("/experiment/original_yaml");
  original.read(yaml, original.getStrType());
  CHECK(yaml == l.original_yaml);
  CHECK(read_string_attribute(e, "git_revision") == "abc1234");
  CHECK(read_string_attribute(e, "source_path") == "tests/unit.yaml");
  std::uint64_t seed = 0;
  std::uint32_t n_points = 0, replicas = 0;
  e.openAttribute("seed").read(H5::PredType::NATIVE_UINT64, &seed);
  e.openAttribute("n_points").read(H5::PredType::NATIVE_UINT32, &n_points);
  e.openAttribute("replicas").read(H5::PredType::NATIVE_UINT32, &replicas);
  CHECK(seed == 7);
  CHECK(n_points == 2);
  CHECK(replicas == 4);

  // ltv parses as numbers -> float64 column; auction does not -> fixed-length string column.
  const H5::DataSet points = f.openDataSet("/sweep/points");
  CHECK(rows_of(points) == 2);
  CHECK(member_names(points) == std::vector<std::string>{"point_id", "protocols.aave.ltv", "auction"});
  const H5::CompType ptype = points.getCompType();
  CHECK(ptype.getMemberClass(1) == H5T_FLOAT);
  CHECK(ptype.getMemberClass(2) == H5T_STRING);
  struct PointRead {
    std::uint32_t point_id;
    double ltv;
    char auction[8];
  };
  H5::CompType pread(sizeof(PointRead));
  pread.insertMember("point_id", HOFFSET(PointRead, point_id), H5::PredType::NATIVE_UINT32);
  pread.insertMember("protocols.aave.ltv", HOFFSET(PointRead, ltv), H5::PredType::NATIVE_DOUBLE);
  H5::StrType auction_type(H5::PredType::C_S1, 8);
  auction_type.setCset(H5T_CSET_UTF8);  // HDF5 does not convert between character sets
  pread.insertMember("auction", HOFFSET(PointRead, auction), auction_type);
  PointRead rows[2] = {};
  points.read(rows, pread);
  CHECK(rows[0].point_id == 0);
  CHECK(rows[1].point_id == 1);
  CHECK(rows[0].ltv == 0.7);
  CHECK(rows[1].ltv == 0.8);
  CHECK(std::string(rows[0].auction) == "dutch");
  CHECK(std::string(rows[1].auction) == "english");
}

TEST_CASE("Hdf5Writer: /sweep/points without a sweep has one row per point, point_id only") {
  const TempFile file("nosweep");
  OutputLayout l;
  l.n_points = 1;
  l.replicas = 2;
  l.protocol_names = {"aave"};
  {
    Hdf5Writer w(file.path.string(), l);
    for (std::uint32_t i = 0; i < 2; ++i) {
      RunResult r;
      r.summary.replica = i;
      r.summary.run_index = i;
      w.write(r);
    }
    w.close();
  }
  const H5::H5File f(file.path.string(), H5F_ACC_RDONLY);
  const H5::DataSet points = f.openDataSet("/sweep/points");
  CHECK(rows_of(points) == 1);
  CHECK(member_names(points) == std::vector<std::string>{"point_id"});
  // Nothing failed, nothing liquidated, nothing recorded: the tables exist and are empty.
  CHECK(rows_of(f.openDataSet("/runs/errors")) == 0);
  CHECK(rows_of(f.openDataSet("/events/liquidations")) == 0);
  CHECK(rows_of(f.openDataSet("/timeseries/run")) == 0);
  CHECK(rows_of(f.openDataSet("/points/aggregates")) == 1);
}

TEST_CASE("Hdf5Writer: /runs/summary and /runs/errors") {
  const TempFile file("summary");
  write_all(file.path, make_layout());
  const H5::H5File f(file.path.string(), H5F_ACC_RDONLY);

  const H5::DataSet summary = f.openDataSet("/runs/summary");
  CHECK(rows_of(summary) == 8);
  CHECK(member_names(summary) == std::vector<std::string>{"point_id", "replica", "run_index", "seed", "status",
                                                          "initial_price", "final_price", "min_price", "max_drawdown",
                                                          "min_venue_price", "min_oracle_price", "initial_debt",
                                                          "liquidated_value", "debt_repaid", "n_liquidations",
                                                          "bad_debt", "n_events", "shock_origin", "cascade_depth", "cascade_size",
                                                          "insolvent_nodes", "time_to_first_insolvency", "wall_time_s"});
  // Chunked and compressed (deflate + shuffle).
  const H5::DSetCreatPropList plist = summary.getCreatePlist();
  CHECK(plist.getLayout() == H5D_CHUNKED);
  CHECK(plist.allFiltersAvail());
  CHECK(plist.getNfilters() == 2);

  H5::CompType t(sizeof(SummaryRead));
  using P = H5::PredType;
  t.insertMember("point_id", HOFFSET(SummaryRead, point_id), P::NATIVE_UINT32);
  t.insertMember("replica", HOFFSET(SummaryRead, replica), P::NATIVE_UINT32);
  t.insertMember("run_index", HOFFSET(SummaryRead, run_index), P::NATIVE_UINT64);
  t.insertMember("seed", HOFFSET(SummaryRead, seed), P::NATIVE_UINT64);
  t.insertMember("status", HOFFSET(SummaryRead, status), P::NATIVE_INT32);
  t.insertMember("final_price", HOFFSET(SummaryRead, final_price), P::NATIVE_DOUBLE);
  t.insertMember("min_price", HOFFSET(SummaryRead, min_price), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt", HOFFSET(SummaryRead, bad_debt), P::NATIVE_DOUBLE);
  t.insertMember("n_liquidations", HOFFSET(SummaryRead, n_liquidations), P::NATIVE_UINT64);
  t.insertMember("n_events", HOFFSET(SummaryRead, n_events), P::NATIVE_UINT64);
  std::vector<SummaryRead> rows(8);
  summary.read(rows.data(), t);
  for (std::uint64_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(rows[i].run_index == i);
    CHECK(rows[i].point_id == i / 4);
    CHECK(rows[i].replica == i % 4);
    CHECK(rows[i].seed == 7);
    CHECK(rows[i].final_price == 95.0 + static_cast<double>(i));
    CHECK(rows[i].n_events == 1000 + i);
  }
  CHECK(rows[3].bad_debt == 30.0);
  CHECK(rows[3].min_price == 60.0);
  CHECK(rows[4].n_liquidations == 3);
  CHECK(rows[5].status == 1);
  CHECK(rows[5].bad_debt == 1000.0);
  CHECK(rows[6].status == 0);

  const H5::DataSet errors = f.openDataSet("/runs/errors");
  CHECK(member_names(errors) == std::vector<std::string>{"run_index", "message"});
  REQUIRE(rows_of(errors) == 1);
  struct ErrorRead {
    std::uint64_t run_index;
    char* message;
  };
  H5::StrType vstr(P::C_S1, H5T_VARIABLE);
  H5::CompType et(sizeof(ErrorRead));
  et.insertMember("run_index", HOFFSET(ErrorRead, run_index), P::NATIVE_UINT64);
  et.insertMember("message", HOFFSET(ErrorRead, message), vstr);
  ErrorRead err{};
  errors.read(&err, et);
  CHECK(err.run_index == 5);
  CHECK(std::string(err.message) == "run 5: liquidator ran out of capital");
  const hsize_t one = 1;
  H5Dvlen_reclaim(et.getId(), H5::DataSpace(1, &one).getId(), H5P_DEFAULT, &err);
}

TEST_CASE("Hdf5Writer: /events/liquidations are appended in write order") {
  const TempFile file("events");
  write_all(file.path, make_layout());
  const H5::H5File f(file.path.string(), H5F_ACC_RDONLY);

  const H5::DataSet ds = f.openDataSet("/events/liquidations");
  CHECK(member_names(ds) == std::vector<std::string>{"run_index", "time_s", "protocol", "account", "liquidator",
                                                     "health_factor", "oracle_price", "debt_repaid",
                                                     "collateral_seized", "bonus", "protocol_fee", "bad_debt"});
  hsize_t max_dims = 0, dims = 0;
  ds.getSpace().getSimpleExtentDims(&dims, &max_dims);
  CHECK(max_dims == H5S_UNLIMITED);
  // Liquidation counts per run {0, 1, 2, 1, 3, 0, 0, 1}: 8 rows, run by run.
  REQUIRE(dims == 8);

  H5::CompType t(sizeof(EventRead));
  using P = H5::PredType;
  t.insertMember("run_index", HOFFSET(EventRead, run_index), P::NATIVE_UINT64);
  t.insertMember("time_s", HOFFSET(EventRead, time_s), P::NATIVE_DOUBLE);
  t.insertMember("protocol", HOFFSET(EventRead, protocol), P::NATIVE_UINT32);
  t.insertMember("account", HOFFSET(EventRead, account), P::NATIVE_UINT32);
  t.insertMember("debt_repaid", HOFFSET(EventRead, debt_repaid), P::NATIVE_DOUBLE);
  t.insertMember("collateral_seized", HOFFSET(EventRead, collateral_seized), P::NATIVE_DOUBLE);
  std::vector<EventRead> rows(8);
  ds.read(rows.data(), t);
  // (run, k): time = 60 (run + k), protocol = (run + k) % 2, repaid = 100 run + k.
  const std::uint64_t run[8] = {1, 2, 2, 3, 4, 4, 4, 7};
  const std::uint64_t k[8] = {0, 0, 1, 0, 0, 1, 2, 0};
  for (std::size_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(rows[i].run_index == run[i]);
    CHECK(rows[i].time_s == 60.0 * static_cast<double>(run[i] + k[i]));
    CHECK(rows[i].protocol == (run[i] + k[i]) % 2);
    CHECK(rows[i].account == run[i] * 10);
    CHECK(rows[i].debt_repaid == 100.0 * static_cast<double>(run[i]) + static_cast<double>(k[i]));
  }
  // Run 4, k = 2: repaid 402 USD at 1500 USD/ETH with a 5 % bonus -> 402 / 1500 * 1.05 = 0.2814.
  CHECK(rows[6].collateral_seized == doctest::Approx(0.2814).epsilon(1e-12));

  const H5::Attribute protocols = ds.openAttribute("protocols");
  hsize_t n = 0;
  protocols.getSpace().getSimpleExtentDims(&n);
  REQUIRE(n == 2);
  std::vector<char*> names(2);
  const H5::StrType vstr(P::C_S1, H5T_VARIABLE);
  protocols.read(vstr, names.data());
  CHECK(std::string(names[0]) == "aave");
  CHECK(std::string(names[1]) == "compound");
  H5Dvlen_reclaim(vstr.getId(), protocols.getSpace().getId(), H5P_DEFAULT, names.data());
}

TEST_CASE("Hdf5Writer: /timeseries values and dimension scales") {
  const TempFile file("series");
  write_all(file.path, make_layout());
  const H5::H5File f(file.path.string(), H5F_ACC_RDONLY);

  const H5::DataSet time = f.openDataSet("/timeseries/time");
  const H5::DataSet run = f.openDataSet("/timeseries/run");
  CHECK(H5DSis_scale(time.getId()) > 0);
  CHECK(H5DSis_scale(run.getId()) > 0);
  CHECK(read_string_attribute(time, "units") == "s");
  std::vector<double> t(3);
  time.read(t.data(), H5::PredType::NATIVE_DOUBLE);
  CHECK(t == std::vector<double>{0, 600, 1200});
  REQUIRE(rows_of(run) == 3);
  std::vector<std::uint64_t> runs(3);
  run.read(runs.data(), H5::PredType::NATIVE_UINT64);
  CHECK(runs == std::vector<std::uint64_t>{1, 5, 6});

  // HDF5 lists datasets alphabetically; the declaration order is kept in an attribute.
  const H5::Attribute listed = f.openGroup("/timeseries").openAttribute("metrics");
  std::vector<char*> metric_names(2);
  const H5::StrType vstr(H5::PredType::C_S1, H5T_VARIABLE);
  listed.read(vstr, metric_names.data());
  CHECK(std::string(metric_names[0]) == "eth_ref.price");
  CHECK(std::string(metric_names[1]) == "aave.debt");
  H5Dvlen_reclaim(vstr.getId(), listed.getSpace().getId(), H5P_DEFAULT, metric_names.data());

  const H5::DataSet price = f.openDataSet("/timeseries/eth_ref.price");
  const H5::DataSet debt = f.openDataSet("/timeseries/aave.debt");
  for (const H5::DataSet* ds : {&price, &debt}) {
    hsize_t dims[2] = {};
    REQUIRE(ds->getSpace().getSimpleExtentNdims() == 2);
    ds->getSpace().getSimpleExtentDims(dims);
    CHECK(dims[0] == 3);
    CHECK(dims[1] == 3);
    CHECK(H5DSis_attached(ds->getId(), run.getId(), 0) > 0);
    CHECK(H5DSis_attached(ds->getId(), time.getId(), 1) > 0);
    char label[16] = {};
    H5DSget_label(ds->getId(), 0, label, sizeof label);
    CHECK(std::string(label) == "run");
    H5DSget_label(ds->getId(), 1, label, sizeof label);
    CHECK(std::string(label) == "time");
    CHECK(read_string_attribute(*ds, "unit") == "USD");
  }
  double p[3][3] = {};
  price.read(p, H5::PredType::NATIVE_DOUBLE);
  CHECK(p[0][0] == 100);  // run 1
  CHECK(p[0][1] == 95);
  CHECK(p[0][2] == 80);
  CHECK(std::isnan(p[1][0]));  // run 5 failed without series: NaN fill
  CHECK(std::isnan(p[1][2]));
  CHECK(p[2][1] == 90);  // run 6
  CHECK(p[2][2] == 85);
  double d[3][3] = {};
  debt.read(d, H5::PredType::NATIVE_DOUBLE);
  CHECK(d[0][2] == 900);
  CHECK(d[2][0] == 500);
  CHECK(d[2][1] == 400);
}

TEST_CASE("Hdf5Writer: /points/aggregates match hand-computed statistics") {
  const TempFile file("aggregates");
  write_all(file.path, make_layout());
  const H5::H5File f(file.path.string(), H5F_ACC_RDONLY);

  const H5::DataSet ds = f.openDataSet("/points/aggregates");
  REQUIRE(rows_of(ds) == 2);
  using P = H5::PredType;
  H5::CompType t(sizeof(AggregateRead));
  t.insertMember("point_id", HOFFSET(AggregateRead, point_id), P::NATIVE_UINT32);
  t.insertMember("n_runs", HOFFSET(AggregateRead, n_runs), P::NATIVE_UINT32);
  t.insertMember("n_failed", HOFFSET(AggregateRead, n_failed), P::NATIVE_UINT32);
  t.insertMember("bad_debt_mean", HOFFSET(AggregateRead, mean), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_sd", HOFFSET(AggregateRead, sd), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_p50", HOFFSET(AggregateRead, p50), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_p95", HOFFSET(AggregateRead, p95), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_p99", HOFFSET(AggregateRead, p99), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_var95", HOFFSET(AggregateRead, var95), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_var99", HOFFSET(AggregateRead, var99), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_es95", HOFFSET(AggregateRead, es95), P::NATIVE_DOUBLE);
  t.insertMember("bad_debt_es99", HOFFSET(AggregateRead, es99), P::NATIVE_DOUBLE);
  t.insertMember("prob_bad_debt", HOFFSET(AggregateRead, prob), P::NATIVE_DOUBLE);
  t.insertMember("liquidated_value_mean", HOFFSET(AggregateRead, lv_mean), P::NATIVE_DOUBLE);
  t.insertMember("liquidated_value_p95", HOFFSET(AggregateRead, lv_p95), P::NATIVE_DOUBLE);
  t.insertMember("n_liquidations_mean", HOFFSET(AggregateRead, nliq_mean), P::NATIVE_DOUBLE);
  t.insertMember("min_price_mean", HOFFSET(AggregateRead, minp_mean), P::NATIVE_DOUBLE);
  AggregateRead a[2] = {};
  ds.read(a, t);

  // Point 0, bad debt {0, 0, 10, 30} (sorted, n = 4):
  //   mean = 40 / 4 = 10; sd = sqrt((100 + 100 + 0 + 400) / 3) = sqrt(200).
  //   type-7: h = (n - 1) q.  q = .50: h = 1.5  -> 0 + 0.5 (10 - 0)   = 5
  //                           q = .95: h = 2.85 -> 10 + 0.85 (30 - 10) = 27
  //                           q = .99: h = 2.97 -> 10 + 0.97 (30 - 10) = 29.4
  //   ES95 = mean{x >= 27} = 30; ES99 = mean{x >= 29.4} = 30; P(bad debt > 0) = 2 / 4.
  // Liquidated {100, 200, 300, 400}: mean 250, p95 = 300 + 0.85 * 100 = 385.
  // Liquidations {0, 1, 2, 1}: mean 1. Min price {90, 80, 70, 60}: mean 75.
  CHECK(a[0].point_id == 0);
  CHECK(a[0].n_runs == 4);
  CHECK(a[0].n_failed == 0);
  CHECK(a[0].mean == doctest::Approx(10.0));
  CHECK(a[0].sd == doctest::Approx(std::sqrt(200.0)));
  CHECK(a[0].p50 == doctest::Approx(5.0));
  CHECK(a[0].p95 == doctest::Approx(27.0));
  CHECK(a[0].p99 == doctest::Approx(29.4));
  CHECK(a[0].var95 == doctest::Approx(27.0));
  CHECK(a[0].var99 == doctest::Approx(29.4));
  CHECK(a[0].es95 == doctest::Approx(30.0));
  CHECK(a[0].es99 == doctest::Approx(30.0));
  CHECK(a[0].prob == doctest::Approx(0.5));
  CHECK(a[0].lv_mean == doctest::Approx(250.0));
  CHECK(a[0].lv_p95 == doctest::Approx(385.0));
  CHECK(a[0].nliq_mean == doctest::Approx(1.0));
  CHECK(a[0].minp_mean == doctest::Approx(75.0));

  // Point 1: run 5 failed and is left out; bad debt of runs 4, 6, 7 = {4, 0, 2}, sorted {0, 2, 4}:
  //   mean 2; sd = sqrt((4 + 4 + 0) / 2) = 2; p50: h = 1 -> 2;
  //   p95: h = 1.9 -> 2 + 0.9 (4 - 2) = 3.8; p99: h = 1.98 -> 2 + 0.98 * 2 = 3.96;
  //   ES95 = ES99 = mean{4} = 4; P(bad debt > 0) = 2 / 3.
  // Liquidated {50, 0, 10} -> sorted {0, 10, 50}: mean 20, p95 = 10 + 0.9 * 40 = 46.
  // Liquidations {3, 0, 1}: mean 4 / 3. Min price {100, 90, 80}: mean 90.
  CHECK(a[1].point_id == 1);
  CHECK(a[1].n_runs == 4);
  CHECK(a[1].n_failed == 1);
  CHECK(a[1].mean == doctest::Approx(2.0));
  CHECK(a[1].sd == doctest::Approx(2.0));
  CHECK(a[1].p50 == doctest::Approx(2.0));
  CHECK(a[1].p95 == doctest::Approx(3.8));
  CHECK(a[1].p99 == doctest::Approx(3.96));
  CHECK(a[1].es95 == doctest::Approx(4.0));
  CHECK(a[1].es99 == doctest::Approx(4.0));
  CHECK(a[1].prob == doctest::Approx(2.0 / 3.0));
  CHECK(a[1].lv_mean == doctest::Approx(20.0));
  CHECK(a[1].lv_p95 == doctest::Approx(46.0));
  CHECK(a[1].nliq_mean == doctest::Approx(4.0 / 3.0));
  CHECK(a[1].minp_mean == doctest::Approx(90.0));
}

TEST_CASE("Hdf5Writer: aggregates of a point with one run, or none that succeeded") {
  const TempFile file("degenerate");
  OutputLayout l;
  l.n_points = 2;
  l.replicas = 1;
  {
    Hdf5Writer w(file.path.string(), l);
    RunResult ok;
    ok.summary.bad_debt = 12.5;
    w.write(ok);
    RunResult failed;
    failed.summary.point_id = 1;
    failed.summary.run_index = 1;
    failed.summary.status = static_cast<std::int32_t>(RunStatus::failed);
    w.write(failed);
    w.close();
  }
  const H5::H5File f(file.path.string(), H5F_ACC_RDONLY);
  H5::CompType t(sizeof(AggregateRead));
  t.insertMember("n_failed", HOFFSET(AggregateRead, n_failed), H5::PredType::NATIVE_UINT32);
  t.insertMember("bad_debt_mean", HOFFSET(AggregateRead, mean), H5::PredType::NATIVE_DOUBLE);
  t.insertMember("bad_debt_sd", HOFFSET(AggregateRead, sd), H5::PredType::NATIVE_DOUBLE);
  t.insertMember("bad_debt_es99", HOFFSET(AggregateRead, es99), H5::PredType::NATIVE_DOUBLE);
  AggregateRead a[2] = {};
  f.openDataSet("/points/aggregates").read(a, t);
  // One value: every quantile and ES is that value, and the sample sd is defined as 0.
  CHECK(a[0].mean == 12.5);
  CHECK(a[0].sd == 0.0);
  CHECK(a[0].es99 == 12.5);
  // No successful run: statistics are NaN.
  CHECK(a[1].n_failed == 1);
  CHECK(std::isnan(a[1].mean));
  CHECK(std::isnan(a[1].es99));
}

TEST_CASE("Hdf5Writer: misuse and I/O failures raise cascade::Error") {
  const OutputLayout l = make_layout();
  const std::vector<RunResult> results = make_results(l);

  SUBCASE("out-of-order write") {
    const TempFile file("order");
    Hdf5Writer w(file.path.string(), l);
    w.write(results[0]);
    CHECK_THROWS_AS(w.write(results[2]), cascade::Error);
    CHECK_THROWS_AS(w.write(results[0]), cascade::Error);  // a repeat is out of order too
    w.write(results[1]);                                   // the expected run is still accepted
  }
  SUBCASE("unwritable path") {
    CHECK_THROWS_AS(Hdf5Writer("/nonexistent-directory/cascade/out.h5", l), cascade::Error);
    try {
      Hdf5Writer w("/nonexistent-directory/cascade/out.h5", l);
    } catch (const cascade::Error& e) {
      CHECK(std::string(e.what()).find("/nonexistent-directory/cascade/out.h5") != std::string::npos);
    }
  }
  SUBCASE("recorded run with series of the wrong size") {
    const TempFile file("sizes");
    Hdf5Writer w(file.path.string(), l);
    w.write(results[0]);
    RunResult r = results[1];  // recorded
    r.series[1].pop_back();
    CHECK_THROWS_AS(w.write(r), cascade::Error);
  }
  SUBCASE("close before every run is written; destruction without close is quiet") {
    const TempFile file("early");
    Hdf5Writer w(file.path.string(), l);
    w.write(results[0]);
    CHECK_THROWS_AS(w.close(), cascade::Error);
  }
  SUBCASE("invalid layout") {
    const TempFile file("badlayout");
    OutputLayout bad = l;
    bad.metric_names[1] = "aave/debt";
    CHECK_THROWS_AS(Hdf5Writer(file.path.string(), bad), cascade::Error);
  }
}
