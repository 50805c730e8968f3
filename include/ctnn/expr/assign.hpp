#pragma once
/// \file assign.hpp
/// `assign(out, e)` and `evaluate(e)`: run an expression. The element-wise
/// chain is one pass over the output; when it contains exactly one matmul of
/// the output's shape, the chain becomes that kernel's epilogue, so the
/// product never goes to memory before the chain has been applied to it
/// (other matmuls are computed into their nodes first). No allocation.

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/type_list.hpp"
#include "elementwise.hpp"
#include "matmul.hpp"
#include "reduce.hpp"

namespace ctnn::expr {

namespace detail {
/// The position of the operand holding the matmul (the last one that has one).
template <class... Es>
constexpr std::size_t matmul_index(meta::type_list<Es...>) noexcept {
    constexpr bool has[] = {(matmul_count<Es>::value != 0)..., false};
    std::size_t r = 0;
    for (std::size_t i = 0; i < sizeof...(Es); ++i)
        if (has[i]) r = i;
    return r;
}

/// The type of the one matmul of an element-wise chain.
template <class E>
struct matmul_in {
    using type = void;
};
template <class L, class R>
struct matmul_in<MatMul<L, R>> {
    using type = MatMul<L, R>;
};
template <class Op, class... Es>
struct matmul_in<Map<Op, Es...>> {
    using operands = meta::type_list<Es...>;
    using type = typename matmul_in<meta::at_t<matmul_index(operands{}), operands>>::type;
};

/// The one matmul of an element-wise chain.
template <class E>
CTNN_INLINE const auto& find_matmul(const E& e) noexcept {
    if constexpr (requires { e.lstore; })
        return e;
    else
        return find_matmul(operand<matmul_index(typename E::operands{})>(e.args));
}

// ---- the constant-evaluated path ------------------------------------------------

/// The offset in a node of shape `S` of the element that element `i` of
/// shape `Out` reads (`S` broadcast to `Out`).
template <class S, class Out>
constexpr std::size_t broadcast_offset(std::size_t i) noexcept {
    constexpr std::size_t cols = Out::dims[Out::rank - 1];
    return row_offset<S, Out>(i / cols) + (splats_last<S, Out> ? 0 : i % cols);
}

template <class E>
struct reduce_node : std::false_type {};
template <class E, std::size_t Axis, bool Mean>
struct reduce_node<Reduce<E, Axis, Mean>> : std::true_type {};

/// Element `i` (row-major, in the node's own shape) of node `n`, computed
/// from its operands' elements with scalar code: no pack, no scratch, no
/// `prepare` (what a constant expression can run; a matmul's or a
/// reduction's operand is evaluated again for each of its elements, which
/// is fine for the small networks evaluated at compile time). The op table
/// (ops.hpp) computes on numbers with `ctnn::cmath`, which is constexpr.
template <class Op, class E0>
constexpr typename E0::value_type value_at(const Map<Op, E0>& n, std::size_t i) noexcept;
template <class Op, class E0, class E1>
constexpr typename E0::value_type value_at(const Map<Op, E0, E1>& n, std::size_t i) noexcept;

template <class N>
constexpr typename N::value_type value_at(const N& n, std::size_t i) noexcept {
    using T = typename N::value_type;
    using S = typename N::shape_type;
    if constexpr (is_leaf<N>) {
        return n.x.data()[i];
    } else if constexpr (std::is_same_v<N, Constant<T>>) {
        return n.v;
    } else if constexpr (is_map<N>) {  // three operands or more (fewer: the overloads below)
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            using Args = typename N::operands;
            return N::op::value(
                value_at(operand<I>(n.args), broadcast_offset<typename meta::at_t<I, Args>::shape_type, S>(i))...);
        }(std::make_index_sequence<N::operands::size>{});
    } else if constexpr (is_transposed<N>) {  // [a, b] read as [b, a]
        constexpr std::size_t a = S::dims[1], b = S::dims[0];
        return value_at(n.e, (i % a) * b + i / a);
    } else if constexpr (reduce_node<N>::value) {
        using IS = typename N::input_shape;
        T s = 0;
        if constexpr (N::axis == all_axes) {
            for (std::size_t k = 0; k < IS::size; ++k) s += value_at(n.e, k);
        } else {
            // i = (outer, inner) around the removed axis; the input adds along it
            std::size_t inner = 1;
            for (std::size_t d = N::axis + 1; d < IS::rank; ++d) inner *= IS::dims[d];
            const std::size_t outer = i / inner, at = i % inner;
            for (std::size_t k = 0; k < IS::dims[N::axis]; ++k)
                s += value_at(n.e, (outer * IS::dims[N::axis] + k) * inner + at);
        }
        return s * N::scale;
    } else {  // a matmul: [..., M, K] · [K, N] or [M, K] · [K]
        using LS = typename decltype(n.l)::shape_type;
        using RS = typename decltype(n.r)::shape_type;
        constexpr std::size_t k_ = LS::dims[LS::rank - 1];
        constexpr std::size_t n_ = RS::rank == 1 ? 1 : RS::dims[1];
        const std::size_t row = i / n_, col = i % n_;
        T s = 0;
        for (std::size_t k = 0; k < k_; ++k) s += value_at(n.l, row * k_ + k) * value_at(n.r, k * n_ + col);
        return s;
    }
}

// Unary and binary Maps written out: one function a node, no lambda, no
// type-list lookup (the path is instantiated for every assigned expression).
template <class Op, class E0>
constexpr typename E0::value_type value_at(const Map<Op, E0>& n, std::size_t i) noexcept {
    using S = typename Map<Op, E0>::shape_type;
    return Op::value(value_at(operand<0>(n.args), broadcast_offset<typename E0::shape_type, S>(i)));
}
template <class Op, class E0, class E1>
constexpr typename E0::value_type value_at(const Map<Op, E0, E1>& n, std::size_t i) noexcept {
    using S = typename Map<Op, E0, E1>::shape_type;
    return Op::value(value_at(operand<0>(n.args), broadcast_offset<typename E0::shape_type, S>(i)),
                     value_at(operand<1>(n.args), broadcast_offset<typename E1::shape_type, S>(i)));
}

/// `e` holds exactly one matmul, of the output's shape: the pass becomes its
/// epilogue. (Counted first: `matmul_in` walks the operands again.)
template <class Out, class E>
inline constexpr bool fusable = [] {
    if constexpr (matmul_count<E>::value != 1 || !std::is_same_v<Out, typename E::shape_type>)
        return false;
    else
        return std::is_same_v<Out, typename matmul_in<E>::type::shape_type>;
}();
}  // namespace detail

/// `out = e`. `e`'s shape must broadcast to `out`'s. In a constant
/// expression, element by element with scalar code (`detail::value_at`);
/// otherwise the passes above (SIMD, fused), which are not constexpr.
template <TensorLike X, Expression E>
CTNN_REALTIME constexpr void assign(X& out, const E& e) noexcept {
    using Out = typename X::shape_type;
    constexpr bool same_element = std::is_same_v<typename X::value_type, typename E::value_type>;
    static_assert(std::is_same_v<typename X::value_type, typename E::value_type>,
                  "ctnn: assign needs the expression and the tensor to have the same element type");
    // the shape is checked only when the element types agree: one mistake, one error
    using Checked = std::conditional_t<same_element, Out, typename E::shape_type>;
    static_assert(ctnn::detail::broadcasts_to<typename E::shape_type, Checked>,
                  "ctnn: assign needs the expression's shape to broadcast to the tensor's");
    if constexpr (!same_element || !ctnn::detail::broadcasts_to<typename E::shape_type, Out>) {
        return;  // reported above
    } else if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < Out::size; ++i)
            out.data()[i] = detail::value_at(e, detail::broadcast_offset<typename E::shape_type, Out>(i));
    } else if constexpr (detail::fusable<Out, E>) {
        e.prepare(true);
        const auto& mm = detail::find_matmul(e);
        mm.run(out.data(), [&e](auto v, std::size_t row, std::size_t col) CTNN_INLINE_LAMBDA {
            return e.template load<simd::arch_of_t<decltype(v)>, Out>(row, col, v);
        });
    } else {
        detail::prepare(e, false);
        evaluate_prepared<Out>(out.data(), e);
    }
}

/// The value of `e` as a new tensor (on the stack: mind the size).
template <Expression E>
constexpr auto evaluate(const E& e) noexcept {
    tensor_for_t<typename E::value_type, typename E::shape_type> out;
    assign(out, e);
    return out;
}

}  // namespace ctnn::expr

namespace ctnn {
using expr::assign;
using expr::evaluate;
}  // namespace ctnn
