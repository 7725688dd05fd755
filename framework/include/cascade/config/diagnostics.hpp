#pragma once
/// @file diagnostics.hpp
/// @brief Collected configuration diagnostics: every problem of an experiment file is reported at
/// once, each with file:line:col and the key path.

#include <string>
#include <vector>

#include "cascade/core/error.hpp"

namespace cascade::config {

/// @brief A position in an input file; line and column are 1-based (0 = unknown).
struct Mark {
  std::string file;
  int line = 0;
  int column = 0;
  /// "file:line:col" (or "file" when the position is unknown).
  std::string to_string() const;
};

/// @brief One problem found in a configuration.
struct Diagnostic {
  Mark mark;
  std::string key_path;  ///< e.g. "protocols.aave.liquidation_threshold"
  std::string message;   ///< what is wrong, e.g. "must be in (0, 1], got 1.3"
  std::string hint;      ///< optional, e.g. "did you mean 'liquidation_bonus'?"
  /// "file:line:col: error: key.path: message (hint)"
  std::string to_string() const;
};

/// @brief An ordered collection of diagnostics.
class Diagnostics {
 public:
  void add(Mark mark, std::string key_path, std::string message, std::string hint = {});
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  /// All diagnostics, one per line, followed by a count line.
  std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
};

/// @brief Thrown when a configuration has one or more problems; carries all of them.
class ConfigError : public Error {
 public:
  explicit ConfigError(Diagnostics diagnostics);
  const Diagnostics& diagnostics() const { return diagnostics_; }

 private:
  Diagnostics diagnostics_;
};

/// @brief The closest candidate to `word` by edit distance, or "" if none is close enough
/// (distance ≤ max(2, |word|/3), adjacent transpositions count 1, case-insensitive). Failing that,
/// the shortest candidate that extends `word` or that `word` extends ("chainlink" →
/// "chainlink_eth"; words of 3+ characters). Used for "did you mean" hints.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace cascade::config
