#pragma once
// Small RAII layer over the HDF5 C API, shared by the run-file writer and
// reader. Internal to innosim::outputs.
//
// Every failure becomes std::runtime_error("FILE: /object/path: what
// (HDF5: innermost message)"). The HDF5 error stack is never printed.

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace innosim::detail::h5 {

// Before any other HDF5 call of innosim's: turns off HDF5's printing of its
// error stack (in this thread), and once per process its clean-up at exit. Every file
// innosim opens is closed by its owner (Hid), and HDF5 1.10's clean-up at
// exit closes again a file whose close failed, which crashes; a file that
// must be dropped is closed so that closing cannot fail (OutputFile).
// The error stack is per thread in Debian's (thread-safe) HDF5, and the
// runner calls the writer from its worker threads: every entry point of a
// writer or reader calls this.
inline void silence_errors() {
  static const bool once = [] {
    H5dont_atexit();
    return true;
  }();
  thread_local const bool here = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)once;
  (void)here;
}

// The most specific description on the current HDF5 error stack; for a
// failed system call, the system's message ("No space left on device").
inline std::string error_text() {
  std::string text;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* err, void* data) -> herr_t {
        if (err != nullptr && err->desc != nullptr && err->desc[0] != '\0') {
          *static_cast<std::string*>(data) = err->desc;  // keep the innermost
        }
        return 0;
      },
      &text);
  H5Eclear2(H5E_DEFAULT);
  const std::string marker = "error message = '";
  if (const auto at = text.find(marker); at != std::string::npos) {
    const auto from = at + marker.size();
    const auto to = text.find('\'', from);
    if (to != std::string::npos) return text.substr(from, to - from);
  }
  return text;
}

[[noreturn]] inline void fail(const std::string& file, const std::string& object,
                              const std::string& what) {
  std::string msg = file + ": " + object + ": " + what;
  const std::string h5 = error_text();
  if (!h5.empty()) msg += " (HDF5: " + h5 + ")";
  throw std::runtime_error(msg);
}

// An owned hid_t, closed with the matching H5?close. Move-only.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer close) : id_(id), close_(close) {}
  Hid(Hid&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid() { reset(); }

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  // Closes now; returns false if HDF5 reported an error.
  bool reset() {
    bool ok = true;
    if (id_ >= 0 && close_ != nullptr) ok = close_(id_) >= 0;
    id_ = H5I_INVALID_HID;
    return ok;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

// Context for error messages: the file name as the user gave it.
struct Where {
  std::string file;
  std::string path(hid_t loc, const std::string& name) const {
    std::string base = "/";
    if (loc >= 0) {
      const ssize_t len = H5Iget_name(loc, nullptr, 0);
      if (len > 0) {
        base.assign(static_cast<std::size_t>(len) + 1, '\0');
        H5Iget_name(loc, base.data(), base.size());
        base.resize(static_cast<std::size_t>(len));
      }
    }
    if (name.empty() || name == ".") return base;
    return base == "/" ? "/" + name : base + "/" + name;
  }
};

inline Hid checked(hid_t id, Hid::Closer close, const Where& w, hid_t loc,
                   const std::string& name, const char* what) {
  if (id < 0) fail(w.file, w.path(loc, name), what);
  return Hid(id, close);
}

inline void check(herr_t status, const Where& w, hid_t loc, const std::string& name,
                  const char* what) {
  if (status < 0) fail(w.file, w.path(loc, name), what);
}

// ---------- types ----------

inline Hid utf8_string_type() {
  Hid t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else static_assert(sizeof(T) == 0, "unsupported element type");
}

inline Hid simple_space(const std::vector<hsize_t>& dims) {
  return Hid(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
}

// ---------- storage ----------

// The creation properties of every chunked dataset innosim writes (the one
// place its filters are chosen): chunks of `chunk`; shuffle and gzip at
// `gzip_level` when it is above 0; and always, last, the Fletcher32 checksum
// of each stored chunk, which HDF5 verifies whenever the chunk is read
// (detail/integrity.hpp relies on it).
inline Hid chunked_layout(const std::vector<hsize_t>& chunk, int gzip_level, const Where& w, hid_t loc,
                          const std::string& name) {
  Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), w, loc, name,
        "cannot set chunking");
  if (gzip_level > 0) {
    check(H5Pset_shuffle(dcpl.get()), w, loc, name, "cannot set shuffle filter");
    check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(gzip_level)), w, loc, name, "cannot set gzip filter");
  }
  check(H5Pset_fletcher32(dcpl.get()), w, loc, name, "cannot set Fletcher32 filter");
  return dcpl;
}

// ---------- groups ----------

inline Hid create_group(hid_t loc, const std::string& name, const Where& w) {
  return checked(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                 w, loc, name, "cannot create group");
}

inline Hid open_group(hid_t loc, const std::string& name, const Where& w) {
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    fail(w.file, w.path(loc, name), "missing group");
  }
  return checked(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), H5Gclose, w, loc, name,
                 "cannot open group");
}

inline bool exists(hid_t loc, const std::string& name) {
  const htri_t r = H5Lexists(loc, name.c_str(), H5P_DEFAULT);
  if (r < 0) H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

// ---------- attributes ----------

template <class T>
void write_attr(hid_t loc, const std::string& name, T value, const Where& w) {
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(loc, name.c_str()) > 0) H5Adelete(loc, name.c_str());
  Hid a = checked(H5Acreate2(loc, name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                             H5P_DEFAULT),
                  H5Aclose, w, loc, "@" + name, "cannot create attribute");
  check(H5Awrite(a.get(), native_type<T>(), &value), w, loc, "@" + name,
        "cannot write attribute");
}

inline void write_attr_string(hid_t loc, const std::string& name, const std::string& value,
                              const Where& w) {
  Hid type = utf8_string_type();
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(loc, name.c_str()) > 0) H5Adelete(loc, name.c_str());
  Hid a = checked(
      H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose, w, loc, "@" + name, "cannot create attribute");
  const char* p = value.c_str();
  check(H5Awrite(a.get(), type.get(), &p), w, loc, "@" + name, "cannot write attribute");
}

inline bool has_attr(hid_t loc, const std::string& name) {
  const htri_t r = H5Aexists(loc, name.c_str());
  if (r < 0) H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

inline Hid open_attr(hid_t loc, const std::string& name, const Where& w) {
  if (!has_attr(loc, name)) fail(w.file, w.path(loc, "") , "missing attribute " + name);
  return checked(H5Aopen(loc, name.c_str(), H5P_DEFAULT), H5Aclose, w, loc, "@" + name,
                 "cannot open attribute");
}

template <class T>
T read_attr(hid_t loc, const std::string& name, const Where& w) {
  Hid a = open_attr(loc, name, w);
  Hid type(H5Aget_type(a.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    fail(w.file, w.path(loc, "@" + name), "expected a number");
  }
  Hid space(H5Aget_space(a.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    fail(w.file, w.path(loc, "@" + name), "expected a scalar");
  }
  T value{};
  check(H5Aread(a.get(), native_type<T>(), &value), w, loc, "@" + name,
        "cannot read attribute");
  return value;
}

// Reads a string attribute (variable- or fixed-length).
inline std::string read_attr_string(hid_t loc, const std::string& name, const Where& w) {
  Hid a = open_attr(loc, name, w);
  Hid type(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    fail(w.file, w.path(loc, "@" + name), "expected a string");
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    Hid mem = utf8_string_type();
    char* p = nullptr;
    check(H5Aread(a.get(), mem.get(), &p), w, loc, "@" + name, "cannot read attribute");
    std::string s = p != nullptr ? p : "";
    H5free_memory(p);
    return s;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string s(size, '\0');
  Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.get(), size);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  check(H5Aread(a.get(), mem.get(), s.data()), w, loc, "@" + name, "cannot read attribute");
  s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
  return s;
}

// ---------- whole datasets ----------

// `chunk`, when given, is the chunk shape (one entry per dimension, each at
// most the dimension; chunks carry Fletcher32 checksums); otherwise the
// dataset is contiguous.
template <class T>
void write_array(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                 const T* data, const Where& w, const std::vector<hsize_t>& chunk = {}) {
  Hid space = simple_space(dims);
  hsize_t n = 1;
  for (hsize_t x : dims) n *= x;
  // Chunked with the Fletcher32 checksum of each chunk (chunked_layout).
  Hid dcpl = !chunk.empty() && n > 0 ? chunked_layout(chunk, 0, w, loc, name)
                                     : Hid(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  Hid d = checked(H5Dcreate2(loc, name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                             dcpl.get(), H5P_DEFAULT),
                  H5Dclose, w, loc, name, "cannot create dataset");
  if (n > 0) {
    check(H5Dwrite(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), w, loc, name,
          "cannot write dataset");
  }
}

template <class T>
void write_vector(hid_t loc, const std::string& name, const std::vector<T>& v, const Where& w) {
  write_array(loc, name, {static_cast<hsize_t>(v.size())}, v.data(), w);
}

inline void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v,
                          const Where& w) {
  Hid type = utf8_string_type();
  Hid space = simple_space({static_cast<hsize_t>(v.size())});
  Hid d = checked(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, w, loc, name, "cannot create dataset");
  if (v.empty()) return;
  std::vector<const char*> ptrs;
  ptrs.reserve(v.size());
  for (const auto& s : v) ptrs.push_back(s.c_str());
  check(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), w, loc, name,
        "cannot write dataset");
}

inline void write_string_scalar(hid_t loc, const std::string& name, const std::string& value,
                                const Where& w) {
  Hid type = utf8_string_type();
  Hid space(H5Screate(H5S_SCALAR), H5Sclose);
  Hid d = checked(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose, w, loc, name, "cannot create dataset");
  const char* p = value.c_str();
  check(H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), w, loc, name,
        "cannot write dataset");
}

inline Hid open_dataset(hid_t loc, const std::string& name, const Where& w) {
  if (!exists(loc, name)) fail(w.file, w.path(loc, name), "missing dataset");
  return checked(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose, w, loc, name,
                 "cannot open dataset");
}

inline std::string join_dims(const std::vector<hsize_t>& dims) {
  std::string s;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) s.push_back(',');
    s.append(std::to_string(dims[i]));
  }
  return s;
}

// The most bytes a dataset of a file of `file_bytes` bytes can read back as:
// deflate expands at most 1032:1, so no honest dataset of the file holds
// more than 1024 times the file's size (at least 1 MiB); a shape beyond it
// is a damaged file, refused before anything is allocated for it.
inline hsize_t readable_bytes_cap(hsize_t file_bytes) {
  return std::max<hsize_t>(file_bytes, hsize_t{1} << 20) * 1024;
}

// A dataset's shape. A damaged file can announce any shape: one with more
// entries than the file could hold (8 bytes each, the numbers innosim
// writes; strings are larger) is refused naming the file and the dataset.
inline std::vector<hsize_t> dataset_dims(hid_t d) {
  Hid space(H5Dget_space(d), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(rank > 0 ? static_cast<std::size_t>(rank) : 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  hsize_t file_bytes = 0;
  {
    Hid file(H5Iget_file_id(d), H5Fclose);
    if (file) H5Fget_filesize(file.get(), &file_bytes);
  }
  const hsize_t cap = readable_bytes_cap(file_bytes) / 8;
  hsize_t n = 1;
  for (hsize_t x : dims) {
    if (x != 0 && n > cap / x) {
      std::string file(256, '\0'), object(256, '\0');
      const auto fit = [](ssize_t len, std::size_t room) {  // HDF5 returns the full length, writes room - 1
        return static_cast<std::size_t>(std::clamp<ssize_t>(len, 0, static_cast<ssize_t>(room) - 1));
      };
      file.resize(fit(H5Fget_name(d, file.data(), file.size()), file.size()));
      object.resize(fit(H5Iget_name(d, object.data(), object.size()), object.size()));
      fail(file, object, "shape [" + join_dims(dims) + "] is more than a file of " + std::to_string(file_bytes) +
                             " bytes can hold (a damaged file)");
    }
    n *= x;
  }
  return dims;
}

// Reads a numeric dataset whole; `dims` receives its shape. If `expect` is
// given, the shape must equal it.
template <class T>
std::vector<T> read_array(hid_t loc, const std::string& name, const Where& w,
                          std::vector<hsize_t>* dims_out = nullptr,
                          const std::optional<std::vector<hsize_t>>& expect = std::nullopt) {
  Hid d = open_dataset(loc, name, w);
  Hid type(H5Dget_type(d.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
    fail(w.file, w.path(loc, name), "expected a numeric dataset");
  }
  const auto dims = dataset_dims(d.get());
  if (expect && dims != *expect) {
    fail(w.file, w.path(loc, name),
         "shape [" + join_dims(dims) + "], expected [" + join_dims(*expect) + "]");
  }
  hsize_t n = 1;
  for (hsize_t x : dims) n *= x;
  std::vector<T> out(static_cast<std::size_t>(n));
  if (n > 0) {
    check(H5Dread(d.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), w, loc,
          name, "cannot read dataset");
  }
  if (dims_out != nullptr) *dims_out = dims;
  return out;
}

inline constexpr std::size_t kAnyLength = static_cast<std::size_t>(-1);

// Reads a 1-D (or scalar) string dataset, variable- or fixed-length; with
// `expect`, it must have that many entries.
inline std::vector<std::string> read_strings(hid_t loc, const std::string& name, const Where& w,
                                             std::size_t expect = kAnyLength) {
  Hid d = open_dataset(loc, name, w);
  Hid type(H5Dget_type(d.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    fail(w.file, w.path(loc, name), "expected a string dataset");
  }
  Hid space(H5Dget_space(d.get()), H5Sclose);
  (void)dataset_dims(d.get());  // refuses a shape no file of its size could hold
  const hssize_t np = H5Sget_simple_extent_npoints(space.get());
  const auto n = static_cast<std::size_t>(np > 0 ? np : 0);
  if (expect != kAnyLength && n != expect) {
    fail(w.file, w.path(loc, name),
         std::to_string(n) + " entries, expected " + std::to_string(expect));
  }
  std::vector<std::string> out(n);
  if (n == 0) return out;
  if (H5Tis_variable_str(type.get()) > 0) {
    Hid mem = utf8_string_type();
    std::vector<char*> ptrs(n, nullptr);
    check(H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), w, loc, name,
          "cannot read dataset");
    for (std::size_t i = 0; i < n; ++i) out[i] = ptrs[i] != nullptr ? ptrs[i] : "";
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
  } else {
    const std::size_t size = H5Tget_size(type.get());
    std::string buf(size * n, '\0');
    Hid mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), size);
    H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
    check(H5Dread(d.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), w, loc, name,
          "cannot read dataset");
    for (std::size_t i = 0; i < n; ++i) {
      std::string s = buf.substr(i * size, size);
      const auto z = s.find('\0');
      if (z != std::string::npos) s.resize(z);
      out[i] = std::move(s);
    }
  }
  return out;
}

}  // namespace innosim::detail::h5
