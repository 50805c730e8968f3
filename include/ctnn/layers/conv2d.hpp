#pragma once
/// \file conv2d.hpp
/// `Conv2D<Out, KH, KW = KH, Stride, Dilation, Groups, Padding>`: PyTorch's
/// `nn.Conv2d(C, Out, (KH, KW), stride, padding, dilation, groups)` with
/// `weight [Out, C/Groups, KH, KW]` and `bias [Out]`, on images `[C, H, W]`
/// -> `[Out, Ho, Wo]`. The parameters come in Conv1D's order (kernel,
/// stride, dilation, groups, padding), the kernel's two extents first;
/// stride, dilation and the padding rule apply to both axes:
/// Ho = ⌊(H + pads - (KH-1)·D - 1) / S⌋ + 1 and likewise Wo (Padding:
/// `Valid`, `Same` (stride 1), `Pad<P>`; layers/padding.hpp; `Causal` has
/// no meaning in 2-D and does not compile). `Groups == C` is a depthwise
/// convolution. A following element-wise activation is fused into the
/// product's epilogue.
///
/// Cost: per sample, the patch matrix `[C·KH·KW, Ho·Wo]` is built in the
/// scratch (im2col, padding never materialised) and gemm.hpp's products run
/// on it per group, 2·Out·(C/G)·KH·KW·Ho·Wo flops a sample; backward rebuilds
/// the patches, forms ∂W with the forward-form product, ∂patches with the
/// weight-gradient form, and scatters them back (col2im). Nothing allocates.

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

#include "../simd/blas1.hpp"
#include "../simd/conv2d.hpp"
#include "../simd/gemm.hpp"
#include "../simd/map.hpp"
#include "activation.hpp"
#include "checks.hpp"
#include "conv1d.hpp"
#include "layer_concepts.hpp"
#include "padding.hpp"

namespace ctnn {

/// A 2-D convolution with `Out` output channels and a `KH` x `KW` kernel
/// whose taps are `Dilation` apart, moved by `Stride`, over channels split
/// into `Groups`, padded as `Padding` says on both axes.
template <std::size_t Out, std::size_t KH, std::size_t KW = KH, std::size_t Stride = 1, std::size_t Dilation = 1,
          std::size_t Groups = 1, class Padding = Valid>
struct Conv2D {
    struct needs_at_least_one_output_channel_and_a_kernel_of_1x1_or_more;
    struct needs_stride_dilation_and_groups_of_at_least_1;
    struct needs_Padding_Valid_Same_or_Pad_P;
    using broken_rule = check::first_broken_t<
        check::rule<!(Out > 0 && KH > 0 && KW > 0), needs_at_least_one_output_channel_and_a_kernel_of_1x1_or_more>,
        check::rule<!(Stride > 0 && Dilation > 0 && Groups > 0), needs_stride_dilation_and_groups_of_at_least_1>,
        check::rule<!PaddingRule<Padding>, needs_Padding_Valid_Same_or_Pad_P>>;
    static std::string name() {
        return "Conv2D<" + std::to_string(Out) + ", " + std::to_string(KH) + "x" + std::to_string(KW) + ", stride " +
               std::to_string(Stride) + ", dilation " + std::to_string(Dilation) + ", groups " +
               std::to_string(Groups) + ", " + Padding::name() + ">";
    }
};

namespace check {
/// The conditions a Conv2D's binding asserts (named so that the compiler
/// prints the layer's path, its spec and the input shape).
template <class Path, class Spec>
struct conv2d {
    template <class In>
    struct takes_an_image_c_h_w {
        static constexpr bool holds = false;
    };
    template <class In>
    struct padding_is_not_causal {
        static constexpr bool holds = false;
    };
    template <class In>
    struct channels_are_divisible_by_groups {
        static constexpr bool holds = false;
    };
    template <class In>
    struct output_channels_are_divisible_by_groups {
        static constexpr bool holds = false;
    };
    template <class In>
    struct kernel_fits_in_the_padded_input {
        static constexpr bool holds = false;
    };
    template <class In>
    struct same_padding_has_stride_1 {
        static constexpr bool holds = false;
    };
};
}  // namespace check

namespace layers {

namespace conv2d_detail {

/// Parameter table of nn.Conv2d: weight [Out, C/G, KH, KW], bias [Out], both
/// U(±1/√fan_in) with fan_in = C/G·KH·KW (kaiming_uniform(a=√5) and the bias rule).
template <class T, std::size_t Out, std::size_t Cg, std::size_t KH, std::size_t KW>
constexpr std::array<param_info, 2> params() noexcept {
    constexpr std::size_t fan_in = Cg * KH * KW, fan_out = Out * KH * KW;
    constexpr init_rule rule{init_rule::uniform_inv_sqrt, double(fan_in)};
    return {param_info{"weight", 0, 4, {Out, Cg, KH, KW}, param_role::weight, fan_in, fan_out, rule},
            param_info{"bias", aligned_size<T>(Out * fan_in), 1, {Out, 0, 0, 0}, param_role::bias, fan_in, fan_out,
                       rule}};
}

}  // namespace conv2d_detail

/// `[C, H, W]` -> `[Out, Ho, Wo]`, then `Act`.
template <std::size_t C, std::size_t H, std::size_t W, std::size_t Out, std::size_t KH, std::size_t KW, std::size_t S,
          std::size_t D, std::size_t G, class Pad, class Act>
struct conv2d {
    using rows = padded_axis<H, KH, S, D, Pad>;
    using cols = padded_axis<W, KW, S, D, Pad>;
    static constexpr std::size_t Ho = rows::out, Wo = cols::out, HWo = Ho * Wo;
    static constexpr std::size_t PT = rows::before, PL = cols::before;
    static constexpr std::size_t Cg = C / G, Og = Out / G, CK = C * KH * KW, CKg = Cg * KH * KW;
    /// The input is its own patch matrix (1x1, stride 1, no padding).
    static constexpr bool direct = KH == 1 && KW == 1 && S == 1 && PT == 0 && PL == 0 && Ho == H && Wo == W;

    using in_shape = Shape<C, H, W>;
    using out_shape = Shape<Out, Ho, Wo>;
    using activation = Act;
    static constexpr std::size_t param_count = Out * CKg + Out;
    static constexpr std::size_t flops_forward = 2 * Out * CKg * HWo + Out * HWo;
    static constexpr std::size_t flops_backward = 4 * Out * CKg * HWo + Out * HWo;

    template <class T>
    static constexpr std::size_t bias_at = aligned_size<T>(Out * CKg);
    template <class T>
    static constexpr std::size_t storage = bias_at<T> + aligned_size<T>(Out);
    template <class T>
    static constexpr auto params = conv2d_detail::params<T, Out, Cg, KH, KW>();

    // saved: [z (if Act reads it)]
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = Act::needs_z ? aligned_size<T>(B * Out * HWo) : 0;
    // scratch: [patches | dZ | patch gradient]
    template <class T>
    static constexpr std::size_t cols_size = direct ? 0 : aligned_size<T>(CK * HWo);
    template <class T, std::size_t B>
    static constexpr std::size_t dz_size = std::is_same_v<Act, Identity> ? 0 : aligned_size<T>(B * Out * HWo);
    /// ∂W as `(patches_g · dZ_gᵀ)ᵀ` (the outer-product form, on dZ_g transposed) rather than
    /// `dZ_g · patches_gᵀ` (dot products along the positions): 1.7x faster on 32x144x196
    /// (a second 3x3 layer), no better on 16x9x784 (a first one).
    static constexpr bool transposed_dw = CKg >= 64;
    // with transposed_dw: [∂Wᵀ of every group | dZ_gᵀ]
    template <class T>
    static constexpr std::size_t dwt_size = transposed_dw ? aligned_size<T>(Out * CKg) + aligned_size<T>(HWo * Og) : 0;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = 2 * cols_size<T> + dz_size<T, B> + dwt_size<T>;

    template <class T, std::size_t B, bool Train, class St>
    static void forward(const forward_context<T, B, Train, St>& c) noexcept {
        constexpr bool save_z = Train && Act::needs_z;
        for (std::size_t b = 0; b < B; ++b) {
            const T* patches = patch_matrix<T>(c.in + b * C * H * W, c.scratch);
            for (std::size_t g = 0; g < G; ++g)
                forward_group<T, save_z>(c.params + g * Og * CKg, c.params + bias_at<T> + g * Og,
                                         patches + g * CKg * HWo, c.out + (b * Out + g * Og) * HWo,
                                         save_z ? c.saved + (b * Out + g * Og) * HWo : nullptr);
        }
    }

    template <class T, std::size_t B, class St>
    static void backward(const backward_context<T, B, St>& c) noexcept {
        T* colbuf = c.scratch;
        T* dcols = c.scratch + cols_size<T> + dz_size<T, B>;
        T* dwt = dcols + cols_size<T>;  // with transposed_dw
        const T* dz = conv_detail::activation_gradient<B * Out * HWo, Act>(c, c.saved, c.scratch + cols_size<T>);
        T* dw = c.dparams;
        T* db = c.dparams + bias_at<T>;
        for (std::size_t o = 0; o < Out; ++o) {
            T s = 0;
            for (std::size_t b = 0; b < B; ++b) s += simd::sum_n<HWo>(dz + (b * Out + o) * HWo);
            db[o] = s;
        }
        for (std::size_t b = 0; b < B; ++b) {
            const T* patches = patch_matrix<T>(c.in + b * C * H * W, colbuf);
            T* dx = c.din ? c.din + b * C * H * W : nullptr;
            // a direct layer's patch gradient is its input gradient
            T* dp = direct ? dx : dcols;
            for (std::size_t g = 0; g < G; ++g)
                backward_group<T>(c.params + g * Og * CKg, dz + (b * Out + g * Og) * HWo, patches + g * CKg * HWo,
                                  (transposed_dw ? dwt : dw) + g * Og * CKg, dx ? dp + g * CKg * HWo : nullptr, b == 0,
                                  dwt + aligned_size<T>(Out * CKg));
            if constexpr (!direct) {
                if (dx) {
                    for (std::size_t i = 0; i < C * H * W; ++i) dx[i] = T(0);
                    simd::col2im_add_2d<C, H, W, KH, KW, S, D, PT, PL, Ho, Wo>(dcols, dx);
                }
            }
        }
        if constexpr (transposed_dw)
            for (std::size_t g = 0; g < G; ++g)
                for (std::size_t o = 0; o < Og; ++o)
                    for (std::size_t k = 0; k < CKg; ++k) dw[(g * Og + o) * CKg + k] = dwt[(g * CKg + k) * Og + o];
    }

private:
    // One group of one sample, out of line: the same code for every batch
    // size, training or not, and for every group (a few calls a sample; the
    // kernels' unrolled loops stay out of the loops over samples and groups).

    /// `out = Act(W_g · patches_g + bias_g)`, saving the pre-activation in `z` when `SaveZ`.
    template <class T, bool SaveZ>
    [[gnu::noinline]] static void forward_group(const T* w, const T* bias, const T* patches, T* out, T* z) noexcept {
        conv_detail::channel_epilogue<T, Act, true, SaveZ> epi{bias, z, HWo};
        simd::gemm_dyw_n<Og, CKg, HWo>(w, patches, out, epi);
    }

    /// `dW_g (+)= dZ_g · patches_gᵀ` (overwritten when `first`; with transposed_dw, `dw` gets
    /// ∂W_gᵀ [CKg, Og] and `dzt` holds dZ_gᵀ), and `dp = W_gᵀ · dZ_g` unless `dp` is null.
    template <class T>
    [[gnu::noinline]] static void backward_group(const T* w, const T* dz, const T* patches, T* dw, T* dp, bool first,
                                                 T* dzt) noexcept {
        if constexpr (transposed_dw) {
            for (std::size_t p = 0; p < HWo; ++p)
                for (std::size_t o = 0; o < Og; ++o) dzt[p * Og + o] = dz[o * HWo + p];
            if (first)
                simd::gemm_dyw_n<CKg, HWo, Og>(patches, dzt, dw);
            else
                simd::gemm_dyw_n<CKg, HWo, Og>(patches, dzt, dw, simd::epilogue::accumulate<T>{dw, Og});
        } else if (first) {
            simd::gemm_xwt_n<Og, CKg, HWo>(dz, patches, dw);
        } else {
            simd::gemm_xwt_n<Og, CKg, HWo>(dz, patches, dw, simd::epilogue::accumulate<T>{dw, CKg});
        }
        if (dp) simd::gemm_dytx_n<Og, CKg, HWo, false>(w, dz, dp);
    }

    /// The patch matrix of one sample (its input itself when `direct`).
    template <class T>
    static CTNN_INLINE const T* patch_matrix(const T* x, T* to) noexcept {
        if constexpr (direct) {
            return x;
        } else {
            simd::im2col_2d<C, H, W, KH, KW, S, D, PT, PL, Ho, Wo>(x, to);
            return to;
        }
    }
};

// ---- binding -----------------------------------------------------------------------

template <std::size_t Out, std::size_t KH, std::size_t KW, std::size_t S, std::size_t D, std::size_t G, class Pad>
struct binding<Conv2D<Out, KH, KW, S, D, G, Pad>> {
    static constexpr bool takes_epilogue = true;

    template <class In>
    static constexpr bool rank_ok = In::rank == 3;
    static constexpr bool padding_ok = !std::is_same_v<Pad, Causal>;
    template <class In>
    static constexpr bool groups_ok = [] {
        if constexpr (In::rank >= 1)
            return G != 0 && In::dims[0] % (G ? G : 1) == 0;
        else
            return false;
    }();
    static constexpr bool out_groups_ok = G != 0 && Out % (G ? G : 1) == 0;
    template <class In>
    static constexpr bool fits = [] {
        if constexpr (In::rank == 3)
            return padded_axis<In::dims[1], KH, S, D, Pad>::fits && padded_axis<In::dims[2], KW, S, D, Pad>::fits;
        else
            return true;
    }();
    static constexpr bool stride_ok = !(Pad::needs_unit_stride && S != 1);

    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (rank_ok<In>)
            return padding_ok && groups_ok<In> && out_groups_ok && fits<In> && stride_ok;
        else
            return false;
    }();

    template <class In, class Where>
    struct verdict {
        using ck = check::conv2d<typename Where::path, Conv2D<Out, KH, KW, S, D, G, Pad>>;
        static constexpr bool r = rank_ok<In>;
        static constexpr bool p = r && padding_ok;
        static constexpr bool g = p && groups_ok<In>;
        static constexpr bool o = g && out_groups_ok;
        static constexpr bool s = o && stride_ok;
        using type = check::first_t<
            check::fails_if<!r, check::fault::conv2d_rank, typename ck::template takes_an_image_c_h_w<In>>,
            check::fails_if<r && !padding_ok, check::fault::conv2d_causal,
                            typename ck::template padding_is_not_causal<In>>,
            check::fails_if<p && !groups_ok<In>, check::fault::conv2d_groups,
                            typename ck::template channels_are_divisible_by_groups<In>>,
            check::fails_if<g && !out_groups_ok, check::fault::conv2d_out_groups,
                            typename ck::template output_channels_are_divisible_by_groups<In>>,
            check::fails_if<o && !stride_ok, check::fault::conv2d_same_stride,
                            typename ck::template same_padding_has_stride_1<In>>,
            check::fails_if<s && !fits<In>, check::fault::conv2d_fits,
                            typename ck::template kernel_fits_in_the_padded_input<In>>>;
    };
    /// The first condition that fails, with the layer's path, its spec and the input shape in the check's name.
    template <class In, class Where>
    using diagnosis = typename verdict<In, Where>::type;

    template <class In, class Act = Identity>
    using type = conv2d<In::dims[0], In::rank == 3 ? In::dims[1] : 1, In::rank == 3 ? In::dims[2] : 1, Out, KH, KW, S,
                        D, G, Pad, Act>;
};

}  // namespace layers
}  // namespace ctnn
