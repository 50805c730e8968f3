#pragma once
/// \file dual.hpp
/// Forward-mode derivatives of element-wise functions written once as generic
/// lambdas: `derivative(f, x)` evaluates `f` on a dual number `x + ε` and
/// returns `{f(x), f'(x)}`. Works for floats and for xsimd packs, so a layer
/// can fuse a user's activation *and* its derivative into a kernel epilogue.
///
/// ```cpp
/// auto silu = [](const auto& x) { return x * sigmoid(x); };
/// auto [y, dy] = ctnn::derivative(silu, 0.5);   // silu(0.5), silu'(0.5)
/// assign(out, silu(t));                          // on a tensor: an expression
/// ```
/// Take the argument by `const auto&`: a lambda taking `auto x` would copy a
/// tensor and return an expression referring to the copy. (`silu(ref(t))`
/// passes a reference node instead, which is safe either way.)

#include <type_traits>

#include "../expr/elementwise.hpp"
#include "../expr/ops.hpp"

namespace ctnn::autodiff {

/// `v + d·ε` with ε² = 0: `v` a float, double or xsimd pack.
template <class V>
struct Dual {
    V v;
    V d;
};

template <class V>
inline constexpr bool is_dual = false;
template <class V>
inline constexpr bool is_dual<Dual<V>> = true;

namespace detail {
template <class V, class S>
CTNN_INLINE Dual<V> lift(const S& s) noexcept {
    if constexpr (is_dual<S>)
        return s;
    else
        return Dual<V>{V(s), V(0)};
}
template <class Op, class V>
CTNN_INLINE Dual<V> unary(const Dual<V>& x) noexcept {
    const V y = Op::value(x.v);
    return {y, Op::template d<0>(y, x.v) * x.d};
}
template <class Op, class V>
CTNN_INLINE Dual<V> binary(const Dual<V>& a, const Dual<V>& b) noexcept {
    const V y = Op::value(a.v, b.v);
    return {y, Op::template d<0>(y, a.v, b.v) * a.d + Op::template d<1>(y, a.v, b.v) * b.d};
}
template <class A, class B>
struct dual_value;
template <class V, class B>
struct dual_value<Dual<V>, B> {
    using type = V;
};
template <class A, class V>
    requires(!is_dual<A>)
struct dual_value<A, Dual<V>> {
    using type = V;
};
}  // namespace detail

template <class A, class B>
concept DualOperands = is_dual<A> || is_dual<B>;

#define CTNN_DUAL_BINARY(fn, op_type)                                                      \
    template <class A, class B>                                                            \
        requires DualOperands<A, B>                                                        \
    CTNN_INLINE auto fn(const A& a, const B& b) noexcept {                                \
        using V = typename detail::dual_value<A, B>::type;                                 \
        return detail::binary<ops::op_type>(detail::lift<V>(a), detail::lift<V>(b));         \
    }
#define CTNN_DUAL_UNARY(fn, op_type)                                                       \
    template <class V>                                                                     \
    CTNN_INLINE Dual<V> fn(const Dual<V>& x) noexcept {                                   \
        return detail::unary<ops::op_type>(x);                                                \
    }
CTNN_OPS_BINARY_OPERATORS(CTNN_DUAL_BINARY)
CTNN_OPS_BINARY_FUNCTIONS(CTNN_DUAL_BINARY)
CTNN_OPS_UNARY_FUNCTIONS(CTNN_DUAL_UNARY)
CTNN_DUAL_UNARY(operator-, neg_op)
#undef CTNN_DUAL_BINARY
#undef CTNN_DUAL_UNARY

/// `f(x)` and `f'(x)` for an element-wise function written over generic
/// values (floats, packs): `auto [y, dy] = derivative(f, x)`.
template <class F, class V>
CTNN_INLINE Dual<V> derivative(const F& f, const V& x) noexcept {
    return detail::lift<V>(f(Dual<V>{x, V(1)}));
}

}  // namespace ctnn::autodiff

namespace ctnn {
using autodiff::derivative;
using autodiff::Dual;
}  // namespace ctnn
