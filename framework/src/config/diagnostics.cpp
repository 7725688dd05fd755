#include "cascade/config/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace cascade::config {

std::string Mark::to_string() const {
  if (line <= 0) return file;
  // Appended piece by piece: `":" + std::to_string(...)` trips GCC 12's -Wrestrict false positive.
  std::string out = file;
  out += ':';
  out += std::to_string(line);
  if (column > 0) {
    out += ':';
    out += std::to_string(column);
  }
  return out;
}

std::string Diagnostic::to_string() const {
  std::string out = mark.to_string();
  out += out.empty() ? "error: " : ": error: ";
  if (!key_path.empty()) out += key_path + ": ";
  out += message;
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

void Diagnostics::add(Mark mark, std::string key_path, std::string message, std::string hint) {
  items_.push_back(Diagnostic{std::move(mark), std::move(key_path), std::move(message), std::move(hint)});
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) out += d.to_string() + "\n";
  out += std::to_string(items_.size()) + (items_.size() == 1 ? " error" : " errors");
  return out;
}

ConfigError::ConfigError(Diagnostics diagnostics)
    : Error(diagnostics.to_string()), diagnostics_(std::move(diagnostics)) {}

namespace {

std::string lower(const std::string& s) {
  std::string out = s;
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions ("gmb" → "gbm" is 1).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  const std::string w = lower(word);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    // Case is compared loosely: "eth" should suggest "ETH".
    const std::size_t distance = edit_distance(w, lower(candidate));
    // A candidate sharing nothing with the word is no suggestion, however short both are.
    if (distance >= std::max(w.size(), candidate.size())) continue;
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (!best.empty() || w.size() < 3) return best;
  // Otherwise a name that extends the word, or that the word extends: "chainlink" → "chainlink_eth".
  for (const auto& candidate : candidates) {
    const std::string c = lower(candidate);
    const bool prefix = c.size() > w.size() ? c.compare(0, w.size(), w) == 0 : w.compare(0, c.size(), c) == 0;
    if (prefix && c.size() >= 3 && (best.empty() || candidate.size() < best.size())) best = candidate;
  }
  return best;
}

}  // namespace cascade::config
