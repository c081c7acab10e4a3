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

  // A source that chooses the yearly random inputs itself (a calibration
  // moves them as part of each particle's state) fills `u`, the draw's
  // [simulated year][the model's randoms per year] uniforms, each in (0, 1),
  // and returns true. By default (false) they are Stream::yearly of
  // noise_draw(draw).
  virtual bool yearly_uniforms(std::uint64_t draw, std::span<double> u) const {
    (void)draw;
    (void)u;
    return false;
  }
};

}  // namespace innosim
