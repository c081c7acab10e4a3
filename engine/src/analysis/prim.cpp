// PRIM peeling and quasi-p-values (prim.hpp).

#include "innosim/analysis/prim.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/special_functions/beta.hpp>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

namespace innosim {

namespace {

// The best cut of one input: the new bound and how many points and cases it removes.
struct Cut {
  bool valid = false;
  bool upper = false;
  double bound = 0;
  std::size_t removed = 0, removed_cases = 0;
};

// The cut of input `d` on one side for the points `in` (indices), or invalid.
Cut cut_side(const PrimData& data, std::size_t d, const std::vector<std::size_t>& in, bool upper, double alpha,
             std::vector<double>& scratch) {
  const std::size_t n = in.size();
  scratch.resize(n);
  for (std::size_t i = 0; i < n; ++i) scratch[i] = data.at(d, in[i]);
  const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::floor(alpha * static_cast<double>(n))));
  if (k >= n) return {};
  // Lower side: the k-th smallest value q; points below q go. Upper: the k-th largest; points above go.
  auto nth = scratch.begin() + static_cast<std::ptrdiff_t>(upper ? n - 1 - k : k);
  std::nth_element(scratch.begin(), nth, scratch.end());
  const double q = *nth;
  Cut c;
  c.upper = upper;
  auto outside = [&](double v) { return upper ? v > q : v < q; };
  for (std::size_t i = 0; i < n; ++i)
    if (outside(data.at(d, in[i]))) ++c.removed;
  c.bound = q;
  if (c.removed == 0) {
    // Tied at q (a discrete input): cut the whole tied value; the new bound
    // is the next value inside.
    double next = upper ? -INFINITY : INFINITY;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = data.at(d, in[i]);
      if (upper ? v < q : v > q) next = upper ? std::max(next, v) : std::min(next, v);
    }
    if (!std::isfinite(next)) return {};
    c.bound = next;
    for (std::size_t i = 0; i < n; ++i)
      if (upper ? data.at(d, in[i]) >= q : data.at(d, in[i]) <= q) ++c.removed;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double v = data.at(d, in[i]);
    if (upper ? v > c.bound : v < c.bound) c.removed_cases += data.y[in[i]];
  }
  c.valid = true;
  return c;
}

bool inside(const PrimData& data, const PrimBox& box, std::size_t p, std::size_t skip) {
  for (std::size_t d = 0; d < data.num_inputs(); ++d) {
    if (d == skip) continue;
    const double v = data.at(d, p);
    if (v < box.lo[d] || v > box.hi[d]) return false;
  }
  return true;
}

}  // namespace

double binomial_upper_tail(std::size_t k, std::size_t n, double p) {
  if (k == 0) return 1.0;
  if (k > n) return 0.0;
  if (p <= 0) return 0.0;
  if (p >= 1) return 1.0;
  // P(X >= k) = I_p(k, n - k + 1), the regularised incomplete beta function.
  return boost::math::ibeta(static_cast<double>(k), static_cast<double>(n - k + 1), p);
}

PrimResult prim_peel(const PrimData& data, const PrimOptions& opt) {
  const std::size_t D = data.num_inputs(), N = data.num_points();
  if (data.x.size() != D * N) throw std::invalid_argument("PRIM: the inputs are not [inputs][points]");
  if (!(opt.alpha > 0 && opt.alpha < 0.5)) throw std::invalid_argument("PRIM: alpha must be in (0, 0.5)");
  if (!(opt.min_mass > 0 && opt.min_mass < 1)) throw std::invalid_argument("PRIM: the minimum mass must be in (0, 1)");
  if (N == 0 || D == 0) throw std::invalid_argument("PRIM: no points or no inputs");
  PrimResult r;
  r.points = N;
  for (std::uint8_t v : data.y) r.cases += v;
  PrimBox box;
  box.lo.resize(D);
  box.hi.resize(D);
  for (std::size_t d = 0; d < D; ++d) {
    const auto [lo, hi] = std::minmax_element(data.x.begin() + static_cast<std::ptrdiff_t>(d * N),
                                              data.x.begin() + static_cast<std::ptrdiff_t>((d + 1) * N));
    box.lo[d] = *lo;
    box.hi[d] = *hi;
  }
  auto finish_box = [&](PrimBox& b, std::size_t points, std::size_t cases) {
    b.points = points;
    b.cases = cases;
    b.mass = static_cast<double>(points) / static_cast<double>(N);
    b.coverage = r.cases ? static_cast<double>(cases) / static_cast<double>(r.cases) : 0.0;
    b.density = points ? static_cast<double>(cases) / static_cast<double>(points) : 0.0;
    b.restricted = 0;
    for (std::size_t d = 0; d < D; ++d)
      b.restricted += b.lo[d] > r.trajectory.front().lo[d] || b.hi[d] < r.trajectory.front().hi[d];
  };
  r.trajectory.push_back(box);
  finish_box(r.trajectory.back(), N, r.cases);

  std::vector<std::size_t> in(N);
  for (std::size_t p = 0; p < N; ++p) in[p] = p;
  const auto min_points = static_cast<std::size_t>(std::ceil(opt.min_mass * static_cast<double>(N)));
  namespace tbb = oneapi::tbb;
  const int threads = opt.threads ? static_cast<int>(opt.threads) : tbb::info::default_concurrency();
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            std::max(threads, tbb::info::default_concurrency()));
  tbb::task_arena arena(threads);
  std::vector<Cut> cuts(2 * D);
  for (;;) {
    const PrimBox& cur = r.trajectory.back();
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, D, [&](std::size_t d) {
        thread_local std::vector<double> scratch;
        cuts[2 * d] = cut_side(data, d, in, false, opt.alpha, scratch);
        cuts[2 * d + 1] = cut_side(data, d, in, true, opt.alpha, scratch);
      });
    });
    std::size_t best = cuts.size();
    double best_density = -1;
    for (std::size_t c = 0; c < cuts.size(); ++c) {
      if (!cuts[c].valid || cur.points - cuts[c].removed < min_points) continue;
      const double density = static_cast<double>(cur.cases - cuts[c].removed_cases) /
                             static_cast<double>(cur.points - cuts[c].removed);
      if (density > best_density) {
        best_density = density;
        best = c;
      }
    }
    if (best == cuts.size()) break;
    PrimBox next = cur;
    const std::size_t d = best / 2;
    (cuts[best].upper ? next.hi[d] : next.lo[d]) = cuts[best].bound;
    std::erase_if(in, [&](std::size_t p) { return data.at(d, p) < next.lo[d] || data.at(d, p) > next.hi[d]; });
    std::size_t cases = 0;
    for (std::size_t p : in) cases += data.y[p];
    finish_box(next, in.size(), cases);
    r.trajectory.push_back(std::move(next));
  }
  return r;
}

std::vector<PrimRestriction> prim_restrictions(const PrimData& data, const PrimResult& result, const PrimBox& box) {
  const PrimBox& full = result.trajectory.front();
  const std::size_t N = data.num_points();
  std::vector<PrimRestriction> out;
  for (std::size_t d = 0; d < data.num_inputs(); ++d) {
    PrimRestriction r;
    r.input = d;
    r.lower = box.lo[d] > full.lo[d];
    r.upper = box.hi[d] < full.hi[d];
    if (!r.lower && !r.upper) continue;
    r.lo = box.lo[d];
    r.hi = box.hi[d];
    std::size_t kept = 0, points = 0, cases = 0;
    for (std::size_t p = 0; p < N; ++p) {
      const double v = data.at(d, p);
      kept += v >= r.lo && v <= r.hi;
      if (inside(data, box, p, d)) {
        ++points;
        cases += data.y[p];
      }
    }
    r.kept = static_cast<double>(kept) / static_cast<double>(N);
    const double p_without = points ? static_cast<double>(cases) / static_cast<double>(points) : 0.0;
    r.quasi_p = binomial_upper_tail(box.cases, box.points, p_without);
    out.push_back(r);
  }
  return out;
}

std::size_t prim_choose(const PrimResult& result, double min_coverage) {
  std::size_t best = 0;
  for (std::size_t b = 0; b < result.trajectory.size(); ++b) {
    const PrimBox& box = result.trajectory[b];
    if (box.coverage >= min_coverage && box.density > result.trajectory[best].density) best = b;
  }
  return best;
}

}  // namespace innosim
