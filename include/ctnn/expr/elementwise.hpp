#pragma once
/// \file elementwise.hpp
/// Element-wise nodes: `Map<Op, Args...>` applies an op of ops.hpp to its
/// arguments, broadcast to a common shape (NumPy rules, checked at compile
/// time), and the operators and functions that build it: `+ - * /`, unary
/// `-`, `exp`, `log`, `log1p`, `sqrt`, `square`, `tanh`, `sigmoid`, `relu`,
/// `abs`, `min`, `max`, `pow`. Nothing is computed until the expression is
/// assigned (assign.hpp), which makes one pass over memory for the whole chain.

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/type_list.hpp"
#include "evaluate.hpp"
#include "expression.hpp"
#include "ops.hpp"

namespace ctnn::expr {

namespace detail {
template <class... S>
struct broadcast_all;
template <class S>
struct broadcast_all<S> {
    using type = S;
};
template <class S, class... Rest>
struct broadcast_all<S, Rest...> {
    using type = broadcast_shape_t<S, typename broadcast_all<Rest...>::type>;
};
}  // namespace detail

/// `Op(args...)` element-wise, broadcast to the common shape of the args.
template <class Op, class... Es>
struct Map {
    using expression_kind = expression_tag;
    using operands = meta::type_list<Es...>;
    using value_type = typename meta::front_t<operands>::value_type;
    using shape_type = typename detail::broadcast_all<typename Es::shape_type...>::type;
    using op = Op;
    operand_list<std::index_sequence_for<Es...>, Es...> args;

    /// Prepares the region's inputs (matmuls, reductions: flat.hpp), in one
    /// fold: no function per Map below.
    CTNN_INLINE void prepare(bool fusing) const noexcept {
        detail::for_each_input(*this, [fusing](const auto& in) CTNN_INLINE_LAMBDA { detail::prepare(in, fusing); });
    }

    // Pack expansions over index sequences, not std::apply: a chain of
    // nested Maps then costs two template levels a node (std::apply's
    // noexcept machinery costs about eight), so 100-node expressions
    // compile at the default template depth.
    template <class A, class Out, class H>
    CTNN_INLINE auto load(std::size_t row, std::size_t col, const H& hole) const noexcept {
        return load_args<A, Out>(row, col, hole, std::index_sequence_for<Es...>{});
    }

private:
    template <class A, class Out, class H, std::size_t... I>
    CTNN_INLINE auto load_args(std::size_t row, std::size_t col, const H& hole,
                               std::index_sequence<I...>) const noexcept {
        return Op::value(operand<I>(args).template load<A, Out>(row, col, hole)...);
    }
};

/// What an expression function that has failed a `ctnn:` check returns: the
/// constant 0, of shape `[1]`, which broadcasts to every shape, so the
/// user's next line (another operator, `sum`, `assign`, `grad`) adds no
/// second error; marked by `ops::failed_op` (an identity), so that a layer
/// built from the expression (ExprLayer) can tell it from a user's constant
/// and report nothing more.
template <class T>
using Failed = Map<ops::failed_op, Constant<T>>;

namespace detail {
template <class E>
inline constexpr bool is_failed = false;
template <class T>
inline constexpr bool is_failed<Failed<T>> = true;

template <class T>
constexpr Failed<T> after_error() noexcept {
    return Failed<T>{{{Constant<T>{T(0)}}}};
}
}  // namespace detail

/// An operand that makes an expression a tensor expression: a node or a tensor.
template <class X>
concept TensorOperand = Expression<X> || ctnn::TensorLike<X>;

/// The `Map` node for `Op` over operands (tensors by reference, numbers as
/// constants of the tensors' element type); `Failed` again when an operand
/// is a failed expression (so what is built on it is failed too).
template <class Op, class... X>
constexpr auto make_map(const X&... x) noexcept {
    using T = typename common_value<X...>::type;
    if constexpr ((detail::is_failed<expr_t<T, X>> || ...))
        return detail::after_error<T>();
    else
        return Map<Op, expr_t<T, X>...>{{{detail::operand_for<T>(x)}...}};
}

namespace detail {
/// The operands' nodes `LE`, `RE` have the same element type.
template <class LE, class RE>
inline constexpr bool same_element = std::is_same_v<typename RE::value_type, typename LE::value_type>;
/// The shape of `RE` to check against `LE`'s: `LE`'s own when the element
/// types differ (that error is the one reported: one mistake, one error).
template <class LE, class RE>
using checked_shape = std::conditional_t<same_element<LE, RE>, typename RE::shape_type, typename LE::shape_type>;

/// The body of every binary operator and function: checks the operands
/// (here, not in the macro that writes the operators, so that the note with
/// the types or shapes follows the `ctnn:` error directly), then builds the
/// `Map` node, or returns `after_error` (nothing is built from bad shapes).
template <class Op, class L, class R>
constexpr auto binary_map(const L& l, const R& r) noexcept {
    using T = typename common_value<L, R>::type;
    using LE = expr_t<T, L>;
    using RE = expr_t<T, R>;
    static_assert(std::is_same_v<typename RE::value_type, typename LE::value_type>,
                  "ctnn: element-wise operands must have the same element type");
    static_assert(ctnn::detail::broadcastable<typename LE::shape_type, checked_shape<LE, RE>>,
                  "ctnn: element-wise operands must have broadcastable shapes (trailing extents equal, or 1)");
    if constexpr (same_element<LE, RE> &&
                  ctnn::detail::broadcastable<typename LE::shape_type, typename RE::shape_type>)
        return make_map<Op>(l, r);
    else
        return after_error<T>();
}
}  // namespace detail

#define CTNN_EXPR_BINARY(fn, op_type)                   \
    template <Operand L, Operand R>                     \
        requires(TensorOperand<L> || TensorOperand<R>)  \
    constexpr auto fn(const L& l, const R& r) noexcept { \
        return detail::binary_map<ops::op_type>(l, r);  \
    }
#define CTNN_EXPR_UNARY(fn, op_type)             \
    template <TensorOperand X>                   \
    constexpr auto fn(const X& x) noexcept {     \
        return make_map<ops::op_type>(x);        \
    }

CTNN_OPS_BINARY_OPERATORS(CTNN_EXPR_BINARY)
CTNN_OPS_BINARY_FUNCTIONS(CTNN_EXPR_BINARY)
CTNN_OPS_UNARY_FUNCTIONS(CTNN_EXPR_UNARY)
CTNN_EXPR_UNARY(operator-, neg_op)

#undef CTNN_EXPR_BINARY
#undef CTNN_EXPR_UNARY

}  // namespace ctnn::expr

namespace ctnn {

/// A value the element-wise functions take directly: a float or double, or
/// a SIMD pack of them. With these overloads an activation written once,
/// `[](auto x) { return x * sigmoid(x); }`, runs on tensors (building an
/// expression), on packs (inside a kernel's epilogue) and on numbers.
using simd::Numeric;

#define CTNN_NUMERIC_UNARY(fn, op_type) \
    template <Numeric V>                \
    CTNN_INLINE V fn(V x) noexcept {    \
        return ops::op_type::value(x);  \
    }
CTNN_OPS_UNARY_FUNCTIONS(CTNN_NUMERIC_UNARY)
#undef CTNN_NUMERIC_UNARY

}  // namespace ctnn

namespace ctnn {
// Found by argument-dependent lookup for ctnn::Tensor operands too.
#define CTNN_EXPR_USING(fn, op_type) using expr::fn;
CTNN_OPS_BINARY_OPERATORS(CTNN_EXPR_USING)
CTNN_OPS_BINARY_FUNCTIONS(CTNN_EXPR_USING)
CTNN_OPS_UNARY_FUNCTIONS(CTNN_EXPR_USING)
#undef CTNN_EXPR_USING
}  // namespace ctnn
