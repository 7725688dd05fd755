#include "cascade/config/loader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "cascade/config/sweep_design.hpp"
#include "yaml_reader.hpp"

namespace cascade::config {
namespace {

using detail::format_number;
using detail::YamlEntry;
using detail::YamlNode;

constexpr std::array<Section, 5> kSections{Section::drivers, Section::venues, Section::oracles, Section::protocols,
                                           Section::agents};
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr const char* kDurationUnits = "units: us, ms, s, m, h, d, w";

const char* singular(Section s) {
  switch (s) {
    case Section::drivers: return "driver";
    case Section::venues: return "venue";
    case Section::oracles: return "oracle";
    case Section::protocols: return "protocol";
    case Section::agents: return "agent";
  }
  return "?";
}

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

/// "an oracle", "a venue".
std::string with_article(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + noun;
}

std::string comma_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? std::string{} : "did you mean '" + best + "'?";
}

/// "1 value", "3 values".
std::string count_text(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  if (!(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return parts;
}

// ---- scalars --------------------------------------------------------------------------------

enum class NumberStatus { ok, not_a_number, not_finite };
struct ParsedNumber {
  NumberStatus status = NumberStatus::not_a_number;
  double value = 0.0;
};

// YAML 1.2 core-schema floats, parsed locale-independently. Quoted scalars are strings.
ParsedNumber parse_number(const YamlNode& node) {
  if (!node.is_scalar() || !node.plain) return {};
  std::string_view t = node.text;
  static constexpr std::array<std::string_view, 12> kSpecial{".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
                                                             "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"};
  if (std::find(kSpecial.begin(), kSpecial.end(), t) != kSpecial.end()) return {NumberStatus::not_finite, 0.0};
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  if (t.empty()) return {};
  const char lead = t.front() == '-' ? (t.size() > 1 ? t[1] : '\0') : t.front();
  if (!(std::isdigit(static_cast<unsigned char>(lead)) || lead == '.')) return {};
  double value = 0.0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (end != t.data() + t.size()) return {};
  if (ec == std::errc::result_out_of_range) return {NumberStatus::not_finite, 0.0};
  if (ec != std::errc{}) return {};
  if (!std::isfinite(value)) return {NumberStatus::not_finite, 0.0};
  return {NumberStatus::ok, value};
}

bool in_range(const ParamSchema& s, double v) {
  if (s.min_exclusive ? !(v > s.min) : !(v >= s.min)) return false;
  if (s.max_exclusive ? !(v < s.max) : !(v <= s.max)) return false;
  return true;
}

std::string bound_text(double v, const char* suffix) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return format_number(v) + suffix;
}

/// "in (0, 1]", "> 0", ">= 1", "<= 36".
std::string range_text(const ParamSchema& s, const char* suffix = "") {
  const bool has_min = std::isfinite(s.min);
  const bool has_max = std::isfinite(s.max);
  if (has_min && has_max) {
    return std::string("in ") + (s.min_exclusive ? "(" : "[") + bound_text(s.min, suffix) + ", " +
           bound_text(s.max, suffix) + (s.max_exclusive ? ")" : "]");
  }
  if (has_min) return (s.min_exclusive ? "> " : ">= ") + bound_text(s.min, suffix);
  if (has_max) return (s.max_exclusive ? "< " : "<= ") + bound_text(s.max, suffix);
  return "finite";
}

std::string expected_text(const ParamSchema& s) {
  switch (s.type) {
    case ParamType::boolean: return "true or false";
    case ParamType::number: return "a number";
    case ParamType::integer: return "a whole number";
    case ParamType::string: return "a string";
    case ParamType::duration: return "a duration such as \"90s\"";
    case ParamType::reference:
      return "the name of " + with_article(s.ref_kind == RefKind::price_source ? "driver, venue or oracle"
                                                                               : to_string(s.ref_kind));
    case ParamType::file: return "a file path";
    case ParamType::distribution: return "a number or a distribution such as {dist: lognormal, median: 1, sigma: 0.5}";
    case ParamType::group: return "a mapping";
    case ParamType::number_map: return "a mapping of asset names to numbers";
    case ParamType::string_list: return "a list of strings";
    case ParamType::number_list: return "a list of numbers";
  }
  return "?";
}

std::string param_hint(const ParamSchema& s) {
  std::string hint = s.name + ": " + (s.doc.empty() ? to_string(s.type) : s.doc);
  if (!s.unit.empty() && s.type != ParamType::duration) hint += " [" + s.unit + "]";
  return hint;
}

// ---- built-in sections, described with the same schemas as components ------------------------

const std::vector<ParamSchema>& experiment_schema() {
  static const std::vector<ParamSchema> schema = [] {
    std::vector<ParamSchema> s;
    s.push_back(ParamSchema::string("name", "experiment name"));
    s.push_back(ParamSchema::string("description", "free text").with_default(std::string{}));
    s.push_back(ParamSchema::integer("seed", "", "experiment seed (key of every random stream)").range(0, kInf));
    s.push_back(ParamSchema::duration("horizon", "simulated time per replica").range(0, kInf, true));
    s.push_back(ParamSchema::integer("replicas", "", "replicas per sweep point").range(1, kInf).with_default(1));
    s.push_back(ParamSchema::boolean("common_random_numbers", "replica r sees the same shocks at every point")
                    .with_default(true));
    return s;
  }();
  return schema;
}

const std::vector<ParamSchema>& asset_schema() {
  static const std::vector<ParamSchema> schema = [] {
    std::vector<ParamSchema> s;
    s.push_back(ParamSchema::integer("decimals", "", "token decimals").range(0, 36).with_default(18));
    s.push_back(ParamSchema::boolean("numeraire", "the unit of account").with_default(false));
    s.push_back(ParamSchema::string("issuer", "component that issues the token (dependency-graph edge 'issues')")
                    .with_default(std::string{}));
    return s;
  }();
  return schema;
}

const std::vector<ParamSchema>& outputs_schema() {
  static const std::vector<ParamSchema> schema = [] {
    std::vector<ParamSchema> s;
    s.push_back(ParamSchema::duration("sample_every", "time-series sampling interval")
                    .range(0, kInf, true)
                    .with_default(Duration{5 * kMinute}));
    s.push_back(ParamSchema::string_list("timeseries", "component.metric series to record").with_default(StringList{}));
    s.push_back(ParamSchema::string_list("summary", "component.metric final values to print per point").with_default(StringList{}));
    s.push_back(ParamSchema::integer("timeseries_replicas", "", "full series for the first n replicas")
                    .range(0, kInf)
                    .with_default(20));
    ParamSchema events = ParamSchema::string_list("events", "event tables to record").with_default(StringList{"liquidations"});
    events.choices = {"liquidations", "adl"};
    s.push_back(std::move(events));
    s.push_back(ParamSchema::group(
        "heatmaps", "heatmaps to record (/heatmaps)",
        {ParamSchema::group(
            "liquidation_price", "debt by liquidation price / oracle price, per sample time",
            {ParamSchema::integer("bins", "", "number of uniform ratio bins (0: off)").range(0, 1e5).with_default(std::int64_t{0}),
             ParamSchema::duration("every", "sampling interval").range(0, kInf, true).with_default(Duration{kHour}),
             ParamSchema::number("low", "ratio", "lower edge of the first bin (smaller ratios are skipped)").range(0, kInf).with_default(0.0),
             ParamSchema::number("high", "ratio", "upper edge of the last bin (larger ratios go to the last bin)")
                 .range(0, kInf, true)
                 .with_default(1.0)})}));
    return s;
  }();
  return schema;
}

const std::vector<ParamSchema>& network_schema() {
  static const std::vector<ParamSchema> schema = [] {
    std::vector<ParamSchema> s;
    s.push_back(ParamSchema::string("shock_origin", "node hop distances count from (default: the first impacted node)")
                    .with_default(std::string{}));
    s.push_back(ParamSchema::number("signal_threshold", "fraction", "relative change of an observable that is an impact")
                    .range(0, 1, true, false)
                    .with_default(0.05));
    s.push_back(ParamSchema::duration("latency", "default signal delay along an edge").range(0, kInf).with_default(Duration{0}));
    return s;
  }();
  return schema;
}

const std::vector<ParamSchema>& exposure_schema() {
  static const std::vector<ParamSchema> schema = [] {
    std::vector<ParamSchema> s;
    s.push_back(ParamSchema::string("holder", "component that holds the claim"));
    s.push_back(ParamSchema::string("debtor", "component the claim is on"));
    s.push_back(ParamSchema::number("weight", "numeraire", "face value of the claim").range(0, kInf).with_default(1.0));
    s.push_back(ParamSchema::duration("latency", "signal delay along this edge (default network.latency)")
                    .range(0, kInf)
                    .with_default(Duration{-1}));
    return s;
  }();
  return schema;
}

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys{"experiment", "assets",  "drivers", "venues", "oracles",
                                             "protocols",  "agents",  "shocks",  "outputs", "sweep",
                                             "network"};
  return keys;
}

std::vector<std::string> names_of(const std::vector<ParamSchema>& schemas) {
  std::vector<std::string> out;
  for (const auto& s : schemas) out.push_back(s.name);
  return out;
}

const ParamSchema* find_schema(const std::vector<ParamSchema>& schemas, const std::string& name) {
  for (const auto& s : schemas) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// ---- distributions -----------------------------------------------------------------------------

struct DistKind {
  const char* name;
  random::Distribution::Kind kind;
  std::vector<std::string> keys;
};

const std::vector<DistKind>& dist_kinds() {
  using K = random::Distribution::Kind;
  static const std::vector<DistKind> kinds{
      {"normal", K::normal, {"mean", "sd"}},
      {"lognormal", K::lognormal, {"median", "mu", "sigma", "mean", "sd"}},
      {"uniform", K::uniform, {"low", "high"}},
      {"exponential", K::exponential, {"mean"}},
      {"student_t", K::student_t, {"nu", "location", "scale"}},
      {"poisson", K::poisson, {"lambda"}},
      {"constant", K::constant, {"value"}},
  };
  return kinds;
}

// Whether a distribution attains its bounds: lognormal and exponential draws are > 0, a uniform
// draw is < high. Decides whether support [0, ...) fits a range that excludes 0.
bool attains_lower(const random::Distribution& d) {
  using K = random::Distribution::Kind;
  return d.kind == K::constant || d.kind == K::uniform || d.kind == K::poisson;
}
bool attains_upper(const random::Distribution& d) { return d.kind == random::Distribution::Kind::constant; }

// ---- the validator -----------------------------------------------------------------------------

struct PendingComponent {
  std::string name;
  Section section = Section::drivers;
  Mark mark;
  const YamlNode* node = nullptr;
  const ComponentSchema* schema = nullptr;
};

struct SweepTarget {
  bool ok = false;
  ParamSchema schema;
};

class Validator {
 public:
  Validator(const SchemaCatalog& catalog, Diagnostics& diagnostics, std::string base_dir)
      : catalog_(catalog), diagnostics_(diagnostics), base_dir_(std::move(base_dir)) {}

  ExperimentSpec run(const YamlNode& root);

 private:
  void error(const Mark& mark, const std::string& path, std::string message, std::string hint = {}) {
    diagnostics_.add(mark, path, std::move(message), std::move(hint));
  }

  void check_top_level(const YamlNode& root);
  void read_experiment(const YamlNode& root, ExperimentSpec& spec);
  void read_assets(const YamlNode& root, ExperimentSpec& spec);
  void collect_components(const YamlNode& root);
  void read_components(ExperimentSpec& spec);
  void read_outputs(const YamlNode& root, ExperimentSpec& spec);
  void read_shocks(const YamlNode& root);
  void read_sweep(const YamlNode& root, ExperimentSpec& spec);
  void read_network(const YamlNode& root, ExperimentSpec& spec);
  bool check_node_name(const std::string& name, const Mark& mark, const std::string& path, bool components_only);
  bool read_sweep_range(const YamlNode& value, const std::string& path, const struct SweepTarget& target,
                        const std::string& design, SweepParameter& parameter);

  bool claim_name(const std::string& name, const std::string& path, const Mark& mark);
  const PendingComponent* component(const std::string& name) const;

  std::optional<ParamSet> params_of(const std::vector<ParamSchema>& schemas, const YamlNode& node,
                                    const std::string& path, const std::string& owner, bool skip_type = false);
  std::optional<ParamSet> defaults_of(const std::vector<ParamSchema>& schemas) const;
  std::optional<ParamValue> value_of(const ParamSchema& s, const YamlNode& node, const std::string& path);
  std::optional<double> number_of(const ParamSchema& s, const YamlNode& node, const std::string& path);
  std::optional<std::int64_t> integer_of(const ParamSchema& s, const YamlNode& node, const std::string& path);
  std::optional<Time> duration_of(const ParamSchema& s, const YamlNode& node, const std::string& path);
  std::optional<std::string> string_of(const ParamSchema& s, const YamlNode& node, const std::string& path);
  std::optional<std::string> reference_of(RefKind kind, const YamlNode& node, const std::string& path);
  std::optional<FilePath> file_of(const YamlNode& node, const std::string& path);
  std::optional<random::Distribution> distribution_of(const ParamSchema& s, const YamlNode& node,
                                                      const std::string& path);
  std::optional<double> dist_field(const YamlNode& node, const std::string& path, bool allow_duration);
  SweepTarget resolve_sweep_path(const std::string& sweep_path, const Mark& mark, const std::string& key_path);
  void type_error(const ParamSchema& s, const YamlNode& node, const std::string& path) {
    error(node.mark, path, "expected " + expected_text(s) + ", got " + node.describe());
  }

  const SchemaCatalog& catalog_;
  Diagnostics& diagnostics_;
  std::string base_dir_;
  std::vector<std::string> asset_names_;
  std::vector<PendingComponent> components_;
  struct Claimed {
    std::string name;
    std::string path;
    Mark mark;
  };
  std::vector<Claimed> claimed_;
};

ExperimentSpec Validator::run(const YamlNode& root) {
  ExperimentSpec spec;
  check_top_level(root);
  read_experiment(root, spec);
  read_assets(root, spec);
  collect_components(root);
  read_components(spec);
  read_network(root, spec);
  read_outputs(root, spec);
  read_shocks(root);
  read_sweep(root, spec);
  return spec;
}

void Validator::check_top_level(const YamlNode& root) {
  for (const auto& entry : root.entries) {
    const auto& keys = top_level_keys();
    if (std::find(keys.begin(), keys.end(), entry.key) != keys.end()) continue;
    std::string hint = did_you_mean(entry.key, keys);
    if (hint.empty()) hint = "sections are: " + comma_list(keys);
    error(entry.key_mark, entry.key, "unknown section '" + entry.key + "'", hint);
  }
}

void Validator::read_experiment(const YamlNode& root, ExperimentSpec& spec) {
  const YamlNode* node = root.find("experiment");
  if (!node) {
    error(root.mark, "experiment", "missing required section 'experiment'",
          "e.g. experiment: {name: my-study, seed: 1, horizon: 24h}");
    return;
  }
  // `--replicas 1` on a file without an experiment: section creates one; the file is what is wrong.
  if (node->synthetic && !std::all_of(experiment_schema().begin(), experiment_schema().end(), [&](const ParamSchema& s) {
        return !s.required() || node->find(s.name);
      })) {
    error(root.mark, "experiment", "missing required section 'experiment'",
          "e.g. experiment: {name: my-study, seed: 1, horizon: 24h}");
    return;
  }
  const auto params = params_of(experiment_schema(), *node, "experiment", "section experiment");
  if (!params) return;
  if (params->has("name")) spec.name = params->string("name");
  if (params->has("description")) spec.description = params->string("description");
  if (params->has("seed")) spec.seed = static_cast<std::uint64_t>(params->integer("seed"));
  if (params->has("horizon")) spec.horizon = params->duration("horizon");
  if (params->has("replicas")) spec.replicas = params->integer("replicas");
  if (params->has("common_random_numbers")) spec.common_random_numbers = params->boolean("common_random_numbers");
}

bool Validator::claim_name(const std::string& name, const std::string& path, const Mark& mark) {
  if (!valid_name(name)) {
    error(mark, path, "invalid name '" + name + "'",
          "names start with a letter or '_' and contain only letters, digits and '_'");
    return false;
  }
  for (const auto& c : claimed_) {
    if (c.name == name) {
      error(mark, path, "name '" + name + "' is already used by " + c.path + " (" + c.mark.to_string() + ")",
            "asset and component names must be unique across all sections");
      return false;
    }
  }
  claimed_.push_back(Claimed{name, path, mark});
  return true;
}

void Validator::read_assets(const YamlNode& root, ExperimentSpec& spec) {
  const YamlNode* node = root.find("assets");
  const char* example = "e.g. assets: {ETH: {decimals: 18}, USDC: {decimals: 6, numeraire: true}}";
  if (!node || node->is_null()) {
    error(node ? node->mark : root.mark, "assets", node ? "no assets defined" : "missing required section 'assets'",
          example);
    return;
  }
  if (!node->is_mapping()) {
    error(node->mark, "assets", "expected a mapping of asset names, got " + node->describe(), example);
    return;
  }
  if (node->entries.empty()) {
    error(node->mark, "assets", "no assets defined", example);
    return;
  }
  std::string numeraire;
  bool all_valid = true;
  for (const auto& entry : node->entries) {
    const std::string path = join("assets", entry.key);
    asset_names_.push_back(entry.key);
    if (!claim_name(entry.key, path, entry.key_mark)) continue;
    const auto params = params_of(asset_schema(), entry.value, path, "asset");
    if (!params) {
      all_valid = false;
      continue;
    }
    AssetSpec asset;
    asset.name = entry.key;
    asset.mark = entry.key_mark;
    if (params->has("decimals")) asset.decimals = params->integer("decimals");
    if (params->has("numeraire")) asset.numeraire = params->boolean("numeraire");
    if (params->has("issuer")) asset.issuer = params->string("issuer");
    spec.assets.push_back(asset);
    if (!asset.numeraire) continue;
    if (numeraire.empty()) {
      numeraire = asset.name;
    } else {
      error(entry.value.find("numeraire")->mark, join(path, "numeraire"),
            "more than one numeraire: '" + numeraire + "' and '" + entry.key + "'",
            "exactly one asset is the unit of account");
    }
  }
  // An asset with errors may be the numeraire: do not add a consequential error.
  if (numeraire.empty() && all_valid) {
    error(node->mark, "assets", "no numeraire asset",
          "mark the unit of account with numeraire: true, e.g. USDC: {decimals: 6, numeraire: true}");
  }
}

void Validator::collect_components(const YamlNode& root) {
  for (const Section section : kSections) {
    const std::string section_name = to_string(section);
    const YamlNode* node = root.find(section_name);
    if (!node || node->is_null()) continue;
    if (!node->is_mapping()) {
      error(node->mark, section_name, "expected a mapping of named components, got " + node->describe());
      continue;
    }
    for (const auto& entry : node->entries) {
      const std::string path = join(section_name, entry.key);
      if (!claim_name(entry.key, path, entry.key_mark)) continue;
      PendingComponent pending{entry.key, section, entry.key_mark, &entry.value, nullptr};
      const YamlNode& value = entry.value;
      if (!value.is_mapping()) {
        error(value.mark, path, "expected a mapping with a type: key, got " + value.describe(),
              std::string("e.g. ") + entry.key + ": {type: ...}");
      } else if (const YamlNode* type = value.find("type"); !type) {
        error(value.mark, join(path, "type"), "missing required key 'type'",
              std::string("the ") + singular(section) + " types are: " + [&] {
                std::vector<std::string> names;
                for (const auto& t : catalog_.type_names()) {
                  const ComponentSchema* s = catalog_.find_schema(t);
                  if (s && s->section == section) names.push_back(t);
                }
                return comma_list(names);
              }());
      } else if (!type->is_scalar()) {
        error(type->mark, join(path, "type"), "expected a type name, got " + type->describe());
      } else if (const ComponentSchema* schema = catalog_.find_schema(type->text); !schema) {
        std::string hint = did_you_mean(type->text, catalog_.type_names());
        if (hint.empty()) hint = "see `cascade list` for the registered types";
        error(type->mark, join(path, "type"), "unknown type '" + type->text + "'", hint);
      } else if (schema->section != section) {
        error(type->mark, join(path, "type"),
              "type '" + type->text + "' is " + with_article(singular(schema->section)) + " type, not " +
                  with_article(singular(section)),
              std::string("move '") + entry.key + "' under " + to_string(schema->section) + ":");
      } else {
        pending.schema = schema;
      }
      components_.push_back(pending);
    }
  }
}

const PendingComponent* Validator::component(const std::string& name) const {
  for (const auto& c : components_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

void Validator::read_components(ExperimentSpec& spec) {
  for (const auto& pending : components_) {
    if (!pending.schema) continue;
    const std::string path = join(to_string(pending.section), pending.name);
    auto params = params_of(pending.schema->params, *pending.node, path, "type " + pending.schema->type, true);
    if (!params) continue;
    ComponentSpec c;
    c.name = pending.name;
    c.type = pending.schema->type;
    c.section = pending.section;
    c.params = std::move(*params);
    c.mark = pending.mark;
    c.schema = pending.schema;
    spec.components.push_back(std::move(c));
  }
}

void Validator::read_outputs(const YamlNode& root, ExperimentSpec& spec) {
  const YamlNode* node = root.find("outputs");
  YamlNode empty;
  empty.mark = root.mark;
  const auto params = params_of(outputs_schema(), node ? *node : empty, "outputs", "section outputs");
  if (!params) return;
  if (params->has("sample_every")) spec.outputs.sample_every = params->duration("sample_every");
  if (params->has("timeseries_replicas")) spec.outputs.timeseries_replicas = params->integer("timeseries_replicas");
  if (params->has("events")) {
    const auto& events = params->string_list("events");
    spec.outputs.liquidation_events = std::find(events.begin(), events.end(), "liquidations") != events.end();
    spec.outputs.adl_events = std::find(events.begin(), events.end(), "adl") != events.end();
  }
  if (params->has("timeseries")) spec.outputs.timeseries = params->string_list("timeseries");
  if (params->has("summary")) spec.outputs.summary = params->string_list("summary");
  if (params->has("heatmaps") && params->group("heatmaps").has("liquidation_price")) {
    const auto& h = params->group("heatmaps").group("liquidation_price");
    if (h.has("bins")) spec.outputs.heatmap_bins = h.integer("bins");
    if (h.has("every")) spec.outputs.heatmap_every = h.duration("every");
    if (h.has("low")) spec.outputs.heatmap_low = h.number("low");
    if (h.has("high")) spec.outputs.heatmap_high = h.number("high");
    if (spec.outputs.heatmap_low >= spec.outputs.heatmap_high) {
      const YamlNode* hn = node ? node->find("heatmaps") : nullptr;
      const YamlNode* ln = hn ? hn->find("liquidation_price") : nullptr;
      error(ln ? ln->mark : root.mark, "outputs.heatmaps.liquidation_price", "low must be below high", "e.g. low: 0.5, high: 1.0");
    }
  }
  if (!node) return;
  std::vector<std::string> component_names;
  for (const auto& c : components_) component_names.push_back(c.name);
  for (const char* key : {"timeseries", "summary"}) {
    const YamlNode* list = node->find(key);
    if (!list) continue;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      const YamlNode& item = list->items[i];
      const std::string path = std::string("outputs.") + key + "[" + std::to_string(i) + "]";
      const std::size_t dot = item.text.find('.');
      if (dot == std::string::npos) {
        error(item.mark, path, "expected component.metric, got '" + item.text + "'", "e.g. eth_ref.price");
        continue;
      }
      const std::string name = item.text.substr(0, dot);
      const std::string metric = item.text.substr(dot + 1);
      const PendingComponent* c = component(name);
      if (!c) {
        std::string hint = did_you_mean(name, component_names);
        error(item.mark, path, "no component named '" + name + "'", hint);
        continue;
      }
      if (!c->schema) continue;  // its type is already reported
      if (c->schema->metric_index(metric) >= 0) continue;
      std::vector<std::string> metrics;
      for (const auto& m : c->schema->metrics) metrics.push_back(m.name);
      std::string hint = did_you_mean(metric, metrics);
      if (hint.empty()) hint = metrics.empty() ? "it records no metrics" : "its metrics are: " + comma_list(metrics);
      error(item.mark, path, "'" + name + "' (" + c->schema->type + ") has no metric '" + metric + "'", hint);
    }
  }
}

void Validator::read_shocks(const YamlNode& root) {
  const YamlNode* node = root.find("shocks");
  if (!node || node->is_null() || (node->is_sequence() && node->items.empty())) return;
  error(node->mark, "shocks", "shocks are not supported yet", "write shocks: [] or leave the section out");
}

SweepTarget Validator::resolve_sweep_path(const std::string& sweep_path, const Mark& mark, const std::string& key_path) {
  const std::vector<std::string> parts = split(sweep_path, '.');
  if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    error(mark, key_path, "'" + sweep_path + "' is not a key path", "e.g. protocols.pool.liquidation_bonus");
    return {};
  }
  if (parts[0] == "network") {
    const ParamSchema* s = parts.size() == 2 ? find_schema(network_schema(), parts[1]) : nullptr;
    if (!s) {
      error(mark, key_path, "cannot sweep '" + sweep_path + "'",
            "network.signal_threshold, network.latency and network.shock_origin can be swept");
      return {};
    }
    return {true, *s};
  }
  if (parts[0] == "experiment") {
    if (parts.size() != 2) {
      error(mark, key_path, "expected experiment.<key>, got '" + sweep_path + "'");
      return {};
    }
    const ParamSchema* s = find_schema(experiment_schema(), parts[1]);
    if (!s) {
      error(mark, key_path, "unknown key 'experiment." + parts[1] + "'", did_you_mean(parts[1], names_of(experiment_schema())));
      return {};
    }
    return {true, *s};
  }
  std::vector<std::string> section_names;
  for (const Section s : kSections) section_names.push_back(to_string(s));
  const auto section_it = std::find(section_names.begin(), section_names.end(), parts[0]);
  if (section_it == section_names.end()) {
    section_names.insert(section_names.begin(), "experiment");
    std::string hint = did_you_mean(parts[0], section_names);
    if (hint.empty()) hint = "a swept path starts with experiment, drivers, venues, oracles, protocols or agents";
    error(mark, key_path, "cannot sweep '" + sweep_path + "': unknown section '" + parts[0] + "'", hint);
    return {};
  }
  const Section section = kSections[static_cast<std::size_t>(section_it - section_names.begin())];
  if (parts.size() < 3) {
    error(mark, key_path, "expected " + parts[0] + ".<name>.<parameter>, got '" + sweep_path + "'");
    return {};
  }
  const PendingComponent* c = component(parts[1]);
  if (!c || c->section != section) {
    std::vector<std::string> names;
    for (const auto& other : components_) {
      if (other.section == section) names.push_back(other.name);
    }
    error(mark, key_path, std::string("no ") + singular(section) + " named '" + parts[1] + "'",
          did_you_mean(parts[1], names));
    return {};
  }
  if (!c->schema) return {};  // its type is already reported
  const std::vector<ParamSchema>* schemas = &c->schema->params;
  std::string walked = parts[0] + "." + parts[1];
  for (std::size_t i = 2; i < parts.size(); ++i) {
    const ParamSchema* s = find_schema(*schemas, parts[i]);
    if (!s) {
      std::string hint = did_you_mean(parts[i], names_of(*schemas));
      error(mark, key_path, "unknown parameter '" + parts[i] + "' in " + walked, hint);
      return {};
    }
    walked += "." + parts[i];
    const bool last = i + 1 == parts.size();
    if (last) return {true, *s};
    if (s->type == ParamType::group) {
      schemas = &s->children;
      continue;
    }
    if (s->type == ParamType::number_map && i + 2 == parts.size()) {
      const std::string& asset = parts[i + 1];
      if (std::find(asset_names_.begin(), asset_names_.end(), asset) == asset_names_.end()) {
        error(mark, key_path, "no asset named '" + asset + "'", did_you_mean(asset, asset_names_));
        return {};
      }
      ParamSchema entry = *s;
      entry.type = ParamType::number;
      entry.name = asset;
      entry.default_value.reset();
      return {true, entry};
    }
    error(mark, key_path, "'" + walked + "' is " + with_article(to_string(s->type)) + " and has no field '" + parts[i + 1] + "'",
          s->type == ParamType::distribution ? "sweep the whole value, e.g. [{dist: normal, mean: 0, sd: 1}, ...]" : "");
    return {};
  }
  return {};
}

bool Validator::check_node_name(const std::string& name, const Mark& mark, const std::string& path,
                                bool components_only) {
  if (component(name)) return true;
  const bool is_asset = std::find(asset_names_.begin(), asset_names_.end(), name) != asset_names_.end();
  if (is_asset && !components_only) return true;
  std::vector<std::string> names;
  for (const auto& c : components_) names.push_back(c.name);
  if (!components_only) names.insert(names.end(), asset_names_.begin(), asset_names_.end());
  error(mark, path, is_asset ? "'" + name + "' is an asset, not a component" : "no component named '" + name + "'",
        did_you_mean(name, names));
  return false;
}

void Validator::read_network(const YamlNode& root, ExperimentSpec& spec) {
  // Issuers name components, which are collected after the assets: checked here.
  for (const auto& asset : spec.assets) {
    if (asset.issuer.empty()) continue;
    const YamlNode* assets = root.find("assets");
    const YamlNode* entry = assets ? assets->find(asset.name) : nullptr;
    const YamlNode* issuer = entry ? entry->find("issuer") : nullptr;
    check_node_name(asset.issuer, issuer ? issuer->mark : asset.mark, "assets." + asset.name + ".issuer", true);
  }
  const YamlNode* node = root.find("network");
  if (!node || node->is_null()) return;
  spec.network.present = true;
  if (!node->is_mapping()) {
    error(node->mark, "network", "expected a mapping, got " + node->describe(),
          "e.g. network: {shock_origin: eth_ref, exposures: [{holder: fund, debtor: aave, weight: 1e6}]}");
    return;
  }
  std::vector<ParamSchema> schema = network_schema();
  schema.push_back(ParamSchema::string_list("exposures", "explicit claims {holder, debtor, weight, latency}")
                       .with_default(StringList{}));
  // exposures is a list of mappings: validated item by item below, not as a string list.
  YamlNode without_exposures = *node;
  std::erase_if(without_exposures.entries, [](const YamlEntry& e) { return e.key == "exposures"; });
  const auto params = params_of(schema, without_exposures, "network", "section network");
  if (params) {
    spec.network.shock_origin = params->string("shock_origin");
    spec.network.signal_threshold = params->number("signal_threshold");
    spec.network.latency = params->duration("latency");
    if (!spec.network.shock_origin.empty()) {
      const YamlNode* origin = node->find("shock_origin");
      check_node_name(spec.network.shock_origin, origin ? origin->mark : node->mark, "network.shock_origin", false);
    }
  }
  const YamlNode* exposures = node->find("exposures");
  if (!exposures || exposures->is_null()) return;
  if (!exposures->is_sequence()) {
    error(exposures->mark, "network.exposures", "expected a list of {holder, debtor, weight, latency}, got " +
                                                   exposures->describe());
    return;
  }
  for (std::size_t i = 0; i < exposures->items.size(); ++i) {
    const YamlNode& item = exposures->items[i];
    const std::string path = "network.exposures[" + std::to_string(i) + "]";
    const auto e = params_of(exposure_schema(), item, path, "an exposure");
    if (!e) continue;
    ExposureSpec exposure;
    exposure.holder = e->string("holder");
    exposure.debtor = e->string("debtor");
    exposure.weight = e->number("weight");
    exposure.latency = e->duration("latency");
    exposure.mark = item.mark;
    const bool holder_ok = check_node_name(exposure.holder, item.find("holder")->mark, path + ".holder", true);
    const bool debtor_ok = check_node_name(exposure.debtor, item.find("debtor")->mark, path + ".debtor", true);
    if (holder_ok && debtor_ok && exposure.holder == exposure.debtor) {
      error(item.mark, path, "'" + exposure.holder + "' holds a claim on itself");
      continue;
    }
    spec.network.exposures.push_back(std::move(exposure));
  }
}

namespace {
bool is_range_design(const std::string& design) { return design == "random" || design == "lhs" || design == "sobol"; }
const std::vector<std::string>& sweep_designs() {
  static const std::vector<std::string> designs{"none", "grid", "zip", "random", "lhs", "sobol"};
  return designs;
}
}  // namespace

void Validator::read_sweep(const YamlNode& root, ExperimentSpec& spec) {
  const YamlNode* node = root.find("sweep");
  if (!node || node->is_null()) return;
  if (!node->is_mapping()) {
    error(node->mark, "sweep", "expected a mapping with design: and parameters:, got " + node->describe());
    return;
  }
  const std::vector<std::string> keys{"design", "parameters", "points", "seed"};
  for (const auto& entry : node->entries) {
    if (std::find(keys.begin(), keys.end(), entry.key) != keys.end()) continue;
    std::string hint = did_you_mean(entry.key, keys);
    if (hint.empty()) hint = "sweep takes design, parameters, points and seed";
    error(entry.key_mark, join("sweep", entry.key), "unknown key '" + entry.key + "'", hint);
  }
  // The design decides what a parameter's value is: a list (grid, zip) or a range (random, lhs, sobol).
  const YamlNode* design = node->find("design");
  const bool range_design = design && design->is_scalar() && is_range_design(design->text);
  const YamlNode* parameters = node->find("parameters");
  if (parameters && !parameters->is_null() && !parameters->is_mapping()) {
    error(parameters->mark, "sweep.parameters",
          "expected a mapping of key paths to value lists, got " + parameters->describe(),
          "e.g. parameters: {protocols.pool.liquidation_bonus: [0.05, 0.1]}");
    parameters = nullptr;
  }
  bool values_ok = true;
  if (parameters) {
    for (const auto& entry : parameters->entries) {
      const std::string path = "sweep.parameters." + entry.key;
      SweepParameter parameter;
      parameter.path = entry.key;
      parameter.mark = entry.key_mark;
      const SweepTarget target = resolve_sweep_path(entry.key, entry.key_mark, path);
      if (range_design) {
        if (!read_sweep_range(entry.value, path, target, design->text, parameter)) values_ok = false;
        else spec.sweep.parameters.push_back(std::move(parameter));
        continue;
      }
      if (!entry.value.is_sequence()) {
        error(entry.value.mark, path, "expected a list of values, got " + entry.value.describe(),
              "e.g. " + entry.key + ": [" + entry.value.flow_text() + "]");
        values_ok = false;
        continue;
      }
      if (entry.value.items.empty()) {
        error(entry.value.mark, path, "the list of values is empty");
        values_ok = false;
        continue;
      }
      for (std::size_t i = 0; i < entry.value.items.size(); ++i) {
        const YamlNode& item = entry.value.items[i];
        if (target.ok) value_of(target.schema, item, path + "[" + std::to_string(i) + "]");
        parameter.values.push_back(item.flow_text());
      }
      spec.sweep.parameters.push_back(std::move(parameter));
    }
  }
  const bool has_parameters = !spec.sweep.parameters.empty() || !values_ok;
  spec.sweep.design = has_parameters ? "grid" : "none";
  if (design) {
    if (!design->is_scalar()) {
      error(design->mark, "sweep.design", "expected one of none, grid, zip, random, lhs, sobol, got " + design->describe());
    } else if (std::find(sweep_designs().begin(), sweep_designs().end(), design->text) != sweep_designs().end()) {
      spec.sweep.design = design->text;
      if (design->text == "none" && has_parameters) {
        error(design->mark, "sweep.design", "design 'none' takes no parameters",
              "use grid (all combinations) or zip (the i-th values together)");
      }
      if (range_design && !has_parameters) {
        error(design->mark, "sweep.design", "design '" + design->text + "' needs parameters",
              "e.g. parameters: {protocols.pool.liquidation_bonus: {low: 0.02, high: 0.15}}");
      }
      if (design->text == "sobol" && spec.sweep.parameters.size() > kSobolMaxDimensions) {
        error(design->mark, "sweep.design",
              "the sobol design supports at most " + std::to_string(kSobolMaxDimensions) + " parameters, got " +
                  std::to_string(spec.sweep.parameters.size()),
              "use lhs or random for more");
      }
    } else {
      std::string hint = did_you_mean(design->text, sweep_designs());
      if (hint.empty()) hint = "supported: none, grid, zip, random, lhs, sobol";
      error(design->mark, "sweep.design", "unknown design '" + design->text + "'", hint);
    }
  }
  const ParamSchema points_schema = ParamSchema::integer("points", "", "").range(1, 4294967295.0);
  const YamlNode* points = node->find("points");
  if (range_design) {
    if (!points) {
      error(node->mark, "sweep.points", "design '" + design->text + "' needs points: (how many to draw)",
            design->text == "sobol" ? "e.g. points: 64 (a power of two keeps Sobol' points balanced)" : "e.g. points: 50");
    } else if (auto n = integer_of(points_schema, *points, "sweep.points")) {
      spec.sweep.points = *n;
    }
  } else if (points) {
    error(points->mark, "sweep.points", "points: is for the random, lhs and sobol designs",
          "grid and zip take their points from the value lists");
  }
  spec.sweep.seed = spec.seed;
  if (const YamlNode* seed = node->find("seed")) {
    const ParamSchema seed_schema = ParamSchema::integer("seed", "", "").range(0, 9.2e18);
    if (!range_design || design->text == "sobol") {
      error(seed->mark, "sweep.seed", "seed: is for the random and lhs designs",
            "sobol points are deterministic; grid and zip take the lists");
    } else if (auto n = integer_of(seed_schema, *seed, "sweep.seed")) {
      spec.sweep.seed = static_cast<std::uint64_t>(*n);
    }
  }
  const auto& params = spec.sweep.parameters;
  if (spec.sweep.design == "zip" && !params.empty()) {
    for (const auto& p : params) {
      if (p.values.size() == params.front().values.size()) continue;
      error(p.mark, "sweep.parameters." + p.path,
            "zip needs lists of equal length: '" + p.path + "' has " + count_text(p.values.size(), "value") + ", '" +
                params.front().path + "' has " + count_text(params.front().values.size(), "value"));
    }
  }
  if (spec.sweep.design == "grid") {
    double n_points = 1;
    for (const auto& p : params) n_points *= static_cast<double>(p.values.size());
    if (n_points > static_cast<double>(std::numeric_limits<std::uint32_t>::max())) {
      error(node->mark, "sweep", "the grid has " + format_number(n_points) + " points; at most 4294967295");
    }
  }
}

bool Validator::read_sweep_range(const YamlNode& value, const std::string& path, const SweepTarget& target,
                                 const std::string& design, SweepParameter& parameter) {
  const std::string example = "e.g. " + parameter.path + ": {low: 0.02, high: 0.15} (add scale: log for a log-uniform draw)";
  if (!value.is_mapping()) {
    error(value.mark, path, "design '" + design + "' samples a range: expected {low: L, high: H}, got " + value.describe(),
          example);
    return false;
  }
  const std::vector<std::string> keys{"low", "high", "scale"};
  bool ok = true;
  for (const auto& entry : value.entries) {
    if (std::find(keys.begin(), keys.end(), entry.key) != keys.end()) continue;
    error(entry.key_mark, join(path, entry.key), "unknown key '" + entry.key + "'", did_you_mean(entry.key, keys));
    ok = false;
  }
  if (target.ok && target.schema.type != ParamType::number && target.schema.type != ParamType::integer &&
      target.schema.type != ParamType::duration) {
    error(value.mark, path,
          "design '" + design + "' samples numbers, integers and durations; '" + parameter.path + "' is " +
              with_article(to_string(target.schema.type)),
          "sweep it with grid or zip and a list of values");
    return false;
  }
  parameter.integer = target.ok && target.schema.type == ParamType::integer;
  parameter.duration = target.ok && target.schema.type == ParamType::duration;
  const ParamSchema bound = target.ok ? target.schema : ParamSchema::number("bound", "", "");
  std::optional<double> low, high;
  for (const char* key : {"low", "high"}) {
    const YamlNode* n = value.find(key);
    if (!n) {
      error(value.mark, join(path, key), std::string("missing ") + key, example);
      ok = false;
      continue;
    }
    std::optional<double> v;
    if (parameter.duration) {
      if (auto t = duration_of(bound, *n, join(path, key))) v = static_cast<double>(*t);
    } else if (parameter.integer) {
      if (auto i = integer_of(bound, *n, join(path, key))) v = static_cast<double>(*i);
    } else {
      v = number_of(bound, *n, join(path, key));
    }
    if (!v) ok = false;
    (std::string(key) == "low" ? low : high) = v;
  }
  if (const YamlNode* scale = value.find("scale")) {
    if (!scale->is_scalar() || (scale->text != "linear" && scale->text != "log")) {
      error(scale->mark, join(path, "scale"), "expected linear or log, got " + scale->describe());
      ok = false;
    } else {
      parameter.log_scale = scale->text == "log";
    }
  }
  if (low && high) {
    if (!(*low < *high)) {
      const auto show = [&](double v) {
        return parameter.duration ? format_duration(static_cast<Time>(v)) : format_number(v);
      };
      error(value.mark, path, "low must be below high, got low " + show(*low) + ", high " + show(*high));
      ok = false;
    } else if (parameter.log_scale && *low <= 0) {
      error(value.mark, path, "scale: log needs low > 0, got " + format_number(*low));
      ok = false;
    }
    parameter.low = *low;
    parameter.high = *high;
  }
  return ok;
}

std::optional<ParamSet> Validator::defaults_of(const std::vector<ParamSchema>& schemas) const {
  ParamSet out;
  for (const auto& s : schemas) {
    if (s.type == ParamType::group) {
      auto group = defaults_of(s.children);
      if (!group) return std::nullopt;
      out.set(s.name, std::move(*group));
    } else if (s.default_value) {
      out.set(s.name, *s.default_value);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<ParamSet> Validator::params_of(const std::vector<ParamSchema>& schemas, const YamlNode& node,
                                             const std::string& path, const std::string& owner, bool skip_type) {
  if (!node.is_mapping() && !node.is_null()) {
    error(node.mark, path, "expected a mapping, got " + node.describe());
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& entry : node.entries) {
    if (skip_type && entry.key == "type") continue;
    if (find_schema(schemas, entry.key)) continue;
    const std::vector<std::string> known = names_of(schemas);
    std::string hint = did_you_mean(entry.key, known);
    if (hint.empty()) hint = known.empty() ? "it takes no parameters" : "known keys: " + comma_list(known);
    error(entry.key_mark, join(path, entry.key), "unknown key '" + entry.key + "' for " + owner, hint);
    ok = false;
  }
  ParamSet out;
  for (const auto& s : schemas) {
    const std::string child_path = join(path, s.name);
    if (const YamlEntry* entry = node.find_entry(s.name)) {
      auto value = value_of(s, entry->value, child_path);
      if (value) out.set(s.name, std::move(*value), entry->value.mark);
      else ok = false;
    } else if (s.type == ParamType::group) {
      if (auto group = defaults_of(s.children)) {
        out.set(s.name, std::move(*group), node.mark);
      } else {
        std::vector<std::string> required;
        for (const auto& child : s.children) {
          if (!defaults_of({child})) required.push_back(child.name);
        }
        error(node.mark, child_path, "missing required key '" + s.name + "'", "it needs " + comma_list(required));
        ok = false;
      }
    } else if (s.default_value) {
      out.set(s.name, *s.default_value, node.mark);
    } else {
      error(node.mark, child_path, "missing required key '" + s.name + "'", param_hint(s));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<double> Validator::number_of(const ParamSchema& s, const YamlNode& node, const std::string& path) {
  const ParsedNumber n = parse_number(node);
  if (n.status == NumberStatus::not_finite) {
    error(node.mark, path, "must be a finite number, got " + node.text);
    return std::nullopt;
  }
  if (n.status != NumberStatus::ok) {
    // Also used for the values of number maps and lists: name the element type.
    error(node.mark, path, "expected a number, got " + node.describe());
    return std::nullopt;
  }
  if (!in_range(s, n.value)) {
    error(node.mark, path, "must be " + range_text(s) + ", got " + node.text);
    return std::nullopt;
  }
  return n.value;
}

std::optional<std::int64_t> Validator::integer_of(const ParamSchema& s, const YamlNode& node, const std::string& path) {
  if (node.is_scalar() && node.plain) {
    std::string_view t = node.text;
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec == std::errc{} && end == t.data() + t.size()) {
      if (!in_range(s, static_cast<double>(value))) {
        error(node.mark, path, "must be " + range_text(s) + ", got " + node.text);
        return std::nullopt;
      }
      return value;
    }
  }
  const ParsedNumber n = parse_number(node);
  if (n.status == NumberStatus::not_finite) {
    error(node.mark, path, "must be a finite whole number, got " + node.text);
    return std::nullopt;
  }
  if (n.status != NumberStatus::ok) {
    type_error(s, node, path);
    return std::nullopt;
  }
  if (std::floor(n.value) != n.value || std::abs(n.value) >= 9.2e18) {
    error(node.mark, path, "must be a whole number, got " + node.text);
    return std::nullopt;
  }
  if (!in_range(s, n.value)) {
    error(node.mark, path, "must be " + range_text(s) + ", got " + node.text);
    return std::nullopt;
  }
  return static_cast<std::int64_t>(n.value);
}

std::optional<Time> Validator::duration_of(const ParamSchema& s, const YamlNode& node, const std::string& path) {
  if (!node.is_scalar()) {
    type_error(s, node, path);
    return std::nullopt;
  }
  const ParsedNumber n = parse_number(node);
  if (n.status != NumberStatus::not_a_number && node.text != "0") {
    error(node.mark, path, "a duration needs a unit, got " + node.text,
          "write e.g. \"" + node.text + "s\"; " + kDurationUnits);
    return std::nullopt;
  }
  const std::optional<Time> t = parse_duration(node.text);
  if (!t) {
    error(node.mark, path, "not a valid duration: '" + node.text + "'",
          std::string("write e.g. \"90s\", \"15m\" or \"1h30m\"; ") + kDurationUnits);
    return std::nullopt;
  }
  if (!in_range(s, to_seconds(*t))) {
    error(node.mark, path, "must be " + range_text(s, "s") + ", got " + node.text);
    return std::nullopt;
  }
  return t;
}

std::optional<std::string> Validator::string_of(const ParamSchema& s, const YamlNode& node, const std::string& path) {
  if (!node.is_scalar()) {
    error(node.mark, path, "expected a string, got " + node.describe());
    return std::nullopt;
  }
  if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), node.text) == s.choices.end()) {
    std::string hint = did_you_mean(node.text, s.choices);
    error(node.mark, path, "must be one of " + comma_list(s.choices) + ", got '" + node.text + "'", hint);
    return std::nullopt;
  }
  return node.text;
}

std::optional<std::string> Validator::reference_of(RefKind kind, const YamlNode& node, const std::string& path) {
  ParamSchema s = ParamSchema::reference("", kind, "");
  if (!node.is_scalar()) {
    type_error(s, node, path);
    return std::nullopt;
  }
  const std::string& name = node.text;
  const PendingComponent* c = component(name);
  const bool is_asset = std::find(asset_names_.begin(), asset_names_.end(), name) != asset_names_.end();
  std::vector<Section> allowed;
  switch (kind) {
    case RefKind::asset: break;
    case RefKind::driver: allowed = {Section::drivers}; break;
    case RefKind::venue: allowed = {Section::venues}; break;
    case RefKind::oracle: allowed = {Section::oracles}; break;
    case RefKind::protocol: allowed = {Section::protocols}; break;
    case RefKind::agent: allowed = {Section::agents}; break;
    case RefKind::price_source: allowed = {Section::drivers, Section::venues, Section::oracles}; break;
  }
  const std::string wanted = kind == RefKind::price_source ? "driver, venue or oracle" : to_string(kind);
  if (kind == RefKind::asset) {
    if (is_asset) return name;
    if (c) {
      error(node.mark, path, "'" + name + "' is " + with_article(singular(c->section)) + ", not an asset",
            did_you_mean(name, asset_names_));
    } else {
      error(node.mark, path, "no asset named '" + name + "'", did_you_mean(name, asset_names_));
    }
    return std::nullopt;
  }
  if (c && std::find(allowed.begin(), allowed.end(), c->section) != allowed.end()) return name;
  std::vector<std::string> candidates;
  for (const auto& other : components_) {
    if (std::find(allowed.begin(), allowed.end(), other.section) != allowed.end()) candidates.push_back(other.name);
  }
  if (c || is_asset) {
    const std::string what = c ? with_article(singular(c->section)) : std::string("an asset");
    error(node.mark, path, "'" + name + "' is " + what + ", not " + with_article(wanted), did_you_mean(name, candidates));
  } else {
    error(node.mark, path, "no " + wanted + " named '" + name + "'", did_you_mean(name, candidates));
  }
  return std::nullopt;
}

std::optional<FilePath> Validator::file_of(const YamlNode& node, const std::string& path) {
  if (!node.is_scalar() || node.text.empty()) {
    error(node.mark, path, "expected a file path, got " + node.describe());
    return std::nullopt;
  }
  namespace fs = std::filesystem;
  const fs::path written(node.text);
  const fs::path resolved =
      (written.is_absolute() || base_dir_.empty() ? written : fs::path(base_dir_) / written).lexically_normal();
  std::error_code ec;
  const auto status = fs::status(resolved, ec);
  if (ec || !fs::exists(status)) {
    error(node.mark, path, "file not found: '" + node.text + "', looked for " + resolved.string(),
          "relative paths are resolved against the experiment file's folder");
    return std::nullopt;
  }
  if (fs::is_directory(status)) {
    error(node.mark, path, "'" + node.text + "' is a directory, not a file");
    return std::nullopt;
  }
  return FilePath{resolved.string(), node.text};
}

std::optional<double> Validator::dist_field(const YamlNode& node, const std::string& path, bool allow_duration) {
  const ParsedNumber n = parse_number(node);
  if (n.status == NumberStatus::ok) return n.value;
  if (n.status == NumberStatus::not_finite) {
    error(node.mark, path, "must be a finite number, got " + node.text);
    return std::nullopt;
  }
  if (allow_duration && node.is_scalar()) {
    if (const auto t = parse_duration(node.text)) return to_seconds(*t);
  }
  error(node.mark, path, std::string("expected a number") + (allow_duration ? " or a duration" : "") + ", got " +
                             node.describe());
  return std::nullopt;
}

std::optional<random::Distribution> Validator::distribution_of(const ParamSchema& s, const YamlNode& node,
                                                               const std::string& path) {
  using random::Distribution;
  using K = Distribution::Kind;
  // Distributions of a quantity in seconds may be written with durations: {dist: exponential, mean: 20s}.
  const bool allow_duration = s.unit == "s";
  std::optional<Distribution> result;
  if (node.is_scalar()) {
    const ParsedNumber n = parse_number(node);
    if (n.status == NumberStatus::not_finite) {
      error(node.mark, path, "must be a finite number, got " + node.text);
      return std::nullopt;
    }
    std::optional<double> v;
    if (n.status == NumberStatus::ok) v = n.value;
    else if (allow_duration) {
      if (const auto t = parse_duration(node.text)) v = to_seconds(*t);
    }
    if (!v) {
      type_error(s, node, path);
      return std::nullopt;
    }
    if (!in_range(s, *v)) {
      error(node.mark, path, "must be " + range_text(s) + ", got " + node.text);
      return std::nullopt;
    }
    return Distribution::constant(*v);
  }
  if (!node.is_mapping()) {
    type_error(s, node, path);
    return std::nullopt;
  }
  std::vector<std::string> kind_names;
  for (const auto& k : dist_kinds()) kind_names.push_back(k.name);
  const YamlNode* dist = node.find("dist");
  if (!dist) {
    error(node.mark, join(path, "dist"), "missing required key 'dist'", "one of " + comma_list(kind_names));
    return std::nullopt;
  }
  const DistKind* kind = nullptr;
  for (const auto& k : dist_kinds()) {
    if (dist->is_scalar() && dist->text == k.name) kind = &k;
  }
  if (!kind) {
    std::string hint = dist->is_scalar() ? did_you_mean(dist->text, kind_names) : "";
    if (hint.empty()) hint = "one of " + comma_list(kind_names);
    error(dist->mark, join(path, "dist"), "unknown distribution " + dist->describe(), hint);
    return std::nullopt;
  }
  bool ok = true;
  std::vector<std::pair<std::string, double>> fields;
  for (const auto& entry : node.entries) {
    if (entry.key == "dist") continue;
    const std::string field_path = join(path, entry.key);
    if (std::find(kind->keys.begin(), kind->keys.end(), entry.key) == kind->keys.end()) {
      std::string hint = did_you_mean(entry.key, kind->keys);
      if (hint.empty()) hint = with_article(kind->name) + " takes " + comma_list(kind->keys);
      error(entry.key_mark, field_path, "unknown key '" + entry.key + "' for " + with_article(kind->name), hint);
      ok = false;
      continue;
    }
    if (const auto v = dist_field(entry.value, field_path, allow_duration)) fields.emplace_back(entry.key, *v);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  const auto get = [&](const std::string& key) -> std::optional<double> {
    for (const auto& [k, v] : fields) {
      if (k == key) return v;
    }
    return std::nullopt;
  };
  const auto mark_of = [&](const std::string& key) {
    const YamlNode* n = node.find(key);
    return n ? n->mark : node.mark;
  };
  const auto require = [&](const std::string& key) -> std::optional<double> {
    auto v = get(key);
    if (!v) {
      error(node.mark, join(path, key), "missing required key '" + key + "'",
            with_article(kind->name) + " takes " + comma_list(kind->keys));
      ok = false;
    }
    return v;
  };
  const auto positive = [&](const std::string& key, std::optional<double> v) {
    if (v && !(*v > 0)) {
      error(mark_of(key), join(path, key), "must be > 0, got " + format_number(*v));
      ok = false;
    }
  };
  switch (kind->kind) {
    case K::normal: {
      const double mean = get("mean").value_or(0.0);
      const auto sd = require("sd");
      positive("sd", sd);
      if (ok) result = Distribution::normal(mean, *sd);
      break;
    }
    case K::lognormal: {
      const bool median = get("median").has_value(), mu = get("mu").has_value(), sigma = get("sigma").has_value();
      const bool mean = get("mean").has_value(), sd = get("sd").has_value();
      if (median && sigma && !mu && !mean && !sd) {
        positive("median", get("median"));
        positive("sigma", get("sigma"));
        if (ok) result = Distribution::lognormal_median_sigma(*get("median"), *get("sigma"));
      } else if (mu && sigma && !median && !mean && !sd) {
        positive("sigma", get("sigma"));
        if (ok) result = Distribution::lognormal_mu_sigma(*get("mu"), *get("sigma"));
      } else if (mean && sd && !median && !mu && !sigma) {
        positive("mean", get("mean"));
        positive("sd", get("sd"));
        if (ok) result = Distribution::lognormal_mean_sd(*get("mean"), *get("sd"));
      } else {
        std::vector<std::string> given;
        for (const auto& [k, v] : fields) given.push_back(k);
        error(node.mark, path,
              "a lognormal takes median and sigma, mu and sigma, or mean and sd; got " +
                  (given.empty() ? std::string("none of them") : comma_list(given)),
              "e.g. {dist: lognormal, median: 20000, sigma: 1.5}");
        ok = false;
      }
      break;
    }
    case K::uniform: {
      const auto low = require("low");
      const auto high = require("high");
      if (low && high && !(*low < *high)) {
        error(mark_of("high"), join(path, "high"),
              "must be greater than low, got low " + format_number(*low) + " and high " + format_number(*high));
        ok = false;
      }
      if (ok) result = Distribution::uniform(*low, *high);
      break;
    }
    case K::exponential: {
      const auto mean = require("mean");
      positive("mean", mean);
      if (ok) result = Distribution::exponential(*mean);
      break;
    }
    case K::student_t: {
      const auto nu = require("nu");
      positive("nu", nu);
      const double location = get("location").value_or(0.0);
      const double scale = get("scale").value_or(1.0);
      positive("scale", get("scale"));
      if (ok) result = Distribution::student_t(location, scale, *nu);
      break;
    }
    case K::poisson: {
      const auto lambda = require("lambda");
      positive("lambda", lambda);
      if (ok) result = Distribution::poisson(*lambda);
      break;
    }
    case K::constant: {
      const auto value = require("value");
      if (ok) result = Distribution::constant(*value);
      break;
    }
  }
  if (!ok || !result) return std::nullopt;
  // The support must lie inside the parameter's range: a normal "collateral" can go negative.
  const double lo = result->lower_bound();
  const double hi = result->upper_bound();
  const bool lo_ok = std::isinf(s.min) && s.min < 0 ? true
                     : lo > s.min                   ? true
                                                    : lo == s.min && (!s.min_exclusive || !attains_lower(*result));
  const bool hi_ok = std::isinf(s.max) && s.max > 0 ? true
                     : hi < s.max                   ? true
                                                    : hi == s.max && (!s.max_exclusive || !attains_upper(*result));
  if (!lo_ok || !hi_ok) {
    const auto bound = [](double v) { return std::isinf(v) ? std::string(v > 0 ? "inf" : "-inf") : format_number(v); };
    std::string hint;
    if ((kind->kind == K::normal || kind->kind == K::student_t) && s.min >= 0) {
      hint = with_article(kind->name) +
             " can be negative; for a positive quantity use a lognormal, e.g. {dist: lognormal, median: ..., sigma: ...}, "
             "or a uniform";
    } else if (kind->kind == K::uniform) {
      hint = "choose low and high " + range_text(s);
    } else {
      hint = "use a distribution whose values stay " + range_text(s);
    }
    error(node.mark, path,
          "the " + std::string(kind->name) + " distribution takes values in [" + bound(lo) + ", " + bound(hi) +
              "], outside the allowed range: must be " + range_text(s),
          hint);
    return std::nullopt;
  }
  return result;
}

std::optional<ParamValue> Validator::value_of(const ParamSchema& s, const YamlNode& node, const std::string& path) {
  switch (s.type) {
    case ParamType::boolean:
      if (node.is_scalar() && node.plain && (node.text == "true" || node.text == "false")) return node.text == "true";
      error(node.mark, path, "expected true or false, got " + node.describe());
      return std::nullopt;
    case ParamType::number:
      if (auto v = number_of(s, node, path)) return *v;
      return std::nullopt;
    case ParamType::integer:
      if (auto v = integer_of(s, node, path)) return *v;
      return std::nullopt;
    case ParamType::string:
      if (auto v = string_of(s, node, path)) return *v;
      return std::nullopt;
    case ParamType::duration:
      if (auto v = duration_of(s, node, path)) return Duration{*v};
      return std::nullopt;
    case ParamType::reference:
      if (auto v = reference_of(s.ref_kind, node, path)) return Reference{*v};
      return std::nullopt;
    case ParamType::file:
      if (auto v = file_of(node, path)) return *v;
      return std::nullopt;
    case ParamType::distribution:
      if (auto v = distribution_of(s, node, path)) return *v;
      return std::nullopt;
    case ParamType::group:
      if (auto v = params_of(s.children, node, path, "group " + s.name)) return std::move(*v);
      return std::nullopt;
    case ParamType::number_map: {
      if (!node.is_mapping()) {
        type_error(s, node, path);
        return std::nullopt;
      }
      NumberMap map;
      bool ok = true;
      for (const auto& entry : node.entries) {
        const std::string entry_path = join(path, entry.key);
        if (std::find(asset_names_.begin(), asset_names_.end(), entry.key) == asset_names_.end()) {
          error(entry.key_mark, entry_path, "no asset named '" + entry.key + "'", did_you_mean(entry.key, asset_names_));
          ok = false;
          continue;
        }
        if (auto v = number_of(s, entry.value, entry_path)) map.entries.emplace_back(entry.key, *v);
        else ok = false;
      }
      if (!ok) return std::nullopt;
      return map;
    }
    case ParamType::string_list:
    case ParamType::number_list: {
      if (!node.is_sequence() && !node.is_null()) {
        type_error(s, node, path);
        return std::nullopt;
      }
      StringList strings;
      NumberList numbers;
      bool ok = true;
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        const std::string item_path = path + "[" + std::to_string(i) + "]";
        if (s.type == ParamType::string_list) {
          if (auto v = string_of(s, node.items[i], item_path)) strings.push_back(*v);
          else ok = false;
        } else {
          if (auto v = number_of(s, node.items[i], item_path)) numbers.push_back(*v);
          else ok = false;
        }
      }
      if (!ok) return std::nullopt;
      if (s.type == ParamType::string_list) return strings;
      return numbers;
    }
  }
  return std::nullopt;
}

// ---- overrides -----------------------------------------------------------------------------------

Mark override_mark(const Override& o) { return Mark{o.origin + " " + o.path + "=" + o.value, 0, 0}; }

void apply_override(YamlNode& root, const Override& o, Diagnostics& diagnostics) {
  const Mark mark = override_mark(o);
  const auto value = detail::read_yaml(o.value, mark.file, diagnostics, mark);
  if (!value) return;
  // A sweep parameter's key is itself a dotted path: `sweep.parameters.venues.amm.fee` has three parts.
  std::vector<std::string> parts;
  const std::string sweep_prefix = "sweep.parameters.";
  if (o.path.rfind(sweep_prefix, 0) == 0 && o.path.size() > sweep_prefix.size()) {
    parts = {"sweep", "parameters", o.path.substr(sweep_prefix.size())};
  } else {
    parts = split(o.path, '.');
  }
  if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    diagnostics.add(mark, o.path, "'" + o.path + "' is not a key path", "e.g. --set protocols.pool.ltv=0.75");
    return;
  }
  YamlNode* node = &root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (node->is_null()) {
      node->kind = YamlNode::Kind::mapping;
      node->mark = mark;
    }
    if (!node->is_mapping()) {
      diagnostics.add(mark, o.path, "cannot set '" + o.path + "': '" + walked + "' is " + node->describe() + ", not a mapping");
      return;
    }
    walked = join(walked, parts[i]);
    YamlNode* child = node->find(parts[i]);
    const bool last = i + 1 == parts.size();
    if (!child) {
      YamlEntry entry;
      entry.key = parts[i];
      entry.key_mark = mark;
      entry.value.mark = mark;
      if (!last) {
        entry.value.kind = YamlNode::Kind::mapping;
        entry.value.synthetic = true;
      }
      node->entries.push_back(std::move(entry));
      child = &node->entries.back().value;
    }
    if (last) *child = *value;
    node = child;
  }
}

std::string read_file(const std::string& path, Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const Mark mark{path, 0, 0};
  if (!fs::exists(path, ec)) {
    diagnostics.add(mark, "", "cannot read experiment file: no such file");
    return {};
  }
  if (fs::is_directory(path, ec)) {
    diagnostics.add(mark, "", "cannot read experiment file: it is a directory");
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    diagnostics.add(mark, "", "cannot read experiment file (permission denied?)");
    return {};
  }
  return text.str();
}

}  // namespace

Override parse_override(std::string_view text) {
  const auto fail = [&](const std::string& message) {
    Diagnostics d;
    d.add(Mark{"--set " + std::string(text), 0, 0}, "", message, "write --set key.path=value, e.g. --set protocols.pool.ltv=0.75");
    throw ConfigError(std::move(d));
  };
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos) fail("expected key.path=value");
  std::string_view path = text.substr(0, eq);
  while (!path.empty() && std::isspace(static_cast<unsigned char>(path.front()))) path.remove_prefix(1);
  while (!path.empty() && std::isspace(static_cast<unsigned char>(path.back()))) path.remove_suffix(1);
  if (path.empty()) fail("the key path before '=' is empty");
  return Override{std::string(path), std::string(text.substr(eq + 1)), "--set"};
}

ExperimentSpec load_experiment_text(std::string_view text, const std::string& display_name, const std::string& base_dir,
                                    const SchemaCatalog& catalog, const std::vector<Override>& overrides) {
  Diagnostics diagnostics;
  auto root = detail::read_yaml(text, display_name, diagnostics);
  if (!root) throw ConfigError(std::move(diagnostics));
  if (root->is_null()) {
    diagnostics.add(Mark{display_name, 1, 1}, "", "file is empty",
                    "an experiment needs at least the experiment: and assets: sections");
    throw ConfigError(std::move(diagnostics));
  }
  if (!root->is_mapping()) {
    diagnostics.add(root->mark, "",
                    "an experiment file is a mapping of sections (experiment:, assets:, ...), got " + root->describe());
    throw ConfigError(std::move(diagnostics));
  }
  for (const auto& o : overrides) apply_override(*root, o, diagnostics);
  Validator validator(catalog, diagnostics, base_dir);
  ExperimentSpec spec = validator.run(*root);
  if (!diagnostics.empty()) throw ConfigError(std::move(diagnostics));
  spec.source_path = display_name;
  spec.source_text = std::string(text);
  spec.base_dir = base_dir;
  return spec;
}

ExperimentSpec load_experiment(const std::string& path, const SchemaCatalog& catalog,
                               const std::vector<Override>& overrides) {
  Diagnostics diagnostics;
  const std::string text = read_file(path, diagnostics);
  if (!diagnostics.empty()) throw ConfigError(std::move(diagnostics));
  return load_experiment_text(text, path, std::filesystem::path(path).parent_path().string(), catalog, overrides);
}

static std::string range_value(const SweepParameter& p, double u) {
  const double x = p.log_scale ? std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)))
                               : p.low + u * (p.high - p.low);
  if (p.integer) return std::to_string(std::llround(std::clamp(x, p.low, p.high)));
  if (p.duration) return format_duration(static_cast<Time>(std::llround(std::clamp(x, p.low, p.high))));
  // 15 significant digits: 0.02 + 0.5 · 0.1 is written 0.07, not 0.06999999999999999.
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", std::clamp(x, p.low, p.high));
  return format_number(std::strtod(text, nullptr));
}

std::vector<SweepPoint> expand_sweep(const SweepSpec& sweep) {
  const auto& params = sweep.parameters;
  const auto assignment = [](const SweepParameter& p, std::size_t i) {
    return Override{p.path, p.values[i], "sweep"};
  };
  std::vector<SweepPoint> points;
  if (sweep.design == "none" || params.empty()) {
    points.push_back(SweepPoint{0, {}});
    return points;
  }
  if (sweep.design == "zip") {
    const std::size_t n = params.front().values.size();
    for (std::size_t i = 0; i < n; ++i) {
      SweepPoint point{static_cast<std::uint32_t>(i), {}};
      for (const auto& p : params) {
        CASCADE_ASSERT(p.values.size() == n, "zip sweep with lists of unequal length");
        point.assignments.push_back(assignment(p, i));
      }
      points.push_back(std::move(point));
    }
    return points;
  }
  if (is_range_design(sweep.design)) {
    const auto n = static_cast<std::size_t>(sweep.points);
    const std::size_t d = params.size();
    const auto unit = sweep.design == "sobol"    ? sobol_points(n, d)
                      : sweep.design == "lhs"    ? lhs_points(n, d, sweep.seed)
                                                 : random_points(n, d, sweep.seed);
    points.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      SweepPoint point{static_cast<std::uint32_t>(i), {}};
      for (std::size_t k = 0; k < d; ++k) point.assignments.push_back(Override{params[k].path, range_value(params[k], unit[i][k]), "sweep"});
      points.push_back(std::move(point));
    }
    return points;
  }
  CASCADE_ASSERT(sweep.design == "grid", "unknown sweep design '" + sweep.design + "'");
  std::size_t total = 1;
  for (const auto& p : params) total *= p.values.size();
  points.reserve(total);
  for (std::size_t id = 0; id < total; ++id) {
    // Mixed-radix digits of the point id; the last parameter is the fastest digit.
    std::vector<std::size_t> digits(params.size());
    std::size_t rest = id;
    for (std::size_t k = params.size(); k-- > 0;) {
      digits[k] = rest % params[k].values.size();
      rest /= params[k].values.size();
    }
    SweepPoint point{static_cast<std::uint32_t>(id), {}};
    for (std::size_t k = 0; k < params.size(); ++k) point.assignments.push_back(assignment(params[k], digits[k]));
    points.push_back(std::move(point));
  }
  return points;
}

ExperimentSpec spec_for_point(const ExperimentSpec& base, const SweepPoint& point, const SchemaCatalog& catalog,
                              const std::vector<Override>& overrides) {
  std::vector<Override> all = overrides;
  all.insert(all.end(), point.assignments.begin(), point.assignments.end());
  ExperimentSpec spec = load_experiment_text(base.source_text, base.source_path, base.base_dir, catalog, all);
  spec.audit = base.audit;
  return spec;
}

}  // namespace cascade::config
