#pragma once
// Small HDF5 helpers shared by the writers (hdf5_writer.cpp, network_writer.cpp).

#include <H5Cpp.h>

#include <string>

namespace cascade::output::detail {

/// A variable-length UTF-8 string.
inline H5::StrType vlen_string_type() {
  H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
  t.setCset(H5T_CSET_UTF8);
  return t;
}

/// The file type of a memory compound type: packed, so struct padding (indeterminate bytes)
/// never reaches the file and files are reproducible byte for byte.
inline H5::CompType packed_copy(const H5::CompType& mem) {
  H5::CompType file;
  file.copy(mem);
  file.pack();
  return file;
}

inline void string_attribute(H5::H5Object& obj, const char* name, const std::string& value) {
  const H5::StrType type = vlen_string_type();
  H5::Attribute attr = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  attr.write(type, value);
}

template <typename T>
void scalar_attribute(H5::H5Object& obj, const char* name, const H5::PredType& type, T value) {
  H5::Attribute attr = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  attr.write(type, &value);
}

}  // namespace cascade::output::detail
