#include "cascade/config/experiment_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <array>

#include "cascade/core/error.hpp"
#include "yaml_reader.hpp"

namespace cascade::config {

const ComponentSpec* ExperimentSpec::find(const std::string& component_name) const {
  for (const auto& c : components) {
    if (c.name == component_name) return &c;
  }
  return nullptr;
}

int ExperimentSpec::asset_index(const std::string& asset_name) const {
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (assets[i].name == asset_name) return static_cast<int>(i);
  }
  return -1;
}

int ExperimentSpec::numeraire_index() const {
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (assets[i].numeraire) return static_cast<int>(i);
  }
  CASCADE_ASSERT(false, "experiment spec without a numeraire asset");
  return -1;
}

namespace {

// Numbers are written as their shortest round-trip text, not with yaml-cpp's 17 digits, so the
// normalised file stays readable and reads back to the same doubles.
void emit_value(YAML::Emitter& out, const ParamValue& value) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          out << YAML::Null;
        } else if constexpr (std::is_same_v<T, bool>) {
          out << (v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, double>) {
          out << detail::format_number(v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          out << std::to_string(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          out << v;
        } else if constexpr (std::is_same_v<T, Duration>) {
          out << format_duration(v.value);
        } else if constexpr (std::is_same_v<T, Reference>) {
          out << v.name;
        } else if constexpr (std::is_same_v<T, FilePath>) {
          out << v.as_written;
        } else if constexpr (std::is_same_v<T, random::Distribution>) {
          detail::emit_flow_text(out, v.to_yaml());
        } else if constexpr (std::is_same_v<T, NumberMap>) {
          out << YAML::Flow << YAML::BeginMap;
          for (const auto& [key, number] : v.entries) out << YAML::Key << key << YAML::Value << detail::format_number(number);
          out << YAML::EndMap;
        } else if constexpr (std::is_same_v<T, StringList>) {
          out << YAML::Flow << YAML::BeginSeq;
          for (const auto& s : v) out << s;
          out << YAML::EndSeq;
        } else if constexpr (std::is_same_v<T, NumberList>) {
          out << YAML::Flow << YAML::BeginSeq;
          for (const double d : v) out << detail::format_number(d);
          out << YAML::EndSeq;
        } else if constexpr (std::is_same_v<T, ParamSet>) {
          out << YAML::BeginMap;
          for (const auto& item : v.items()) {
            out << YAML::Key << item.name << YAML::Value;
            emit_value(out, item.value);
          }
          out << YAML::EndMap;
        }
      },
      value);
}

}  // namespace

std::string ExperimentSpec::normalized_yaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;

  out << YAML::Key << "experiment" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "description" << YAML::Value << description;
  out << YAML::Key << "seed" << YAML::Value << std::to_string(seed);
  out << YAML::Key << "horizon" << YAML::Value << format_duration(horizon);
  out << YAML::Key << "replicas" << YAML::Value << std::to_string(replicas);
  out << YAML::Key << "common_random_numbers" << YAML::Value << (common_random_numbers ? "true" : "false");
  out << YAML::EndMap;

  out << YAML::Key << "assets" << YAML::Value << YAML::BeginMap;
  for (const auto& a : assets) {
    out << YAML::Key << a.name << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "decimals" << YAML::Value << std::to_string(a.decimals);
    out << YAML::Key << "numeraire" << YAML::Value << (a.numeraire ? "true" : "false");
    if (!a.issuer.empty()) out << YAML::Key << "issuer" << YAML::Value << a.issuer;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;

  for (const Section section :
       std::array{Section::drivers, Section::venues, Section::oracles, Section::protocols, Section::agents}) {
    out << YAML::Key << to_string(section) << YAML::Value;
    bool any = false;
    for (const auto& c : components) {
      if (c.section != section) continue;
      if (!any) out << YAML::BeginMap;
      any = true;
      out << YAML::Key << c.name << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "type" << YAML::Value << c.type;
      for (const auto& item : c.params.items()) {
        out << YAML::Key << item.name << YAML::Value;
        emit_value(out, item.value);
      }
      out << YAML::EndMap;
    }
    if (any) out << YAML::EndMap;
    else out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  }

  out << YAML::Key << "shocks" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;

  out << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "sample_every" << YAML::Value << format_duration(outputs.sample_every);
  out << YAML::Key << "timeseries" << YAML::Value;
  emit_value(out, outputs.timeseries);
  out << YAML::Key << "timeseries_replicas" << YAML::Value << std::to_string(outputs.timeseries_replicas);
  out << YAML::Key << "summary" << YAML::Value;
  emit_value(out, outputs.summary);
  out << YAML::Key << "events" << YAML::Value;
  {
    StringList events;
    if (outputs.liquidation_events) events.push_back("liquidations");
    if (outputs.adl_events) events.push_back("adl");
    emit_value(out, events);
  }
  if (outputs.heatmap_bins > 0) {
    out << YAML::Key << "heatmaps" << YAML::Value << YAML::BeginMap << YAML::Key << "liquidation_price" << YAML::Value
        << YAML::BeginMap;
    out << YAML::Key << "bins" << YAML::Value << std::to_string(outputs.heatmap_bins);
    out << YAML::Key << "every" << YAML::Value << format_duration(outputs.heatmap_every);
    out << YAML::Key << "low" << YAML::Value << detail::format_number(outputs.heatmap_low);
    out << YAML::Key << "high" << YAML::Value << detail::format_number(outputs.heatmap_high);
    out << YAML::EndMap << YAML::EndMap;
  }
  out << YAML::EndMap;

  if (network.present) {
    out << YAML::Key << "network" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "shock_origin" << YAML::Value << network.shock_origin;
    out << YAML::Key << "signal_threshold" << YAML::Value << detail::format_number(network.signal_threshold);
    out << YAML::Key << "latency" << YAML::Value << format_duration(network.latency);
    out << YAML::Key << "exposures" << YAML::Value << YAML::BeginSeq;
    for (const auto& e : network.exposures) {
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "holder" << YAML::Value << e.holder;
      out << YAML::Key << "debtor" << YAML::Value << e.debtor;
      out << YAML::Key << "weight" << YAML::Value << detail::format_number(e.weight);
      out << YAML::Key << "latency" << YAML::Value << format_duration(e.latency < 0 ? network.latency : e.latency);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;
  }

  out << YAML::Key << "sweep" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "design" << YAML::Value << sweep.design;
  const bool ranges = sweep.design == "random" || sweep.design == "lhs" || sweep.design == "sobol";
  if (ranges) out << YAML::Key << "points" << YAML::Value << std::to_string(sweep.points);
  if (sweep.design == "random" || sweep.design == "lhs") out << YAML::Key << "seed" << YAML::Value << std::to_string(sweep.seed);
  out << YAML::Key << "parameters" << YAML::Value;
  if (ranges) {
    out << YAML::BeginMap;
    for (const auto& p : sweep.parameters) {
      out << YAML::Key << p.path << YAML::Value << YAML::Flow << YAML::BeginMap;
      const auto bound = [&](double v) {
        return p.duration ? format_duration(static_cast<Time>(v)) : detail::format_number(v);
      };
      out << YAML::Key << "low" << YAML::Value << bound(p.low);
      out << YAML::Key << "high" << YAML::Value << bound(p.high);
      out << YAML::Key << "scale" << YAML::Value << (p.log_scale ? "log" : "linear");
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  } else if (sweep.parameters.empty()) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
  } else {
    out << YAML::BeginMap;
    for (const auto& p : sweep.parameters) {
      out << YAML::Key << p.path << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& v : p.values) detail::emit_flow_text(out, v);
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;

  out << YAML::EndMap;
  CASCADE_ASSERT(out.good(), "normalised YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

}  // namespace cascade::config
