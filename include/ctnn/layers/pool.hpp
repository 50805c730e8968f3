#pragma once
/// \file pool.hpp
/// Pooling, as PyTorch's (floor mode, no dilation):
///
/// | ctnn | sample | PyTorch |
/// |---|---|---|
/// | `MaxPool1D<K, S = K, P = 0>` | `[C, L]` | `nn.MaxPool1d(K, S, P)` |
/// | `AvgPool1D<K, S = K, P = 0>` | `[C, L]` | `nn.AvgPool1d(K, S, P)` |
/// | `MaxPool2D<KH, KW, SH = KH, SW = KW, PH = 0, PW = 0>` | `[C, H, W]` | `nn.MaxPool2d((KH, KW), (SH, SW), (PH, PW))` |
/// | `AvgPool2D<KH, KW, SH = KH, SW = KW, PH = 0, PW = 0>` | `[C, H, W]` | `nn.AvgPool2d((KH, KW), (SH, SW), (PH, PW))` |
/// | `GlobalAvgPool` | `[C, ...]` → `[C]` | `nn.AdaptiveAvgPool2d(1)` (or `1d`) then `nn.Flatten()` |
///
/// Output length per axis: ⌊(L + 2P − K) / S⌋ + 1. Max pooling pads with −∞
/// (a padded cell never wins), takes the first maximum of a window, and a NaN
/// wins (as PyTorch); its training forward keeps each output's winning index
/// for backward, which routes the gradient there. Average pooling counts the
/// padding (`count_include_pad=True`, PyTorch's default): it divides by the
/// window's size. A window larger than the padded input and padding more
/// than half the kernel are `ctnn:` compile errors naming the layer and the
/// shapes.

#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>

#include "../core/config.hpp"
#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "../simd/pool.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

template <std::size_t K, std::size_t Stride = K, std::size_t Padding = 0>
struct MaxPool1D {
    struct needs_a_kernel_and_a_stride_of_at_least_1;
    using broken_rule = check::first_broken_t<check::rule<!(K > 0 && Stride > 0), needs_a_kernel_and_a_stride_of_at_least_1>>;
    static std::string name() {
        return "MaxPool1D<" + std::to_string(K) + ", " + std::to_string(Stride) + ", " + std::to_string(Padding) + ">";
    }
};
template <std::size_t K, std::size_t Stride = K, std::size_t Padding = 0>
struct AvgPool1D {
    struct needs_a_kernel_and_a_stride_of_at_least_1;
    using broken_rule = check::first_broken_t<check::rule<!(K > 0 && Stride > 0), needs_a_kernel_and_a_stride_of_at_least_1>>;
    static std::string name() {
        return "AvgPool1D<" + std::to_string(K) + ", " + std::to_string(Stride) + ", " + std::to_string(Padding) + ">";
    }
};
template <std::size_t KH, std::size_t KW, std::size_t SH = KH, std::size_t SW = KW, std::size_t PH = 0,
          std::size_t PW = 0>
struct MaxPool2D {
    struct needs_kernels_and_strides_of_at_least_1;
    using broken_rule =
        check::first_broken_t<check::rule<!(KH > 0 && KW > 0 && SH > 0 && SW > 0), needs_kernels_and_strides_of_at_least_1>>;
    static std::string name() {
        return "MaxPool2D<" + std::to_string(KH) + "x" + std::to_string(KW) + ", stride " + std::to_string(SH) + "x" +
               std::to_string(SW) + ", padding " + std::to_string(PH) + "x" + std::to_string(PW) + ">";
    }
};
template <std::size_t KH, std::size_t KW, std::size_t SH = KH, std::size_t SW = KW, std::size_t PH = 0,
          std::size_t PW = 0>
struct AvgPool2D {
    struct needs_kernels_and_strides_of_at_least_1;
    using broken_rule =
        check::first_broken_t<check::rule<!(KH > 0 && KW > 0 && SH > 0 && SW > 0), needs_kernels_and_strides_of_at_least_1>>;
    static std::string name() {
        return "AvgPool2D<" + std::to_string(KH) + "x" + std::to_string(KW) + ", stride " + std::to_string(SH) + "x" +
               std::to_string(SW) + ", padding " + std::to_string(PH) + "x" + std::to_string(PW) + ">";
    }
};
/// The mean of each channel: `[C, ...]` → `[C]`.
struct GlobalAvgPool {
    static std::string name() { return "GlobalAvgPool"; }
};

namespace check {
/// The pooling layer `Spec` at `Path` and the sample shape it got.
template <class Path, class Spec>
struct pool_layer {
    template <class In>
    struct gets {
        struct a_sample_of_the_rank_it_pools {
            static constexpr bool holds = false;
        };
        template <std::size_t PaddedH, std::size_t PaddedW>
        struct padded_to {
            template <std::size_t KH, std::size_t KW>
            struct holds_a_window_of {
                static constexpr bool holds = false;
            };
        };
    };
    template <std::size_t KH, std::size_t KW>
    struct kernel {
        template <std::size_t PH, std::size_t PW>
        struct has_padding_at_most_half_of_it {
            static constexpr bool holds = false;
        };
    };
};
}  // namespace check

namespace layers {

template <bool Fails, class Where, class In>
using require_pool_rank =
    check::fails_if<Fails, check::fault::pool_rank,
                    typename check::pool_layer<typename Where::path, typename Where::spec>::template gets<
                        In>::a_sample_of_the_rank_it_pools>;
template <bool Fails, class Where, std::size_t KH, std::size_t KW, std::size_t PH, std::size_t PW>
using require_pool_padding =
    check::fails_if<Fails, check::fault::pool_padding,
                    typename check::pool_layer<typename Where::path, typename Where::spec>::template kernel<
                        KH, KW>::template has_padding_at_most_half_of_it<PH, PW>>;
template <bool Fails, class Where, class In, std::size_t PH, std::size_t PW, std::size_t KH, std::size_t KW>
using require_pool_window =
    check::fails_if<Fails, check::fault::pool_window,
                    typename check::pool_layer<typename Where::path, typename Where::spec>::template gets<
                        In>::template padded_to<PH, PW>::template holds_a_window_of<KH, KW>>;

/// Pooling of `C` planes `H × W` (the 1-D forms: H = 1) by `KH × KW`
/// windows; `Max` or average (padding counted). The passes run simd/pool.hpp's
/// kernels plane by plane (in a constant expression, the scalar loops below,
/// which the tests also hold the kernels to).
template <bool Max, class S, std::size_t C, std::size_t H, std::size_t W, std::size_t KH, std::size_t KW,
          std::size_t SH, std::size_t SW, std::size_t PH, std::size_t PW, class OutS>
struct pool2d {
    using in_shape = S;
    using out_shape = OutS;
    static constexpr std::size_t OH = (H + 2 * PH - KH) / SH + 1;
    static constexpr std::size_t OW = (W + 2 * PW - KW) / SW + 1;
    static_assert(OutS::size == C * OH * OW);
    static constexpr std::size_t flops_forward = C * OH * OW * KH * KW;
    static constexpr std::size_t flops_backward = Max ? C * H * W : C * OH * OW * KH * KW;
    /// Max: the input index (within the plane) of each output's maximum.
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = Max ? B * C * OH * OW : 0;
    using kernel_shape = simd::pool_shape<H, W, KH, KW, SH, SW, PH, PW>;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = kernel_shape::template work<T>;

    template <class T, std::size_t B, bool Train, class St>
    static constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        if (std::is_constant_evaluated()) return forward_scalar(c);
        for (std::size_t p = 0; p < B * C; ++p) {
            if constexpr (Max)
                simd::max_pool_plane<H, W, KH, KW, SH, SW, PH, PW, Train>(
                    c.in + p * H * W, c.out + p * OH * OW, Train ? c.saved + p * OH * OW : nullptr, c.scratch);
            else
                simd::avg_pool_plane<H, W, KH, KW, SH, SW, PH, PW>(c.in + p * H * W, c.out + p * OH * OW, c.scratch);
        }
    }

    template <class T, std::size_t B, class St>
    static void backward(const backward_context<T, B, St>& c) noexcept {
        if (!c.din) return;
        for (std::size_t p = 0; p < B * C; ++p) {
            if constexpr (Max)
                simd::max_pool_plane_backward<H, W, OH * OW>(c.dout + p * OH * OW, c.saved + p * OH * OW,
                                                             c.din + p * H * W);
            else
                simd::avg_pool_plane_backward<H, W, KH, KW, SH, SW, PH, PW>(c.dout + p * OH * OW, c.din + p * H * W,
                                                                            c.scratch);
        }
    }

    /// The forward pass as a plain scan of each window (constant expressions; the kernels' reference).
    template <class T, std::size_t B, bool Train, class St>
    static constexpr void forward_scalar(const forward_context<T, B, Train, St>& c) noexcept {
        constexpr T inv = T(1) / T(KH * KW);
        for (std::size_t p = 0; p < B * C; ++p) {
            const T* x = c.in + p * H * W;
            T* y = c.out + p * OH * OW;
            for (std::size_t oh = 0; oh < OH; ++oh)
                for (std::size_t ow = 0; ow < OW; ++ow) {
                    // window rows [h0, h1) and columns [w0, w1) inside the input
                    const std::size_t hs = oh * SH, ws = ow * SW;  // in padded coordinates
                    const std::size_t h0 = hs < PH ? 0 : hs - PH, h1 = hs + KH - PH < H ? hs + KH - PH : H;
                    const std::size_t w0 = ws < PW ? 0 : ws - PW, w1 = ws + KW - PW < W ? ws + KW - PW : W;
                    if constexpr (Max) {
                        T best = -std::numeric_limits<T>::infinity();
                        std::size_t at = h0 * W + w0;
                        auto visit = [&](std::size_t i) CTNN_INLINE_LAMBDA {
                            const T v = x[i];
                            const bool take = (v > best) | (v != v);  // as PyTorch: a later NaN takes over
                            best = take ? v : best;                   // (branch-free: selects)
                            at = take ? i : at;
                        };
                        if (h1 - h0 == KH && w1 - w0 == KW) {  // inside the input: fixed trip counts
                            for (std::size_t h = 0; h < KH; ++h)
                                for (std::size_t w = 0; w < KW; ++w) visit((h0 + h) * W + w0 + w);
                        } else {
                            for (std::size_t h = h0; h < h1; ++h)
                                for (std::size_t w = w0; w < w1; ++w) visit(h * W + w);
                        }
                        y[oh * OW + ow] = best;
                        if constexpr (Train) c.saved[p * OH * OW + oh * OW + ow] = T(at);
                    } else {
                        T s = 0;
                        for (std::size_t h = h0; h < h1; ++h)
                            for (std::size_t w = w0; w < w1; ++w) s += x[h * W + w];
                        y[oh * OW + ow] = s * inv;
                    }
                }
        }
    }

    /// The backward pass window by window (the kernels' reference).
    template <class T, std::size_t B, class St>
    static void backward_scalar(const backward_context<T, B, St>& c) noexcept {
        if (!c.din) return;
        constexpr T inv = T(1) / T(KH * KW);
        for (std::size_t i = 0; i < B * C * H * W; ++i) c.din[i] = T(0);
        for (std::size_t p = 0; p < B * C; ++p) {
            T* dx = c.din + p * H * W;
            const T* dy = c.dout + p * OH * OW;
            if constexpr (Max) {
                const T* at = c.saved + p * OH * OW;
                for (std::size_t o = 0; o < OH * OW; ++o) dx[std::size_t(at[o])] += dy[o];
            } else {
                for (std::size_t oh = 0; oh < OH; ++oh)
                    for (std::size_t ow = 0; ow < OW; ++ow) {
                        const std::size_t hs = oh * SH, ws = ow * SW;
                        const std::size_t h0 = hs < PH ? 0 : hs - PH, h1 = hs + KH - PH < H ? hs + KH - PH : H;
                        const std::size_t w0 = ws < PW ? 0 : ws - PW, w1 = ws + KW - PW < W ? ws + KW - PW : W;
                        const T g = dy[oh * OW + ow] * inv;
                        for (std::size_t h = h0; h < h1; ++h)
                            for (std::size_t w = w0; w < w1; ++w) dx[h * W + w] += g;
                    }
            }
        }
    }
};

/// The mean of each of `C` channels over `L` values.
template <class S, std::size_t C, std::size_t L>
struct global_avg_pool {
    using in_shape = S;
    using out_shape = Shape<C>;
    static constexpr std::size_t flops_forward = C * L;
    static constexpr std::size_t flops_backward = C * L;

    template <class T, std::size_t B, bool Train, class St>
    static constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        for (std::size_t p = 0; p < B * C; ++p) {
            c.out[p] = simd::sum_n<L>(c.in + p * L) / T(L);
        }
    }
    template <class T, std::size_t B, class St>
    static void backward(const backward_context<T, B, St>& c) noexcept {
        if (!c.din) return;
        for (std::size_t p = 0; p < B * C; ++p) {
            const T g = c.dout[p] / T(L);
            simd::map_n<L>([g](auto v) CTNN_INLINE_LAMBDA { return decltype(v)(g); }, c.din + p * L, c.din + p * L);
        }
    }
};

/// The binding of a pooling spec over `Rank`-dimensional samples (2: `[C, L]`, 3: `[C, H, W]`).
template <bool Max, std::size_t Rank, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PH,
          std::size_t PW>
struct pool_binding {
    template <class In>
    static constexpr std::size_t h = In::rank == 3 ? In::dims[1] : 1;
    template <class In>
    static constexpr std::size_t w = In::dims[In::rank - 1];
    template <class In>
    static constexpr bool window_fits = KH <= h<In> + 2 * PH && KW <= w<In> + 2 * PW;
    static constexpr bool padding_ok = PH <= KH / 2 && PW <= KW / 2;
    template <class In>
    static constexpr bool accepts = In::rank == Rank && padding_ok && window_fits<In>;
    template <class In, class Where>
    using diagnosis =
        check::first_t<require_pool_rank<In::rank != Rank, Where, In>,
                       require_pool_padding<(In::rank == Rank && !padding_ok), Where, KH, KW, PH, PW>,
                       require_pool_window<In::rank == Rank && padding_ok && !window_fits<In>, Where, In,
                                           h<In> + 2 * PH, w<In> + 2 * PW, KH, KW>>;
    template <class In>
    using out = std::conditional_t<Rank == 2, Shape<In::dims[0], (w<In> + 2 * PW - KW) / SW + 1>,
                                   Shape<In::dims[0], (h<In> + 2 * PH - KH) / SH + 1, (w<In> + 2 * PW - KW) / SW + 1>>;
    template <class In>
    using type = pool2d<Max, In, In::dims[0], h<In>, w<In>, KH, KW, SH, SW, PH, PW, out<In>>;
};

template <std::size_t K, std::size_t S, std::size_t P>
struct binding<MaxPool1D<K, S, P>> : pool_binding<true, 2, 1, K, 1, S, 0, P> {};
template <std::size_t K, std::size_t S, std::size_t P>
struct binding<AvgPool1D<K, S, P>> : pool_binding<false, 2, 1, K, 1, S, 0, P> {};
template <std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PH, std::size_t PW>
struct binding<MaxPool2D<KH, KW, SH, SW, PH, PW>> : pool_binding<true, 3, KH, KW, SH, SW, PH, PW> {};
template <std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW, std::size_t PH, std::size_t PW>
struct binding<AvgPool2D<KH, KW, SH, SW, PH, PW>> : pool_binding<false, 3, KH, KW, SH, SW, PH, PW> {};

template <>
struct binding<GlobalAvgPool> {
    template <class In>
    static constexpr bool accepts = In::rank >= 2;
    template <class In, class Where>
    using diagnosis = require_pool_rank<(In::rank < 2), Where, In>;
    template <class In>
    using type = global_avg_pool<In, In::dims[0], In::size / In::dims[0]>;
};

}  // namespace layers
}  // namespace ctnn
