#pragma once
/// \file assign.hpp
/// `assign(out, e)` and `evaluate(e)`: run an expression. The element-wise
/// chain is one pass over the output; when it contains exactly one matmul of
/// the output's shape, the chain becomes that kernel's epilogue, so the
/// product never goes to memory before the chain has been applied to it
/// (other matmuls are computed into their nodes first). No allocation.

#include <type_traits>

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
        return find_matmul(std::get<matmul_index(typename E::operands{})>(e.args));
}

template <class Out, class E, class M = typename matmul_in<E>::type>
inline constexpr bool fusable = [] {
    if constexpr (std::is_void_v<M>)
        return false;
    else
        return matmul_count<E>::value == 1 && std::is_same_v<Out, typename E::shape_type> &&
               std::is_same_v<Out, typename M::shape_type>;
}();
}  // namespace detail

/// `out = e`. `e`'s shape must broadcast to `out`'s.
template <TensorLike X, Expression E>
CTNN_REALTIME void assign(X& out, const E& e) noexcept {
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
auto evaluate(const E& e) noexcept {
    tensor_for_t<typename E::value_type, typename E::shape_type> out;
    assign(out, e);
    return out;
}

}  // namespace ctnn::expr

namespace ctnn {
using expr::assign;
using expr::evaluate;
}  // namespace ctnn
