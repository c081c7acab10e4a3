#pragma once
// A run state (innosim/run/state_accumulator.hpp: StateOut, StateIn) saved in an
// HDF5 group: each array a 1-D dataset, each group a group. Internal to
// innosim::outputs.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "h5.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/state_accumulator.hpp"

namespace innosim::detail {

// The attribute `store` of a shard file or checkpoint (a store level's name).
inline StoreLevel read_store_level(hid_t loc, const h5::Where& w) {
  const std::string name = h5::read_attr_string(loc, "store", w);
  const auto level = parse_store_level(name);
  if (!level) throw std::runtime_error(w.file + ": unknown store level '" + name + "'");
  return *level;
}

// The root attributes every run, shard and checkpoint file has about the run
// (docs/hdf5-schema.md): engine_version, git_sha, seed, sampler,
// draws_requested, model, scenario_name. The caller reads the rest.
inline void read_run_header(hid_t root, const h5::Where& w, RunHeader& h, std::string& scenario_name) {
  h.engine_version = h5::read_attr_string(root, "engine_version", w);
  h.git_sha = h5::read_attr_string(root, "git_sha", w);
  h.seed = h5::read_attr<std::uint64_t>(root, "seed", w);
  h.sampler = h5::read_attr_string(root, "sampler", w);
  h.draws = h5::read_attr<std::uint64_t>(root, "draws_requested", w);
  h.model = h5::read_attr_string(root, "model", w);
  scenario_name = h5::read_attr_string(root, "scenario_name", w);
}

class H5StateOut : public StateOut {
 public:
  H5StateOut(h5::Hid group, h5::Where where) : g_(std::move(group)), w_(std::move(where)) {}
  void put_u64(const std::string& name, std::span<const std::uint64_t> v) override { put(name, v); }
  void put_i64(const std::string& name, std::span<const std::int64_t> v) override { put(name, v); }
  void put_f64(const std::string& name, std::span<const double> v) override { put(name, v); }
  std::unique_ptr<StateOut> group(const std::string& name) override {
    return std::make_unique<H5StateOut>(h5::create_group(g_.get(), name, w_), w_);
  }

 private:
  template <class T>
  void put(const std::string& name, std::span<const T> v) {
    h5::write_array(g_.get(), name, {static_cast<hsize_t>(v.size())}, v.data(), w_);
  }
  h5::Hid g_;
  h5::Where w_;
};

class H5StateIn : public StateIn {
 public:
  H5StateIn(h5::Hid group, h5::Where where) : g_(std::move(group)), w_(std::move(where)) {}
  std::vector<std::uint64_t> u64(const std::string& name) const override { return get<std::uint64_t>(name); }
  std::vector<std::int64_t> i64(const std::string& name) const override { return get<std::int64_t>(name); }
  std::vector<double> f64(const std::string& name) const override { return get<double>(name); }
  std::unique_ptr<StateIn> group(const std::string& name) const override {
    if (!h5::exists(g_.get(), name)) throw StateError(where(name) + ": missing group");
    return std::make_unique<H5StateIn>(h5::open_group(g_.get(), name, w_), w_);
  }
  bool has(const std::string& name) const override { return h5::exists(g_.get(), name); }
  std::string where(const std::string& name) const override { return w_.file + ": " + w_.path(g_.get(), name); }
  using StateIn::f64;
  using StateIn::u64;

 private:
  template <class T>
  std::vector<T> get(const std::string& name) const {
    if (!h5::exists(g_.get(), name)) throw StateError(where(name) + ": missing dataset");
    std::vector<hsize_t> dims;
    try {
      std::vector<T> v = h5::read_array<T>(g_.get(), name, w_, &dims);
      if (dims.size() != 1) throw StateError(where(name) + ": expected a 1-D dataset");
      return v;
    } catch (const StateError&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw StateError(e.what());
    }
  }
  h5::Hid g_;
  h5::Where w_;
};

}  // namespace innosim::detail
