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
#include "blas1.hpp"
#include "map.hpp"

/// Bytes of L1 data cache the forward GEMM plans to keep a block of X in.
#ifndef CTNN_L1_BLOCK_BYTES
#define CTNN_L1_BLOCK_BYTES 24576
#endif

namespace ctnn::simd {

namespace detail {
/// Tiling of the forward form. A tile is Mr x Nr dot products with Mr*Nr =
/// one pack, so one transposing reduction finishes it. Mr = w/2 rows of X
/// stay in L1 while two rows of W stream from L2, so each W load feeds w/2
/// FMAs (measured: 8x2 beats 4x4 by 1.2-1.7x on 64x784x128 and 64x1000x100
/// with AVX-512). A single row (GEMV) takes a full pack of outputs instead.
/// K is cut into blocks so that Mr rows of a block of X fit in 24 KiB of L1.
template <class T, std::size_t M, std::size_t K>
struct dot_blocking {
    static constexpr std::size_t w = width<T>;
    static constexpr std::size_t rows = [] {
        std::size_t r = w >= 2 ? w / 2 : 1;
        while (r > M) r /= 2;
        return r;
    }();
    static constexpr std::size_t cols = w / rows > 0 ? w / rows : 1;
    static constexpr std::size_t l1_bytes = CTNN_L1_BLOCK_BYTES;
    static constexpr std::size_t blocks = (rows * K * sizeof(T) + l1_bytes - 1) / l1_bytes;
    /// K per block, a multiple of the pack width.
    static constexpr std::size_t kc = blocks <= 1 ? K : ((K + blocks - 1) / blocks + w - 1) / w * w;
};

/// Output columns gathered before the epilogue runs over them: the epilogue
/// then sees whole packs (a per-tile epilogue would see 2 outputs a row and
/// run an activation in scalar code), and partial sums over K blocks stay in
/// this buffer, so the output is written once (an accumulating epilogue
/// reads the caller's values, untouched until then).
inline constexpr std::size_t xwt_chunk_cols = 256;

template <std::size_t M, std::size_t N, std::size_t K, class T, class Epi>
struct xwt_gemm {
    using blocking = dot_blocking<T, M, K>;

    /// acc[i * C + c - c0] += Σ_k x[m0 + i, k] w[c, k] over K block [k0, k0 + Kb)
    /// for the C columns of one tile; `xp` is row m0 of X at k0, rows LdX apart.
    template <std::size_t R, std::size_t C, std::size_t Kb, std::size_t LdX, std::size_t Chunk, bool First>
    static CTNN_INLINE void tile(const T* xp, const T* w, T* acc, std::size_t n0, std::size_t k0,
                                 std::size_t c0) noexcept {
        if constexpr (R == 1 && First) {  // one row: the sums land in place
            dot_tile<R, C, Kb, LdX, K, best_arch>(xp, w + n0 * K + k0, acc + n0 - c0);
            return;
        }
        alignas(64) T r[R * C];
        dot_tile<R, C, Kb, LdX, K, best_arch>(xp, w + n0 * K + k0, r);
        CTNN_UNROLL for (std::size_t i = 0; i < R; ++i) {
            CTNN_UNROLL for (std::size_t j = 0; j < C; ++j) {
                T& a = acc[i * Chunk + n0 - c0 + j];
                a = First ? r[i * C + j] : a + r[i * C + j];
            }
        }
    }
    /// The tiles of columns [c0, c0 + Chunk) for rows [m0, m0 + R), one K block.
    template <std::size_t R, std::size_t Chunk, std::size_t Kb, std::size_t LdX, bool First>
    static CTNN_INLINE void chunk_tiles(const T* xp, const T* w, T* acc, std::size_t c0, std::size_t k0) noexcept {
        constexpr std::size_t nr = blocking::cols;
        constexpr std::size_t full = Chunk / nr * nr;
        for (std::size_t n = 0; n < full; n += nr) tile<R, nr, Kb, LdX, Chunk, First>(xp, w, acc, c0 + n, k0, c0);
        if constexpr (full != Chunk) tile<R, Chunk - full, Kb, LdX, Chunk, First>(xp, w, acc, c0 + full, k0, c0);
    }
    /// One K block of a chunk. When X's rows are not whole cache lines apart,
    /// every other row's loads would straddle two lines, so the block is first
    /// copied into an aligned buffer on the stack (R * Kb elements, at most
    /// CTNN_L1_BLOCK_BYTES; each element copied once per chunk).
    template <std::size_t R, std::size_t Chunk, std::size_t Kb, bool First>
    static CTNN_INLINE void k_block(const T* x, const T* w, T* acc, std::size_t m0, std::size_t c0,
                                    std::size_t k0) noexcept {
        constexpr std::size_t line = 64 / sizeof(T);
        if constexpr (K % line != 0 && R > 1 && Kb >= width<T>) {
            constexpr std::size_t ld = (Kb + line - 1) / line * line;
            alignas(64) T buf[R * ld];
            CTNN_UNROLL for (std::size_t i = 0; i < R; ++i) {
                map_n<Kb>([](auto v) CTNN_INLINE_LAMBDA { return v; }, buf + i * ld, x + (m0 + i) * K + k0);
            }
            chunk_tiles<R, Chunk, Kb, ld, First>(buf, w, acc, c0, k0);
        } else {
            chunk_tiles<R, Chunk, Kb, K, First>(x + m0 * K + k0, w, acc, c0, k0);
        }
    }
    /// Rows [m0, m0 + R) x columns [c0, c0 + Chunk): sums over every K block
    /// into the chunk buffer, then the epilogue over it in whole packs.
    template <std::size_t R, std::size_t Chunk>
    static CTNN_INLINE void chunk(const T* x, const T* w, T* y, Epi& epi, std::size_t m0, std::size_t c0) noexcept {
        constexpr std::size_t kc = blocking::kc;
        alignas(64) T acc[R * Chunk];
        if constexpr (kc >= K) {
            k_block<R, Chunk, K, true>(x, w, acc, m0, c0, 0);
        } else {
            constexpr std::size_t last = (K - 1) / kc * kc;  // start of the last block
            k_block<R, Chunk, kc, true>(x, w, acc, m0, c0, 0);
            for (std::size_t k0 = kc; k0 < last; k0 += kc) k_block<R, Chunk, kc, false>(x, w, acc, m0, c0, k0);
            k_block<R, Chunk, K - last, false>(x, w, acc, m0, c0, last);
        }
        CTNN_UNROLL for (std::size_t i = 0; i < R; ++i) {
            for_each_pack<T, Chunk>([&]<class A>(std::size_t j) CTNN_INLINE_LAMBDA {
                using P = pack_traits<T, A>;
                P::store(y + (m0 + i) * N + c0 + j, epi(P::load(acc + i * Chunk + j), m0 + i, c0 + j));
            });
        }
    }
    template <std::size_t R>
    static CTNN_INLINE void rows(const T* x, const T* w, T* y, Epi& epi, std::size_t m0) noexcept {
        constexpr std::size_t cc = N < xwt_chunk_cols ? N : xwt_chunk_cols;
        constexpr std::size_t full = N / cc * cc;
        for (std::size_t c0 = 0; c0 < full; c0 += cc) chunk<R, cc>(x, w, y, epi, m0, c0);
        if constexpr (full != N) chunk<R, N - full>(x, w, y, epi, m0, full);
    }
    static CTNN_INLINE void run(const T* x, const T* w, T* y, Epi& epi) noexcept {
        constexpr std::size_t mr = blocking::rows;
        constexpr std::size_t full = M / mr * mr;
        for (std::size_t m0 = 0; m0 < full; m0 += mr) rows<mr>(x, w, y, epi, m0);
        if constexpr (full != M) rows<M - full>(x, w, y, epi, full);
    }
};

/// The output's shape must be the product's result shape.
template <class Expected, class Got>
inline constexpr bool output_shape_matches = std::is_same_v<Expected, Got>;
}  // namespace detail

// ---- raw forms: pointers to row-major, contiguous storage ------------------

/// `y[m,n] = epi(Σ_k x[m,k]·w[n,k], m, n)`: the forward product `X Wᵀ`.
/// In a constant expression, plain loops with `epi` on scalars (for
/// networks evaluated at compile time; the run-time path is unchanged).
template <std::size_t M, std::size_t N, std::size_t K, class T, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE constexpr void gemm_xwt_n(const T* x, const T* w, T* y, Epi epi = {}) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t m = 0; m < M; ++m)
            for (std::size_t n = 0; n < N; ++n) {
                T s = 0;
                for (std::size_t k = 0; k < K; ++k) s += x[m * K + k] * w[n * K + k];
                y[m * N + n] = epi(s, m, n);
            }
        return;
    }
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
// Each check runs only when the ones before it passed, so one mistake gives
// one error, stated in the shapes the caller wrote.

namespace detail {
template <class SX, class SW>
inline constexpr bool xwt_inner_extents_match = SX::dims[1] == SW::dims[1];
template <class SY, class SW>
inline constexpr bool dyw_inner_extents_match = SY::dims[1] == SW::dims[0];
template <class SY, class SX>
inline constexpr bool dytx_batch_extents_match = SY::dims[0] == SX::dims[0];
template <class X, class W>
inline constexpr bool both_matrices = X::rank == 2 && W::rank == 2;
}  // namespace detail

/// `Y = epi(X Wᵀ)` with `X: [M, K]`, `W: [N, K]`, `Y: [M, N]`.
template <TensorLike X, TensorLike W, TensorLike Y, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemm_xwt(const X& x, const W& w, Y& y, Epi epi = {}) noexcept {
    using SX = typename X::shape_type;
    using SW = typename W::shape_type;
    using SY = typename Y::shape_type;
    static_assert(detail::both_matrices<SX, SW>, "ctnn: gemm_xwt takes matrices X [M, K] and W [N, K]");
    if constexpr (detail::both_matrices<SX, SW>) {
        static_assert(detail::xwt_inner_extents_match<SX, SW>, "ctnn: gemm_xwt needs X [M, K] and W [N, K] with the same K");
        if constexpr (detail::xwt_inner_extents_match<SX, SW>) {
            using R = Shape<SX::dims[0], SW::dims[0]>;
            static_assert(detail::output_shape_matches<R, SY>,
                          "ctnn: the output tensor must have the product's shape [M, N]");
            if constexpr (detail::output_shape_matches<R, SY>)
                gemm_xwt_n<SX::dims[0], SW::dims[0], SX::dims[1]>(x.data(), w.data(), y.data(), epi);
        }
    }
}

/// `dX = epi(dY W)` with `dY: [M, N]`, `W: [N, K]`, `dX: [M, K]`.
template <TensorLike DY, TensorLike W, TensorLike DX, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemm_dyw(const DY& dy, const W& w, DX& dx, Epi epi = {}) noexcept {
    using SY = typename DY::shape_type;
    using SW = typename W::shape_type;
    using SX = typename DX::shape_type;
    static_assert(detail::both_matrices<SY, SW>, "ctnn: gemm_dyw takes matrices dY [M, N] and W [N, K]");
    if constexpr (detail::both_matrices<SY, SW>) {
        static_assert(detail::dyw_inner_extents_match<SY, SW>, "ctnn: gemm_dyw needs dY [M, N] and W [N, K] with the same N");
        if constexpr (detail::dyw_inner_extents_match<SY, SW>) {
            using R = Shape<SY::dims[0], SW::dims[1]>;
            static_assert(detail::output_shape_matches<R, SX>,
                          "ctnn: the output tensor must have the product's shape [M, K]");
            if constexpr (detail::output_shape_matches<R, SX>)
                gemm_dyw_n<SY::dims[0], SY::dims[1], SW::dims[1]>(dy.data(), w.data(), dx.data(), epi);
        }
    }
}

/// `dW (+)= dYᵀ X` with `dY: [M, N]`, `X: [M, K]`, `dW: [N, K]`.
template <bool Accumulate = true, TensorLike DY, TensorLike X, TensorLike DW>
CTNN_REALTIME CTNN_INLINE void gemm_dytx(const DY& dy, const X& x, DW& dw) noexcept {
    using SY = typename DY::shape_type;
    using SX = typename X::shape_type;
    using SW = typename DW::shape_type;
    static_assert(detail::both_matrices<SY, SX>, "ctnn: gemm_dytx takes matrices dY [M, N] and X [M, K]");
    if constexpr (detail::both_matrices<SY, SX>) {
        static_assert(detail::dytx_batch_extents_match<SY, SX>, "ctnn: gemm_dytx needs dY [M, N] and X [M, K] with the same M");
        if constexpr (detail::dytx_batch_extents_match<SY, SX>) {
            using R = Shape<SY::dims[1], SX::dims[1]>;
            static_assert(detail::output_shape_matches<R, SW>,
                          "ctnn: the output tensor must have the product's shape [N, K]");
            if constexpr (detail::output_shape_matches<R, SW>)
                gemm_dytx_n<SY::dims[0], SY::dims[1], SX::dims[1], Accumulate>(dy.data(), x.data(), dw.data());
        }
    }
}

}  // namespace ctnn::simd
