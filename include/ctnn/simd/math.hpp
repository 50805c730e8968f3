#pragma once
/// \file math.hpp
/// Element-wise math on packs, for the code above simd/ (expressions, layers,
/// losses), which never names xsimd itself: `is_pack_v`, `lane_t`, and `erf`,
/// `log`, `sqrt`, `pow`, `powi` for a pack or a plain float/double. (`exp`,
/// `log1p`, `tanh`, `abs`, `max` and `select` are in arch.hpp.) `erf` of
/// float packs and floats is fast_math.hpp's branch-free `fast_erf`, with
/// the error stated there.
///
/// Plain numbers take the standard library's functions at run time and
/// `ctnn::cmath`'s in a constant expression, like arch.hpp's functions; erf
/// has no constexpr version. Packs take xsimd's.

#include <cmath>
#include <type_traits>

#include "arch.hpp"

namespace ctnn::simd {

/// `V` is a SIMD pack (`pack<T, A>` of an architecture A), not a plain number.
template <class V>
inline constexpr bool is_pack_v = !std::is_same_v<arch_of_t<V>, scalar_arch>;

/// A float or double, or a pack of them: what the element-wise functions take.
template <class V>
concept Numeric = std::is_floating_point_v<V> || is_pack_v<V>;

namespace detail {
template <class V>
auto lane_of() noexcept {
    if constexpr (is_pack_v<V>)
        return typename V::value_type{};
    else
        return V{};
}
}  // namespace detail

/// The element type of a pack (`V` itself for a number).
template <class V>
using lane_t = decltype(detail::lane_of<V>());

#define CTNN_SIMD_MATH_UNARY(fn)                                                 \
    template <class V>                                                           \
    [[nodiscard]] CTNN_INLINE constexpr V fn(const V& v) noexcept {              \
        if constexpr (std::is_arithmetic_v<V>) {                                 \
            if (std::is_constant_evaluated()) return ::ctnn::cmath::fn(v);       \
            return std::fn(v);                                                   \
        } else {                                                                 \
            return xsimd::fn(v);                                                 \
        }                                                                        \
    }
CTNN_SIMD_MATH_UNARY(log)
CTNN_SIMD_MATH_UNARY(sqrt)
#undef CTNN_SIMD_MATH_UNARY

/// The error function, lane by lane (run time only: no constexpr erf);
/// fast_erf for float lanes.
template <class V>
[[nodiscard]] CTNN_INLINE V erf(const V& v) noexcept {
    if constexpr (detail::float_lanes<V>)
        return fast_erf(v);
    else if constexpr (std::is_arithmetic_v<V>)
        return std::erf(v);
    else
        return xsimd::erf(v);
}

/// x^y for a real exponent, lane by lane.
template <class V>
[[nodiscard]] CTNN_INLINE constexpr V pow(const V& x, const V& y) noexcept {
    if constexpr (std::is_arithmetic_v<V>) {
        if (std::is_constant_evaluated()) return ::ctnn::cmath::pow(x, y);
        return std::pow(x, y);
    } else {
        return xsimd::pow(x, y);
    }
}

/// x^n for an integer n (negative bases allowed).
template <class V>
[[nodiscard]] CTNN_INLINE constexpr V powi(const V& x, int n) noexcept {
    if constexpr (std::is_arithmetic_v<V>) {
        if (std::is_constant_evaluated()) return ::ctnn::cmath::pow(x, n);
        return std::pow(x, n);
    } else {
        return xsimd::pow(x, n);
    }
}

}  // namespace ctnn::simd
