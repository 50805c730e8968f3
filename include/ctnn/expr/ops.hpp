#pragma once
/// \file ops.hpp
/// The element-wise operations: each op's value and its local partial
/// derivatives, written once for every value type `V` (xsimd packs of any
/// width, and plain float/double). Tensor expressions evaluate them a pack at
/// a time; the backward pass multiplies the incoming adjoint by `d<I>`.
///
/// `Op::value(x...)` is the output y; `Op::template d<I>(y, x...)` is ∂y/∂x_I
/// given the inputs and the output (so sigmoid' = y(1-y) costs no exp).

#include <cstddef>

#include "../simd/arch.hpp"

namespace ctnn::ops {

namespace detail {
template <class V>
CTNN_INLINE V zero_like(const V&) noexcept {
    return V(0);
}
template <class V>
CTNN_INLINE V one_like(const V&) noexcept {
    return V(1);
}
/// 1 where c holds, 0 elsewhere, as a value of type V.
template <class C, class V>
CTNN_INLINE V indicator(const C& c, const V& like) noexcept {
    return simd::select(c, one_like(like), zero_like(like));
}
}  // namespace detail

struct add {
    static constexpr const char* name = "+";
    template <class V>
    static CTNN_INLINE V value(V a, V b) noexcept { return a + b; }
    template <std::size_t I, class V>
    static CTNN_INLINE V d(V, V a, V) noexcept { return detail::one_like(a); }
};
struct sub {
    static constexpr const char* name = "-";
    template <class V>
    static CTNN_INLINE V value(V a, V b) noexcept { return a - b; }
    template <std::size_t I, class V>
    static CTNN_INLINE V d(V, V a, V) noexcept { return I == 0 ? detail::one_like(a) : -detail::one_like(a); }
};
struct mul {
    static constexpr const char* name = "*";
    template <class V>
    static CTNN_INLINE V value(V a, V b) noexcept { return a * b; }
    template <std::size_t I, class V>
    static CTNN_INLINE V d(V, V a, V b) noexcept {
        if constexpr (I == 0) return b; else return a;
    }
};
struct div {
    static constexpr const char* name = "/";
    template <class V>
    static CTNN_INLINE V value(V a, V b) noexcept { return a / b; }
    template <std::size_t I, class V>
    static CTNN_INLINE V d(V y, V, V b) noexcept {
        if constexpr (I == 0) return detail::one_like(b) / b; else return -y / b;
    }
};
struct neg {
    static constexpr const char* name = "neg";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return -a; }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V, V a) noexcept { return -detail::one_like(a); }
};
struct exp {
    static constexpr const char* name = "exp";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return xsimd::exp(a); }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V y, V) noexcept { return y; }
};
struct log {
    static constexpr const char* name = "log";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return xsimd::log(a); }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V, V a) noexcept { return detail::one_like(a) / a; }
};
struct log1p {
    static constexpr const char* name = "log1p";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return xsimd::log1p(a); }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V, V a) noexcept { return detail::one_like(a) / (detail::one_like(a) + a); }
};
struct sqrt {
    static constexpr const char* name = "sqrt";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return xsimd::sqrt(a); }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V y, V) noexcept { return V(0.5) / y; }
};
struct square {
    static constexpr const char* name = "square";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return a * a; }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V, V a) noexcept { return a + a; }
};
struct tanh {
    static constexpr const char* name = "tanh";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return xsimd::tanh(a); }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V y, V) noexcept { return detail::one_like(y) - y * y; }
};
struct sigmoid {
    static constexpr const char* name = "sigmoid";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return detail::one_like(a) / (detail::one_like(a) + xsimd::exp(-a)); }
    template <std::size_t, class V>
    static CTNN_INLINE V d(V y, V) noexcept { return y * (detail::one_like(y) - y); }
};
struct relu {
    static constexpr const char* name = "relu";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return xsimd::max(a, detail::zero_like(a)); }
    /// relu'(0) = 0.
    template <std::size_t, class V>
    static CTNN_INLINE V d(V, V a) noexcept { return detail::indicator(a > detail::zero_like(a), a); }
};
struct abs {
    static constexpr const char* name = "abs";
    template <class V>
    static CTNN_INLINE V value(V a) noexcept { return xsimd::abs(a); }
    /// abs'(0) = 0.
    template <std::size_t, class V>
    static CTNN_INLINE V d(V, V a) noexcept {
        return detail::indicator(a > detail::zero_like(a), a) - detail::indicator(a < detail::zero_like(a), a);
    }
};
/// Ties send the gradient to the first operand.
struct min {
    static constexpr const char* name = "min";
    template <class V>
    static CTNN_INLINE V value(V a, V b) noexcept { return xsimd::min(a, b); }
    template <std::size_t I, class V>
    static CTNN_INLINE V d(V, V a, V b) noexcept {
        if constexpr (I == 0) return detail::indicator(a <= b, a); else return detail::indicator(b < a, a);
    }
};
struct max {
    static constexpr const char* name = "max";
    template <class V>
    static CTNN_INLINE V value(V a, V b) noexcept { return xsimd::max(a, b); }
    template <std::size_t I, class V>
    static CTNN_INLINE V d(V, V a, V b) noexcept {
        if constexpr (I == 0) return detail::indicator(a >= b, a); else return detail::indicator(b > a, a);
    }
};
/// a^b for a real exponent b (a > 0 where the gradient in b is wanted).
struct pow {
    static constexpr const char* name = "pow";
    template <class V>
    static CTNN_INLINE V value(V a, V b) noexcept { return xsimd::pow(a, b); }
    template <std::size_t I, class V>
    static CTNN_INLINE V d(V y, V a, V b) noexcept {
        if constexpr (I == 0) return b * xsimd::pow(a, b - detail::one_like(b)); else return y * xsimd::log(a);
    }
};

}  // namespace ctnn::ops
