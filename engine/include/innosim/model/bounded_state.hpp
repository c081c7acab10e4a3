#pragma once
// A model state with a compile-time capacity and a run-time length: no heap
// allocation, and the integrator works only on the entries in use. A model
// that supports up to kMax regions but runs with fewer would otherwise pay
// for the unused entries in every Runge–Kutta stage.

#include <cstddef>
#include <boost/type_traits/integral_constant.hpp>

#include <boost/container/static_vector.hpp>
#include <boost/numeric/odeint/util/is_resizeable.hpp>

namespace innosim {

template <std::size_t Capacity>
using BoundedState = boost::container::static_vector<double, Capacity>;

}  // namespace innosim

namespace boost::numeric::odeint {
// odeint sizes its stage temporaries like the state: resize() on a
// static_vector only moves its end within the fixed capacity.
template <class T, std::size_t N>
struct is_resizeable<boost::container::static_vector<T, N>> : boost::true_type {};
}  // namespace boost::numeric::odeint
