#pragma once
/// \file matmul.hpp
/// `matmul(a, b)` and `transpose(a)`. A matmul node runs one of the GEMM/GEMV
/// kernels, chosen at compile time from whether its operands are transposed:
///
/// | expression | kernel |
/// |---|---|
/// | `matmul(X, transpose(W))` | `gemm_xwt` (Dense forward) |
/// | `matmul(W, x)`, x a vector | `gemv` |
/// | `matmul(A, B)` | `gemm_dyw` (outer-product tiles) |
/// | `matmul(transpose(A), B)` | `gemm_dytx` |
/// | `matmul(transpose(W), v)`, v a vector | `gemm_dyw` with one row |
///
/// When the matmul sits in the element-wise chain being assigned, that chain
/// runs as the kernel's epilogue (one pass, no temporary); elsewhere its
/// result is kept in the node. Operands that are not tensors are evaluated
/// into the node first.

#include <cstddef>
#include <type_traits>

#include "../simd/gemm.hpp"
#include "../simd/gemv.hpp"
#include "elementwise.hpp"
#include "evaluate.hpp"

namespace ctnn::expr {

template <class E>
struct Transposed;
template <class L, class R>
struct MatMul;

namespace detail {
template <class E>
inline constexpr bool is_leaf = false;
template <class X>
inline constexpr bool is_leaf<Ref<X>> = true;
template <class E>
inline constexpr bool is_transposed = false;
template <class E>
inline constexpr bool is_transposed<Transposed<E>> = true;
/// Operands a kernel reads in place: tensors, and transposes (the kernel
/// reads the untransposed matrix).
template <class E>
inline constexpr bool in_place = is_leaf<E> || is_transposed<E>;

/// An operand's values as contiguous row-major memory: a tensor's own, or
/// the node's copy of an evaluated sub-expression.
template <class E>
struct operand_store {
    using T = typename E::value_type;
    using S = typename E::shape_type;
    [[no_unique_address]] std::conditional_t<in_place<E>, std::false_type, scratch<T, S::size>> mem;
    // copying a node does not copy (or read: a constant expression may not
    // read a mutable member) what it holds
    constexpr operand_store() noexcept {}
    constexpr operand_store(const operand_store&) noexcept {}
    constexpr operand_store& operator=(const operand_store&) noexcept { return *this; }
    CTNN_INLINE const T* materialise(const E& e) noexcept {
        if constexpr (in_place<E>) {
            prepare(e, false);
            return e.data();
        } else {
            prepare(e, false);
            evaluate_prepared<S>(mem.data, e);
            return mem.data;
        }
    }
    CTNN_INLINE const T* data(const E& e) const noexcept {
        if constexpr (in_place<E>)
            return e.data();
        else
            return mem.data;
    }
};
}  // namespace detail

/// `eᵀ` of a matrix expression. As a matmul operand it selects the kernel
/// form (no data moves); in an element-wise chain it reads with strides.
template <class E>
struct Transposed {
    using expression_kind = expression_tag;
    using value_type = typename E::value_type;
    using inner_shape = typename E::shape_type;
    using shape_type = transpose_shape_t<inner_shape>;
    E e;
    mutable detail::operand_store<E> store;

    CTNN_INLINE void prepare(bool) const noexcept { store.materialise(e); }
    CTNN_INLINE const value_type* data() const noexcept { return store.data(e); }

    template <class A, class Out, class H>
    CTNN_INLINE auto load(std::size_t row, std::size_t col, const H&) const noexcept {
        static_assert(std::is_same_v<Out, shape_type>,
                      "ctnn: a transposed operand in an element-wise expression cannot be broadcast");
        using P = simd::pack_traits<value_type, A>;
        alignas(64) value_type lanes[P::width];
        const value_type* p = data();
        for (std::size_t t = 0; t < P::width; ++t) lanes[t] = p[(col + t) * inner_shape::dims[1] + row];
        return P::load(lanes);
    }
};

/// The product of two matrix (or matrix and vector) expressions.
template <class L, class R>
struct MatMul {
    using expression_kind = expression_tag;
    using value_type = typename L::value_type;
    using shape_type = matmul_shape_t<typename L::shape_type, typename R::shape_type>;
    L l;
    R r;
    mutable detail::operand_store<L> lstore;
    mutable detail::operand_store<R> rstore;
    mutable detail::scratch<value_type, shape_type::size> result;

    /// Evaluates the operands; unless this node is the one fused into the
    /// pass being run (`fusing`), also computes and keeps the product.
    CTNN_INLINE void prepare(bool fusing) const noexcept {
        lstore.materialise(l);
        rstore.materialise(r);
        if (!fusing) run(result.data, simd::epilogue::none{});
    }

    /// Runs the kernel into `out` with `epi` applied before each store.
    template <class Epi>
    CTNN_INLINE void run(value_type* out, Epi epi) const noexcept {
        using LS = typename L::shape_type;
        using RS = typename R::shape_type;
        const value_type* a = lstore.data(l);
        const value_type* b = rstore.data(r);
        if constexpr (RS::rank == 1) {
            if constexpr (detail::is_transposed<L>)  // y = Wᵀ v, W: [K, M]
                simd::gemm_dyw_n<1, LS::dims[1], LS::dims[0]>(b, a, out, epi);
            else  // y = W v
                simd::gemv_n<LS::dims[LS::rank - 2], LS::dims[LS::rank - 1]>(a, b, out, epi);
        } else if constexpr (detail::is_transposed<R>) {  // X Wᵀ, W: [N, K]
            constexpr std::size_t k = LS::dims[LS::rank - 1];
            simd::gemm_xwt_n<LS::size / k, RS::dims[1], k>(a, b, out, epi);
        } else if constexpr (detail::is_transposed<L>) {  // Aᵀ B, A: [P, M], B: [P, N]
            simd::gemm_dytx_n<LS::dims[1], LS::dims[0], RS::dims[1], false>(a, b, out, epi);
        } else {  // A B, A: [M, P], B: [P, N]
            constexpr std::size_t p = LS::dims[LS::rank - 1];
            simd::gemm_dyw_n<LS::size / p, p, RS::dims[1]>(a, b, out, epi);
        }
    }

    template <class A, class Out, class H>
    CTNN_INLINE auto load(std::size_t row, std::size_t col, const H& hole) const noexcept {
        if constexpr (std::is_same_v<H, no_hole>) {
            using P = simd::pack_traits<value_type, A>;
            const value_type* p = result.data + detail::row_offset<shape_type, Out>(row);
            if constexpr (detail::splats_last<shape_type, Out>)
                return P::splat(*p);
            else
                return P::load(p + col);
        } else {
            return hole;  // the kernel's tile, handed in by the fused epilogue
        }
    }
};

namespace detail {
template <class L, class R>
struct matmul_count<MatMul<L, R>> : std::integral_constant<std::size_t, 1> {};
template <class Op, class... Es>
struct matmul_count<Map<Op, Es...>> : std::integral_constant<std::size_t, (matmul_count<Es>::value + ... + 0)> {};
}  // namespace detail

namespace detail {
/// The nodes `LE`, `RE` make a matmul the kernels run (every check of `matmul`).
template <class LE, class RE, class LS = typename LE::shape_type, class RS = typename RE::shape_type>
inline constexpr bool matmul_ok = std::is_same_v<typename LE::value_type, typename RE::value_type> &&
                                  ctnn::detail::matmul_operand_ranks<LS, RS> &&
                                  ctnn::detail::inner_extents_match<LS, RS> &&
                                  !(is_transposed<LE> && is_transposed<RE>);
/// `RS` where the ranks allow an inner-extent check, `LS`'s last extent
/// otherwise (the rank error is the one reported: one mistake, one error).
template <class LS, class RS>
using inner_checked = std::conditional_t<ctnn::detail::matmul_operand_ranks<LS, RS>, RS, Shape<LS::dims[LS::rank - 1]>>;
}  // namespace detail

/// `a · b`: `[..., M, K] · [K, N] -> [..., M, N]`, `[M, K] · [K] -> [M]`.
/// The operands are checked here, first (element type, ranks, inner
/// extents); after a failed check the result is `after_error`, and so it is
/// for an operand that is a failed expression (its error is out already).
template <TensorOperand X, TensorOperand Y>
constexpr auto matmul(const X& a, const Y& b) noexcept {
    using T = typename common_value<X, Y>::type;
    using LE = expr_t<T, X>;
    using RE = expr_t<T, Y>;
    using LS = typename X::shape_type;
    using RS = typename Y::shape_type;
    constexpr bool failed = detail::is_failed<LE> || detail::is_failed<RE>;
    static_assert(failed || std::is_same_v<typename Y::value_type, T>,
                  "ctnn: matmul operands must have the same element type");
    static_assert(failed || ctnn::detail::matmul_operand_ranks<LS, RS>,
                  "ctnn: matmul needs a matrix (rank 2 to 4) on the left and a matrix or vector on the right");
    static_assert(failed || ctnn::detail::inner_extents_match<LS, detail::inner_checked<LS, RS>>,
                  "ctnn: matmul needs the inner extents to match");
    static_assert(failed || !(detail::is_transposed<LE> && detail::is_transposed<RE>),
                  "ctnn: matmul of two transposes: transpose the product instead");
    if constexpr (!failed && detail::matmul_ok<LE, RE>)
        return MatMul<LE, RE>{as_expr<T>(a), as_expr<T>(b), {}, {}, {}};
    else
        return detail::after_error<T>();
}

/// `aᵀ` of a matrix (checked here, first; otherwise `after_error`).
template <TensorOperand X>
constexpr auto transpose(const X& a) noexcept {
    using T = typename X::value_type;
    using E = expr_t<T, X>;
    constexpr bool failed = detail::is_failed<E>;
    static_assert(failed || ctnn::detail::is_matrix<typename X::shape_type>, "ctnn: transpose needs a matrix (rank 2)");
    if constexpr (!failed && ctnn::detail::is_matrix<typename X::shape_type>)
        return Transposed<E>{as_expr<T>(a), {}};
    else
        return detail::after_error<T>();
}

}  // namespace ctnn::expr

namespace ctnn {
using expr::matmul;
using expr::transpose;
}  // namespace ctnn
