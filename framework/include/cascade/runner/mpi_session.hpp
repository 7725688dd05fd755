#pragma once
/// @file mpi_session.hpp
/// @brief MPI start-up for the `cascade` command (DESIGN §9, clusters). Built with MPI when CMake
/// finds it (CASCADE_WITH_MPI); MPI is initialised only when the process was started by mpirun
/// (or srun), so a plain `cascade run` never touches it.

namespace cascade::runner {

/// @brief Initialises MPI on construction (if built with it and launched by mpirun) and
/// finalises it on destruction. One per process, in main().
///
/// @code
/// int main(int argc, char** argv) {
///   cascade::runner::MpiSession mpi(argc, argv);
///   if (mpi.rank() == 0) { /* print */ }
/// }
/// @endcode
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const;
  int size() const;
  /// @brief True if this cascade was built with MPI.
  static bool built_with_mpi();
};

}  // namespace cascade::runner
