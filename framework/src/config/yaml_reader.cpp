#include "yaml_reader.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <utility>

#include "cascade/core/error.hpp"

namespace cascade::config::detail {
namespace {

// Aliases are expanded on conversion; a "billion laughs" document must not exhaust memory.
constexpr std::size_t kMaxNodes = 200'000;

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

class Converter {
 public:
  Converter(const std::string& file, Diagnostics& diagnostics, const std::optional<Mark>& fixed_mark)
      : file_(file), diagnostics_(diagnostics), fixed_mark_(fixed_mark) {}

  bool too_large() const { return too_large_; }

  Mark mark_of(const YAML::Mark& m, const Mark& fallback) const {
    if (fixed_mark_) return *fixed_mark_;
    if (m.is_null() || m.line < 0) return fallback;
    return Mark{file_, m.line + 1, m.column + 1};
  }

  YamlNode convert(const YAML::Node& node, const Mark& fallback, const std::string& path) {
    YamlNode out;
    out.mark = mark_of(node.Mark(), fallback);
    if (++count_ > kMaxNodes) {
      if (!too_large_) {
        diagnostics_.add(out.mark, path, "the document is too large (more than 200000 nodes after expanding aliases)");
      }
      too_large_ = true;
      return out;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = YamlNode::Kind::null;
        // An implicit null (`key:`) is marked where the next token starts; the key is clearer.
        if (node.Scalar().empty() && fallback.line > 0) out.mark = fallback;
        break;
      case YAML::NodeType::Scalar:
        out.kind = YamlNode::Kind::scalar;
        out.text = node.Scalar();
        out.plain = node.Tag() == "?";
        break;
      case YAML::NodeType::Sequence: {
        out.kind = YamlNode::Kind::sequence;
        std::size_t index = 0;
        for (const auto& item : node) {
          out.items.push_back(convert(item, out.mark, path + "[" + std::to_string(index) + "]"));
          ++index;
          if (too_large_) break;
        }
        break;
      }
      case YAML::NodeType::Map:
        out.kind = YamlNode::Kind::mapping;
        // Dereferencing a yaml-cpp iterator yields a temporary pair: bind it, never `it->first`.
        for (const auto& pair : node) {
          if (too_large_) break;
          const YAML::Node& key = pair.first;
          const Mark key_mark = mark_of(key.Mark(), out.mark);
          if (key.Type() != YAML::NodeType::Scalar || key.Scalar().empty()) {
            diagnostics_.add(key_mark, path,
                             key.Type() == YAML::NodeType::Scalar || key.Type() == YAML::NodeType::Null
                                 ? "empty mapping key"
                                 : "mapping keys must be plain names, not lists or mappings");
            continue;
          }
          const std::string name = key.Scalar();
          const std::string child_path = join(path, name);
          if (const YamlEntry* first = out.find_entry(name)) {
            diagnostics_.add(key_mark, child_path,
                             "duplicate key '" + name + "' (first defined at " + first->key_mark.to_string() + ")",
                             "remove one of them: YAML would silently keep only one");
            continue;
          }
          YamlEntry entry;
          entry.key = name;
          entry.key_mark = key_mark;
          entry.value = convert(pair.second, key_mark, child_path);
          out.entries.push_back(std::move(entry));
        }
        break;
    }
    return out;
  }

 private:
  const std::string& file_;
  Diagnostics& diagnostics_;
  const std::optional<Mark>& fixed_mark_;
  std::size_t count_ = 0;
  bool too_large_ = false;
};

bool plain_safe(const std::string& s) {
  if (s.empty()) return false;
  const std::string_view indicators = "-?:,[]{}#&*!|>'\"%@`";
  if (indicators.find(s.front()) != std::string_view::npos) {
    // "-1.5" is a plain number; a lone "-" or "- x" is not.
    if (!(s.front() == '-' && s.size() > 1 && s[1] != ' ')) return false;
  }
  if (s.front() == ' ' || s.back() == ' ') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return true;
}

}  // namespace

const YamlEntry* YamlNode::find_entry(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const YamlNode* YamlNode::find(std::string_view key) const {
  const YamlEntry* e = find_entry(key);
  return e ? &e->value : nullptr;
}

YamlNode* YamlNode::find(std::string_view key) {
  for (auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

namespace {

std::string double_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::string quote_if_needed(const std::string& text) { return plain_safe(text) ? text : double_quoted(text); }

std::string YamlNode::flow_text() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::scalar: {
      // A quoted scalar stays quoted so that "0.5" keeps being a string.
      return plain ? quote_if_needed(text) : double_quoted(text);
    }
    case Kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i].flow_text();
      return out + "]";
    }
    case Kind::mapping: {
      std::string out = "{";
      for (std::size_t i = 0; i < entries.size(); ++i) {
        out += (i ? ", " : "") + quote_if_needed(entries[i].key) + ": " + entries[i].value.flow_text();
      }
      return out + "}";
    }
  }
  return "";
}

std::string YamlNode::describe() const {
  switch (kind) {
    case Kind::null: return "nothing";
    case Kind::scalar: return plain ? "'" + text + "'" : "the string \"" + text + "\"";
    case Kind::sequence: return "a list";
    case Kind::mapping: return "a mapping";
  }
  return "";
}

std::string format_number(double value) {
  char buf[64];
  // Whole numbers in full ("2000000", not "2e+06"): reserves and supplies read better that way.
  const bool whole = std::abs(value) < 1e15 && std::floor(value) == value;
  const auto [end, ec] = whole ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed)
                               : std::to_chars(buf, buf + sizeof buf, value);
  CASCADE_ASSERT(ec == std::errc{}, "to_chars failed");
  return std::string(buf, end);
}

void emit(YAML::Emitter& out, const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::null: out << YAML::Null; break;
    case YamlNode::Kind::scalar:
      if (node.plain) out << node.text;
      else out << YAML::DoubleQuoted << node.text;
      break;
    case YamlNode::Kind::sequence:
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& item : node.items) emit(out, item);
      out << YAML::EndSeq;
      break;
    case YamlNode::Kind::mapping:
      out << YAML::Flow << YAML::BeginMap;
      for (const auto& entry : node.entries) {
        out << YAML::Key << entry.key << YAML::Value;
        emit(out, entry.value);
      }
      out << YAML::EndMap;
      break;
  }
}

void emit_flow_text(YAML::Emitter& out, const std::string& flow_text) {
  Diagnostics diagnostics;
  const auto node = read_yaml(flow_text, "<generated>", diagnostics);
  CASCADE_ASSERT(node && diagnostics.empty(), "generated YAML does not parse: " + flow_text);
  emit(out, *node);
}

namespace {

// Counts documents through the event parser, which is bounded: YAML::LoadAll loops forever,
// allocating, on inputs such as "," (yaml-cpp issue #1040, fixed upstream after 0.7).
class DocumentCounter : public YAML::EventHandler {
 public:
  /// Start of the second document whose value is not empty, if any.
  std::optional<YAML::Mark> second;

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents_;
    start_ = mark;
    top_level_pending_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { top_level(false); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { top_level(true); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override { top_level(true); }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    top_level(true);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    top_level(true);
  }
  void OnMapEnd() override {}

 private:
  void top_level(bool has_value) {
    if (!top_level_pending_) return;
    top_level_pending_ = false;
    if (has_value && documents_ >= 2 && !second) second = start_;
  }
  int documents_ = 0;
  YAML::Mark start_;
  bool top_level_pending_ = false;
};

/// Position of the first character that is not blank, a comment or a document marker; nullopt
/// when there is none (an empty document).
std::optional<std::pair<int, int>> first_content(std::string_view text) {
  int line = 1;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view row = text.substr(pos, end - pos);
    const std::size_t first = row.find_first_not_of(" \t\r");
    if (first != std::string_view::npos) {
      std::string_view rest = row.substr(first);
      const std::size_t comment = rest.find(" #");
      if (comment != std::string_view::npos) rest = rest.substr(0, comment);
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) rest.remove_suffix(1);
      const bool blank = rest.empty() || rest.front() == '#' || rest.front() == '%' || rest == "---" ||
                         rest == "..." || rest == "~" || rest == "null" || rest == "Null" || rest == "NULL";
      if (!blank) return std::pair{line, static_cast<int>(first) + 1};
    }
    if (end == text.size()) break;
    pos = end + 1;
    ++line;
  }
  return std::nullopt;
}

}  // namespace

std::optional<YamlNode> read_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics,
                                  const std::optional<Mark>& fixed_mark) {
  const Mark start = fixed_mark ? *fixed_mark : Mark{file, 1, 1};
  Converter converter(file, diagnostics, fixed_mark);
  YAML::Node document;
  DocumentCounter counter;
  try {
    document = YAML::Load(std::string(text));
    // The first document again, then at most one more: enough to know there is a second.
    std::istringstream input{std::string(text)};
    YAML::Parser parser(input);
    for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
    }
  } catch (const YAML::Exception& e) {
    Mark mark = start;
    if (!fixed_mark && !e.mark.is_null() && e.mark.line >= 0) mark = Mark{file, e.mark.line + 1, e.mark.column + 1};
    diagnostics.add(mark, "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (counter.second) {
    diagnostics.add(converter.mark_of(*counter.second, start), "",
                    "the file holds more than one YAML document; an experiment is one",
                    "remove the extra '---' separators");
  }
  if (document.IsNull()) {
    // yaml-cpp reads some malformed input (a lone ',') as an empty document.
    if (const auto content = first_content(text)) {
      const Mark mark = fixed_mark ? *fixed_mark : Mark{file, content->first, content->second};
      diagnostics.add(mark, "", "YAML syntax error: no value could be read here");
      return std::nullopt;
    }
    return YamlNode{};
  }
  YamlNode root = converter.convert(document, start, "");
  if (converter.too_large()) return std::nullopt;
  return root;
}

}  // namespace cascade::config::detail
