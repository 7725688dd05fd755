#pragma once
// `/network` (static graph analysis) and the rows of `/runs/nodes`; used by hdf5_writer.cpp.

#include <H5Cpp.h>

#include "cascade/output/network_tables.hpp"
#include "cascade/output/run_result.hpp"

namespace cascade::output::detail {

/// Memory type of NodeRecord (`/runs/nodes`).
H5::CompType node_record_mem_type();
/// Writes the group `/network` with its nodes, edges and cycles tables and attributes.
void write_network(H5::H5File& file, const NetworkTables& tables);

}  // namespace cascade::output::detail
