#pragma once
/// \file ops.hpp
/// The table of element-wise operations that tensor expressions, scalar
/// expressions (autodiff/) and dual numbers share (it lives in expr/, the
/// lower of the two layers that use it): for each op, its value and its local partial derivatives, written
/// once for every value type `V`, which is `float` or `double` (through
/// `ctnn::cmath`, so usable in constant expressions) or a SIMD pack
/// (through simd/math.hpp).
///
/// Every op is an empty struct with
///  - `name`: what a printed graph calls the node ("+", "exp", ...);
///  - `arity`: the number of operands;
///  - `value(x...)`: the output y;
///  - `d<I>(y, x...)`: ∂y/∂x_I, given the output and the operands, so that
///    exp' = y and sigmoid' = y (1 - y) cost no second transcendental call.
/// A backward pass multiplies the adjoint flowing into the node by `d<I>`.
///
/// Conventions at the kinks: relu'(0) = 0, abs'(0) = 0; `min`/`max` send the
/// whole gradient to the operand they return, and on a tie to the first one.
/// `pow_op` is x^y for a real exponent (∂/∂y = y log x, taken as 0 where the
/// output is 0); `powi_op` takes an integer exponent as its second operand,
/// which is a parameter, not differentiated.

#include <cstddef>
#include <type_traits>

#include "../core/cmath.hpp"
#include "../core/config.hpp"
#include "../simd/math.hpp"

namespace ctnn::ops {

/// The element-wise functions each value type uses: `ctnn::cmath` for float
/// and double, simd/'s for packs; comparisons select with `?:` or
/// `simd::select`.
namespace fn {

template <class V>
inline constexpr bool is_scalar = std::is_floating_point_v<V>;

/// The number `c` as a value of type V (broadcast for a pack).
template <class V, class T>
CTNN_INLINE constexpr V splat(T c) noexcept {
    return V(static_cast<simd::lane_t<V>>(c));
}
/// `c ? a : b`, lane by lane for packs.
template <class C, class V>
CTNN_INLINE constexpr V select(const C& c, const V& a, const V& b) noexcept {
    if constexpr (is_scalar<V>)
        return c ? a : b;
    else
        return simd::select(c, a, b);
}

#define CTNN_OPS_UNARY_FN(f)                               \
    template <class V>                                     \
    CTNN_INLINE constexpr V f(const V& x) noexcept {       \
        if constexpr (is_scalar<V>)                        \
            return cmath::f(x);                            \
        else                                               \
            return simd::f(x);                             \
    }
CTNN_OPS_UNARY_FN(exp)
CTNN_OPS_UNARY_FN(log)
CTNN_OPS_UNARY_FN(log1p)
CTNN_OPS_UNARY_FN(sqrt)
CTNN_OPS_UNARY_FN(tanh)
CTNN_OPS_UNARY_FN(abs)
#undef CTNN_OPS_UNARY_FN

template <class V>
CTNN_INLINE constexpr V pow(const V& x, const V& y) noexcept {
    if constexpr (is_scalar<V>)
        return cmath::pow(x, y);
    else
        return simd::pow(x, y);
}
template <class V>
CTNN_INLINE constexpr V powi(const V& x, int n) noexcept {
    if constexpr (is_scalar<V>)
        return cmath::pow(x, n);
    else
        return simd::powi(x, n);
}
template <class V>
CTNN_INLINE constexpr V sigmoid(const V& x) noexcept {
    if constexpr (is_scalar<V>)
        return cmath::sigmoid(x);
    else  // e^-x overflows to inf for x < -88 (float): 1 / inf = 0, as it should
        return splat<V>(1) / (splat<V>(1) + simd::exp(-x));
}

}  // namespace fn

/// a + b
struct add_op {
    static constexpr const char* name = "+";
    static constexpr std::size_t arity = 2;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, V b) noexcept { return a + b; }
    template <std::size_t I, class V>
    static CTNN_INLINE constexpr V d(V, V, V) noexcept { return fn::splat<V>(1); }
};
/// a - b
struct sub_op {
    static constexpr const char* name = "-";
    static constexpr std::size_t arity = 2;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, V b) noexcept { return a - b; }
    template <std::size_t I, class V>
    static CTNN_INLINE constexpr V d(V, V, V) noexcept { return fn::splat<V>(I == 0 ? 1 : -1); }
};
/// a * b
struct mul_op {
    static constexpr const char* name = "*";
    static constexpr std::size_t arity = 2;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, V b) noexcept { return a * b; }
    template <std::size_t I, class V>
    static CTNN_INLINE constexpr V d(V, V a, V b) noexcept {
        if constexpr (I == 0)
            return b;
        else
            return a;
    }
};
/// a / b; ∂/∂b = -a/b² = -y/b.
struct div_op {
    static constexpr const char* name = "/";
    static constexpr std::size_t arity = 2;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, V b) noexcept { return a / b; }
    template <std::size_t I, class V>
    static CTNN_INLINE constexpr V d(V y, V, V b) noexcept {
        if constexpr (I == 0)
            return fn::splat<V>(1) / b;
        else
            return -y / b;
    }
};
/// -a
struct neg_op {
    static constexpr const char* name = "neg";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return -a; }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V) noexcept { return fn::splat<V>(-1); }
};
/// e^a
struct exp_op {
    static constexpr const char* name = "exp";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return fn::exp(a); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V y, V) noexcept { return y; }
};
/// log a
struct log_op {
    static constexpr const char* name = "log";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return fn::log(a); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V a) noexcept { return fn::splat<V>(1) / a; }
};
/// log(1 + a)
struct log1p_op {
    static constexpr const char* name = "log1p";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return fn::log1p(a); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V a) noexcept { return fn::splat<V>(1) / (fn::splat<V>(1) + a); }
};
/// √a; ∂ = 1 / (2y).
struct sqrt_op {
    static constexpr const char* name = "sqrt";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return fn::sqrt(a); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V y, V) noexcept { return fn::splat<V>(0.5) / y; }
};
/// a^b, real exponent. ∂/∂a = b a^(b-1) (right at a = 0 for b >= 1);
/// ∂/∂b = y log a, taken as 0 where y = 0.
struct pow_op {
    static constexpr const char* name = "pow";
    static constexpr std::size_t arity = 2;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, V b) noexcept { return fn::pow(a, b); }
    template <std::size_t I, class V>
    static CTNN_INLINE constexpr V d(V y, V a, V b) noexcept {
        if constexpr (I == 0) {
            return b * fn::pow(a, b - fn::splat<V>(1));
        } else {
            if constexpr (fn::is_scalar<V>)
                return y == 0 ? V(0) : y * fn::log(a);
            else
                return fn::select(y == fn::splat<V>(0), fn::splat<V>(0), y * fn::log(a));
        }
    }
};
/// a^n for an integer n (a parameter: only ∂/∂a = n a^(n-1) exists).
struct powi_op {
    static constexpr const char* name = "pow";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, int n) noexcept { return fn::powi(a, n); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V a, int n) noexcept {
        return n == 0 ? fn::splat<V>(0) : fn::splat<V>(n) * fn::powi(a, n - 1);
    }
};
/// tanh a; ∂ = 1 - y².
struct tanh_op {
    static constexpr const char* name = "tanh";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return fn::tanh(a); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V y, V) noexcept { return fn::splat<V>(1) - y * y; }
};
/// 1 / (1 + e^-a); ∂ = y (1 - y).
struct sigmoid_op {
    static constexpr const char* name = "sigmoid";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return fn::sigmoid(a); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V y, V) noexcept { return y * (fn::splat<V>(1) - y); }
};
/// max(a, 0) (NaN stays NaN); relu'(0) = 0.
struct relu_op {
    static constexpr const char* name = "relu";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept {
        if constexpr (fn::is_scalar<V>)
            return a < V(0) ? V(0) : a;
        else  // one max instruction; x86's returns its second operand where either is NaN (tested)
            return simd::max(fn::splat<V>(0), a);
    }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V a) noexcept {
        return fn::select(a > fn::splat<V>(0), fn::splat<V>(1), fn::splat<V>(0));
    }
};
/// |a|; abs'(0) = 0.
struct abs_op {
    static constexpr const char* name = "abs";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return fn::abs(a); }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V a) noexcept {
        const V zero = fn::splat<V>(0);
        return fn::select(a > zero, fn::splat<V>(1), fn::select(a < zero, fn::splat<V>(-1), zero));
    }
};
/// The smaller of a and b; a on a tie (and where b is NaN), and so is the gradient.
struct min_op {
    static constexpr const char* name = "min";
    static constexpr std::size_t arity = 2;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, V b) noexcept { return fn::select(b < a, b, a); }
    template <std::size_t I, class V>
    static CTNN_INLINE constexpr V d(V, V a, V b) noexcept {
        return fn::select(b < a, fn::splat<V>(I == 0 ? 0 : 1), fn::splat<V>(I == 0 ? 1 : 0));
    }
};
/// The larger of a and b; a on a tie (and where b is NaN), and so is the gradient.
struct max_op {
    static constexpr const char* name = "max";
    static constexpr std::size_t arity = 2;
    template <class V>
    static CTNN_INLINE constexpr V value(V a, V b) noexcept { return fn::select(a < b, b, a); }
    template <std::size_t I, class V>
    static CTNN_INLINE constexpr V d(V, V a, V b) noexcept {
        return fn::select(a < b, fn::splat<V>(I == 0 ? 0 : 1), fn::splat<V>(I == 0 ? 1 : 0));
    }
};
/// a²; ∂ = 2a.
struct square_op {
    static constexpr const char* name = "square";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return a * a; }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V a) noexcept { return a + a; }
};
/// The value of an expression that has failed a `ctnn:` check (its operand,
/// the constant 0; see `expr::Failed`): not a function users call, the mark
/// by which a layer tells a failed expression from one that uses a constant.
struct failed_op {
    static constexpr const char* name = "failed";
    static constexpr std::size_t arity = 1;
    template <class V>
    static CTNN_INLINE constexpr V value(V a) noexcept { return a; }
    template <std::size_t, class V>
    static CTNN_INLINE constexpr V d(V, V) noexcept { return fn::splat<V>(0); }
};

}  // namespace ctnn::ops

/// The element-wise ops' public names, listed once. Each surface that names
/// them (tensor expressions, scalar expressions, dual numbers, the functions
/// on numbers and packs, the `using` declarations of namespace ctnn) expands
/// a list with its own `X(name, op_type)`; unary minus (`neg_op`) is the one
/// op every surface spells by hand.
#define CTNN_OPS_BINARY_OPERATORS(X) \
    X(operator+, add_op)             \
    X(operator-, sub_op)             \
    X(operator*, mul_op)             \
    X(operator/, div_op)
#define CTNN_OPS_BINARY_FUNCTIONS(X) \
    X(min, min_op)                   \
    X(max, max_op)                   \
    X(pow, pow_op)
#define CTNN_OPS_UNARY_FUNCTIONS(X) \
    X(exp, exp_op)                  \
    X(log, log_op)                  \
    X(log1p, log1p_op)              \
    X(sqrt, sqrt_op)                \
    X(square, square_op)            \
    X(tanh, tanh_op)                \
    X(sigmoid, sigmoid_op)          \
    X(relu, relu_op)                \
    X(abs, abs_op)
