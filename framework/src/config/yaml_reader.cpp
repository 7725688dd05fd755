#include "yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

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

std::optional<YamlNode> read_yaml(std::string_view text, const std::string& file, Diagnostics& diagnostics,
                                  const std::optional<Mark>& fixed_mark) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    Mark mark = fixed_mark ? *fixed_mark : Mark{file, 1, 1};
    if (!fixed_mark && !e.mark.is_null() && e.mark.line >= 0) mark = Mark{file, e.mark.line + 1, e.mark.column + 1};
    diagnostics.add(mark, "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
  if (documents.empty()) return YamlNode{};
  Converter converter(file, diagnostics, fixed_mark);
  const Mark start = fixed_mark ? *fixed_mark : Mark{file, 1, 1};
  if (documents.size() > 1) {
    diagnostics.add(converter.mark_of(documents[1].Mark(), start), "",
                    "the file holds " + std::to_string(documents.size()) + " YAML documents; an experiment is one",
                    "remove the extra '---' separators");
  }
  YamlNode root = converter.convert(documents.front(), start, "");
  if (converter.too_large()) return std::nullopt;
  return root;
}

}  // namespace cascade::config::detail
