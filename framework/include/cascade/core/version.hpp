#pragma once
/// @file version.hpp
/// @brief cascade's version and the git revision it was built from (both stored in outputs).

namespace cascade {
const char* version();
const char* git_revision();
}  // namespace cascade
