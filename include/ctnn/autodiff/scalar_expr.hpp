#pragma once
/// \file scalar_expr.hpp
/// Scalar expressions whose computation graph is their type. `Var<I>` is the
/// I-th input; numbers mixed into an expression become `Constant`s; the
/// operators `+ - * /`, unary `-` and the functions `exp`, `log`, `log1p`,
/// `sqrt`, `pow`, `tanh`, `sigmoid`, `relu`, `abs`, `min`, `max`, `square`
/// build nodes whose type records the whole graph:
///
///     auto x = var<0>{}, y = var<1>{}, z = var<2>{};
///     auto f = (x + y) * z;   // Binary<mul_op, Binary<add_op, Var<0>, Var<1>>, Var<2>>
///
/// Nodes hold their operands by value. A sub-expression that holds no data
/// (only variables and ops, no constants) is *stateless*: it is stored as
/// nothing and rebuilt as `E{}` where needed, and because equal types are
/// then equal values, the graph treats every occurrence of it as one node
/// (evaluated once, adjoints summed). `e * e` of a stateless `e` is a
/// `SelfBinary` that names `e` once, so repeated squaring grows the type and
/// the work linearly. Building an expression costs nothing at run time
/// beyond copying its constants.
///
/// The functions are found by argument-dependent lookup and constrained to
/// expressions, so `exp(2.0)` still means `std::exp`. Evaluation and
/// gradients are in scalar.hpp.

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "../core/type_list.hpp"
#include "../expr/ops.hpp"

namespace ctnn::ad {

namespace detail {
using meta::type_list;
template <class E>
struct is_node : std::false_type {};
}  // namespace detail

/// A scalar expression node (cv-ref qualifiers ignored).
template <class E>
concept ScalarExpr = detail::is_node<std::remove_cvref_t<E>>::value;

/// What can stand in a scalar expression: a node or a plain number.
template <class X>
concept ScalarOperand = ScalarExpr<X> || std::is_arithmetic_v<std::remove_cvref_t<X>>;

/// Holds an operand: by value, or as nothing when it is stateless.
template <class E, bool = E::stateless>
struct Slot {
    E e;
    constexpr const E& get() const noexcept { return e; }
};
template <class E>
struct Slot<E, true> {
    static constexpr E get() noexcept { return E{}; }
};

/// The I-th input of an expression. An empty type: the point is given to
/// `grad`/`eval`/`trace`, never stored.
template <std::size_t I>
struct Var {
    static constexpr std::size_t index = I;
    static constexpr bool stateless = true;
    static constexpr const char* name = "x";
    using children = detail::type_list<>;
};
/// `var<I>{}` is the I-th input.
template <std::size_t I>
using var = Var<I>;

/// A number in an expression, stored by value (its own type: `x * 2` keeps
/// the int 2, converted to the evaluation type when evaluated).
template <class T>
struct Constant {
    static constexpr bool stateless = false;
    static constexpr const char* name = "const";
    using children = detail::type_list<>;
    T value;
    template <class V>
    CTNN_INLINE constexpr V eval() const noexcept {
        return ops::fn::splat<V>(value);
    }
};

/// `Op(a)`.
template <class Op, class A>
struct Unary {
    static constexpr bool stateless = A::stateless;
    static constexpr const char* name = Op::name;
    using children = detail::type_list<A>;
    [[no_unique_address]] Slot<A> a;
    template <std::size_t>
    constexpr decltype(auto) child() const noexcept { return a.get(); }
    template <class V>
    CTNN_INLINE constexpr V eval(V x) const noexcept { return Op::value(x); }
    template <std::size_t, class V>
    CTNN_INLINE constexpr V partial(V y, V x) const noexcept { return Op::template d<0>(y, x); }
};

/// `Op(a, b)`.
template <class Op, class A, class B>
struct Binary {
    static constexpr bool stateless = A::stateless && B::stateless;
    static constexpr const char* name = Op::name;
    using children = detail::type_list<A, B>;
    [[no_unique_address]] Slot<A> a;
    [[no_unique_address]] Slot<B> b;
    template <std::size_t K>
    constexpr decltype(auto) child() const noexcept {
        if constexpr (K == 0)
            return a.get();
        else
            return b.get();
    }
    template <class V>
    CTNN_INLINE constexpr V eval(V x, V y) const noexcept { return Op::value(x, y); }
    template <std::size_t K, class V>
    CTNN_INLINE constexpr V partial(V out, V x, V y) const noexcept { return Op::template d<K>(out, x, y); }
};

/// `Op(a, a)` for a stateless `a`: one operand node, used twice (its
/// adjoint gets both partials). What `a * a`, `a + a`, `min(a, a)`, ...
/// build, so that the type names `a` once and `a` is evaluated once.
template <class Op, class A>
struct SelfBinary {
    static_assert(A::stateless, "ctnn: SelfBinary is for an operand that holds no data");
    static constexpr bool stateless = true;
    static constexpr const char* name = Op::name;
    using children = detail::type_list<A>;
    template <std::size_t>
    static constexpr A child() noexcept { return A{}; }
    template <class V>
    CTNN_INLINE constexpr V eval(V x) const noexcept { return Op::value(x, x); }
    template <std::size_t, class V>
    CTNN_INLINE constexpr V partial(V y, V x) const noexcept {
        return Op::template d<0>(y, x, x) + Op::template d<1>(y, x, x);
    }
};

/// `a^n` for an integer n held in the node.
template <class A>
struct PowInt {
    static constexpr bool stateless = false;
    static constexpr const char* name = ops::powi_op::name;
    using children = detail::type_list<A>;
    [[no_unique_address]] Slot<A> a;
    int n;
    template <std::size_t>
    constexpr decltype(auto) child() const noexcept { return a.get(); }
    template <class V>
    CTNN_INLINE constexpr V eval(V x) const noexcept { return ops::powi_op::value(x, n); }
    template <std::size_t, class V>
    CTNN_INLINE constexpr V partial(V y, V x) const noexcept { return ops::powi_op::template d<0>(y, x, n); }
};

namespace detail {
template <std::size_t I>
struct is_node<Var<I>> : std::true_type {};
template <class T>
struct is_node<Constant<T>> : std::true_type {};
template <class Op, class A>
struct is_node<Unary<Op, A>> : std::true_type {};
template <class Op, class A, class B>
struct is_node<Binary<Op, A, B>> : std::true_type {};
template <class Op, class A>
struct is_node<SelfBinary<Op, A>> : std::true_type {};
template <class A>
struct is_node<PowInt<A>> : std::true_type {};

template <class E>
constexpr Slot<E> slot(const E& e) noexcept {
    if constexpr (E::stateless)
        return {};
    else
        return {e};
}
/// The node for an operand: nodes as they are, numbers as constants.
template <class X>
constexpr auto as_node(const X& x) noexcept {
    if constexpr (ScalarExpr<X>)
        return x;
    else
        return Constant<X>{x};
}
template <class Op, class A>
constexpr auto make_unary(const A& a) noexcept {
    return Unary<Op, A>{slot(a)};
}
template <class Op, class A, class B>
constexpr auto make_binary_nodes(const A& a, const B& b) noexcept {
    using NA = decltype(as_node(a));
    using NB = decltype(as_node(b));
    if constexpr (std::is_same_v<NA, NB> && NA::stateless)
        return SelfBinary<Op, NA>{};
    else
        return Binary<Op, NA, NB>{slot(as_node(a)), slot(as_node(b))};
}
/// The node of `Op(a, b)`. a^b with an integer exponent is a `PowInt`
/// (negative bases allowed, no gradient to the exponent); otherwise the real
/// power, differentiable in both.
template <class Op, class A, class B>
constexpr auto make_binary(const A& a, const B& b) noexcept {
    if constexpr (std::is_same_v<Op, ops::pow_op> && ScalarExpr<A> && std::is_integral_v<B>)
        return PowInt<A>{slot(a), static_cast<int>(b)};
    else
        return make_binary_nodes<Op>(a, b);
}
}  // namespace detail

/// Two operands of which at least one is an expression.
template <class A, class B>
concept ScalarOperands = (ScalarExpr<A> || ScalarExpr<B>) && ScalarOperand<A> && ScalarOperand<B>;

#define CTNN_AD_BINARY(fn, op_type)                          \
    template <class A, class B>                              \
        requires ScalarOperands<A, B>                        \
    constexpr auto fn(const A& a, const B& b) noexcept {     \
        return detail::make_binary<ops::op_type>(a, b);      \
    }
#define CTNN_AD_UNARY(fn, op_type)                  \
    template <ScalarExpr A>                         \
    constexpr auto fn(const A& a) noexcept {        \
        return detail::make_unary<ops::op_type>(a); \
    }
// min and max take the first operand on a tie (the gradient follows the
// choice); pow with an integer exponent makes a `PowInt` (make_binary).
CTNN_OPS_BINARY_OPERATORS(CTNN_AD_BINARY)
CTNN_OPS_BINARY_FUNCTIONS(CTNN_AD_BINARY)
CTNN_OPS_UNARY_FUNCTIONS(CTNN_AD_UNARY)
CTNN_AD_UNARY(operator-, neg_op)
#undef CTNN_AD_BINARY
#undef CTNN_AD_UNARY

}  // namespace ctnn::ad
