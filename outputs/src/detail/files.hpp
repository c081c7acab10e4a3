#pragma once
// Opening an innosim HDF5 file of a given kind with its file_type and
// format_version checked (run files, posterior files). Internal to
// innosim::outputs.

#include <filesystem>
#include <stdexcept>
#include <string>

#include "h5.hpp"

namespace innosim::detail {

// Opens the HDF5 file `path` read-only, closing every object with it;
// throws std::runtime_error "PATH: <not_hdf5>" when it is no HDF5 file.
inline h5::Hid open_hdf5_readonly(const std::string& path, const std::string& not_hdf5 = "not an HDF5 file") {
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw std::runtime_error(path + ": " + not_hdf5);
  }
  h5::Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  return h5::checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, h5::Where{path}, H5I_INVALID_HID,
                     "", "cannot open");
}

// Opens `path` read-only after checking that it is an innosim file of
// `file_type` and `version`; `what` names the kind in messages ("run",
// "posterior"). Throws std::runtime_error naming the path otherwise.
inline h5::Hid open_innosim_file(const std::string& path, const std::string& file_type, int version,
                                 const std::string& what) {
  const h5::Where w{path};
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + ": no such file");
  h5::Hid file = open_hdf5_readonly(path);
  const hid_t root = file.get();
  if (!h5::has_attr(root, "file_type"))
    throw std::runtime_error(path + ": not an innosim " + what + " file (missing attribute file_type)");
  const std::string found = h5::read_attr_string(root, "file_type", w);
  if (found != file_type)
    throw std::runtime_error(path + ": not an innosim " + what + " file (file_type is '" + found + "', expected '" +
                             file_type + "')");
  if (!h5::has_attr(root, "format_version"))
    throw std::runtime_error(path + ": malformed " + what + " file (missing attribute format_version)");
  const auto v = h5::read_attr<std::int64_t>(root, "format_version", w);
  if (v != version)
    throw std::runtime_error(path + ": " + what + " file format_version " + std::to_string(v) +
                             " is not supported (this innosim reads version " + std::to_string(version) + ")");
  return file;
}

}  // namespace innosim::detail
