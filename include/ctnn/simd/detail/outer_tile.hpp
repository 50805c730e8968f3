#pragma once
/// \file outer_tile.hpp
/// Register-blocked micro-kernel for the two backward GEMMs (`dX = dY W`,
/// `dW += dYᵀ X`): the right operand runs along the output's columns, so each
/// step broadcasts one element of the left operand and does one FMA per
/// column pack (an outer-product update of an Mr x Nv-pack tile).

#include <cstddef>
#include <cstdint>

#include "../arch.hpp"
#include "dot_tile.hpp"

namespace ctnn::simd::detail {

/// Row and column blocking for an architecture: Mr*Nv accumulators plus Nv
/// loads and one broadcast must fit the register file (32 vector registers
/// with AVX-512, 16 below).
template <class A>
struct outer_blocking {
    static constexpr std::size_t rows = A::alignment() >= 64 ? 6 : 4;
    static constexpr std::size_t packs = A::alignment() >= 64 ? 4 : 2;
};
template <>
struct outer_blocking<scalar_arch> {
    static constexpr std::size_t rows = 4;
    static constexpr std::size_t packs = 4;
};

/// Compile-time description of `C (+)= A · B` with A read through strides.
/// `c[i*LdC + j] (+)= Σ_{p<P} a[i*AsI + p*AsP] · b[p*LdB + j]`.
template <std::size_t M, std::size_t Cols, std::size_t P, std::size_t AsI, std::size_t AsP, std::size_t LdB,
          std::size_t LdC, bool Accumulate>
struct outer_gemm {
    /// One tile: Mr rows, Nv packs of architecture A starting at column `col`.
    template <std::size_t Mr, std::size_t Nv, class A, class T, class Epi>
    static CTNN_INLINE void tile(const T* a, const T* b, T* c, Epi& epi, std::size_t row, std::size_t col) noexcept {
        using Pk = pack_traits<T, A>;
        using V = typename Pk::type;
        constexpr std::size_t w = Pk::width;
        V acc[Mr * Nv];
        CTNN_UNROLL for (std::size_t t = 0; t < Mr * Nv; ++t) acc[t] = Pk::splat(T(0));
        const T* ap = a + row * AsI;
        const T* bp = b + col;
        for (std::size_t p = 0; p < P; ++p) {
            V bv[Nv];
            CTNN_UNROLL for (std::size_t v = 0; v < Nv; ++v) bv[v] = Pk::load(bp + p * LdB + v * w);
            CTNN_UNROLL for (std::size_t i = 0; i < Mr; ++i) {
                const V av = Pk::splat(ap[i * AsI + p * AsP]);
                CTNN_UNROLL for (std::size_t v = 0; v < Nv; ++v) acc[i * Nv + v] = Pk::fma(av, bv[v], acc[i * Nv + v]);
            }
        }
        CTNN_UNROLL for (std::size_t i = 0; i < Mr; ++i) {
            CTNN_UNROLL for (std::size_t v = 0; v < Nv; ++v) {
                T* cp = c + (row + i) * LdC + col + v * w;
                V val = acc[i * Nv + v];
                if constexpr (Accumulate) val = Pk::load(cp) + val;
                Pk::store(cp, epi(val, row + i, col + v * w));
            }
        }
    }

    /// All rows for Nv packs of A at column `col`.
    template <std::size_t Nv, class A, class T, class Epi>
    static CTNN_INLINE void column_block(const T* a, const T* b, T* c, Epi& epi, std::size_t col) noexcept {
        constexpr std::size_t mr = outer_blocking<A>::rows;
        constexpr std::size_t full = M / mr * mr;
        for (std::size_t r = 0; r < full; r += mr) tile<mr, Nv, A>(a, b, c, epi, r, col);
        if constexpr (full != M) tile<M - full, Nv, A>(a, b, c, epi, full, col);
    }

    /// Columns [col, col + N) in blocks of A's packs; what is left over goes
    /// to the next narrower architecture.
    template <std::size_t N, class A, class T, class Epi>
    static CTNN_INLINE void columns(const T* a, const T* b, T* c, Epi& epi, std::size_t col) noexcept {
        constexpr std::size_t w = width<T, A>;
        constexpr std::size_t nv = outer_blocking<A>::packs;
        constexpr std::size_t block = nv * w;
        constexpr std::size_t blocks_end = N / block * block;
        for (std::size_t j = 0; j < blocks_end; j += block) column_block<nv, A>(a, b, c, epi, col + j);
        constexpr std::size_t rest_packs = (N - blocks_end) / w;
        if constexpr (rest_packs > 0) column_block<rest_packs, A>(a, b, c, epi, col + blocks_end);
        constexpr std::size_t done = blocks_end + rest_packs * w;
        if constexpr (done != N) columns<N - done, narrower_t<A>>(a, b, c, epi, col + done);
    }

    /// Loop order: with a short reduction (P <= 4, e.g. the rank-1 update of
    /// a batch-1 weight gradient) into an output larger than L1, the work is
    /// bound by writing C: each row is written as one stream, with a scalar head so
    /// that its packs are stored at cache-line boundaries (a row of 1000
    /// floats starts mid-line every other row; split stores measured 20%
    /// slower). Otherwise column blocks go outside so a panel of B stays in
    /// L1 across the row tiles.
    template <class T, class Epi>
    static CTNN_INLINE void run(const T* a, const T* b, T* c, Epi& epi) noexcept {
        if constexpr (P <= 4 && M * Cols * sizeof(T) > 32768 && Cols >= 4 * width<T>) {
            constexpr std::size_t w = width<T>;
            for (std::size_t r = 0; r < M; ++r) {
                const auto addr = reinterpret_cast<std::uintptr_t>(c + r * LdC);
                std::size_t head = addr % sizeof(T) == 0 ? ((64 - addr % 64) % 64) / sizeof(T) : 0;
                if (head > Cols) head = Cols;
                std::size_t j = 0;
                for (; j < head; ++j) tile<1, 1, scalar_arch>(a, b, c, epi, r, j);
                for (; j + 4 * w <= Cols; j += 4 * w) tile<1, 4, best_arch>(a, b, c, epi, r, j);
                for (; j + w <= Cols; j += w) tile<1, 1, best_arch>(a, b, c, epi, r, j);
                for (; j < Cols; ++j) tile<1, 1, scalar_arch>(a, b, c, epi, r, j);
            }
        } else {
            columns<Cols, best_arch>(a, b, c, epi, 0);
        }
    }
};

}  // namespace ctnn::simd::detail
