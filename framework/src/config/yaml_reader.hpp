#pragma once
/// @file yaml_reader.hpp
/// @brief Private to the config layer: yaml-cpp text → a plain tree that always carries marks.
///
/// yaml-cpp's own nodes are awkward to validate from: a const `operator[]` on a missing key
/// returns a node without a mark, the non-const one inserts, and duplicate mapping keys are kept
/// silently. The loader therefore works on this small value tree instead: every node and every
/// mapping key has its Mark, mappings keep file order, and duplicates are reported on reading.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cascade/config/diagnostics.hpp"

namespace YAML {
class Emitter;
}

namespace cascade::config::detail {

struct YamlEntry;

/// @brief One YAML node with its position.
struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  std::string text;     ///< scalar text (as written, after YAML unescaping)
  bool plain = true;    ///< scalar was written without quotes, block style or explicit tag
  bool synthetic = false;  ///< a mapping created by a `--set` override, absent from the file
  Mark mark;
  std::vector<YamlNode> items;     ///< sequence elements
  std::vector<YamlEntry> entries;  ///< mapping entries, in file order, keys unique

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }

  /// The value under `key` of a mapping, or nullptr (also for non-mappings).
  const YamlNode* find(std::string_view key) const;
  YamlNode* find(std::string_view key);
  /// The entry under `key`, or nullptr.
  const YamlEntry* find_entry(std::string_view key) const;

  /// The node as one line of YAML flow text ("0.05", "[1, 2]", "{dist: normal, sd: 1}").
  std::string flow_text() const;
  /// A short description for messages: "the string 'abc'", "a list", "a mapping", "nothing".
  std::string describe() const;
};

/// @brief One `key: value` pair of a mapping.
struct YamlEntry {
  std::string key;
  Mark key_mark;
  YamlNode value;
};

/// @brief Parses YAML text into a YamlNode tree.
/// @param text the document.
/// @param file the name shown in marks.
/// @param fixed_mark when set, every node gets this mark instead of its position (used for
///        `--set` values, whose positions inside the value text mean nothing to the user).
/// @param diagnostics receives syntax errors, duplicate keys, non-scalar keys, extra documents.
/// @return the root (a null node for an empty document), or nullopt after a syntax error.
std::optional<YamlNode> read_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics,
                                  const std::optional<Mark>& fixed_mark = std::nullopt);

/// @brief Quotes `text` for YAML flow output when it could not be written plain.
std::string quote_if_needed(const std::string& text);

/// @brief The shortest decimal text that reads back to the same double ("0.003", "1e+08").
std::string format_number(double value);

/// @brief Writes `node` to `out`; sequences and mappings in flow style, quoted scalars quoted.
void emit(YAML::Emitter& out, const YamlNode& node);

/// @brief Parses YAML flow text that the config layer wrote itself (a sweep value, a
/// distribution's canonical text) and writes it to `out`; asserts that it parses.
void emit_flow_text(YAML::Emitter& out, const std::string& flow_text);

}  // namespace cascade::config::detail
