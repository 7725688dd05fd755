#pragma once
/// @file run_journal.hpp
/// @brief The journal of completed runs: an append-only file that makes a sweep resumable after
/// any interruption (SIGINT, kill -9, a node failure) and carries shard results to `cascade merge`.
///
/// Layout: a header (magic, format version, shard, run range, the serialised OutputLayout, CRC-32)
/// then one record per completed run, in run-index order: tag, payload length, payload (the
/// serialised RunResult), CRC-32 of the payload. A record is appended and flushed in one go after
/// its run completed; a reader accepts the longest prefix of intact records, so a record cut short
/// by a kill is never counted and the run is simply computed again.
///
/// The same serialisation carries results between MPI ranks.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cascade/core/error.hpp"
#include "cascade/output/hdf5_writer.hpp"
#include "cascade/output/run_result.hpp"

namespace cascade::output {

/// @brief CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zlib's crc32().
std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

/// @brief RunResult ↔ bytes (native byte order: journals and MPI messages stay on one platform).
std::vector<unsigned char> serialize(const RunResult& result);
/// @throws JournalError if the bytes are not a RunResult.
RunResult deserialize_run(const unsigned char* data, std::size_t size);

/// @brief OutputLayout ↔ bytes.
std::vector<unsigned char> serialize(const OutputLayout& layout);
/// @throws JournalError if the bytes are not an OutputLayout.
OutputLayout deserialize_layout(const unsigned char* data, std::size_t size);

/// @brief True if two layouts describe the same experiment output (everything but created_utc).
bool same_experiment(const OutputLayout& a, const OutputLayout& b);

/// @brief A file that is not a journal, a damaged header, or a journal of another experiment.
/// A bad-input error: the command exits 2.
class JournalError : public InputError {
 public:
  using InputError::InputError;
};

/// @brief What a journal covers: runs [first_run, end_run) of shard `shard_index` of
/// `shard_count` (0 of 1 for an unsharded run).
struct JournalHeader {
  OutputLayout layout;
  std::uint32_t shard_index = 0;
  std::uint32_t shard_count = 1;
  std::uint64_t first_run = 0;
  std::uint64_t end_run = 0;
};

/// @brief Reads a journal: its header, then the intact records in order.
///
/// @code
/// JournalReader r("out.h5.journal");
/// while (auto run = r.next()) writer.write(*run);
/// if (r.torn()) { /* the tail after r.valid_bytes() is a half-written record */ }
/// @endcode
class JournalReader {
 public:
  /// @throws JournalError if the file is missing, not a journal, or its header is damaged.
  explicit JournalReader(const std::string& path);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  const JournalHeader& header() const { return header_; }
  /// @brief The next intact record, or false at the end of the file or at the first damaged or
  /// incomplete record (then torn() is true). @throws JournalError if a record's run index is not
  /// the next one of the range.
  bool next(RunResult& out);
  /// @brief Records read so far.
  std::uint64_t records() const { return records_; }
  /// @brief Bytes up to the end of the last intact record read.
  std::uint64_t valid_bytes() const { return valid_bytes_; }
  bool torn() const { return torn_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  JournalHeader header_;
  std::uint64_t records_ = 0;
  std::uint64_t valid_bytes_ = 0;
  bool torn_ = false;
  std::vector<unsigned char> buffer_;
};

/// @brief Appends records to a journal.
class JournalWriter {
 public:
  /// @brief Creates a new journal (replacing any file of that name).
  /// @throws cascade::Error if it cannot be written.
  JournalWriter(const std::string& path, const JournalHeader& header);
  /// @brief Continues an existing journal after its first `valid_bytes` (the rest, a torn record,
  /// is cut off). @throws cascade::Error if it cannot be opened.
  JournalWriter(const std::string& path, std::uint64_t valid_bytes);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  /// @brief Appends one run and flushes it to the operating system (it survives kill -9).
  /// @throws cascade::Error on a write failure.
  void append(const RunResult& result);
  /// @brief Flushes and closes (also done by the destructor).
  void close();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace cascade::output
