#include "cascade/output/run_journal.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <type_traits>

namespace cascade::output {
namespace {

// Adding a field to RunResult or OutputLayout must add it to the serialisation below, or resume,
// merge and MPI would silently drop it: these asserts fail until the code here is updated.
static_assert(sizeof(RunResult) == sizeof(RunSummary) + 6 * sizeof(std::vector<int>) + sizeof(std::string),
              "RunResult gained a field: serialise it in serialize()/deserialize_run() (run_journal.cpp)");
static_assert(sizeof(OutputLayout) == 6 * sizeof(std::string) + 2 * sizeof(std::uint64_t) +
                                          10 * sizeof(std::vector<int>) + 2 * sizeof(std::uint64_t) + sizeof(NetworkTables) + 2 * sizeof(double),
              "OutputLayout gained a field: serialise it in serialize()/deserialize_layout() (run_journal.cpp)");
static_assert(std::is_trivially_copyable_v<RunSummary> && std::is_trivially_copyable_v<LiquidationRecord> &&
              std::is_trivially_copyable_v<AdlRecord> &&
              std::is_trivially_copyable_v<NodeRecord>);

// The dependency-graph tables of OutputLayout::network (cascade/output/network_tables.hpp).
template <class Io, class Row>
void network_node_fields(Io& io, Row& n) {
  io(n.name);
  io(n.kind);
  io(n.type);
  io(n.layer);
  io(n.scc);
  io(n.cycle);
  io(n.hops);
  io(n.in_degree);
  io(n.out_degree);
  io(n.betweenness);
}
template <class Io, class Row>
void network_edge_fields(Io& io, Row& e) {
  io(e.from);
  io(e.to);
  io(e.kind);
  io(e.weight);
  io(e.latency_s);
  io(e.via);
}

constexpr std::array<char, 16> kMagic{'C', 'A', 'S', 'C', 'A', 'D', 'E', '-', 'J', 'O', 'U', 'R', 'N', 'A', 'L', '\n'};
constexpr std::uint32_t kFormatVersion = 3;  // 2: RunResult::adl, OutputLayout::write_adl; 3: heatmap
constexpr std::uint32_t kRecordTag = 0x314E5552;  // "RUN1"
constexpr std::uint64_t kMaxRecordBytes = std::uint64_t{1} << 40;

std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

class Out {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const unsigned char*>(&value);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
  void put_bytes(const void* data, std::size_t n) {
    put<std::uint64_t>(n);
    const auto* p = static_cast<const unsigned char*>(data);
    bytes.insert(bytes.end(), p, p + n);
  }
  void put(const std::string& s) { put_bytes(s.data(), s.size()); }
  void put(const NetworkNodeRow& n) { network_node_fields(*this, n); }
  void put(const NetworkEdgeRow& e) { network_edge_fields(*this, e); }
  void put(bool b) { put(static_cast<std::uint8_t>(b ? 1 : 0)); }
  template <class T>
  void operator()(const T& value) {
    put(value);
  }
  template <class T>
  void put(const std::vector<T>& v) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      put<std::uint64_t>(v.size());
      const auto* p = reinterpret_cast<const unsigned char*>(v.data());
      bytes.insert(bytes.end(), p, p + v.size() * sizeof(T));
    } else {
      put<std::uint64_t>(v.size());
      for (const auto& item : v) put(item);
    }
  }
  std::vector<unsigned char> bytes;
};

class In {
 public:
  In(const unsigned char* data, std::size_t size, const char* what) : p_(data), end_(data + size), what_(what) {}
  template <class T>
  void get(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    std::memcpy(&value, p_, sizeof(T));
    p_ += sizeof(T);
  }
  void get(std::string& s) {
    const std::uint64_t n = count(1);
    s.assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
  }
  void get(NetworkNodeRow& n) { network_node_fields(*this, n); }
  void get(NetworkEdgeRow& e) { network_edge_fields(*this, e); }
  template <class T>
  void get(std::vector<T>& v) {
    if constexpr (std::is_trivially_copyable_v<T>) {
      const std::uint64_t n = count(sizeof(T));
      v.resize(n);
      if (n > 0) std::memcpy(v.data(), p_, n * sizeof(T));
      p_ += n * sizeof(T);
    } else {
      const std::uint64_t n = count(1);
      v.resize(n);
      for (auto& item : v) get(item);
    }
  }
  void get(bool& b) {
    std::uint8_t byte = 0;
    get(byte);
    b = byte != 0;
  }
  template <class T>
  void operator()(T& value) {
    get(value);
  }
  void finish() const {
    if (p_ != end_) throw JournalError(std::string("damaged ") + what_ + ": trailing bytes");
  }

 private:
  void need(std::size_t n) const {
    if (static_cast<std::size_t>(end_ - p_) < n) throw JournalError(std::string("damaged ") + what_ + ": truncated");
  }
  // An element count, checked against the bytes left (each element takes at least `unit`).
  std::uint64_t count(std::size_t unit) {
    std::uint64_t n = 0;
    get(n);
    if (n > static_cast<std::uint64_t>(end_ - p_) / unit) throw JournalError(std::string("damaged ") + what_ + ": bad length");
    return n;
  }
  const unsigned char* p_;
  const unsigned char* end_;
  const char* what_;
};

// Every field of RunResult (RunSummary as one block: it is trivially copyable).
template <class Io, class Result>
void run_fields(Io& io, Result& r) {
  io(r.summary);
  io(r.series);
  io(r.liquidations);
  io(r.adl);
  io(r.final_metrics);
  io(r.nodes);
  io(r.heatmap);
  io(r.error);
}

// Every field of OutputLayout, in file order; `io` writes (Out) or reads (In) each.
template <class Io, class Layout>
void layout_fields(Io& io, Layout& l) {
  io(l.original_yaml);
  io(l.normalized_yaml);
  io(l.source_path);
  io(l.cascade_version);
  io(l.git_revision);
  io(l.created_utc);
  io(l.seed);
  io(l.n_points);
  io(l.replicas);
  io(l.sweep_parameters);
  io(l.sweep_values);
  io(l.metric_names);
  io(l.metric_units);
  io(l.sample_times_s);
  io(l.recorded_runs);
  io(l.final_metric_names);
  io(l.final_metric_units);
  io(l.write_liquidations);
  io(l.write_adl);
  io(l.protocol_names);
  io(l.network.nodes);
  io(l.network.edges);
  io(l.network.cycles);
  io(l.network.acyclic);
  io(l.network.shock_origin);
  io(l.network.signal_threshold);
  io(l.network.configured);
  io(l.heatmap_times_s);
  io(l.heatmap_low);
  io(l.heatmap_high);
  io(l.heatmap_bins);
}

struct RunFields {
  template <class Io, class T>
  void operator()(Io& io, T& value) const {
    run_fields(io, value);
  }
};
struct LayoutFields {
  template <class Io, class T>
  void operator()(Io& io, T& value) const {
    layout_fields(io, value);
  }
};

template <class T, class Fields>
std::vector<unsigned char> encode(const T& value, Fields fields) {
  Out out;
  fields(out, value);
  return std::move(out.bytes);
}

template <class T, class Fields>
T decode(const unsigned char* data, std::size_t size, const char* what, Fields fields) {
  In in(data, size, what);
  T value;
  fields(in, value);
  in.finish();
  return value;
}

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw Error(what + " '" + path + "': " + std::strerror(errno));
}

void write_all(std::FILE* f, const void* data, std::size_t n, const std::string& path) {
  if (n > 0 && std::fwrite(data, 1, n, f) != n) io_error("cannot write journal", path);
}

}  // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc) {
  static const std::array<std::uint32_t, 256> table = make_crc_table();
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xFFU] ^ (crc >> 8);
  return ~crc;
}

std::vector<unsigned char> serialize(const RunResult& r) { return encode(r, RunFields{}); }

RunResult deserialize_run(const unsigned char* data, std::size_t size) {
  return decode<RunResult>(data, size, "run record", RunFields{});
}

std::vector<unsigned char> serialize(const OutputLayout& layout) { return encode(layout, LayoutFields{}); }

OutputLayout deserialize_layout(const unsigned char* data, std::size_t size) {
  return decode<OutputLayout>(data, size, "journal header", LayoutFields{});
}

bool same_experiment(const OutputLayout& a, const OutputLayout& b) {
  OutputLayout x = a, y = b;
  x.created_utc.clear();
  y.created_utc.clear();
  return serialize(x) == serialize(y);
}

// ---- reader ---------------------------------------------------------------------------------

JournalReader::JournalReader(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) throw JournalError("cannot read '" + path + "': " + std::strerror(errno));
  const std::string not_journal = "'" + path + "' is not a cascade journal";
  std::array<char, 16> magic{};
  if (std::fread(magic.data(), 1, magic.size(), file_) != magic.size() || magic != kMagic) {
    std::fclose(file_);
    file_ = nullptr;
    throw JournalError(not_journal + " (a shard file or the <output>.journal of an interrupted run)");
  }
  auto fail = [&](const std::string& why) {
    std::fclose(file_);
    file_ = nullptr;
    throw JournalError("'" + path + "': damaged journal header (" + why + ")");
  };
  std::array<unsigned char, 36> fixed{};  // version, shard index, shard count, first, end, layout bytes
  if (std::fread(fixed.data(), 1, fixed.size(), file_) != fixed.size()) fail("truncated");
  std::uint32_t version = 0;
  std::uint64_t layout_bytes = 0;
  std::memcpy(&version, fixed.data(), 4);
  std::memcpy(&header_.shard_index, fixed.data() + 4, 4);
  std::memcpy(&header_.shard_count, fixed.data() + 8, 4);
  std::memcpy(&header_.first_run, fixed.data() + 12, 8);
  std::memcpy(&header_.end_run, fixed.data() + 20, 8);
  std::memcpy(&layout_bytes, fixed.data() + 28, 8);
  if (version != kFormatVersion) fail("format version " + std::to_string(version) + ", this cascade reads " + std::to_string(kFormatVersion));
  if (layout_bytes > kMaxRecordBytes) fail("bad length");
  buffer_.resize(static_cast<std::size_t>(layout_bytes));
  std::uint32_t stored_crc = 0;
  if (std::fread(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size() || std::fread(&stored_crc, 4, 1, file_) != 1) {
    fail("truncated");
  }
  std::uint32_t crc = crc32(fixed.data(), fixed.size());
  crc = crc32(buffer_.data(), buffer_.size(), crc);
  if (crc != stored_crc) fail("checksum mismatch");
  try {
    header_.layout = deserialize_layout(buffer_.data(), buffer_.size());
  } catch (const JournalError& e) {
    fail(e.what());
  }
  if (header_.shard_count == 0 || header_.shard_index >= header_.shard_count || header_.first_run > header_.end_run ||
      header_.end_run > header_.layout.n_runs()) {
    fail("inconsistent run range");
  }
  valid_bytes_ = kMagic.size() + fixed.size() + buffer_.size() + 4;
}

JournalReader::~JournalReader() {
  if (file_ != nullptr) std::fclose(file_);
}

bool JournalReader::next(RunResult& out) {
  if (file_ == nullptr || torn_) return false;
  std::array<unsigned char, 12> head{};
  const std::size_t got = std::fread(head.data(), 1, head.size(), file_);
  if (got == 0 && std::feof(file_)) return false;  // a clean end
  std::uint32_t tag = 0;
  std::uint64_t size = 0;
  std::memcpy(&tag, head.data(), 4);
  std::memcpy(&size, head.data() + 4, 8);
  if (got != head.size() || tag != kRecordTag || size > kMaxRecordBytes) {
    torn_ = true;
    return false;
  }
  buffer_.resize(static_cast<std::size_t>(size));
  std::uint32_t stored_crc = 0;
  if (std::fread(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size() || std::fread(&stored_crc, 4, 1, file_) != 1 ||
      crc32(buffer_.data(), buffer_.size()) != stored_crc) {
    torn_ = true;
    return false;
  }
  out = deserialize_run(buffer_.data(), buffer_.size());
  const std::uint64_t expected = header_.first_run + records_;
  if (out.summary.run_index != expected || expected >= header_.end_run) {
    throw JournalError("'" + path_ + "': record " + std::to_string(records_) + " is run " +
                       std::to_string(out.summary.run_index) + ", expected run " + std::to_string(expected));
  }
  ++records_;
  valid_bytes_ += head.size() + buffer_.size() + 4;
  return true;
}

// ---- writer ---------------------------------------------------------------------------------

JournalWriter::JournalWriter(const std::string& path, const JournalHeader& header) : path_(path) {
  // The header goes to a temporary file renamed into place, so a kill at any moment leaves either
  // no journal or one with a whole header.
  const std::string temp = path + ".new";
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) io_error("cannot create journal", temp);
  const std::vector<unsigned char> layout = serialize(header.layout);
  std::array<unsigned char, 36> fixed{};
  const std::uint64_t layout_bytes = layout.size();
  std::memcpy(fixed.data(), &kFormatVersion, 4);
  std::memcpy(fixed.data() + 4, &header.shard_index, 4);
  std::memcpy(fixed.data() + 8, &header.shard_count, 4);
  std::memcpy(fixed.data() + 12, &header.first_run, 8);
  std::memcpy(fixed.data() + 20, &header.end_run, 8);
  std::memcpy(fixed.data() + 28, &layout_bytes, 8);
  std::uint32_t crc = crc32(fixed.data(), fixed.size());
  crc = crc32(layout.data(), layout.size(), crc);
  try {
    write_all(f, kMagic.data(), kMagic.size(), temp);
    write_all(f, fixed.data(), fixed.size(), temp);
    write_all(f, layout.data(), layout.size(), temp);
    write_all(f, &crc, 4, temp);
  } catch (...) {
    std::fclose(f);
    throw;
  }
  if (std::fclose(f) != 0) io_error("cannot write journal", temp);
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) throw Error("cannot create journal '" + path + "': " + ec.message());
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr) io_error("cannot append to journal", path);
}

JournalWriter::JournalWriter(const std::string& path, std::uint64_t valid_bytes) : path_(path) {
  std::error_code ec;
  std::filesystem::resize_file(path, valid_bytes, ec);
  if (ec) throw Error("cannot truncate journal '" + path + "': " + ec.message());
  file_ = std::fopen(path.c_str(), "ab");
  if (file_ == nullptr) io_error("cannot append to journal", path);
}

JournalWriter::~JournalWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void JournalWriter::append(const RunResult& result) {
  const std::vector<unsigned char> payload = serialize(result);
  // One buffer, one write: a kill leaves either the whole record or a torn tail the reader drops.
  std::vector<unsigned char> record(12 + payload.size() + 4);
  const std::uint64_t size = payload.size();
  const std::uint32_t crc = crc32(payload.data(), payload.size());
  std::memcpy(record.data(), &kRecordTag, 4);
  std::memcpy(record.data() + 4, &size, 8);
  if (!payload.empty()) std::memcpy(record.data() + 12, payload.data(), payload.size());
  std::memcpy(record.data() + 12 + payload.size(), &crc, 4);
  write_all(file_, record.data(), record.size(), path_);
  if (std::fflush(file_) != 0) io_error("cannot write journal", path_);
}

void JournalWriter::close() {
  if (file_ == nullptr) return;
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) io_error("cannot close journal", path_);
}

}  // namespace cascade::output
