#pragma once
/// @file error.hpp
/// @brief The three error channels of cascade: user errors (exceptions derived from
/// cascade::Error), programmer errors (CASCADE_ASSERT) and expected outcomes (return values).

#include <stdexcept>
#include <string>

namespace cascade {

/// @brief Base class of every error a user can cause (bad input, unreadable file, bad CLI use).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// @brief An input file (CSV, HDF5) could not be read or has bad content.
class InputError : public Error {
 public:
  using Error::Error;
};

/// @brief Thrown by CASCADE_ASSERT: a broken internal invariant (a bug, never user input).
class AssertionFailure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line, const std::string& msg);

}  // namespace cascade

/// Programmer-error check. Active in every build (the checks are cheap and guard the ledger);
/// never reachable from user input: inputs are validated by the config layer first.
#define CASCADE_ASSERT(cond, msg)                                         \
  do {                                                                    \
    if (!(cond)) ::cascade::assertion_failed(#cond, __FILE__, __LINE__, (msg)); \
  } while (false)
