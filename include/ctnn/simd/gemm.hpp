#pragma once
/// \file gemm.hpp
/// The three matrix products training needs, with weights in PyTorch's
/// `[out, in]` layout:
///
/// | form | product | kernel |
/// |---|---|---|
/// | forward | `Y[M,N] = epi(X[M,K] · W[N,K]ᵀ)` | dot tiles (X and W both run along K) |
/// | input gradient | `dX[M,K] = epi(dY[M,N] · W[N,K])` | outer-product tiles |
/// | weight gradient | `dW[N,K] (+)= dY[M,N]ᵀ · X[M,K]` | outer-product tiles |
///
/// All extents are template arguments, so tile sizes and tails are resolved
/// at compile time. `epi` is applied to each tile in registers before it is
/// stored (see epilogue.hpp). No allocation; cost 2·M·N·K flops each.

#include <cstddef>
#include <type_traits>

#include "../core/shape_algebra.hpp"
#include "../core/tensor.hpp"
#include "arch.hpp"
#include "detail/dot_tile.hpp"
#include "detail/outer_tile.hpp"
#include "epilogue.hpp"

namespace ctnn::simd {

namespace detail {
/// Dot-tile shape for the forward form: Mr*Nr = one pack, so one `haddp`
/// reduces the whole tile; a single row (GEMV) takes a full pack of outputs.
template <class T, std::size_t M>
struct dot_blocking {
    static constexpr std::size_t w = width<T>;
    static constexpr std::size_t rows = (M >= 4 && w >= 16) ? 4 : (M >= 2 && w >= 4) ? 2 : 1;
    static constexpr std::size_t cols = w / rows;
};

template <std::size_t M, std::size_t N, std::size_t K, class T, class Epi>
struct xwt_gemm {
    template <std::size_t R, std::size_t C>
    static CTNN_INLINE void tile(const T* x, const T* w, T* y, Epi& epi, std::size_t m0, std::size_t n0) noexcept {
        alignas(64) T r[R * C];
        dot_tile<R, C, K, K, K, best_arch>(x + m0 * K, w + n0 * K, r);
        CTNN_UNROLL for (std::size_t i = 0; i < R; ++i) {
            for_each_pack<T, C>([&]<class A>(std::size_t j) CTNN_INLINE_LAMBDA {
                using P = pack_traits<T, A>;
                P::store(y + (m0 + i) * N + n0 + j, epi(P::load(r + i * C + j), m0 + i, n0 + j));
            });
        }
    }
    template <std::size_t R>
    static CTNN_INLINE void row_block(const T* x, const T* w, T* y, Epi& epi, std::size_t m0) noexcept {
        constexpr std::size_t nr = dot_blocking<T, M>::cols;
        constexpr std::size_t full = N / nr * nr;
        for (std::size_t n0 = 0; n0 < full; n0 += nr) tile<R, nr>(x, w, y, epi, m0, n0);
        if constexpr (full != N) tile<R, N - full>(x, w, y, epi, m0, full);
    }
    static CTNN_INLINE void run(const T* x, const T* w, T* y, Epi& epi) noexcept {
        constexpr std::size_t mr = dot_blocking<T, M>::rows;
        constexpr std::size_t full = M / mr * mr;
        for (std::size_t m0 = 0; m0 < full; m0 += mr) row_block<mr>(x, w, y, epi, m0);
        if constexpr (full != M) row_block<M - full>(x, w, y, epi, full);
    }
};

/// The output's shape must be the product's result shape.
template <class Expected, class Got>
inline constexpr bool output_shape_matches = std::is_same_v<Expected, Got>;
}  // namespace detail

// ---- raw forms: pointers to row-major, contiguous storage ------------------

/// `y[m,n] = epi(Σ_k x[m,k]·w[n,k], m, n)`: the forward product `X Wᵀ`.
template <std::size_t M, std::size_t N, std::size_t K, class T, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemm_xwt_n(const T* x, const T* w, T* y, Epi epi = {}) noexcept {
    detail::xwt_gemm<M, N, K, T, Epi>::run(x, w, y, epi);
}

/// `dx[m,k] = epi(Σ_n dy[m,n]·w[n,k], m, k)`: the input gradient `dY W`.
template <std::size_t M, std::size_t N, std::size_t K, class T, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemm_dyw_n(const T* dy, const T* w, T* dx, Epi epi = {}) noexcept {
    detail::outer_gemm<M, K, N, N, 1, K, K, false>::run(dy, w, dx, epi);
}

/// `dw[n,k] = Σ_m dy[m,n]·x[m,k]` (or `+=` with `Accumulate`): the weight
/// gradient `dYᵀ X`.
template <std::size_t M, std::size_t N, std::size_t K, bool Accumulate = true, class T, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemm_dytx_n(const T* dy, const T* x, T* dw, Epi epi = {}) noexcept {
    detail::outer_gemm<N, K, M, 1, N, K, K, Accumulate>::run(dy, x, dw, epi);
}

// ---- tensor forms: shapes checked at compile time --------------------------

/// `Y = epi(X Wᵀ)` with `X: [M, K]`, `W: [N, K]`, `Y: [M, N]`.
template <TensorLike X, TensorLike W, TensorLike Y, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemm_xwt(const X& x, const W& w, Y& y, Epi epi = {}) noexcept {
    using SX = typename X::shape_type;
    using SW = typename W::shape_type;
    static_assert(SX::rank == 2 && SW::rank == 2, "ctnn: gemm_xwt takes matrices X [M, K] and W [N, K]");
    using R = matmul_shape_t<SX, transpose_shape_t<SW>>;
    static_assert(detail::output_shape_matches<R, typename Y::shape_type>,
                  "ctnn: the output tensor must have the product's shape [M, N]");
    if constexpr (detail::output_shape_matches<R, typename Y::shape_type>)
        gemm_xwt_n<SX::dims[0], SW::dims[0], SX::dims[1]>(x.data(), w.data(), y.data(), epi);
}

/// `dX = epi(dY W)` with `dY: [M, N]`, `W: [N, K]`, `dX: [M, K]`.
template <TensorLike DY, TensorLike W, TensorLike DX, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemm_dyw(const DY& dy, const W& w, DX& dx, Epi epi = {}) noexcept {
    using SY = typename DY::shape_type;
    using SW = typename W::shape_type;
    static_assert(SY::rank == 2 && SW::rank == 2, "ctnn: gemm_dyw takes matrices dY [M, N] and W [N, K]");
    using R = matmul_shape_t<SY, SW>;
    static_assert(detail::output_shape_matches<R, typename DX::shape_type>,
                  "ctnn: the output tensor must have the product's shape [M, K]");
    if constexpr (detail::output_shape_matches<R, typename DX::shape_type>)
        gemm_dyw_n<SY::dims[0], SY::dims[1], SW::dims[1]>(dy.data(), w.data(), dx.data(), epi);
}

/// `dW (+)= dYᵀ X` with `dY: [M, N]`, `X: [M, K]`, `dW: [N, K]`.
template <bool Accumulate = true, TensorLike DY, TensorLike X, TensorLike DW>
CTNN_REALTIME CTNN_INLINE void gemm_dytx(const DY& dy, const X& x, DW& dw) noexcept {
    using SY = typename DY::shape_type;
    using SX = typename X::shape_type;
    static_assert(SY::rank == 2 && SX::rank == 2, "ctnn: gemm_dytx takes matrices dY [M, N] and X [M, K]");
    using R = matmul_shape_t<transpose_shape_t<SY>, SX>;
    static_assert(detail::output_shape_matches<R, typename DW::shape_type>,
                  "ctnn: the output tensor must have the product's shape [N, K]");
    if constexpr (detail::output_shape_matches<R, typename DW::shape_type>)
        gemm_dytx_n<SY::dims[0], SY::dims[1], SX::dims[1], Accumulate>(dy.data(), x.data(), dw.data());
}

}  // namespace ctnn::simd
