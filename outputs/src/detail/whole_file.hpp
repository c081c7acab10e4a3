#pragma once
// Writing a file whose contents are all known before it is opened (sweep,
// design and solve files): created under a temporary name beside `path`,
// filled by `fill(root, where)`, closed and renamed into place; on any
// failure the temporary file is removed and the error passes on, so no
// partial file is ever left. Internal to innosim::outputs.

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "h5.hpp"
#include "publish.hpp"

namespace innosim::detail {

template <class Fill>
void write_whole_file(const std::string& path, Fill&& fill) {
  h5::silence_errors();
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  const h5::Where w{path};
  auto remove_temp = [&] {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
  };
  h5::Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  const hid_t fid = H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (fid < 0) h5::fail(path, "/", "cannot create temporary file " + temp);
  h5::Hid file(fid, H5Fclose);
  try {
    fill(file.get(), w);
    if (!file.reset()) h5::fail(path, "/", "cannot close " + temp);
    publish_file(temp, path);
  } catch (...) {
    file.reset();
    remove_temp();
    throw;
  }
}

}  // namespace innosim::detail
