// The journal of completed runs: the CRC-32 check value, exact round trips of runs and layouts,
// and what a reader makes of a torn or damaged tail.

#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "cascade/output/run_journal.hpp"

namespace {

using namespace cascade::output;

OutputLayout layout() {
  OutputLayout l;
  l.original_yaml = "experiment: {name: x}\n";
  l.normalized_yaml = "experiment:\n  name: x\n";
  l.created_utc = "2026-01-01T00:00:00Z";
  l.seed = 42;
  l.n_points = 2;
  l.replicas = 3;
  l.sweep_parameters = {"venues.amm.fee"};
  l.sweep_values = {{"0.001"}, {"0.003"}};
  l.metric_names = {"amm.price"};
  l.metric_units = {"USD"};
  l.sample_times_s = {0, 60, 120};
  l.recorded_runs = {0, 3};
  l.final_metric_names = {"pool.bad_debt"};
  l.final_metric_units = {"USD"};
  l.write_liquidations = true;
  l.write_adl = true;
  l.protocol_names = {"pool"};
  return l;
}

RunResult run(std::uint64_t index) {
  RunResult r;
  r.summary.run_index = index;
  r.summary.point_id = static_cast<std::uint32_t>(index / 3);
  r.summary.replica = static_cast<std::uint32_t>(index % 3);
  r.summary.bad_debt = 0.1 * static_cast<double>(index);
  r.summary.min_price = std::numeric_limits<double>::quiet_NaN();
  r.series = {{1.5, 2.5, -0.0}};
  LiquidationRecord liq;
  liq.run_index = index;
  liq.debt_repaid = 1e300;
  r.liquidations = {liq, liq};
  AdlRecord adl;
  adl.run_index = index;
  adl.side = -1;
  adl.loss_covered = -0.0;
  r.adl = {adl};
  r.final_metrics = {static_cast<double>(index)};
  if (index == 4) r.error = "audit: negative balance";
  return r;
}

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string("cascade_journal_") + std::to_string(getpid()) + name)).string();
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("crc32 gives the standard check value") {
  // CRC-32/ISO-HDLC (zlib's crc32) of the ASCII digits "123456789" is 0xCBF43926 (the "check"
  // value in every CRC catalogue).
  CHECK(crc32("123456789", 9) == 0xCBF43926U);
  CHECK(crc32("", 0) == 0U);
  // Chaining: crc(ab) = crc(b, crc(a)).
  CHECK(crc32("6789", 4, crc32("12345", 5)) == 0xCBF43926U);
}

TEST_CASE("runs and layouts round-trip exactly") {
  const RunResult a = run(4);
  const auto bytes = serialize(a);
  const RunResult b = deserialize_run(bytes.data(), bytes.size());
  CHECK(std::memcmp(&a.summary, &b.summary, sizeof a.summary) == 0);  // NaN included, bit for bit
  CHECK(b.series.size() == 1);
  CHECK(same_bits(b.series[0][2], -0.0));
  CHECK(b.liquidations.size() == 2);
  CHECK(b.liquidations[1].debt_repaid == 1e300);
  REQUIRE(b.adl.size() == 1);
  CHECK(b.adl[0].side == -1);
  CHECK(same_bits(b.adl[0].loss_covered, -0.0));
  CHECK(b.final_metrics == a.final_metrics);
  CHECK(b.error == "audit: negative balance");
  CHECK_THROWS_AS(deserialize_run(bytes.data(), bytes.size() - 1), JournalError);

  const OutputLayout l = layout();
  const auto lb = serialize(l);
  const OutputLayout m = deserialize_layout(lb.data(), lb.size());
  CHECK(serialize(m) == lb);
  CHECK(same_experiment(l, m));
  OutputLayout later = l;
  later.created_utc = "2027-01-01T00:00:00Z";  // another start time: the same experiment
  CHECK(same_experiment(l, later));
  OutputLayout other = l;
  other.sweep_values[1][0] = "0.005";
  CHECK_FALSE(same_experiment(l, other));
  OutputLayout no_adl = l;
  no_adl.write_adl = false;  // /events/adl dropped: another output layout
  const auto nb = serialize(no_adl);
  CHECK(deserialize_layout(nb.data(), nb.size()).write_adl == false);
  CHECK_FALSE(same_experiment(l, no_adl));
}

TEST_CASE("a reader keeps the intact prefix and drops a torn or damaged record") {
  const std::string path = temp_path("a");
  {
    JournalWriter w(path, JournalHeader{layout(), 0, 1, 0, 6});
    for (std::uint64_t i = 0; i < 4; ++i) w.append(run(i));
  }
  const auto full = std::filesystem::file_size(path);
  std::uint64_t three_records = 0;
  {
    JournalReader r(path);
    CHECK(r.header().end_run == 6);
    CHECK(r.header().layout.seed == 42);
    RunResult x;
    for (std::uint64_t i = 0; i < 4; ++i) {
      REQUIRE(r.next(x));
      CHECK(x.summary.run_index == i);
      if (i == 2) three_records = r.valid_bytes();
    }
    CHECK_FALSE(r.next(x));
    CHECK_FALSE(r.torn());
    CHECK(r.valid_bytes() == full);
  }
  // Cut inside the last record: three remain, the fourth is torn.
  std::filesystem::resize_file(path, full - 5);
  {
    JournalReader r(path);
    RunResult x;
    int n = 0;
    while (r.next(x)) ++n;
    CHECK(n == 3);
    CHECK(r.torn());
    CHECK(r.valid_bytes() == three_records);
    // Continue after the intact prefix: the torn bytes are cut off, new records follow.
    JournalWriter w(path, r.valid_bytes());
    w.append(run(3));
    w.append(run(4));
  }
  {
    JournalReader r(path);
    RunResult x;
    int n = 0;
    while (r.next(x)) ++n;
    CHECK(n == 5);
    CHECK_FALSE(r.torn());
  }
  // One flipped payload byte fails the record's CRC: it and everything after it are not counted.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(three_records + 20));
    f.put('\x7f');
  }
  {
    JournalReader r(path);
    RunResult x;
    int n = 0;
    while (r.next(x)) ++n;
    CHECK(n == 3);
    CHECK(r.torn());
  }
  std::filesystem::remove(path);
}

TEST_CASE("a file that is not a journal is refused with a clear error") {
  const std::string path = temp_path("b");
  {
    std::ofstream f(path);
    f << "experiment: {name: x}\n";
  }
  CHECK_THROWS_WITH_AS(JournalReader{path}, doctest::Contains("is not a cascade journal"), JournalError);
  std::filesystem::remove(path);
  CHECK_THROWS_WITH_AS(JournalReader{path}, doctest::Contains("cannot read"), JournalError);
}
