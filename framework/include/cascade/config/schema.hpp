#pragma once
/// @file schema.hpp
/// @brief Typed parameter schemas: every component type declares its parameters (name, type,
/// unit, default, range) and the metrics it can record. The loader validates YAML against them;
/// `cascade describe <type>` prints them.

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cascade/config/param_set.hpp"
#include "cascade/graph/edge_kind.hpp"

namespace cascade::config {

/// The experiment sections that hold named components.
enum class Section { drivers, venues, oracles, protocols, agents };
const char* to_string(Section s);

enum class ParamType {
  boolean,
  number,        ///< a finite double (YAML number; also "5%"? no: plain numbers only)
  integer,       ///< a whole number
  string,        ///< free text or one of `choices`
  duration,      ///< "90s", "15m", "1h", "7d"
  reference,     ///< the name of a component or asset of `ref_kind`
  file,          ///< a path relative to the experiment file, which must exist
  distribution,  ///< a number or `{dist: ..., ...}`
  group,         ///< a nested mapping with its own `children` schema
  number_map,    ///< a mapping asset name → number
  string_list,   ///< a sequence of strings
  number_list,   ///< a sequence of numbers
};
const char* to_string(ParamType t);

/// What a reference may name.
enum class RefKind { asset, driver, venue, oracle, protocol, agent, price_source /* driver, venue or oracle */ };
const char* to_string(RefKind k);

/// @brief One parameter's schema. Build with the named constructors and the fluent setters:
/// @code
/// ParamSchema::number("fee", "fraction", "swap fee paid to liquidity providers")
///     .range(0.0, 1.0, /*max_exclusive=*/true).with_default(0.003)
/// @endcode
struct ParamSchema {
  std::string name;
  ParamType type = ParamType::number;
  std::string unit;  ///< "USD", "fraction", "1/year", "ETH", "s"... ("" for none)
  std::string doc;
  std::optional<ParamValue> default_value;  ///< absent ⇒ required
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;
  std::vector<std::string> choices;   ///< allowed strings (string type), empty = any
  RefKind ref_kind = RefKind::asset;  ///< reference type only
  std::vector<ParamSchema> children;  ///< group type only
  /// Dependency-graph edge a reference yields (framework/include/cascade/graph/README.md).
  graph::EdgeKind edge_kind = graph::EdgeKind::depends_on;

  static ParamSchema number(std::string name, std::string unit, std::string doc);
  static ParamSchema integer(std::string name, std::string unit, std::string doc);
  static ParamSchema boolean(std::string name, std::string doc);
  static ParamSchema string(std::string name, std::string doc, std::vector<std::string> choices = {});
  static ParamSchema duration(std::string name, std::string doc);
  static ParamSchema reference(std::string name, RefKind kind, std::string doc);
  static ParamSchema file(std::string name, std::string doc);
  static ParamSchema distribution(std::string name, std::string unit, std::string doc);
  static ParamSchema group(std::string name, std::string doc, std::vector<ParamSchema> children);
  static ParamSchema number_map(std::string name, std::string unit, std::string doc);
  static ParamSchema string_list(std::string name, std::string doc);
  static ParamSchema number_list(std::string name, std::string unit, std::string doc);

  /// Range check for numbers, integers, every value of a number map or list, durations (in s)
  /// and the support of distributions (a distribution whose support leaves the range is an error).
  ParamSchema&& range(double lo, double hi, bool lo_exclusive = false, bool hi_exclusive = false) &&;
  ParamSchema&& with_default(ParamValue v) &&;
  /// The dependency-graph edge this reference (or each name of this string list) stands for
  /// (default depends_on).
  ParamSchema&& edge(graph::EdgeKind kind) &&;
  bool required() const { return !default_value.has_value() && type != ParamType::group; }
};

/// @brief A metric a component can record as a time series (`outputs.timeseries: [name.metric]`).
struct MetricSchema {
  std::string name;
  std::string unit;
  std::string doc;
};

/// @brief Everything the loader and `cascade describe` know about a component type.
struct ComponentSchema {
  std::string type;     ///< the YAML `type:` value, e.g. "constant_product_amm"
  Section section;      ///< where it may appear
  std::string summary;  ///< one line
  std::string source;   ///< the real mechanism it follows (doc/paper/contract)
  std::vector<ParamSchema> params;
  std::vector<MetricSchema> metrics;
  /// Index of the metric with this name, or -1.
  int metric_index(const std::string& metric) const;
};

/// @brief Read-only access to the registered component schemas (implemented by the registry).
class SchemaCatalog {
 public:
  virtual ~SchemaCatalog() = default;
  virtual const ComponentSchema* find_schema(const std::string& type) const = 0;
  virtual std::vector<std::string> type_names() const = 0;
};

}  // namespace cascade::config
