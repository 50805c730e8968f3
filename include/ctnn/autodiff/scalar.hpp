#pragma once
/// \file scalar.hpp
/// Reverse-mode differentiation of scalar expressions, generated at compile
/// time from the expression's type and usable in constant expressions:
///
///     using namespace ctnn;
///     constexpr auto x = var<0>{}, y = var<1>{}, z = var<2>{};
///     constexpr auto r = grad((x + y) * z, -2.0, 5.0, -4.0);
///     static_assert(r.value == -12 && r.gradient[0] == -4 && r.gradient[2] == 3);
///
/// - `grad(f, x0, x1, ...)` (or `grad(f, std::array)`) evaluates f at the
///   point and returns `{value, gradient}`, one partial per point value: one
///   forward sweep that stores each node's value, one backward sweep that
///   propagates adjoints from the root (scalar_graph.hpp).
/// - `eval(f, x0, ...)` is the forward sweep alone.
/// - `trace(f, x0, ...)` returns every node in forward order with its name,
///   value, operands and the adjoint flowing back into it: the computation
///   graph as the lecture draws it.
///
/// Point values are numbers (integers are taken as double) or xsimd packs,
/// which evaluate one point per lane. Costs: N values of stack per sweep for
/// an expression of N distinct nodes, no allocation, time linear in N.

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "scalar_expr.hpp"
#include "scalar_graph.hpp"

namespace ctnn::ad {

/// The value of f and its gradient, one partial per point value.
template <class V, std::size_t M>
struct GradResult {
    V value;
    std::array<V, M> gradient;
};

/// "no such index" in a `TraceStep`.
inline constexpr std::size_t no_index = detail::npos;

/// One node of a traced computation graph.
template <class V>
struct TraceStep {
    const char* name;         ///< "x" for an input, "const", or the op's name ("+", "exp", ...)
    V value;                  ///< its value in the forward sweep
    V adjoint;                ///< ∂f/∂(this node), flowing back into it (0 for constants: not differentiated)
    std::size_t input;        ///< for an input: its index in the point; else no_index
    std::size_t lhs, rhs;     ///< positions of its operands in the trace; no_index where absent
    bool differentiated;      ///< false for constants (and nodes made of constants only)
};

namespace detail {

template <class X>
concept Pack = simd::is_pack_v<X>;
/// What a point coordinate can be: a number or a SIMD pack.
template <class X>
concept PointValue = std::is_arithmetic_v<X> || Pack<X>;

/// The evaluation type of a point: the common type, with integers as double.
template <class... Xs>
struct point_value {
    using type = double;
};
template <class X, class... Xs>
    requires(std::is_arithmetic_v<X> && (std::is_arithmetic_v<Xs> && ...))
struct point_value<X, Xs...> {
    using common = std::common_type_t<X, Xs...>;
    using type = std::conditional_t<std::is_integral_v<common>, double, common>;
};
template <class X, class... Xs>
    requires(Pack<X>)
struct point_value<X, Xs...> {
    static_assert((std::is_same_v<X, Xs> && ...), "ctnn: a point given as packs needs packs of one type");
    using type = X;
};

/// The point has a value for every input (both numbers show in the compiler's note).
template <std::size_t Given, std::size_t Needed>
inline constexpr bool values_for_inputs = Given >= Needed;

template <class V, std::size_t M, class F>
constexpr GradResult<V, M> grad_at(const F& f, const std::array<V, M>& x) noexcept {
    using G = graph<F>;
    GradResult<V, M> r{};
    if constexpr (G::input_count <= M) {  // else the caller's static_assert has fired: no follow-on errors
        const auto v = forward(f, x);
        const auto adj = backward(f, v);
        r.value = v[G::size - 1];
        [&]<std::size_t... J>(std::index_sequence<J...>) {
            ((r.gradient[J] = G::template input_position<J> == npos ? V{} : adj[G::template input_position<J>]), ...);
        }(std::make_index_sequence<M>{});
    }
    return r;
}

template <class V, std::size_t M, class F>
constexpr V eval_at(const F& f, const std::array<V, M>& x) noexcept {
    using G = graph<F>;
    if constexpr (G::input_count <= M)
        return forward(f, x)[G::size - 1];
    else
        return V{};
}

template <class N>
struct is_self_binary : std::false_type {};
template <class Op, class A>
struct is_self_binary<SelfBinary<Op, A>> : std::true_type {};

template <class Node, std::size_t I, class V, std::size_t N>
constexpr void describe(const Node&, position<I, false>, std::array<TraceStep<V>, N>&) noexcept {}

/// Fills in each step's name, input and operands, in list order.
template <class Node, std::size_t I, class... Cs, class V, std::size_t N>
constexpr void describe(const Node& n, position<I, true, Cs...>, std::array<TraceStep<V>, N>& steps) noexcept {
    if constexpr (sizeof...(Cs) > 0) {
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            (describe(n.template child<K>(), Cs{}, steps), ...);
        }(std::index_sequence_for<Cs...>{});
    }
    constexpr std::size_t operand[] = {Cs::index..., no_index, no_index};
    TraceStep<V>& s = steps[I];
    s.name = Node::name;
    s.differentiated = has_input<Node>::value;
    if constexpr (is_var<Node>::value)
        s.input = Node::index;
    else
        s.input = no_index;
    s.lhs = operand[0];
    s.rhs = is_self_binary<Node>::value ? operand[0] : operand[1];  // a SelfBinary uses its operand twice
}

template <class V, std::size_t M, class F>
constexpr auto trace_at(const F& f, const std::array<V, M>& x) noexcept {
    using G = graph<F>;
    std::array<TraceStep<V>, G::size> steps{};
    if constexpr (G::input_count <= M) {
        const auto v = forward(f, x);
        const auto adj = backward(f, v);
        describe(f, typename G::root{}, steps);
        for (std::size_t i = 0; i < G::size; ++i) {
            steps[i].value = v[i];
            steps[i].adjoint = steps[i].differentiated ? adj[i] : V{};
        }
    }
    return steps;
}

}  // namespace detail

/// The value of f at the point (x0, x1, ...) and ∂f/∂x_i for every point
/// value (0 for an input f does not use), by reverse mode. Needs at least
/// one value per input of f; usable in constant expressions.
template <ScalarExpr F, class... Xs>
    requires(detail::PointValue<Xs> && ...)
constexpr auto grad(const F& f, const Xs&... xs) noexcept {
    static_assert(detail::values_for_inputs<sizeof...(Xs), detail::graph<F>::input_count>,
                  "ctnn: grad needs a value for every variable of the expression");
    using V = typename detail::point_value<Xs...>::type;
    return detail::grad_at(f, std::array<V, sizeof...(Xs)>{static_cast<V>(xs)...});
}
/// grad(f, x[0], x[1], ...).
template <ScalarExpr F, class T, std::size_t M>
    requires detail::PointValue<T>
constexpr auto grad(const F& f, const std::array<T, M>& x) noexcept {
    static_assert(detail::values_for_inputs<M, detail::graph<F>::input_count>,
                  "ctnn: grad needs a value for every variable of the expression");
    using V = typename detail::point_value<T>::type;
    std::array<V, M> p{};
    for (std::size_t i = 0; i < M; ++i) p[i] = static_cast<V>(x[i]);
    return detail::grad_at(f, p);
}

/// The value of f at the point (x0, x1, ...).
template <ScalarExpr F, class... Xs>
    requires(detail::PointValue<Xs> && ...)
constexpr auto eval(const F& f, const Xs&... xs) noexcept {
    static_assert(detail::values_for_inputs<sizeof...(Xs), detail::graph<F>::input_count>,
                  "ctnn: eval needs a value for every variable of the expression");
    using V = typename detail::point_value<Xs...>::type;
    return detail::eval_at(f, std::array<V, sizeof...(Xs)>{static_cast<V>(xs)...});
}
/// eval(f, x[0], x[1], ...).
template <ScalarExpr F, class T, std::size_t M>
    requires detail::PointValue<T>
constexpr auto eval(const F& f, const std::array<T, M>& x) noexcept {
    static_assert(detail::values_for_inputs<M, detail::graph<F>::input_count>,
                  "ctnn: eval needs a value for every variable of the expression");
    using V = typename detail::point_value<T>::type;
    std::array<V, M> p{};
    for (std::size_t i = 0; i < M; ++i) p[i] = static_cast<V>(x[i]);
    return detail::eval_at(f, p);
}

/// The computation graph of f at the point, one `TraceStep` per distinct
/// node in forward (topological) order; the last step is f itself, with
/// adjoint 1. Read it backwards for the backward pass.
template <ScalarExpr F, class... Xs>
    requires(detail::PointValue<Xs> && ...)
constexpr auto trace(const F& f, const Xs&... xs) noexcept {
    static_assert(detail::values_for_inputs<sizeof...(Xs), detail::graph<F>::input_count>,
                  "ctnn: trace needs a value for every variable of the expression");
    using V = typename detail::point_value<Xs...>::type;
    return detail::trace_at(f, std::array<V, sizeof...(Xs)>{static_cast<V>(xs)...});
}

/// Number of distinct nodes in the graph of F (what `trace` returns).
template <ScalarExpr F>
inline constexpr std::size_t node_count = detail::graph<std::remove_cvref_t<F>>::size;

/// 1 + the highest input index in F: how many point values `grad` needs.
template <ScalarExpr F>
inline constexpr std::size_t input_count = detail::graph<std::remove_cvref_t<F>>::input_count;

}  // namespace ctnn::ad

namespace ctnn {
using ad::GradResult;
using ad::ScalarExpr;
using ad::TraceStep;
using ad::Var;
using ad::var;
using ad::grad;
using ad::eval;
using ad::trace;
#define CTNN_AD_USING(fn, op_type) using ad::fn;
CTNN_OPS_BINARY_FUNCTIONS(CTNN_AD_USING)
CTNN_OPS_UNARY_FUNCTIONS(CTNN_AD_USING)
#undef CTNN_AD_USING
}  // namespace ctnn
