#pragma once
/// \file conv2d.hpp
/// Kernels of 2-D convolutions over channel-major images `[C, H, W]`:
///  - `im2col_2d`: the image, zero-padded by `PT` rows on top and `PL`
///    columns on the left (and as many as the output needs after), becomes
///    the patch matrix `[C·KH·KW, Ho·Wo]`: row (c·KH + kh)·KW + kw holds
///    channel c seen by tap (kh, kw) at every output position, row-major
///    over (oh, ow). Rows are in the order of a weight `[Out, C, KH, KW]`,
///    so a convolution is `W [Out, C·KH·KW] · cols` with gemm.hpp's
///    products and their fused epilogues. The padding is never
///    materialised: each (tap, output row) copies the span of the input row
///    it sees and writes zeros around it.
///  - `col2im_add_2d`: the transpose, adding a patch gradient onto the
///    unpadded input's gradient (taps that fall on padding are dropped).
/// Stride `S` and dilation `D` are the same on both axes. No allocation;
/// every extent is a template argument.

#include <cstddef>
#include <type_traits>
#include <utility>

#include "map.hpp"

namespace ctnn::simd {

namespace detail {
/// The output positions `[lo, hi)` of one axis whose tap `k` lands inside
/// the input (`n` values, `pad` zeros before): o·S + k·D - pad ∈ [0, n).
template <std::size_t N, std::size_t Out, std::size_t S, std::size_t D, std::size_t Pad>
struct tap_span {
    static constexpr std::size_t lo(std::size_t k) noexcept {
        const std::size_t off = k * D;
        return off >= Pad ? 0 : (Pad - off + S - 1) / S;
    }
    static constexpr std::size_t hi(std::size_t k) noexcept {
        const std::size_t off = k * D;
        if (off >= Pad + N) return 0;  // every position past the input
        const std::size_t h = (Pad + N - 1 - off) / S + 1;
        return h < Out ? h : Out;
    }
};
}  // namespace detail

namespace detail {
/// `f(std::integral_constant<std::size_t, k>{})` for each k < N.
template <std::size_t N, class F>
CTNN_INLINE void for_taps(F&& f) noexcept {
    [&]<std::size_t... k>(std::index_sequence<k...>) {
        (f(std::integral_constant<std::size_t, k>{}), ...);
    }(std::make_index_sequence<N>{});
}
}  // namespace detail

/// `cols[((c·KH + kh)·KW + kw)·Ho·Wo + oh·Wo + ow] = x[c, oh·S + kh·D - PT, ow·S + kw·D - PL]`,
/// zero where that position is padding. The column span of each kw is a
/// compile-time constant, so each row is a fixed-length copy.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t S, std::size_t D,
          std::size_t PT, std::size_t PL, std::size_t Ho, std::size_t Wo, class T>
CTNN_REALTIME CTNN_INLINE void im2col_2d(const T* x, T* cols) noexcept {
    using rows = detail::tap_span<H, Ho, S, D, PT>;
    using cols_of = detail::tap_span<W, Wo, S, D, PL>;
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t kh = 0; kh < KH; ++kh) {
            const std::size_t oh0 = rows::lo(kh), oh1 = rows::hi(kh) > oh0 ? rows::hi(kh) : oh0;
            detail::for_taps<KW>([&](auto kw_) CTNN_INLINE_LAMBDA {
                constexpr std::size_t kw = decltype(kw_)::value;
                constexpr std::size_t ow0 = cols_of::lo(kw);
                constexpr std::size_t ow1 = cols_of::hi(kw) > ow0 ? cols_of::hi(kw) : ow0;
                T* to = cols + ((c * KH + kh) * KW + kw) * Ho * Wo;
                for (std::size_t i = 0; i < oh0 * Wo; ++i) to[i] = T(0);
                for (std::size_t oh = oh0; oh < oh1; ++oh) {
                    T* out = to + oh * Wo;
                    // ow0·S + kw·D ≥ PL, so the first column read is in the row
                    const T* from = x + (c * H + oh * S + kh * D - PT) * W + ow0 * S + kw * D - PL;
                    for (std::size_t ow = 0; ow < ow0; ++ow) out[ow] = T(0);
                    if constexpr (ow1 > ow0) {
                        if constexpr (S == 1)
                            map_n<ow1 - ow0>([](auto v) CTNN_INLINE_LAMBDA { return v; }, out + ow0, from);
                        else
                            for (std::size_t ow = ow0; ow < ow1; ++ow) out[ow] = from[(ow - ow0) * S];
                    }
                    for (std::size_t ow = ow1; ow < Wo; ++ow) out[ow] = T(0);
                }
                for (std::size_t i = oh1 * Wo; i < Ho * Wo; ++i) to[i] = T(0);
            });
        }
}

/// `dx[c, oh·S + kh·D - PT, ow·S + kw·D - PL] += dcols[...]` (im2col_2d's
/// transpose; entries on padding are dropped; dx is not cleared).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t S, std::size_t D,
          std::size_t PT, std::size_t PL, std::size_t Ho, std::size_t Wo, class T>
CTNN_REALTIME CTNN_INLINE void col2im_add_2d(const T* dcols, T* dx) noexcept {
    using rows = detail::tap_span<H, Ho, S, D, PT>;
    using cols_of = detail::tap_span<W, Wo, S, D, PL>;
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t kh = 0; kh < KH; ++kh) {
            const std::size_t oh0 = rows::lo(kh), oh1 = rows::hi(kh);
            detail::for_taps<KW>([&](auto kw_) CTNN_INLINE_LAMBDA {
                constexpr std::size_t kw = decltype(kw_)::value;
                constexpr std::size_t ow0 = cols_of::lo(kw), ow1 = cols_of::hi(kw);
                if constexpr (ow1 > ow0) {
                    const T* from = dcols + ((c * KH + kh) * KW + kw) * Ho * Wo;
                    for (std::size_t oh = oh0; oh < oh1; ++oh) {
                        T* to = dx + (c * H + oh * S + kh * D - PT) * W + ow0 * S + kw * D - PL;
                        const T* g = from + oh * Wo + ow0;
                        if constexpr (S == 1)
                            map_n<ow1 - ow0>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, to, to, g);
                        else
                            for (std::size_t ow = 0; ow < ow1 - ow0; ++ow) to[ow * S] += g[ow];
                    }
                }
            });
        }
}

}  // namespace ctnn::simd
