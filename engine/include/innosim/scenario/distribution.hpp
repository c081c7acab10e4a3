#pragma once
// Univariate distributions for uncertain parameters, by inverse CDF so that
// any sampler (Monte Carlo, Latin hypercube, Sobol) and the Gaussian copula
// can drive them with uniforms in (0,1).

#include <array>
#include <string>

namespace innosim {

struct Distribution {
  enum class Kind { fixed, uniform, normal, truncnormal, lognormal, triangular, beta, pert };
  Kind kind = Kind::fixed;
  // Parameters by kind (unused entries are 0):
  //   fixed       {value}
  //   uniform     {min, max}
  //   normal      {mean, sd}
  //   truncnormal {mean, sd, min, max}      (mean, sd of the untruncated normal)
  //   lognormal   {median, sigma}           (sigma of log x)
  //   triangular  {min, mode, max}
  //   beta        {alpha, beta, min, max}
  //   pert        {min, mode, max}          (beta-PERT, shape 4)
  std::array<double, 4> p{};

  bool is_fixed() const { return kind == Kind::fixed; }
  double quantile(double u) const;  // inverse CDF, u in (0,1)
  double mean() const;
  double variance() const;
  double lower() const;  // support bounds (may be +-inf)
  double upper() const;
  std::string describe() const;  // e.g. "truncnormal(mean=1, sd=0.3, min=0.2, max=2)"
};

const char* kind_name(Distribution::Kind k);

}  // namespace innosim
