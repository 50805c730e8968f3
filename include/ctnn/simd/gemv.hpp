#pragma once
/// \file gemv.hpp
/// Matrix-vector product `y = epi(W x)` with `W: [Out, In]` (PyTorch's
/// layout): the forward product at batch 1. Tiles of one pack of outputs are
/// reduced with one `haddp`, so bias and activation are applied to a whole
/// pack of outputs in registers. No allocation; 2·Out·In flops.

#include <cstddef>
#include <type_traits>

#include "gemm.hpp"

namespace ctnn::simd {

/// `y[o] = epi(Σ_i w[o,i]·x[i], 0, o)`.
template <std::size_t Out, std::size_t In, class T, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE constexpr void gemv_n(const T* w, const T* x, T* y, Epi epi = {}) noexcept {
    if constexpr (In == 1) {
        // W [Out, 1] is one contiguous column: y = epi(w · x[0]) in whole
        // packs, one multiply each, no reduction and no buffer
        if (!std::is_constant_evaluated()) {
            for_each_pack<T, Out>([&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
                using P = pack_traits<T, A>;
                P::store(y + i, epi(P::load(w + i) * P::splat(x[0]), 0, i));
            });
            return;
        }
    }
    gemm_xwt_n<1, Out, In>(x, w, y, epi);
}

/// Row length of a transposed W for `gemv_t_n`: `Out` rounded up to whole packs.
template <class T, std::size_t Out>
inline constexpr std::size_t gemv_t_stride = (Out + width<T> - 1) / width<T> * width<T>;

/// `y[o] = epi(Σ_i w[o,i]·x[i], 0, o)` with W stored transposed (column-major):
/// `wt[i·S + o] = w[o,i]`, `S = gemv_t_stride<T, Out>`, zeros in the padding.
/// Each pack of outputs accumulates broadcast-x FMAs, no reduction across
/// lanes (the [out, in] layout needs one per output). The In terms are split
/// over `chains` independent accumulators per pack (enough that ~8 FMAs are
/// in flight: 4 cycles of latency, 2 ports), summed pairwise at the end. The
/// last pack reaches `epi` whole (lanes past `Out` hold 0 before `epi`); only
/// `y[0, Out)` is written. For small `In` (16 to 128 measured) this is
/// shorter than `gemv_n`; the sums are in another order than `gemv_n`'s.
template <std::size_t Out, std::size_t In, class T, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemv_t_n(const T* wt, const T* x, T* y, Epi epi = {}) noexcept {
    using P = pack_traits<T, best_arch>;
    using V = typename P::type;
    constexpr std::size_t w = P::width, packs = (Out + w - 1) / w, stride = packs * w;
    constexpr std::size_t want = packs >= 8 ? 1 : 8 / packs;
    constexpr std::size_t chains = want < In ? want : In;
    V acc[chains][packs];
    for (std::size_t k = 0; k < chains; ++k)
        for (std::size_t p = 0; p < packs; ++p) acc[k][p] = P::splat(T(0));
    for (std::size_t i = 0; i < In; i += chains) {
        for (std::size_t k = 0; k < chains; ++k) {
            if (i + k < In) {
                const V xv = P::splat(x[i + k]);
                for (std::size_t p = 0; p < packs; ++p)
                    acc[k][p] = P::fma(P::load(wt + (i + k) * stride + p * w), xv, acc[k][p]);
            }
        }
    }
    for (std::size_t step = 1; step < chains; step *= 2)
        for (std::size_t k = 0; k + step < chains; k += 2 * step)
            for (std::size_t p = 0; p < packs; ++p) acc[k][p] = acc[k][p] + acc[k + step][p];
    constexpr std::size_t full = Out / w;
    for (std::size_t p = 0; p < full; ++p) P::store(y + p * w, epi(acc[0][p], 0, p * w));
    if constexpr (full < packs) {
        alignas(64) T last[w];
        P::store(last, epi(acc[0][full], 0, full * w));
        for (std::size_t o = 0; o < Out - full * w; ++o) y[full * w + o] = last[o];
    }
}

namespace detail {
template <class SW, class SX>
inline constexpr bool gemv_ranks = SW::rank == 2 && SX::rank == 1;
template <class SW, class SX>
inline constexpr bool gemv_inner_extents_match = SW::dims[1] == SX::dims[0];
}  // namespace detail

/// `y = epi(W x)`, e.g. `gemv(W, x, y, epilogue::bias{b.data()})` for `W x + b`.
template <TensorLike W, TensorLike X, TensorLike Y, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemv(const W& w, const X& x, Y& y, Epi epi = {}) noexcept {
    using SW = typename W::shape_type;
    using SX = typename X::shape_type;
    using SY = typename Y::shape_type;
    static_assert(detail::gemv_ranks<SW, SX>, "ctnn: gemv takes a matrix W [Out, In] and a vector x [In]");
    if constexpr (detail::gemv_ranks<SW, SX>) {
        static_assert(detail::gemv_inner_extents_match<SW, SX>, "ctnn: gemv needs W [Out, In] and x [In] with the same In");
        if constexpr (detail::gemv_inner_extents_match<SW, SX>) {
            static_assert(detail::output_shape_matches<Shape<SW::dims[0]>, SY>,
                          "ctnn: the output tensor must have the product's shape [Out]");
            if constexpr (detail::output_shape_matches<Shape<SW::dims[0]>, SY>)
                gemv_n<SW::dims[0], SW::dims[1]>(w.data(), x.data(), y.data(), epi);
        }
    }
}

}  // namespace ctnn::simd
