#include "cascade/config/param_set.hpp"

#include <algorithm>

#include "cascade/core/error.hpp"

namespace cascade::config {

ParamSet::ParamSet() = default;
ParamSet::ParamSet(const ParamSet&) = default;
ParamSet::ParamSet(ParamSet&&) noexcept = default;
ParamSet& ParamSet::operator=(const ParamSet&) = default;
ParamSet& ParamSet::operator=(ParamSet&&) noexcept = default;
ParamSet::~ParamSet() = default;

void ParamSet::set(std::string name, ParamValue value, Mark mark) {
  for (auto& item : items_) {
    if (item.name == name) {
      item.value = std::move(value);
      item.mark = std::move(mark);
      return;
    }
  }
  items_.push_back(NamedParam{std::move(name), std::move(value), std::move(mark)});
}

bool ParamSet::has(std::string_view name) const {
  return std::any_of(items_.begin(), items_.end(), [&](const NamedParam& p) { return p.name == name; });
}

const ParamValue& ParamSet::get(std::string_view name) const {
  for (const auto& item : items_) {
    if (item.name == name) return item.value;
  }
  CASCADE_ASSERT(false, "parameter '" + std::string(name) + "' is not set");
  std::abort();  // unreachable: CASCADE_ASSERT throws
}

const Mark& ParamSet::mark(std::string_view name) const {
  for (const auto& item : items_) {
    if (item.name == name) return item.mark;
  }
  CASCADE_ASSERT(false, "parameter '" + std::string(name) + "' is not set");
  std::abort();
}

namespace {

template <typename T>
const T& typed(const ParamSet& set, std::string_view name, const char* type) {
  const ParamValue& value = set.get(name);
  const T* p = std::get_if<T>(&value);
  CASCADE_ASSERT(p != nullptr, "parameter '" + std::string(name) + "' is not a " + type);
  return *p;
}

}  // namespace

double ParamSet::number(std::string_view name) const { return typed<double>(*this, name, "number"); }
std::int64_t ParamSet::integer(std::string_view name) const { return typed<std::int64_t>(*this, name, "integer"); }
bool ParamSet::boolean(std::string_view name) const { return typed<bool>(*this, name, "boolean"); }
const std::string& ParamSet::string(std::string_view name) const { return typed<std::string>(*this, name, "string"); }
Time ParamSet::duration(std::string_view name) const { return typed<Duration>(*this, name, "duration").value; }
const std::string& ParamSet::reference(std::string_view name) const {
  return typed<Reference>(*this, name, "reference").name;
}
const FilePath& ParamSet::file(std::string_view name) const { return typed<FilePath>(*this, name, "file"); }
const random::Distribution& ParamSet::distribution(std::string_view name) const {
  return typed<random::Distribution>(*this, name, "distribution");
}
const NumberMap& ParamSet::number_map(std::string_view name) const {
  return typed<NumberMap>(*this, name, "number map");
}
const StringList& ParamSet::string_list(std::string_view name) const {
  return typed<StringList>(*this, name, "string list");
}
const NumberList& ParamSet::number_list(std::string_view name) const {
  return typed<NumberList>(*this, name, "number list");
}
const ParamSet& ParamSet::group(std::string_view name) const { return typed<ParamSet>(*this, name, "group"); }

// Marks say where a value came from, not what it is: two sets are equal when their names and
// values are, so a spec and its normalised reload compare equal.
bool ParamSet::operator==(const ParamSet& other) const {
  if (items_.size() != other.items_.size()) return false;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].name != other.items_[i].name || !(items_[i].value == other.items_[i].value)) return false;
  }
  return true;
}

double lookup(const NumberMap& map, std::string_view name) {
  for (const auto& [key, value] : map.entries) {
    if (key == name) return value;
  }
  CASCADE_ASSERT(false, "no entry '" + std::string(name) + "' in number map");
  std::abort();
}

}  // namespace cascade::config
