#pragma once
// Univariate distributions for uncertain parameters, by inverse CDF so that
// any sampler (Monte Carlo, Latin hypercube, Sobol) and the Gaussian copula
// can drive them with uniforms in (0,1).

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace innosim {

struct Distribution {
  enum class Kind { fixed, uniform, normal, truncnormal, lognormal, triangular, beta, pert };
  Kind kind = Kind::fixed;
  // Parameters by kind (unused entries are 0; names as in distribution_kinds()):
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

// One row per kind: its name in scenario files (`dist = "..."`) and the names
// of its parameters p[0..] in order. The one table that the loader, describe()
// and the resolved scenario text read.
struct DistributionKind {
  Distribution::Kind kind;
  std::string_view name;
  std::span<const std::string_view> keys;
};

// Every kind, in the order of Distribution::Kind.
std::span<const DistributionKind> distribution_kinds();
const DistributionKind& distribution_kind(Distribution::Kind k);
// The kind named `name` in a scenario file, or nullptr.
const DistributionKind* find_distribution_kind(std::string_view name);
const char* kind_name(Distribution::Kind k);  // its name, e.g. "truncnormal"

}  // namespace innosim
