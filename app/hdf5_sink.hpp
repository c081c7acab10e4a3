#pragma once
// The runner's per-draw rows into the HDF5 run file (run, serve).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/runner.hpp"

namespace innosim::app {

// Adapts the HDF5 writer to the runner's sink interface.
class Hdf5Sink : public DrawSink {
 public:
  explicit Hdf5Sink(RunWriter& w) : w_(w) {}
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                   std::span<const double> targets, std::span<const double> traj,
                   std::span<const double> unif, std::span<const std::uint8_t> valid) override {
    w_.write_draws(first, count, theta, targets, traj, unif, valid);
  }
  std::vector<double> target_values(std::size_t t) const override { return w_.target_values(t); }
  void end_early(std::uint64_t draws) override { w_.end_early(draws); }

 private:
  RunWriter& w_;
};

}  // namespace innosim::app
