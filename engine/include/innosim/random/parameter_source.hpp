#pragma once
// Where the runner gets each draw's parameter vector θ. The scenario's
// Sampler is one source; an experimental design (the rows of a
// sensitivity analysis, given parameter vectors to simulate) is another.
// Like the sampler, a source must be a pure function of the draw index, so
// that results do not depend on threads, block sizes or order; draw() is
// called from several threads at once.

#include <cstddef>
#include <cstdint>
#include <span>

namespace innosim {

class ParameterSource {
 public:
  virtual ~ParameterSource() = default;

  // Length of θ (the scenario's parameters, in scenario order).
  virtual std::size_t num_parameters() const = 0;

  // θ of draws first .. first+count-1: theta[(i - first) * num_parameters() + j].
  virtual void draw(std::uint64_t first, std::size_t count, std::span<double> theta) const = 0;

  // The draw index whose yearly random inputs (Stream::yearly: shocks,
  // integer events) draw `draw` uses. Every draw has its own by default; a
  // design can let several of its rows share one draw's noise.
  virtual std::uint64_t noise_draw(std::uint64_t draw) const { return draw; }
};

}  // namespace innosim
