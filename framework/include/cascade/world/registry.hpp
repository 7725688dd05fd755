#pragma once
/// @file registry.hpp
/// @brief Named component types: schema + factory. Filled by explicit register_* calls
/// (one list, in experiments/runner/register_all.cpp), read by the loader and `cascade describe`.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cascade/config/experiment_spec.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {

/// Builds a component from its validated spec inside a world under construction.
using Factory = std::function<std::unique_ptr<Component>(const config::ComponentSpec&, World&)>;

/// @brief The catalogue of component types.
/// @code
/// Registry r;
/// r.add(my_schema(), [](const config::ComponentSpec& s, World& w) { return std::make_unique<My>(s, w); });
/// @endcode
class Registry : public config::SchemaCatalog {
 public:
  /// @brief Registers a type. @throws cascade::Error if the type name is taken.
  void add(config::ComponentSchema schema, Factory factory);

  const config::ComponentSchema* find_schema(const std::string& type) const override;
  std::vector<std::string> type_names() const override;
  /// @brief The factory of a registered type (asserts it exists).
  const Factory& factory(const std::string& type) const;

 private:
  struct Entry {
    std::unique_ptr<config::ComponentSchema> schema;  // stable address: specs point to it
    Factory factory;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

/// @brief Human-readable schema of one type (for `cascade describe`).
std::string describe(const config::ComponentSchema& schema);

}  // namespace cascade::world
