#pragma once
// Parameter sampler: turns a draw index into the values of every scenario
// parameter. Pure function of (scenario, seed, draw count, draw index), so
// results do not depend on threads, block sizes or order.
//
//   uniforms u in (0,1)^d  (Monte Carlo: Philox; Latin hypercube: a keyed
//   permutation of strata per dimension; Sobol: Joe-Kuo sequence with a
//   Cranley-Patterson random shift from the seed)
//   -> Gaussian copula (z = Phi^-1(u), z' = L z with L the Cholesky factor of
//      each correlation block, u' = Phi(z'))
//   -> theta_j = F_j^-1(u'_j)
//
// Fixed parameters take no dimension.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "innosim/random/parameter_source.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

class Sampler : public ParameterSource {
 public:
  // `draws` is the run's draw count (Latin hypercube strata). Validates the
  // correlation blocks (positive definite) and throws ScenarioError naming
  // the block if not.
  Sampler(const Scenario& scenario, std::uint64_t seed, std::size_t draws);
  ~Sampler() override;
  Sampler(Sampler&&) noexcept;
  Sampler& operator=(Sampler&&) noexcept;

  std::size_t num_parameters() const override;  // == scenario.parameters.size()
  std::size_t dimensions() const;               // uncertain (non-fixed) parameters
  // The parameter (index into theta) that dimension k drives, in scenario order.
  std::size_t dimension_parameter(std::size_t k) const;

  // Fills theta (size num_parameters(), scenario parameter order) for draws
  // first .. first+count-1: theta[(i-first)*num_parameters() + j].
  // Sequential access within a block is fast (Sobol is generated
  // incrementally), random access is exact.
  void draw(std::uint64_t first, std::size_t count, std::span<double> theta) const override;

  // θ from given independent uniforms u (one per dimension, each in (0,1)),
  // through the Gaussian copula and the quantiles, exactly as draw() maps
  // its own uniforms: for designs (sensitivity analysis) that choose the
  // uniforms themselves. `theta` has num_parameters() entries.
  void transform(std::span<const double> u, std::span<double> theta) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace innosim
