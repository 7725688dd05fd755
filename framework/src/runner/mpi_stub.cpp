// Built without MPI: one process, one rank.
#include "cascade/core/error.hpp"
#include "cascade/runner/mpi_session.hpp"
#include "distributed.hpp"

namespace cascade::runner {

MpiSession::MpiSession(int& /*argc*/, char**& /*argv*/) {}
MpiSession::~MpiSession() = default;
int MpiSession::rank() const { return 0; }
int MpiSession::size() const { return 1; }
bool MpiSession::built_with_mpi() { return false; }

namespace detail {

int mpi_rank() { return 0; }
int mpi_size() { return 1; }
void mpi_master(std::uint64_t, std::uint64_t, std::uint64_t, int, const Compute&, const Deliver&,
                const std::function<bool()>&) {
  CASCADE_ASSERT(false, "mpi_master without MPI");
}
void mpi_worker(int, const Compute&) { CASCADE_ASSERT(false, "mpi_worker without MPI"); }
void mpi_release_workers() {}

}  // namespace detail
}  // namespace cascade::runner
