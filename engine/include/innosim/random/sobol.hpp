#pragma once
// A Sobol' sequence with a random shift: the sampler's Sobol points and the
// sensitivity designs' A|B matrices come from here.
//
// Point i (i = 0, 1, ...) is point i+1 of boost::random::sobol (Joe-Kuo
// direction numbers; the all-zero point 0 is skipped), digit by digit
// x_k in [0, 2^64), shifted by s_k = random_u64(seed, 0, stream, 0, k)
// modulo 2^64 (a Cranley-Patterson shift at 64-bit resolution) and mapped
// like uniform01: (top 52 bits + 1/2) 2^-52, so every value lies in (0, 1).
// Random access to any point is exact; stepping to the next is one XOR per
// dimension (Gray-code order).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/random/streams.hpp"

namespace innosim {

class SobolSequence {
 public:
  // Throws std::invalid_argument beyond Boost's table (3667 dimensions).
  SobolSequence(std::size_t dims, std::uint64_t seed, Stream shift_stream);

  std::size_t dims() const { return dims_; }
  // state (dims() digits) := the unshifted point `index`.
  void seek(std::uint64_t index, std::span<std::uint64_t> state) const;
  // state holds point index-1; afterwards point `index`.
  void step(std::uint64_t index, std::span<std::uint64_t> state) const;
  // The shifted coordinate k of the point in `state`, in (0, 1).
  double unit(std::span<const std::uint64_t> state, std::size_t k) const {
    return (static_cast<double>((state[k] + shift_[k]) >> 12) + 0.5) * 0x1p-52;
  }
  // out[k] = unit(point `index`, k) for every k (random access; for a run of
  // consecutive points, seek once and step).
  void point(std::uint64_t index, std::span<double> out) const;

 private:
  std::size_t dims_ = 0;
  std::vector<std::uint64_t> dir_;    // [bit r * dims + k]
  std::vector<std::uint64_t> shift_;  // per dimension
};

}  // namespace innosim
