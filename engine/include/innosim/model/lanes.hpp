#pragma once
// Several draws integrated side by side: one double per draw ("lane"). A
// model that also offers a lane-wise right-hand side (LaneModel, below) is
// integrated kLanes draws at a time by LaneSimulator (run/lane_simulator.hpp):
// every arithmetic operation of the Runge–Kutta stages and of the right-hand
// side acts on all lanes at once, which the compiler turns into vector
// instructions (the build's -march decides their width: 2 doubles with the
// x86-64 baseline, 4 with x86-64-v3; plain scalar code elsewhere).
//
// Each lane does exactly the operations a scalar integration of its draw
// would do, in the same order, with the same IEEE rounding (the project
// compiles with -ffp-contract=off, so no fused multiply-add appears in one
// path and not the other): a draw's numbers do not depend on its lane-mates.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "innosim/model/bounded_state.hpp"
#include "innosim/model/model.hpp"

namespace innosim {

// As many doubles as the target's vector registers hold: 4 with AVX (x86-64-v3), else 2 (the
// x86-64 baseline's SSE2). More would not fit a Runge–Kutta step's dozen state-sized buffers
// in the first-level cache. A build may choose with -DINNOSIM_LANE_COUNT=n.
#ifndef INNOSIM_LANE_COUNT
#if defined(__AVX__)
#define INNOSIM_LANE_COUNT 4
#else
#define INNOSIM_LANE_COUNT 2
#endif
#endif
inline constexpr std::size_t kLanes = INNOSIM_LANE_COUNT;

// kLanes doubles as one vector (GCC and Clang vector extensions): every
// operation below is one vector operation of the width the target has, or
// several of a narrower one, or scalar code.
using LaneVector = double __attribute__((vector_size(kLanes * sizeof(double))));
using LaneBits = std::int64_t __attribute__((vector_size(kLanes * sizeof(double))));

struct Lanes {
  LaneVector v;

  Lanes() = default;
  // A value for every lane (constants in a right-hand side written for both).
  Lanes(double a) : v(LaneVector{} + a) {}  // NOLINT: implicit, so that `0.5 * x` reads as in scalar code
  explicit Lanes(LaneVector a) : v(a) {}
};

inline Lanes operator+(const Lanes& a, const Lanes& b) { return Lanes(a.v + b.v); }
inline Lanes operator-(const Lanes& a, const Lanes& b) { return Lanes(a.v - b.v); }
inline Lanes operator*(const Lanes& a, const Lanes& b) { return Lanes(a.v * b.v); }
inline Lanes operator/(const Lanes& a, const Lanes& b) { return Lanes(a.v / b.v); }
inline Lanes& operator+=(Lanes& a, const Lanes& b) { return a = a + b; }
inline Lanes& operator-=(Lanes& a, const Lanes& b) { return a = a - b; }
inline Lanes& operator*=(Lanes& a, const Lanes& b) { return a = a * b; }
inline Lanes& operator/=(Lanes& a, const Lanes& b) { return a = a / b; }
inline Lanes operator-(const Lanes& a) { return Lanes(-a.v); }
// |a| in every lane, as std::abs: the sign bit cleared.
inline Lanes abs(const Lanes& a) {
  const LaneBits magnitude = LaneBits{} + std::numeric_limits<std::int64_t>::max();
  return Lanes(reinterpret_cast<LaneVector>(reinterpret_cast<LaneBits>(a.v) & magnitude));
}
// Lane by lane b where a < b, else a: std::max(a, b) of each lane (a NaN in b
// is ignored). MAXPD(b, a) is exactly that; compilers lower a generic vector
// comparison of more than the target's width to scalar code, hence the
// intrinsics.
inline Lanes max(const Lanes& a, const Lanes& b) {
#if INNOSIM_LANE_COUNT == 4 && defined(__AVX__)
  return Lanes(reinterpret_cast<LaneVector>(_mm256_max_pd(reinterpret_cast<__m256d>(b.v), reinterpret_cast<__m256d>(a.v))));
#elif INNOSIM_LANE_COUNT == 2 && defined(__SSE2__)
  return Lanes(reinterpret_cast<LaneVector>(_mm_max_pd(reinterpret_cast<__m128d>(b.v), reinterpret_cast<__m128d>(a.v))));
#else
  Lanes r;
  for (std::size_t l = 0; l < kLanes; ++l) r.v[l] = a.v[l] < b.v[l] ? b.v[l] : a.v[l];
  return r;
#endif
}

// A model state of kLanes draws: entry i holds variable i of every lane.
template <std::size_t Capacity>
using LaneState = boost::container::static_vector<Lanes, Capacity>;

// A model whose right-hand side can also run on kLanes draws at once.
// LaneInputs holds what the right-hand side reads of each draw (parameters,
// yearly constants), one lane per draw; set_lane copies one draw's from its
// Workspace (after init and after each year_start). rhs_lanes must give, in
// every lane, bit for bit what rhs gives for that lane's draw.
template <class M>
concept LaneModel = Model<M> && requires(const M& m, typename M::LaneInputs& in, const typename M::Workspace& ws,
                                         const typename M::LaneState& x, typename M::LaneState& dx,
                                         std::size_t lane) {
  typename M::LaneInputs;  // default-constructible, no heap
  typename M::LaneState;   // LaneState<capacity of M::State>
  { m.set_lane(in, lane, ws) };
  { m.rhs_lanes(std::as_const(in), x, dx) };
};

}  // namespace innosim
