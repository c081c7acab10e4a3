#include "innosim/outputs/paired_runs.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "detail/h5.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr hsize_t kBlockDraws = 4096;

// Opens again a run file read_run_file has verified (compare reads each run
// with read_run_file, which checks every object's checksum, before pairing).
Hid open_file(const std::string& path) {
  h5::silence_errors();
  return h5::checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, h5::Where{path},
                     H5I_INVALID_HID, "", "cannot open");
}

// Columns [first, first+n) of a 2-D dataset [rows, N] into `out` (rows x n).
void read_columns(hid_t d, const std::string& file, const std::string& name, hsize_t rows, hsize_t first, hsize_t n,
                  std::vector<double>& out) {
  out.resize(static_cast<std::size_t>(rows * n));
  if (rows == 0 || n == 0) return;
  Hid fspace(H5Dget_space(d), H5Sclose);
  const hsize_t start[2] = {0, first}, count[2] = {rows, n};
  Hid mspace(H5Screate_simple(2, count, nullptr), H5Sclose);
  if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dread(d, H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, out.data()) < 0)
    h5::fail(file, name, "cannot read draws from " + std::to_string(first));
}

}  // namespace

bool same_draws(const RunFile& a, const RunFile& b, std::string& why) {
  if (a.header.seed != b.header.seed) {
    why = fmt::format("seeds differ: {} and {}", a.header.seed, b.header.seed);
    return false;
  }
  if (a.header.sampler != b.header.sampler) {
    why = fmt::format("samplers differ: {} and {}", a.header.sampler, b.header.sampler);
    return false;
  }
  if (a.header.draws != b.header.draws) {
    why = fmt::format("draw counts differ: {} and {}", a.header.draws, b.header.draws);
    return false;
  }
  Hid fa = open_file(a.path), fb = open_file(b.path);
  // Files since the store levels carry a digest of their parameter draws.
  Hid pa = h5::open_group(fa.get(), "parameters", h5::Where{a.path});
  Hid pb = h5::open_group(fb.get(), "parameters", h5::Where{b.path});
  if (h5::has_attr(pa.get(), "draws_digest") && h5::has_attr(pb.get(), "draws_digest")) {
    if (h5::read_attr<std::uint64_t>(pa.get(), "draws_digest", h5::Where{a.path}) !=
        h5::read_attr<std::uint64_t>(pb.get(), "draws_digest", h5::Where{b.path})) {
      why = "the parameter draws differ (other priors, or another sampler setting)";
      return false;
    }
    why.clear();
    return true;
  }
  if (!h5::exists(pa.get(), "draws") || !h5::exists(pb.get(), "draws")) {
    why = "a file keeps neither the parameter draws nor their digest";
    return false;
  }
  Hid da = h5::open_dataset(fa.get(), "parameters/draws", h5::Where{a.path});
  Hid db = h5::open_dataset(fb.get(), "parameters/draws", h5::Where{b.path});
  const auto dims_a = h5::dataset_dims(da.get()), dims_b = h5::dataset_dims(db.get());
  if (dims_a != dims_b || dims_a.size() != 2) {
    why = "the parameters differ (their draws have different shapes)";
    return false;
  }
  std::vector<double> xa, xb;
  for (hsize_t first = 0; first < dims_a[1]; first += kBlockDraws) {
    const hsize_t n = std::min(kBlockDraws, dims_a[1] - first);
    read_columns(da.get(), a.path, "/parameters/draws", dims_a[0], first, n, xa);
    read_columns(db.get(), b.path, "/parameters/draws", dims_b[0], first, n, xb);
    // Bitwise: the same draws have the same bits (and NaN equals NaN).
    if (std::memcmp(xa.data(), xb.data(), xa.size() * sizeof(double)) != 0) {
      why = "the parameter draws differ (other priors, or another sampler setting)";
      return false;
    }
  }
  why.clear();
  return true;
}

std::vector<double> read_target_draws(const std::string& path, std::size_t t) {
  Hid f = open_file(path);
  Hid d = h5::open_dataset(f.get(), "targets/draws", h5::Where{path});
  const auto dims = h5::dataset_dims(d.get());
  if (dims.size() != 2 || t >= dims[0]) h5::fail(path, "/targets/draws", "no row " + std::to_string(t));
  std::vector<double> out(static_cast<std::size_t>(dims[1]));
  if (dims[1] == 0) return out;
  Hid fspace(H5Dget_space(d.get()), H5Sclose);
  const hsize_t start[2] = {t, 0}, count[2] = {1, dims[1]};
  Hid mspace(H5Screate_simple(1, &dims[1], nullptr), H5Sclose);
  if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dread(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, out.data()) < 0)
    h5::fail(path, "/targets/draws", "cannot read row " + std::to_string(t));
  return out;
}

}  // namespace innosim
