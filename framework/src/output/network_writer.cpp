#include "network_writer.hpp"

#include <cstdint>
#include <vector>

#include "h5_types.hpp"

namespace cascade::output::detail {
namespace {

// No modification times in object headers: the same run writes the same bytes.
H5::DSetCreatPropList untimed_dataset() {
  H5::DSetCreatPropList plist;
  H5Pset_obj_track_times(plist.getId(), 0);
  return plist;
}

template <class Row>
void table(H5::H5File& file, const std::string& name, const H5::CompType& mem, const std::vector<Row>& rows) {
  const hsize_t n = rows.size();
  H5::DataSet ds = file.createDataSet(name, packed_copy(mem), H5::DataSpace(1, &n), untimed_dataset());
  if (n > 0) ds.write(rows.data(), mem);
}

struct NodeRow {
  const char* name;
  const char* kind;
  const char* type;
  std::int32_t layer, scc, cycle, hops;
  std::uint32_t in_degree, out_degree;
  double betweenness;
};

struct EdgeRow {
  std::uint32_t from, to;
  const char* kind;
  double weight, latency_s;
  const char* via;
};

struct CycleRow {
  std::int32_t cycle;
  const char* name;
};

}  // namespace

H5::CompType node_record_mem_type() {
  using P = H5::PredType;
  using R = NodeRecord;
  H5::CompType t(sizeof(R));
  t.insertMember("run_index", HOFFSET(R, run_index), P::NATIVE_UINT64);
  t.insertMember("node", HOFFSET(R, node), P::NATIVE_UINT32);
  t.insertMember("hops", HOFFSET(R, hops), P::NATIVE_INT32);
  t.insertMember("impacted", HOFFSET(R, impacted), P::NATIVE_UINT8);
  t.insertMember("insolvent", HOFFSET(R, insolvent), P::NATIVE_UINT8);
  t.insertMember("first_impact_s", HOFFSET(R, first_impact_s), P::NATIVE_DOUBLE);
  t.insertMember("insolvent_s", HOFFSET(R, insolvent_s), P::NATIVE_DOUBLE);
  t.insertMember("signals_sent", HOFFSET(R, signals_sent), P::NATIVE_UINT32);
  t.insertMember("signals_received", HOFFSET(R, signals_received), P::NATIVE_UINT32);
  return t;
}

void write_network(H5::H5File& file, const NetworkTables& t) {
  using P = H5::PredType;
  {
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gcpl, 0);
    const hid_t group = H5Gcreate2(file.getId(), "/network", H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    if (group < 0) throw H5::GroupIException("write_network", "cannot create /network");
    H5Gclose(group);
  }
  H5::Group group = file.openGroup("/network");
  scalar_attribute(group, "acyclic", P::NATIVE_INT32, static_cast<std::int32_t>(t.acyclic ? 1 : 0));
  scalar_attribute(group, "configured", P::NATIVE_INT32, static_cast<std::int32_t>(t.configured ? 1 : 0));
  scalar_attribute(group, "n_cycles", P::NATIVE_INT32, static_cast<std::int32_t>(t.cycles.size()));
  scalar_attribute(group, "signal_threshold", P::NATIVE_DOUBLE, t.signal_threshold);
  string_attribute(group, "shock_origin", t.shock_origin);
  const H5::StrType str = vlen_string_type();

  H5::CompType node_mem(sizeof(NodeRow));
  node_mem.insertMember("name", HOFFSET(NodeRow, name), str);
  node_mem.insertMember("kind", HOFFSET(NodeRow, kind), str);
  node_mem.insertMember("type", HOFFSET(NodeRow, type), str);
  node_mem.insertMember("layer", HOFFSET(NodeRow, layer), P::NATIVE_INT32);
  node_mem.insertMember("scc", HOFFSET(NodeRow, scc), P::NATIVE_INT32);
  node_mem.insertMember("cycle", HOFFSET(NodeRow, cycle), P::NATIVE_INT32);
  node_mem.insertMember("hops", HOFFSET(NodeRow, hops), P::NATIVE_INT32);
  node_mem.insertMember("in_degree", HOFFSET(NodeRow, in_degree), P::NATIVE_UINT32);
  node_mem.insertMember("out_degree", HOFFSET(NodeRow, out_degree), P::NATIVE_UINT32);
  node_mem.insertMember("betweenness", HOFFSET(NodeRow, betweenness), P::NATIVE_DOUBLE);
  std::vector<NodeRow> nodes;
  for (const auto& n : t.nodes) {
    nodes.push_back(NodeRow{n.name.c_str(), n.kind.c_str(), n.type.c_str(), n.layer, n.scc, n.cycle, n.hops, n.in_degree,
                            n.out_degree, n.betweenness});
  }
  table(file, "/network/nodes", node_mem, nodes);

  H5::CompType edge_mem(sizeof(EdgeRow));
  edge_mem.insertMember("from", HOFFSET(EdgeRow, from), P::NATIVE_UINT32);
  edge_mem.insertMember("to", HOFFSET(EdgeRow, to), P::NATIVE_UINT32);
  edge_mem.insertMember("kind", HOFFSET(EdgeRow, kind), str);
  edge_mem.insertMember("weight", HOFFSET(EdgeRow, weight), P::NATIVE_DOUBLE);
  edge_mem.insertMember("latency_s", HOFFSET(EdgeRow, latency_s), P::NATIVE_DOUBLE);
  edge_mem.insertMember("via", HOFFSET(EdgeRow, via), str);
  std::vector<EdgeRow> edges;
  for (const auto& e : t.edges) edges.push_back(EdgeRow{e.from, e.to, e.kind.c_str(), e.weight, e.latency_s, e.via.c_str()});
  table(file, "/network/edges", edge_mem, edges);

  H5::CompType cycle_mem(sizeof(CycleRow));
  cycle_mem.insertMember("cycle", HOFFSET(CycleRow, cycle), P::NATIVE_INT32);
  cycle_mem.insertMember("name", HOFFSET(CycleRow, name), str);
  std::vector<CycleRow> cycles;
  for (std::size_t c = 0; c < t.cycles.size(); ++c)
    for (const auto& name : t.cycles[c]) cycles.push_back(CycleRow{static_cast<std::int32_t>(c), name.c_str()});
  table(file, "/network/cycles", cycle_mem, cycles);
}

}  // namespace cascade::output::detail
