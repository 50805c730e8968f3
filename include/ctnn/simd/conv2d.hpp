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
/// One tap (kh, kw) of one channel c: patch row `row`, whose output rows
/// `[oh0, oh1)` and columns `[ow0, ow1)` (compile-time) see the input;
/// `in(oh)` is the input offset of output (oh, ow0).
template <std::size_t Ow0, std::size_t Ow1>
struct patch_row {
    static constexpr std::size_t ow0 = Ow0, ow1 = Ow1;
    std::size_t row, oh0, oh1;
    std::size_t base, step;  // in(oh) = base + oh·step, in modular arithmetic (base may wrap below 0)
    [[nodiscard]] CTNN_INLINE std::size_t in(std::size_t oh) const noexcept { return base + oh * step; }
};

/// `f(patch_row<...>{...})` for every (c, kh, kw) of a 2-D convolution's
/// patch matrix, kw unrolled so that the column span is a constant.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t S, std::size_t D,
          std::size_t PT, std::size_t PL, std::size_t Ho, std::size_t Wo, class F>
CTNN_INLINE void for_each_patch_row(F&& f) noexcept {
    using rows = tap_span<H, Ho, S, D, PT>;
    using cols = tap_span<W, Wo, S, D, PL>;
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t kh = 0; kh < KH; ++kh) {
            const std::size_t oh0 = rows::lo(kh), oh1 = rows::hi(kh) > oh0 ? rows::hi(kh) : oh0;
            [&]<std::size_t... kw>(std::index_sequence<kw...>) {
                (f(patch_row<cols::lo(kw), (cols::hi(kw) > cols::lo(kw) ? cols::hi(kw) : cols::lo(kw))>{
                     (c * KH + kh) * KW + kw, oh0, oh1,
                     (c * H + kh * D - PT) * W + cols::lo(kw) * S + kw * D - PL, S * W}),
                 ...);
            }(std::make_index_sequence<KW>{});
        }
}
}  // namespace detail

/// `cols[((c·KH + kh)·KW + kw)·Ho·Wo + oh·Wo + ow] = x[c, oh·S + kh·D - PT, ow·S + kw·D - PL]`,
/// zero where that position is padding. The column span of each kw is a
/// compile-time constant, so each row is a fixed-length copy.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t S, std::size_t D,
          std::size_t PT, std::size_t PL, std::size_t Ho, std::size_t Wo, class T>
CTNN_REALTIME CTNN_INLINE void im2col_2d(const T* x, T* cols) noexcept {
    detail::for_each_patch_row<C, H, W, KH, KW, S, D, PT, PL, Ho, Wo>([&](auto r) CTNN_INLINE_LAMBDA {
        constexpr std::size_t ow0 = decltype(r)::ow0, ow1 = decltype(r)::ow1;
        T* to = cols + r.row * Ho * Wo;
        for (std::size_t i = 0; i < r.oh0 * Wo; ++i) to[i] = T(0);
        for (std::size_t oh = r.oh0; oh < r.oh1; ++oh) {
            T* out = to + oh * Wo;
            const T* from = x + r.in(oh);
            for (std::size_t ow = 0; ow < ow0; ++ow) out[ow] = T(0);
            if constexpr (ow1 > ow0) {
                if constexpr (S == 1)
                    map_n<ow1 - ow0>([](auto v) CTNN_INLINE_LAMBDA { return v; }, out + ow0, from);
                else
                    for (std::size_t ow = ow0; ow < ow1; ++ow) out[ow] = from[(ow - ow0) * S];
            }
            for (std::size_t ow = ow1; ow < Wo; ++ow) out[ow] = T(0);
        }
        for (std::size_t i = r.oh1 * Wo; i < Ho * Wo; ++i) to[i] = T(0);
    });
}

/// `dx[c, oh·S + kh·D - PT, ow·S + kw·D - PL] += dcols[...]` (im2col_2d's
/// transpose; entries on padding are dropped; dx is not cleared).
template <std::size_t C, std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t S, std::size_t D,
          std::size_t PT, std::size_t PL, std::size_t Ho, std::size_t Wo, class T>
CTNN_REALTIME CTNN_INLINE void col2im_add_2d(const T* dcols, T* dx) noexcept {
    detail::for_each_patch_row<C, H, W, KH, KW, S, D, PT, PL, Ho, Wo>([&](auto r) CTNN_INLINE_LAMBDA {
        constexpr std::size_t n = decltype(r)::ow1 - decltype(r)::ow0;
        if constexpr (n > 0) {
            for (std::size_t oh = r.oh0; oh < r.oh1; ++oh) {
                T* to = dx + r.in(oh);
                const T* g = dcols + r.row * Ho * Wo + oh * Wo + decltype(r)::ow0;
                if constexpr (S == 1)
                    map_n<n>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, to, to, g);
                else
                    for (std::size_t ow = 0; ow < n; ++ow) to[ow * S] += g[ow];
            }
        }
    });
}

}  // namespace ctnn::simd
