// Checksums of every object of a file (detail/integrity.hpp).
//
// Canonical content of an object, fed to SHA-256 (framing: detail/sha256.hpp):
//   "innosim-object-1", then "group" or "dataset";
//   a dataset: its type, its shape, then its values — or "fletcher32" for a
//     chunked dataset, whose chunks HDF5 checks itself;
//   its attributes: their number, then in byte order of their names each
//     name, type, shape and values.
// A type is "i1".."i8", "u1".."u8", "f4", "f8" or "s" (a string); a shape its
// rank then each extent; numbers are their little-endian bytes in row-major
// order; a string is its bytes (a fixed-length one without trailing NULs).
// The list's own checksum: "innosim-list-1", then each path and checksum.

#include "detail/integrity.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/sha256.hpp"

namespace innosim::detail {

namespace {

using h5::Hid;

constexpr std::size_t kReadBytes = std::size_t{16} << 20;  // per read of a dataset's values
constexpr std::size_t kAttributeBytes = std::size_t{64} << 20;

[[noreturn]] void damaged(const h5::Where& w, const std::string& object, const std::string& what) {
  h5::fail(w.file, object, "damaged: " + what);
}

// How values of a stored type are read and named in the checksum.
struct TypeInfo {
  std::string tag;
  Hid mem;  // the memory type values are read as
  std::size_t size = 0;
  bool string = false;
  bool vlen = false;
};

std::optional<TypeInfo> type_info(hid_t type) {
  TypeInfo t;
  t.size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: {
      const bool sign = H5Tget_sign(type) != H5T_SGN_NONE;
      hid_t le = -1;
      switch (t.size) {
        case 1: le = sign ? H5T_STD_I8LE : H5T_STD_U8LE; break;
        case 2: le = sign ? H5T_STD_I16LE : H5T_STD_U16LE; break;
        case 4: le = sign ? H5T_STD_I32LE : H5T_STD_U32LE; break;
        case 8: le = sign ? H5T_STD_I64LE : H5T_STD_U64LE; break;
        default: return std::nullopt;
      }
      t.tag = (sign ? "i" : "u") + std::to_string(t.size);
      t.mem = Hid(H5Tcopy(le), H5Tclose);
      return t;
    }
    case H5T_FLOAT:
      if (t.size != 4 && t.size != 8) return std::nullopt;
      t.tag = "f" + std::to_string(t.size);
      t.mem = Hid(H5Tcopy(t.size == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE), H5Tclose);
      return t;
    case H5T_STRING: {
      t.tag = "s";
      t.string = true;
      t.vlen = H5Tis_variable_str(type) > 0;
      t.mem = Hid(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(t.mem.get(), t.vlen ? H5T_VARIABLE : t.size);
      H5Tset_cset(t.mem.get(), H5Tget_cset(type));
      if (!t.vlen) H5Tset_strpad(t.mem.get(), H5T_STR_NULLPAD);
      return t;
    }
    default:
      return std::nullopt;
  }
}

// Rank and extents; nullopt for a null dataspace (never written by innosim).
std::optional<std::vector<hsize_t>> shape_of(hid_t space) {
  const H5S_class_t cls = H5Sget_simple_extent_type(space);
  if (cls == H5S_SCALAR) return std::vector<hsize_t>{};
  if (cls != H5S_SIMPLE) return std::nullopt;
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) return std::nullopt;
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, dims.data(), nullptr) < 0) return std::nullopt;
  return dims;
}

std::uint64_t elements(const std::vector<hsize_t>& dims) {
  std::uint64_t n = 1;
  for (hsize_t d : dims) n *= d;
  return n;
}

void hash_shape(Sha256& sha, const std::vector<hsize_t>& dims) {
  sha.u64(dims.size());
  for (hsize_t d : dims) sha.u64(d);
}

// Hashes (when `sha` is given) `n` values read into `buf` with type `t`.
void hash_values(Sha256* sha, const TypeInfo& t, std::vector<char>& buf, std::size_t n) {
  if (sha == nullptr) return;
  if (!t.string) {
    sha->bytes(buf.data(), n * t.size);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (t.vlen) {
      const char* p = reinterpret_cast<char* const*>(buf.data())[i];
      sha->str(p != nullptr ? std::string_view(p) : std::string_view());
    } else {
      std::string_view s(buf.data() + i * t.size, t.size);
      while (!s.empty() && s.back() == '\0') s.remove_suffix(1);
      sha->str(s);
    }
  }
}

std::size_t buffer_bytes(const TypeInfo& t, std::size_t n) { return n * (t.vlen ? sizeof(char*) : t.size); }

// Reads `count` elements at `start` of dataset `d` (all of it for a
// scalar), hashing them into `sha` when given. False when HDF5 cannot read
// them (a failed checksum, a missing block), with HDF5's reason in `error`.
bool read_region(hid_t d, const TypeInfo& t, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                 Sha256* sha, std::string& error) {
  const std::uint64_t n = elements(count);
  std::vector<char> buf(buffer_bytes(t, static_cast<std::size_t>(n)));
  if (n == 0) return true;
  Hid fspace(H5Dget_space(d), H5Sclose);
  Hid mspace;
  hid_t ms = H5S_ALL, fs = H5S_ALL;
  if (!start.empty()) {
    mspace = h5::simple_space(count);
    if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0) {
      error = h5::error_text();
      return false;
    }
    ms = mspace.get();
    fs = fspace.get();
  }
  const bool ok = H5Dread(d, t.mem.get(), ms, fs, H5P_DEFAULT, buf.data()) >= 0;
  if (!ok) error = h5::error_text();  // before the next call clears it
  if (ok) hash_values(sha, t, buf, static_cast<std::size_t>(n));
  if (ok && t.vlen) {
    Hid space = h5::simple_space({n});
    H5Dvlen_reclaim(t.mem.get(), space.get(), H5P_DEFAULT, buf.data());
  }
  return ok;
}

// Every value of a contiguous (or compact) dataset, in row-major order, in
// reads of at most kReadBytes along its first axis.
bool hash_all_values(hid_t d, const TypeInfo& t, const std::vector<hsize_t>& dims, Sha256& sha,
                     std::string& error) {
  if (dims.empty()) return read_region(d, t, {}, {}, &sha, error);
  const std::uint64_t row = elements(dims) / std::max<hsize_t>(dims[0], 1);
  const std::uint64_t row_bytes = std::max<std::uint64_t>(buffer_bytes(t, 1) * row, 1);
  const hsize_t step = std::max<hsize_t>(1, kReadBytes / row_bytes);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  for (hsize_t first = 0; first < dims[0]; first += step) {
    start[0] = first;
    count[0] = std::min(step, dims[0] - first);
    if (!read_region(d, t, start, count, &sha, error)) return false;
  }
  return true;
}

bool has_fletcher32(hid_t dcpl) {
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t nelmts = 0;
    if (H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nelmts, nullptr, 0, nullptr, &config) ==
        H5Z_FILTER_FLETCHER32)
      return true;
  }
  return false;
}

// Reads every chunk of a chunked dataset, so that HDF5 checks each one's
// Fletcher32 checksum; first checks that every chunk is stored (an absent one
// would read as fill values).
void check_chunks(hid_t d, hid_t dcpl, const TypeInfo& t, const std::vector<hsize_t>& dims, const h5::Where& w,
                  const std::string& object) {
  std::vector<hsize_t> chunk(dims.size());
  if (dims.empty() || H5Pget_chunk(dcpl, static_cast<int>(dims.size()), chunk.data()) != static_cast<int>(dims.size()) ||
      std::find(chunk.begin(), chunk.end(), hsize_t{0}) != chunk.end())
    damaged(w, object, "its chunk layout cannot be read");
  std::uint64_t expected = 1;
  std::vector<hsize_t> grid(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k) {
    grid[k] = (dims[k] + chunk[k] - 1) / chunk[k];
    expected *= grid[k];
  }
  hsize_t stored = 0;
  Hid space(H5Dget_space(d), H5Sclose);
  if (!space || H5Dget_num_chunks(d, space.get(), &stored) < 0) damaged(w, object, "its chunk index cannot be read");
  if (stored != expected)
    damaged(w, object, std::to_string(stored) + " of its " + std::to_string(expected) + " chunks are stored");
  if (expected == 0) return;
  std::vector<hsize_t> at(dims.size(), 0), start(dims.size()), count(dims.size());
  for (;;) {
    for (std::size_t k = 0; k < dims.size(); ++k) {
      start[k] = at[k] * chunk[k];
      count[k] = std::min(chunk[k], dims[k] - start[k]);
    }
    std::string error;
    if (!read_region(d, t, start, count, nullptr, error)) {
      std::string where;
      for (std::size_t k = 0; k < dims.size(); ++k) {
        if (k > 0) where += ',';
        where += std::to_string(start[k]);
      }
      damaged(w, object, "the chunk at [" + where + "] fails its Fletcher32 checksum or cannot be read (" + error +
                             ")");
    }
    std::size_t k = dims.size();
    while (k-- > 0) {
      if (++at[k] < grid[k]) break;
      at[k] = 0;
      if (k == 0) return;
    }
  }
}

void hash_attributes(hid_t obj, Sha256& sha, const h5::Where& w, const std::string& object) {
  std::vector<std::string> names;
  H5O_info_t info{};
  if (H5Oget_info2(obj, &info, H5O_INFO_NUM_ATTRS) < 0) damaged(w, object, "its attributes cannot be listed");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    const ssize_t len = H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) damaged(w, object, "an attribute name cannot be read");
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  sha.u64(names.size());
  for (const std::string& name : names) {
    const std::string at = object + "@" + name;
    Hid a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!a) damaged(w, at, "cannot be opened (" + h5::error_text() + ")");
    Hid type(H5Aget_type(a.get()), H5Tclose);
    Hid space(H5Aget_space(a.get()), H5Sclose);
    const std::optional<TypeInfo> t = type ? type_info(type.get()) : std::nullopt;
    const auto dims = space ? shape_of(space.get()) : std::nullopt;
    if (!t || !dims) damaged(w, at, "a type or shape innosim does not write");
    const std::uint64_t n = elements(*dims);
    if (buffer_bytes(*t, 1) * n > kAttributeBytes) damaged(w, at, "larger than any attribute innosim writes");
    std::vector<char> buf(buffer_bytes(*t, static_cast<std::size_t>(n)));
    if (n > 0 && H5Aread(a.get(), t->mem.get(), buf.data()) < 0)
      damaged(w, at, "cannot be read (" + h5::error_text() + ")");
    sha.str(name);
    sha.str(t->tag);
    hash_shape(sha, *dims);
    hash_values(&sha, *t, buf, static_cast<std::size_t>(n));
    if (n > 0 && t->vlen) H5Dvlen_reclaim(t->mem.get(), space.get(), H5P_DEFAULT, buf.data());
  }
}

// The checksum of one object; with `verify_chunks`, also reads every chunk of
// a chunked dataset (verification) — sealing only requires the filter.
std::string object_digest(hid_t file, const std::string& object, bool verify_chunks, const h5::Where& w) {
  Hid obj(H5Oopen(file, object.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj) damaged(w, object, "cannot be opened (" + h5::error_text() + ")");
  Sha256 sha;
  sha.str("innosim-object-1");
  const H5I_type_t kind = H5Iget_type(obj.get());
  if (kind == H5I_GROUP) {
    sha.str("group");
  } else if (kind == H5I_DATASET) {
    sha.str("dataset");
    const hid_t d = obj.get();
    Hid type(H5Dget_type(d), H5Tclose);
    Hid space(H5Dget_space(d), H5Sclose);
    const std::optional<TypeInfo> t = type ? type_info(type.get()) : std::nullopt;
    const auto dims = space ? shape_of(space.get()) : std::nullopt;
    if (!t || !dims) damaged(w, object, "a type or shape innosim does not write");
    sha.str(t->tag);
    hash_shape(sha, *dims);
    Hid dcpl(H5Dget_create_plist(d), H5Pclose);
    if (!dcpl) damaged(w, object, "its storage cannot be read (" + h5::error_text() + ")");
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
      if (!has_fletcher32(dcpl.get())) {
        if (!verify_chunks) throw std::logic_error(w.file + ": " + object + ": a chunked dataset without Fletcher32");
        damaged(w, object, "a chunked dataset without its Fletcher32 checksums");
      }
      sha.str("fletcher32");
      if (verify_chunks) check_chunks(d, dcpl.get(), *t, *dims, w, object);
    } else if (std::string error; !hash_all_values(d, *t, *dims, sha, error)) {
      damaged(w, object, "its values cannot be read (" + error + ")");
    }
  } else {
    damaged(w, object, "an object of a kind innosim does not write");
  }
  hash_attributes(obj.get(), sha, w, object);
  return sha.hex();
}

// Every object's path ("/" first), sorted, without /integrity; a link that is
// not a hard link (soft, external) is damage: innosim writes none, and HDF5
// would follow an external one into another file.
std::vector<std::string> object_paths(hid_t file, const h5::Where& w) {
  struct Walk {
    std::vector<std::string> paths;
    std::string bad;
  } walk;
  walk.paths.push_back("/");
  const auto visit = [](hid_t, const char* name, const H5L_info_t* info, void* data) -> herr_t {
    auto& walk = *static_cast<Walk*>(data);
    const std::string path = std::string("/") + name;
    if (info->type != H5L_TYPE_HARD) {
      walk.bad = path;
      return 1;
    }
    const std::string group = std::string("/") + kIntegrityGroup;
    if (path != group && path.rfind(group + "/", 0) != 0) walk.paths.push_back(path);
    return 0;
  };
  if (H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, visit, &walk) < 0)
    damaged(w, "/", "its objects cannot be listed (" + h5::error_text() + ")");
  if (!walk.bad.empty()) damaged(w, walk.bad, "a soft or external link (innosim writes none)");
  std::sort(walk.paths.begin(), walk.paths.end());
  return walk.paths;
}

std::string list_digest(const std::vector<std::string>& paths, const std::vector<std::string>& digests) {
  Sha256 sha;
  sha.str("innosim-list-1");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    sha.str(paths[i]);
    sha.str(digests[i]);
  }
  return sha.hex();
}

void write_fixed_string_attr(hid_t loc, const char* name, const std::string& value, const h5::Where& w) {
  Hid type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), value.size());
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  Hid a = h5::checked(H5Acreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, w,
                      loc, std::string("@") + name, "cannot create attribute");
  h5::check(H5Awrite(a.get(), type.get(), value.data()), w, loc, std::string("@") + name,
            "cannot write attribute");
}

}  // namespace

void seal_file(hid_t file, const h5::Where& w) {
  const std::vector<std::string> paths = object_paths(file, w);
  std::vector<std::string> digests;
  for (const std::string& p : paths) digests.push_back(object_digest(file, p, false, w));
  Hid g = h5::create_group(file, kIntegrityGroup, w);
  h5::write_strings(g.get(), "objects", paths, w);
  h5::write_strings(g.get(), "sha256", digests, w);
  write_fixed_string_attr(g.get(), "sha256", list_digest(paths, digests), w);
}

void verify_file(hid_t file, const h5::Where& w) {
  const std::string group = std::string("/") + kIntegrityGroup;
  if (!h5::exists(file, kIntegrityGroup))
    damaged(w, group, "missing: the file carries no checksums (written by another program, or cut short)");
  Hid g(H5Gopen2(file, kIntegrityGroup, H5P_DEFAULT), H5Gclose);
  if (!g) damaged(w, group, "cannot be opened (" + h5::error_text() + ")");
  std::vector<std::string> listed, digests;
  std::string stored;
  try {
    listed = h5::read_strings(g.get(), "objects", w);
    digests = h5::read_strings(g.get(), "sha256", w, listed.size());
    stored = h5::read_attr_string(g.get(), "sha256", w);
  } catch (const std::runtime_error& e) {
    damaged(w, group, std::string("the list of checksums cannot be read: ") + e.what());
  }
  if (list_digest(listed, digests) != stored)
    damaged(w, group, "the list of checksums does not match its own checksum");
  const std::vector<std::string> present = object_paths(file, w);
  for (const std::string& p : listed)
    if (!std::binary_search(present.begin(), present.end(), p)) damaged(w, p, "missing (the file lists it)");
  std::vector<std::string> sorted = listed;
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& p : present)
    if (!std::binary_search(sorted.begin(), sorted.end(), p)) damaged(w, p, "not in the file's list of checksums");
  for (std::size_t i = 0; i < listed.size(); ++i)
    if (object_digest(file, listed[i], true, w) != digests[i])
      damaged(w, listed[i], "its content does not match its checksum");
}

}  // namespace innosim::detail
