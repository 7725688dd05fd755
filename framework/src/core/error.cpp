#include "cascade/core/error.hpp"

#include <sstream>

namespace cascade {

void assertion_failed(const char* expr, const char* file, int line, const std::string& msg) {
  std::ostringstream out;
  out << "internal error: assertion `" << expr << "` failed at " << file << ':' << line;
  if (!msg.empty()) out << ": " << msg;
  throw AssertionFailure(out.str());
}

}  // namespace cascade
