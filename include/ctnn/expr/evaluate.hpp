#pragma once
/// \file evaluate.hpp
/// The evaluation pass shared by every node: `prepare` (materialise what an
/// element-wise pass cannot stream: matmul results, reductions), and
/// `evaluate_into`, one pass over the output with the whole element-wise
/// chain computed in registers.

#include <cstddef>
#include <type_traits>

#include "expression.hpp"
#include "flat.hpp"

namespace ctnn::expr {

namespace detail {

/// Uninitialised, 64-byte aligned room for N values inside a node; copying
/// a node does not copy it (it holds results recomputed on every `prepare`).
template <class T, std::size_t N>
struct scratch {
    alignas(64) T data[N];
    // constexpr: a node holding one can be built in a constant expression
    // (assign's constant-evaluated path never reads it)
    constexpr scratch() noexcept {}
    constexpr scratch(const scratch&) noexcept {}
    constexpr scratch& operator=(const scratch&) noexcept { return *this; }
};

template <class E>
struct matmul_count : std::integral_constant<std::size_t, 0> {};

/// Leaves need no preparation.
template <class E>
CTNN_INLINE void prepare(const E& e, bool fusing) noexcept {
    if constexpr (requires { e.prepare(fusing); }) e.prepare(fusing);
}

}  // namespace detail

/// `out = e` over shape `Out` (row-major at `out`), `e` already prepared.
/// One pass; each pack of the output is computed from its operands in
/// registers.
template <class Out, class E>
CTNN_INLINE void evaluate_prepared(typename E::value_type* out, const E& e) noexcept {
    using T = typename E::value_type;
    constexpr std::size_t cols = Out::dims[Out::rank - 1];
    constexpr std::size_t rows = Out::size / cols;
    if constexpr (detail::is_map<E>) {  // an element-wise region: flat (flat.hpp)
        const auto f = detail::flatten(e);
        for (std::size_t r = 0; r < rows; ++r) {
            detail::for_each_sweep_pack<T, cols>([&]<class A>(std::size_t c, std::size_t skip) CTNN_INLINE_LAMBDA {
                typename simd::pack_traits<T, A>::type v[detail::flat_nodes<E>::size];
                detail::flat_values<A, Out>(f, v, r, c);
                // an overlapping last pack stores its new lanes only: `out` may be an operand
                detail::store_from<A>(out + r * cols + c, v[detail::flat_nodes<E>::size - 1], skip);
            });
        }
    } else {
        for (std::size_t r = 0; r < rows; ++r) {
            simd::for_each_pack<T, cols>([&]<class A>(std::size_t c) CTNN_INLINE_LAMBDA {
                simd::pack_traits<T, A>::store(out + r * cols + c, e.template load<A, Out>(r, c, no_hole{}));
            });
        }
    }
}

}  // namespace ctnn::expr
