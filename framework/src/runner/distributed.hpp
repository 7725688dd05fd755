#pragma once
// Private to the runner: how runs travel between MPI ranks. Rank 0 dispatches run indices on
// request (dynamic load balancing) and delivers results in run-index order to the single writer;
// the other ranks compute with TBB inside. Implemented in mpi_runner.cpp (with MPI) or
// mpi_stub.cpp (without: one rank).

#include <cstdint>
#include <functional>
#include <memory>

#include "cascade/output/run_result.hpp"

namespace cascade::runner::detail {

int mpi_rank();
int mpi_size();

using Compute = std::function<output::RunResult(std::uint64_t run)>;
using Deliver = std::function<void(std::unique_ptr<output::RunResult>)>;

/// Rank 0 of several: hands out runs [first, end) on request, and to its own `local_threads`
/// threads (0: none), at most `window` runs ahead of the oldest undelivered one (bounding the
/// reorder buffer), and calls `deliver` in run order. Once stop() is true no new run is handed
/// out; results in flight are still delivered while they continue the order, and the rest are
/// dropped (a resume recomputes them).
void mpi_master(std::uint64_t first, std::uint64_t end, std::uint64_t window, int local_threads, const Compute& compute,
                const Deliver& deliver, const std::function<bool()>& stop);

/// Ranks > 0: ask rank 0 for runs until there are none, compute them on `threads` threads,
/// send each result back.
void mpi_worker(int threads, const Compute& compute);

/// Rank 0 failed before handing out any run: tell every other rank there is nothing to do.
void mpi_release_workers();

}  // namespace cascade::runner::detail
