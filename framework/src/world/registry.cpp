#include "cascade/world/registry.hpp"

#include <sstream>

#include "cascade/core/error.hpp"

namespace cascade::world {

void Registry::add(config::ComponentSchema schema, Factory factory) {
  const std::string type = schema.type;
  if (entries_.count(type) != 0) throw Error("component type '" + type + "' registered twice");
  entries_.emplace(type, Entry{std::make_unique<config::ComponentSchema>(std::move(schema)), std::move(factory)});
}

const config::ComponentSchema* Registry::find_schema(const std::string& type) const {
  auto it = entries_.find(type);
  return it == entries_.end() ? nullptr : it->second.schema.get();
}

std::vector<std::string> Registry::type_names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

const Factory& Registry::factory(const std::string& type) const {
  auto it = entries_.find(type);
  CASCADE_ASSERT(it != entries_.end(), "no factory for type " + type);
  return it->second.factory;
}

namespace {

std::string default_text(const config::ParamSchema& p);

std::string value_text(const config::ParamValue& v) {
  std::ostringstream out;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) out << "";
        else if constexpr (std::is_same_v<T, bool>) out << (x ? "true" : "false");
        else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) out << x;
        else if constexpr (std::is_same_v<T, std::string>) out << '"' << x << '"';
        else if constexpr (std::is_same_v<T, config::Duration>) out << format_duration(x.value);
        else if constexpr (std::is_same_v<T, config::Reference>) out << x.name;
        else if constexpr (std::is_same_v<T, config::FilePath>) out << x.as_written;
        else if constexpr (std::is_same_v<T, random::Distribution>) out << x.to_yaml();
        else if constexpr (std::is_same_v<T, config::NumberMap>) {
          out << '{';
          for (std::size_t i = 0; i < x.entries.size(); ++i) out << (i ? ", " : "") << x.entries[i].first << ": " << x.entries[i].second;
          out << '}';
        } else if constexpr (std::is_same_v<T, config::StringList>) {
          out << '[';
          for (std::size_t i = 0; i < x.size(); ++i) out << (i ? ", " : "") << x[i];
          out << ']';
        } else if constexpr (std::is_same_v<T, config::NumberList>) {
          out << '[';
          for (std::size_t i = 0; i < x.size(); ++i) out << (i ? ", " : "") << x[i];
          out << ']';
        } else {
          out << "{...}";
        }
      },
      v);
  return out.str();
}

std::string default_text(const config::ParamSchema& p) {
  if (p.type == config::ParamType::group) return "(group)";
  if (!p.default_value) return "required";
  return "default " + value_text(*p.default_value);
}

std::string range_text(const config::ParamSchema& p) {
  const bool has_lo = p.min > -std::numeric_limits<double>::infinity();
  const bool has_hi = p.max < std::numeric_limits<double>::infinity();
  if (!has_lo && !has_hi) return "";
  std::ostringstream out;
  out << (has_lo && !p.min_exclusive ? '[' : '(');
  if (has_lo) out << p.min; else out << "-inf";
  out << ", ";
  if (has_hi) out << p.max; else out << "inf";
  out << (has_hi && !p.max_exclusive ? ']' : ')');
  return out.str();
}

void describe_params(std::ostringstream& out, const std::vector<config::ParamSchema>& params, int indent) {
  for (const auto& p : params) {
    out << std::string(static_cast<std::size_t>(indent), ' ') << p.name << " : " << config::to_string(p.type);
    if (p.type == config::ParamType::reference)
      out << " → " << config::to_string(p.ref_kind) << " (graph edge " << graph::to_string(p.edge_kind) << ")";
    if (!p.unit.empty()) out << " [" << p.unit << "]";
    const std::string range = range_text(p);
    if (!range.empty()) out << " in " << range;
    if (!p.choices.empty()) {
      out << " one of {";
      for (std::size_t i = 0; i < p.choices.size(); ++i) out << (i ? ", " : "") << p.choices[i];
      out << "}";
    }
    out << ", " << default_text(p) << "\n";
    out << std::string(static_cast<std::size_t>(indent) + 4, ' ') << p.doc << "\n";
    if (p.type == config::ParamType::group) describe_params(out, p.children, indent + 2);
  }
}

}  // namespace

std::string describe(const config::ComponentSchema& schema) {
  std::ostringstream out;
  out << schema.type << " (" << config::to_string(schema.section) << ")\n  " << schema.summary << "\n";
  if (!schema.source.empty()) out << "  source: " << schema.source << "\n";
  out << "\nparameters:\n";
  describe_params(out, schema.params, 2);
  if (!schema.metrics.empty()) {
    out << "\nmetrics (outputs.timeseries: [<name>.<metric>]):\n";
    for (const auto& m : schema.metrics) {
      out << "  " << m.name;
      if (!m.unit.empty()) out << " [" << m.unit << "]";
      out << " — " << m.doc << "\n";
    }
  }
  return out.str();
}

}  // namespace cascade::world
