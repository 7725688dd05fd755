#include "cascade/graph/dependency_graph.hpp"

#include <algorithm>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/strong_components.hpp>
#include <deque>
#include <map>
#include <set>

#include "cascade/core/error.hpp"

namespace cascade::graph {

const char* to_string(NodeKind k) {
  switch (k) {
    case NodeKind::asset: return "asset";
    case NodeKind::driver: return "driver";
    case NodeKind::venue: return "venue";
    case NodeKind::oracle: return "oracle";
    case NodeKind::protocol: return "protocol";
    case NodeKind::agent: return "agent";
  }
  return "?";
}

namespace {

NodeKind node_kind(config::Section s) {
  switch (s) {
    case config::Section::drivers: return NodeKind::driver;
    case config::Section::venues: return NodeKind::venue;
    case config::Section::oracles: return NodeKind::oracle;
    case config::Section::protocols: return NodeKind::protocol;
    case config::Section::agents: return NodeKind::agent;
  }
  return NodeKind::agent;
}

// Every reference parameter of a component (groups included), with its schema and path.
void add_reference_edges(DependencyGraph& g, int self, const config::ParamSet& params,
                         const std::vector<config::ParamSchema>& schemas, const std::string& prefix, Time latency) {
  for (const auto& item : params.items()) {
    const auto it = std::find_if(schemas.begin(), schemas.end(), [&](const auto& s) { return s.name == item.name; });
    if (it == schemas.end()) continue;
    const std::string path = prefix.empty() ? item.name : prefix + "." + item.name;
    if (const auto* group = std::get_if<config::ParamSet>(&item.value)) {
      add_reference_edges(g, self, *group, it->children, path, latency);
      continue;
    }
    std::vector<std::string> named;
    if (const auto* ref = std::get_if<config::Reference>(&item.value); ref && it->type == config::ParamType::reference)
      named.push_back(ref->name);
    // A list of names (e.g. a market's oracles) is a list of references where its entries name nodes.
    if (const auto* list = std::get_if<config::StringList>(&item.value)) named = *list;
    // An optional name annotated with an edge (e.g. a keeper's stablecoin_venue) counts when it names a node.
    if (const auto* text = std::get_if<std::string>(&item.value); text && it->type == config::ParamType::string &&
                                                                 it->edge_kind != EdgeKind::depends_on)
      named.push_back(*text);
    for (const auto& name : named) {
      const int other = g.find(name);
      if (other < 0 || other == self) continue;
      if (flows_to_referent(it->edge_kind)) g.add_edge(self, other, it->edge_kind, 1.0, latency, path);
      else g.add_edge(other, self, it->edge_kind, 1.0, latency, path);
    }
  }
}

}  // namespace

DependencyGraph DependencyGraph::from_spec(const config::ExperimentSpec& spec) {
  DependencyGraph g;
  for (const auto& a : spec.assets) g.add_node(a.name, NodeKind::asset);
  g.asset_count_ = static_cast<int>(spec.assets.size());
  for (const auto& c : spec.components) g.add_node(c.name, node_kind(c.section), c.type);
  const Time latency = spec.network.latency;
  for (std::size_t i = 0; i < spec.components.size(); ++i) {
    const auto& c = spec.components[i];
    if (c.schema == nullptr) continue;
    add_reference_edges(g, g.asset_count_ + static_cast<int>(i), c.params, c.schema->params, "", latency);
  }
  for (std::size_t i = 0; i < spec.assets.size(); ++i) {
    if (spec.assets[i].issuer.empty()) continue;
    const int issuer = g.find(spec.assets[i].issuer);
    if (issuer >= 0) g.add_edge(issuer, static_cast<int>(i), EdgeKind::issues, 1.0, latency, "issuer");
  }
  for (const auto& e : spec.network.exposures) {
    const int holder = g.find(e.holder);
    const int debtor = g.find(e.debtor);
    if (holder < 0 || debtor < 0) continue;
    g.add_edge(debtor, holder, EdgeKind::exposed_to, e.weight, e.latency < 0 ? latency : e.latency, "exposure");
  }
  return g;
}

int DependencyGraph::add_node(std::string name, NodeKind kind, std::string type) {
  nodes_.push_back(NodeInfo{std::move(name), kind, std::move(type)});
  out_.emplace_back();
  return static_cast<int>(boost::add_vertex(graph_));
}

int DependencyGraph::add_edge(int from, int to, EdgeKind kind, double weight, Time latency, std::string via) {
  CASCADE_ASSERT(from >= 0 && to >= 0 && static_cast<std::size_t>(from) < nodes_.size() &&
                     static_cast<std::size_t>(to) < nodes_.size(),
                 "edge between unknown nodes");
  const int index = static_cast<int>(edges_.size());
  edges_.push_back(EdgeInfo{from, to, kind, weight, latency, std::move(via)});
  out_[static_cast<std::size_t>(from)].push_back(index);
  boost::add_edge(static_cast<std::size_t>(from), static_cast<std::size_t>(to), index, graph_);
  return index;
}

int DependencyGraph::find(const std::string& name) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].name == name) return static_cast<int>(i);
  return -1;
}

std::vector<int> DependencyGraph::components() const {
  std::vector<int> component(nodes_.size(), 0);
  if (nodes_.empty()) return component;
  boost::strong_components(graph_, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, graph_)));
  return component;
}

std::vector<std::vector<int>> DependencyGraph::cycles() const {
  const std::vector<int> component = components();
  std::map<int, std::vector<int>> members;
  for (std::size_t v = 0; v < component.size(); ++v) members[component[v]].push_back(static_cast<int>(v));
  std::vector<std::vector<int>> out;
  for (auto& [id, nodes] : members) {
    const bool self_loop = nodes.size() == 1 && std::any_of(out_[static_cast<std::size_t>(nodes[0])].begin(),
                                                            out_[static_cast<std::size_t>(nodes[0])].end(),
                                                            [&](int e) { return edges_[static_cast<std::size_t>(e)].to == nodes[0]; });
    if (nodes.size() > 1 || self_loop) out.push_back(nodes);  // members are already ascending
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> DependencyGraph::layers() const {
  const std::vector<int> component = components();
  const int n_components = component.empty() ? 0 : *std::max_element(component.begin(), component.end()) + 1;
  // Boost numbers components so that an edge between two components goes from a higher number
  // to a lower one (reverse topological order): process from the highest number down.
  std::vector<std::vector<int>> members(static_cast<std::size_t>(n_components));
  for (std::size_t v = 0; v < component.size(); ++v) members[static_cast<std::size_t>(component[v])].push_back(static_cast<int>(v));
  std::vector<int> component_layer(static_cast<std::size_t>(n_components), 0);
  for (int c = n_components - 1; c >= 0; --c) {
    for (const int v : members[static_cast<std::size_t>(c)]) {
      for (const int e : out_[static_cast<std::size_t>(v)]) {
        const int w = component[static_cast<std::size_t>(edges_[static_cast<std::size_t>(e)].to)];
        if (w == c) continue;
        CASCADE_ASSERT(w < c, "strong_components order");
        auto& layer = component_layer[static_cast<std::size_t>(w)];
        layer = std::max(layer, component_layer[static_cast<std::size_t>(c)] + 1);
      }
    }
  }
  std::vector<int> out(nodes_.size());
  for (std::size_t v = 0; v < nodes_.size(); ++v) out[v] = component_layer[static_cast<std::size_t>(component[v])];
  return out;
}

std::vector<double> DependencyGraph::betweenness() const {
  using Simple = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Simple simple(nodes_.size());
  std::set<std::pair<int, int>> seen;
  for (const auto& e : edges_) {
    if (e.from == e.to || !seen.insert({e.from, e.to}).second) continue;
    boost::add_edge(static_cast<std::size_t>(e.from), static_cast<std::size_t>(e.to), simple);
  }
  std::vector<double> centrality(nodes_.size(), 0.0);
  if (nodes_.empty()) return centrality;
  boost::brandes_betweenness_centrality(
      simple, boost::centrality_map(boost::make_iterator_property_map(centrality.begin(), boost::get(boost::vertex_index, simple))));
  return centrality;
}

std::vector<int> DependencyGraph::hops_from(int origin) const {
  std::vector<int> hops(nodes_.size(), -1);
  if (origin < 0 || static_cast<std::size_t>(origin) >= nodes_.size()) return hops;
  std::deque<int> queue{origin};
  hops[static_cast<std::size_t>(origin)] = 0;
  while (!queue.empty()) {
    const int v = queue.front();
    queue.pop_front();
    for (const int e : out_[static_cast<std::size_t>(v)]) {
      const int w = edges_[static_cast<std::size_t>(e)].to;
      if (hops[static_cast<std::size_t>(w)] >= 0) continue;
      hops[static_cast<std::size_t>(w)] = hops[static_cast<std::size_t>(v)] + 1;
      queue.push_back(w);
    }
  }
  return hops;
}

std::string DependencyGraph::to_dot(const std::string& title) const {
  auto shape = [](NodeKind k) {
    switch (k) {
      case NodeKind::asset: return "ellipse";
      case NodeKind::driver: return "diamond";
      case NodeKind::venue: return "box";
      case NodeKind::oracle: return "hexagon";
      case NodeKind::protocol: return "doubleoctagon";
      case NodeKind::agent: return "house";
    }
    return "ellipse";
  };
  std::string out = "digraph \"" + title + "\" {\n  rankdir=LR;\n";
  for (const auto& n : nodes_) {
    out += "  \"" + n.name + "\" [shape=" + shape(n.kind) + ", label=\"" + n.name +
           (n.type.empty() ? std::string("\\n(asset)") : "\\n" + n.type) + "\"];\n";
  }
  for (const auto& e : edges_) {
    out += "  \"" + nodes_[static_cast<std::size_t>(e.from)].name + "\" -> \"" + nodes_[static_cast<std::size_t>(e.to)].name +
           "\" [label=\"" + to_string(e.kind) + "\"" + (e.kind == EdgeKind::exposed_to ? ", style=dashed" : "") + "];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace cascade::graph
