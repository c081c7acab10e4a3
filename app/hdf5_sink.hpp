#pragma once
// The runner's per-draw rows into the HDF5 run file (run, serve, merge, resume).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/runner.hpp"
#include "innosim/version.hpp"
#include "options.hpp"  // sampler_name

namespace innosim::app {

// The header of a run file for `draws` draws of `s` from `seed` by a model
// with `randoms_per_year` uniforms a year (run, serve; a shard sets its part).
inline RunHeader run_header(const Scenario& s, std::size_t randoms_per_year, std::uint64_t seed, std::size_t draws) {
  RunHeader h;
  h.engine_version = kVersion;
  h.git_sha = kGitSha;
  h.seed = seed;
  h.sampler = sampler_name(s.run.sampler);
  h.draws = draws;
  h.randoms_per_year = randoms_per_year;
  h.model = s.model;
  h.range = {0, draws};
  h.scenario_hash = scenario_hash(s);
  return h;
}

// Adapts the HDF5 writer to the runner's sink interface.
class Hdf5Sink : public DrawSink {
 public:
  explicit Hdf5Sink(RunWriter& w) : w_(w) {}
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                   std::span<const double> targets, std::span<const double> traj,
                   std::span<const double> unif, std::span<const std::uint8_t> valid) override {
    w_.write_draws(first, count, theta, targets, traj, unif, valid);
  }
  void write_tiles(std::uint64_t first_tile, std::span<const Moments> tiles) override {
    w_.write_tiles(first_tile, tiles);
  }
  std::vector<double> target_values(std::size_t t) const override { return w_.target_values(t); }
  void end_early(std::uint64_t draws) override { w_.end_early(draws); }

 private:
  RunWriter& w_;
};

}  // namespace innosim::app
