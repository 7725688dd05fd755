#include "cascade/config/schema.hpp"

#include <cmath>

#include "cascade/core/error.hpp"

namespace cascade::config {

const char* to_string(Section s) {
  switch (s) {
    case Section::drivers: return "drivers";
    case Section::venues: return "venues";
    case Section::oracles: return "oracles";
    case Section::protocols: return "protocols";
    case Section::agents: return "agents";
  }
  return "?";
}

const char* to_string(ParamType t) {
  switch (t) {
    case ParamType::boolean: return "boolean";
    case ParamType::number: return "number";
    case ParamType::integer: return "integer";
    case ParamType::string: return "string";
    case ParamType::duration: return "duration";
    case ParamType::reference: return "reference";
    case ParamType::file: return "file";
    case ParamType::distribution: return "distribution";
    case ParamType::group: return "group";
    case ParamType::number_map: return "number_map";
    case ParamType::string_list: return "string_list";
    case ParamType::number_list: return "number_list";
  }
  return "?";
}

const char* to_string(RefKind k) {
  switch (k) {
    case RefKind::asset: return "asset";
    case RefKind::driver: return "driver";
    case RefKind::venue: return "venue";
    case RefKind::oracle: return "oracle";
    case RefKind::protocol: return "protocol";
    case RefKind::agent: return "agent";
    case RefKind::price_source: return "price_source";
  }
  return "?";
}

namespace {

ParamSchema make(std::string name, ParamType type, std::string unit, std::string doc) {
  ParamSchema p;
  p.name = std::move(name);
  p.type = type;
  p.unit = std::move(unit);
  p.doc = std::move(doc);
  return p;
}

}  // namespace

ParamSchema ParamSchema::number(std::string name, std::string unit, std::string doc) {
  return make(std::move(name), ParamType::number, std::move(unit), std::move(doc));
}
ParamSchema ParamSchema::integer(std::string name, std::string unit, std::string doc) {
  return make(std::move(name), ParamType::integer, std::move(unit), std::move(doc));
}
ParamSchema ParamSchema::boolean(std::string name, std::string doc) {
  return make(std::move(name), ParamType::boolean, "", std::move(doc));
}
ParamSchema ParamSchema::string(std::string name, std::string doc, std::vector<std::string> choices) {
  ParamSchema p = make(std::move(name), ParamType::string, "", std::move(doc));
  p.choices = std::move(choices);
  return p;
}
ParamSchema ParamSchema::duration(std::string name, std::string doc) {
  return make(std::move(name), ParamType::duration, "s", std::move(doc));
}
ParamSchema ParamSchema::reference(std::string name, RefKind kind, std::string doc) {
  ParamSchema p = make(std::move(name), ParamType::reference, "", std::move(doc));
  p.ref_kind = kind;
  return p;
}
ParamSchema ParamSchema::file(std::string name, std::string doc) {
  return make(std::move(name), ParamType::file, "", std::move(doc));
}
ParamSchema ParamSchema::distribution(std::string name, std::string unit, std::string doc) {
  return make(std::move(name), ParamType::distribution, std::move(unit), std::move(doc));
}
ParamSchema ParamSchema::group(std::string name, std::string doc, std::vector<ParamSchema> children) {
  ParamSchema p = make(std::move(name), ParamType::group, "", std::move(doc));
  p.children = std::move(children);
  return p;
}
ParamSchema ParamSchema::number_map(std::string name, std::string unit, std::string doc) {
  return make(std::move(name), ParamType::number_map, std::move(unit), std::move(doc));
}
ParamSchema ParamSchema::string_list(std::string name, std::string doc) {
  return make(std::move(name), ParamType::string_list, "", std::move(doc));
}
ParamSchema ParamSchema::number_list(std::string name, std::string unit, std::string doc) {
  return make(std::move(name), ParamType::number_list, std::move(unit), std::move(doc));
}

ParamSchema&& ParamSchema::range(double lo, double hi, bool lo_exclusive, bool hi_exclusive) && {
  CASCADE_ASSERT(!(lo > hi), "parameter '" + name + "': empty range");
  min = lo;
  max = hi;
  min_exclusive = lo_exclusive;
  max_exclusive = hi_exclusive;
  return std::move(*this);
}

// Defaults are written the natural way in C++ (`with_default(0)` for a number, a string for a
// reference); they are stored as the alternative the loader produces for that type, so a
// defaulted value and the same value written in YAML compare equal.
ParamSchema&& ParamSchema::with_default(ParamValue v) && {
  const auto bad = [&] { return "parameter '" + name + "': default does not match type " + to_string(type); };
  switch (type) {
    case ParamType::number:
      if (const auto* i = std::get_if<std::int64_t>(&v)) v = static_cast<double>(*i);
      CASCADE_ASSERT(std::holds_alternative<double>(v), bad());
      break;
    case ParamType::integer:
      if (const auto* d = std::get_if<double>(&v)) {
        CASCADE_ASSERT(std::floor(*d) == *d, bad());
        v = static_cast<std::int64_t>(*d);
      }
      CASCADE_ASSERT(std::holds_alternative<std::int64_t>(v), bad());
      break;
    case ParamType::boolean: CASCADE_ASSERT(std::holds_alternative<bool>(v), bad()); break;
    case ParamType::string: CASCADE_ASSERT(std::holds_alternative<std::string>(v), bad()); break;
    case ParamType::duration: CASCADE_ASSERT(std::holds_alternative<Duration>(v), bad()); break;
    case ParamType::reference:
      if (const auto* s = std::get_if<std::string>(&v)) v = Reference{*s};
      CASCADE_ASSERT(std::holds_alternative<Reference>(v), bad());
      break;
    case ParamType::file:
      if (const auto* s = std::get_if<std::string>(&v)) v = FilePath{*s, *s};
      CASCADE_ASSERT(std::holds_alternative<FilePath>(v), bad());
      break;
    case ParamType::distribution:
      if (const auto* d = std::get_if<double>(&v)) v = random::Distribution::constant(*d);
      else if (const auto* i = std::get_if<std::int64_t>(&v)) v = random::Distribution::constant(static_cast<double>(*i));
      CASCADE_ASSERT(std::holds_alternative<random::Distribution>(v), bad());
      break;
    case ParamType::group: CASCADE_ASSERT(false, "parameter '" + name + "': a group takes its children's defaults"); break;
    case ParamType::number_map: CASCADE_ASSERT(std::holds_alternative<NumberMap>(v), bad()); break;
    case ParamType::string_list: CASCADE_ASSERT(std::holds_alternative<StringList>(v), bad()); break;
    case ParamType::number_list: CASCADE_ASSERT(std::holds_alternative<NumberList>(v), bad()); break;
  }
  default_value = std::move(v);
  return std::move(*this);
}

ParamSchema&& ParamSchema::edge(graph::EdgeKind kind) && {
  // An optional name (a string whose "" means none) is an edge too when it names a node.
  CASCADE_ASSERT(type == ParamType::reference || type == ParamType::string_list || type == ParamType::string,
                 "parameter '" + name + "': only a reference, an optional name or a list of names is a graph edge");
  edge_kind = kind;
  return std::move(*this);
}

int ComponentSchema::metric_index(const std::string& metric) const {
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name == metric) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace cascade::config
