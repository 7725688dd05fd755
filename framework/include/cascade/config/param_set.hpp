#pragma once
/// @file param_set.hpp
/// @brief Validated, typed parameter values of one component (defaults filled in).

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cascade/config/diagnostics.hpp"
#include "cascade/core/time.hpp"
#include "cascade/random/distributions.hpp"

namespace cascade::config {

/// A duration value (kept apart from integers in the variant).
struct Duration {
  Time value = 0;
  bool operator==(const Duration&) const = default;
};
/// The name of another component or of an asset, checked to exist.
struct Reference {
  std::string name;
  bool operator==(const Reference&) const = default;
};
/// A file path, resolved against the experiment file's folder and checked to exist.
struct FilePath {
  std::string path;  ///< as resolved (absolute or relative to the working directory)
  std::string as_written;
  bool operator==(const FilePath&) const = default;
};
/// A map from asset name to a number, e.g. `reserves: {ETH: 25000, USDC: 4.9e6}`; file order kept.
struct NumberMap {
  std::vector<std::pair<std::string, double>> entries;
  bool operator==(const NumberMap&) const = default;
};
using StringList = std::vector<std::string>;
using NumberList = std::vector<double>;

class ParamSet;
struct NamedParam;

/// @brief One validated value. The alternative is fixed by the parameter's schema type.
using ParamValue = std::variant<std::monostate, bool, double, std::int64_t, std::string, Duration, Reference, FilePath,
                                random::Distribution, NumberMap, StringList, NumberList, ParamSet>;

/// @brief An ordered set of named values (one component's parameters, or a group inside them).
///
/// Accessors assert that the parameter exists with the expected type: after validation the
/// schema guarantees it, so a failure is a programming error, never a user error.
/// @code
/// double fee = params.number("fee");
/// const auto& rate = params.group("rate");
/// @endcode
class ParamSet {
 public:
  ParamSet();
  ParamSet(const ParamSet&);
  ParamSet(ParamSet&&) noexcept;
  ParamSet& operator=(const ParamSet&);
  ParamSet& operator=(ParamSet&&) noexcept;
  ~ParamSet();

  void set(std::string name, ParamValue value, Mark mark = {});
  bool has(std::string_view name) const;
  const ParamValue& get(std::string_view name) const;
  const Mark& mark(std::string_view name) const;

  double number(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  bool boolean(std::string_view name) const;
  const std::string& string(std::string_view name) const;
  Time duration(std::string_view name) const;
  const std::string& reference(std::string_view name) const;
  const FilePath& file(std::string_view name) const;
  const random::Distribution& distribution(std::string_view name) const;
  const NumberMap& number_map(std::string_view name) const;
  const StringList& string_list(std::string_view name) const;
  const NumberList& number_list(std::string_view name) const;
  const ParamSet& group(std::string_view name) const;

  const std::vector<NamedParam>& items() const { return items_; }
  bool operator==(const ParamSet&) const;

 private:
  std::vector<NamedParam> items_;
};

struct NamedParam {
  std::string name;
  ParamValue value;
  Mark mark;
  bool operator==(const NamedParam&) const = default;
};

/// Looks up `name` in a number map; asserts it is present.
double lookup(const NumberMap& map, std::string_view name);

}  // namespace cascade::config
