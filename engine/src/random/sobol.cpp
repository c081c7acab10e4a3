// SobolSequence (sobol.hpp): Boost's Joe-Kuo directions, Gray-code order,
// a seeded Cranley-Patterson shift.

#include "innosim/random/sobol.hpp"

#include <bit>
#include <stdexcept>
#include <vector>

#include <boost/random/sobol.hpp>
#include <fmt/format.h>

namespace innosim {

SobolSequence::SobolSequence(std::size_t dims, std::uint64_t seed, Stream shift_stream) : dims_(dims) {
  if (dims > boost::random::default_sobol_table::max_dimension)  // Boost's table limit (3667)
    throw std::invalid_argument(
        fmt::format("Sobol sequence supports at most {} dimensions, {} asked for",
                    static_cast<unsigned>(boost::random::default_sobol_table::max_dimension), dims));
  if (dims == 0) return;
  // Direction numbers v_r from Boost's Joe-Kuo table: Boost's element n is
  // the Sobol point with Gray code g(n+1), so element 2^(r+1) - 2 (Gray code
  // 2^r) is v_r itself.
  boost::random::sobol engine(dims);
  dir_.resize(64 * dims);
  for (unsigned r = 0; r < 64; ++r) {
    const std::uint64_t n = (r == 63) ? ~std::uint64_t{1} : (std::uint64_t{2} << r) - 2;
    engine.seed(n);
    for (std::size_t k = 0; k < dims; ++k) dir_[r * dims + k] = engine();
  }
  shift_.resize(dims);
  for (std::size_t k = 0; k < dims; ++k)
    shift_[k] = random_u64(seed, 0, shift_stream, 0, static_cast<std::uint32_t>(k));
}

void SobolSequence::seek(std::uint64_t index, std::span<std::uint64_t> state) const {
  // XOR of the directions selected by the Gray code of index+1.
  for (std::size_t k = 0; k < dims_; ++k) state[k] = 0;
  std::uint64_t g = (index + 1) ^ ((index + 1) >> 1);
  for (unsigned r = 0; g != 0; ++r, g >>= 1)
    if (g & 1)
      for (std::size_t k = 0; k < dims_; ++k) state[k] ^= dir_[r * dims_ + k];
}

void SobolSequence::step(std::uint64_t index, std::span<std::uint64_t> state) const {
  // Gray-code step from point index-1 to index: flip direction ctz(index+1).
  const auto r = static_cast<unsigned>(std::countr_zero(index + 1));
  for (std::size_t k = 0; k < dims_; ++k) state[k] ^= dir_[r * dims_ + k];
}

void SobolSequence::point(std::uint64_t index, std::span<double> out) const {
  std::vector<std::uint64_t> state(dims_);
  seek(index, state);
  for (std::size_t k = 0; k < dims_; ++k) out[k] = unit(state, k);
}

}  // namespace innosim
