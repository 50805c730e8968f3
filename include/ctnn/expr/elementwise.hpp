#pragma once
/// \file elementwise.hpp
/// Element-wise nodes: `Map<Op, Args...>` applies an op of ops.hpp to its
/// arguments, broadcast to a common shape (NumPy rules, checked at compile
/// time), and the operators and functions that build it: `+ - * /`, unary
/// `-`, `exp`, `log`, `log1p`, `sqrt`, `square`, `tanh`, `sigmoid`, `relu`,
/// `abs`, `min`, `max`, `pow`. Nothing is computed until the expression is
/// assigned (assign.hpp), which makes one pass over memory for the whole chain.

#include <tuple>
#include <type_traits>

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
struct Map : expression_tag {
    using value_type = typename std::tuple_element_t<0, std::tuple<Es...>>::value_type;
    static_assert((std::is_same_v<typename Es::value_type, value_type> && ...),
                  "ctnn: element-wise operands must have the same element type");
    using shape_type = typename detail::broadcast_all<typename Es::shape_type...>::type;
    using op = Op;
    std::tuple<Es...> args;

    CTNN_INLINE void prepare(bool fusing) const noexcept {
        std::apply([&](const auto&... e) CTNN_INLINE_LAMBDA { (detail::prepare(e, fusing), ...); }, args);
    }

    template <class A, class Out, class H>
    CTNN_INLINE auto load(std::size_t row, std::size_t col, const H& hole) const noexcept {
        return std::apply(
            [&](const auto&... e) CTNN_INLINE_LAMBDA { return Op::value(e.template load<A, Out>(row, col, hole)...); },
            args);
    }
};

/// An operand that makes an expression a tensor expression: a node or a tensor.
template <class X>
concept TensorOperand = Expression<X> || ctnn::TensorLike<X>;

/// The `Map` node for `Op` over operands (tensors by reference, numbers as
/// constants of the tensors' element type).
template <class Op, class... X>
constexpr auto make_map(const X&... x) noexcept {
    using T = typename common_value<X...>::type;
    return Map<Op, expr_t<T, X>...>{{}, {as_expr<T>(x)...}};
}

#define CTNN_EXPR_BINARY(fn, op_type)                                                   \
    template <Operand L, Operand R>                                                     \
        requires(TensorOperand<L> || TensorOperand<R>)                                 \
    constexpr auto fn(const L& l, const R& r) noexcept {                               \
        return make_map<op_type>(l, r);                                                 \
    }
#define CTNN_EXPR_UNARY(fn, op_type)                                                    \
    template <TensorOperand X>                                                          \
    constexpr auto fn(const X& x) noexcept {                                            \
        return make_map<op_type>(x);                                                    \
    }

CTNN_EXPR_BINARY(operator+, ops::add_op)
CTNN_EXPR_BINARY(operator-, ops::sub_op)
CTNN_EXPR_BINARY(operator*, ops::mul_op)
CTNN_EXPR_BINARY(operator/, ops::div_op)
CTNN_EXPR_BINARY(min, ops::min_op)
CTNN_EXPR_BINARY(max, ops::max_op)
CTNN_EXPR_BINARY(pow, ops::pow_op)
CTNN_EXPR_UNARY(operator-, ops::neg_op)
CTNN_EXPR_UNARY(exp, ops::exp_op)
CTNN_EXPR_UNARY(log, ops::log_op)
CTNN_EXPR_UNARY(log1p, ops::log1p_op)
CTNN_EXPR_UNARY(sqrt, ops::sqrt_op)
CTNN_EXPR_UNARY(square, ops::square_op)
CTNN_EXPR_UNARY(tanh, ops::tanh_op)
CTNN_EXPR_UNARY(sigmoid, ops::sigmoid_op)
CTNN_EXPR_UNARY(relu, ops::relu_op)
CTNN_EXPR_UNARY(abs, ops::abs_op)

#undef CTNN_EXPR_BINARY
#undef CTNN_EXPR_UNARY

}  // namespace ctnn::expr

namespace ctnn {

/// A value the element-wise functions take directly: a float or double, or
/// an xsimd pack of them. With these overloads an activation written once,
/// `[](auto x) { return x * sigmoid(x); }`, runs on tensors (building an
/// expression), on packs (inside a kernel's epilogue) and on numbers.
template <class V>
concept Numeric = std::is_floating_point_v<V> || xsimd::is_batch<V>::value;

template <Numeric V>
CTNN_INLINE V sigmoid(V x) noexcept { return ops::sigmoid_op::value(x); }
template <Numeric V>
CTNN_INLINE V relu(V x) noexcept { return ops::relu_op::value(x); }
template <Numeric V>
CTNN_INLINE V square(V x) noexcept { return ops::square_op::value(x); }
template <Numeric V>
CTNN_INLINE V exp(V x) noexcept { return ops::exp_op::value(x); }
template <Numeric V>
CTNN_INLINE V log(V x) noexcept { return ops::log_op::value(x); }
template <Numeric V>
CTNN_INLINE V log1p(V x) noexcept { return ops::log1p_op::value(x); }
template <Numeric V>
CTNN_INLINE V sqrt(V x) noexcept { return ops::sqrt_op::value(x); }
template <Numeric V>
CTNN_INLINE V tanh(V x) noexcept { return ops::tanh_op::value(x); }
template <Numeric V>
CTNN_INLINE V abs(V x) noexcept { return ops::abs_op::value(x); }

}  // namespace ctnn

namespace ctnn {
// Found by argument-dependent lookup for ctnn::Tensor operands too.
using expr::operator+;
using expr::operator-;
using expr::operator*;
using expr::operator/;
using expr::min;
using expr::max;
using expr::pow;
using expr::exp;
using expr::log;
using expr::log1p;
using expr::sqrt;
using expr::square;
using expr::tanh;
using expr::sigmoid;
using expr::relu;
using expr::abs;
}  // namespace ctnn
