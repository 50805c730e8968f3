#pragma once
/// \file conv1d.hpp
/// `Conv1D<Out, K, Stride, Dilation, Groups, Padding>`: PyTorch's
/// `nn.Conv1d(C, Out, K, stride, padding, dilation, groups)` with
/// `weight [Out, C/Groups, K]` and `bias [Out]`. What it is bound to decides
/// its form:
///  - a sequence `[C, L]` -> `[Out, L_out]`, L_out = ⌊(L + pads - (K-1)·D - 1) / S⌋ + 1
///    (Padding: `Valid`, `Same`, `Causal`, `Pad<P>`; layers/padding.hpp);
///  - one time step `[C]` -> `[Out]` of a stream (causal padding, stride 1):
///    its state keeps each stream's last (K-1)·D inputs in a ring buffer.
/// The causal sequence form keeps a state too: a call reads its left context
/// (the (K-1)·D inputs before the window; zero after `reset()`, which is
/// PyTorch's zero padding) from the state and leaves its own last inputs
/// there, so consecutive windows of a stream continue each other; without a
/// state (null) the context is zero and nothing is kept. Backward treats the
/// context as a constant (truncated backpropagation at window boundaries).
/// (With a stride S > 1, windows continue each other when L is a multiple of S.)
/// A following element-wise activation is fused into the product's epilogue.
///
/// Cost: the sequence form builds the patch matrix `[C·K, L_out]` of one
/// sample in its scratch (im2col) and runs gemm.hpp's products on it,
/// 2·Out·(C/G)·K·L_out flops a sample; the step gathers its taps from the
/// rings and runs one GEMV. Nothing allocates.

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include "../simd/conv1d.hpp"
#include "../simd/gemm.hpp"
#include "../simd/gemv.hpp"
#include "../simd/map.hpp"
#include "activation.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"
#include "padding.hpp"

namespace ctnn {

/// A 1-D convolution with `Out` output channels and `K` taps `Dilation`
/// apart, moved by `Stride`, over channels split into `Groups`, padded as
/// `Padding` says.
template <std::size_t Out, std::size_t K, std::size_t Stride = 1, std::size_t Dilation = 1, std::size_t Groups = 1,
          class Padding = Valid>
struct Conv1D {
    struct needs_at_least_one_output_channel_and_one_tap;
    struct needs_stride_dilation_and_groups_of_at_least_1;
    struct needs_output_channels_divisible_by_groups;
    struct needs_Padding_Valid_Same_Causal_or_Pad_P;
    using broken_rule = check::first_broken_t<
        check::rule<!(Out > 0 && K > 0), needs_at_least_one_output_channel_and_one_tap>,
        check::rule<!(Stride > 0 && Dilation > 0 && Groups > 0), needs_stride_dilation_and_groups_of_at_least_1>,
        check::rule<Groups != 0 && Out % (Groups ? Groups : 1) != 0, needs_output_channels_divisible_by_groups>,
        check::rule<!PaddingRule<Padding>, needs_Padding_Valid_Same_Causal_or_Pad_P>>;
    static std::string name() {
        return "Conv1D<" + std::to_string(Out) + ", " + std::to_string(K) + ", stride " + std::to_string(Stride) +
               ", dilation " + std::to_string(Dilation) + ", groups " + std::to_string(Groups) + ", " +
               Padding::name() + ">";
    }
};

namespace check {
/// The conditions a Conv1D's binding asserts (named so that the compiler
/// prints the layer's path, its spec and the input shape).
template <class Path, class Spec>
struct conv1d {
    template <class In>
    struct takes_a_sequence_or_one_step {
        static constexpr bool holds = false;
    };
    template <class In>
    struct channels_are_divisible_by_groups {
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
    template <class In>
    struct one_step_needs_causal_padding_and_stride_1 {
        static constexpr bool holds = false;
    };
};
}  // namespace check

namespace layers {

namespace conv_detail {

/// The epilogue of a convolution product whose tile rows are output channels
/// `row0 + row` and columns positions: bias, saved z (training), activation.
template <class T, class Act, bool Bias, bool SaveZ>
struct channel_epilogue {
    const T* bias;  // already offset to row0
    T* z;           // already offset to row0's row; null unless SaveZ
    std::size_t ld;
    template <class P>
    CTNN_INLINE P operator()(P v, std::size_t row, std::size_t col) const noexcept {
        if constexpr (Bias) v = v + P(bias[row]);
        if constexpr (SaveZ) simd::pack_traits<T, simd::arch_of_t<P>>::store(z + row * ld + col, v);
        return Act::f(v);
    }
};

/// The epilogue of a product whose tile columns are output channels (a step's GEMV/GEMM).
template <class T, class Act, bool SaveZ>
struct column_epilogue {
    const T* bias;
    T* z;
    std::size_t ld;
    template <class P>
    CTNN_INLINE P operator()(P v, std::size_t row, std::size_t col) const noexcept {
        v = v + simd::load_like(v, bias + col);
        if constexpr (SaveZ) simd::pack_traits<T, simd::arch_of_t<P>>::store(z + row * ld + col, v);
        return Act::f(v);
    }
};

/// `f(g)` for each group g < G, unrolled at compile time (clang cannot keep
/// the kernels' unrolled loops inside a run-time loop over groups).
template <std::size_t G, class F>
CTNN_INLINE void for_groups(F&& f) noexcept {
    [&]<std::size_t... g>(std::index_sequence<g...>) { (f(std::size_t(g)), ...); }(std::make_index_sequence<G>{});
}

/// dZ = dY ⊙ f'(z) over `N` elements, into the caller's writable ∂L/∂out or
/// into `to`; returns where it is (dY itself for the identity).
template <std::size_t N, class Act, class T, std::size_t B, class S>
CTNN_INLINE const T* activation_gradient(const backward_context<T, B, S>& c, const T* z, T* to) noexcept {
    if constexpr (std::is_same_v<Act, Identity>) {
        return c.dout;
    } else {
        if (c.dout_writable) to = c.dout_writable;
        if constexpr (Act::needs_z)
            simd::map_n<N>([](auto g, auto zz, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(zz, v); }, to, c.dout,
                           z, c.out);
        else
            simd::map_n<N>([](auto g, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(v, v); }, to, c.dout, c.out);
        return to;
    }
}

/// Parameter table of nn.Conv1d: weight [Out, C/G, K], bias [Out], both
/// U(±1/√fan_in) with fan_in = C/G·K (kaiming_uniform(a=√5) and the bias rule).
template <class T, std::size_t Out, std::size_t Cg, std::size_t K>
constexpr std::array<param_info, 2> conv_params() noexcept {
    constexpr init_rule rule{init_rule::uniform_inv_sqrt, double(Cg * K)};
    return {param_info{"weight", 0, 3, {Out, Cg, K, 0}, param_role::weight, Cg * K, Out * K, rule},
            param_info{"bias", aligned_size<T>(Out * Cg * K), 1, {Out, 0, 0, 0}, param_role::bias, Cg * K, Out * K,
                       rule}};
}

/// A layer's state only when `Has` (so `StatefulLayer` tells them apart).
template <bool Has, template <class, std::size_t> class State>
struct maybe_state {};
template <template <class, std::size_t> class State>
struct maybe_state<true, State> {
    template <class T, std::size_t B>
    using state = State<T, B>;
};

/// The left context of `B` streams of a causal sequence convolution: the
/// last `H` inputs of each channel, oldest first (zero after reset()).
template <std::size_t C, std::size_t H>
struct context_state {
    template <class T, std::size_t B>
    struct type {
        T hist[B * C * H]{};
        constexpr void reset() noexcept {
            for (T& v : hist) v = T(0);
        }
    };
};

/// The rings of `B` streams of a streaming convolution (simd::ring_push_gather's
/// layout `[C, D, 2K]` per stream): per channel and phase t mod D, the last
/// K inputs of that phase twice over; `phase` is this step's, `q` its round
/// t / D mod K (zero after reset()).
template <std::size_t C, std::size_t K, std::size_t D>
struct ring_state {
    template <class T, std::size_t B>
    struct type {
        T ring[B * C * D * 2 * K]{};
        std::size_t phase = 0, q = 0;
        constexpr void reset() noexcept {
            for (T& v : ring) v = T(0);
            phase = q = 0;
        }
        /// To the next step.
        constexpr void advance() noexcept {
            if (++phase == D) {
                phase = 0;
                q = q + 1 == K ? 0 : q + 1;
            }
        }
    };
};

}  // namespace conv_detail

/// The sequence form: `[C, L]` -> `[Out, Lout]`, then `Act`.
template <std::size_t C, std::size_t L, std::size_t Out, std::size_t K, std::size_t S, std::size_t D, std::size_t G,
          class Pad, class Act>
struct conv1d
    : conv_detail::maybe_state<padded_axis<L, K, S, D, Pad>::causal && (K - 1) * D != 0,
                               conv_detail::context_state<C, (K - 1) * D>::template type> {
    using axis = padded_axis<L, K, S, D, Pad>;
    static constexpr std::size_t Lp = axis::padded, Lout = axis::out, PL = axis::before;
    static constexpr std::size_t Cg = C / G, Og = Out / G, CKg = Cg * K;
    /// Inputs kept between calls (causal padding only).
    static constexpr std::size_t H = axis::causal ? (K - 1) * D : 0;
    static constexpr bool keeps_context = H > 0;
    /// The input is its own patch matrix (1x1, stride 1, no padding).
    static constexpr bool direct = K == 1 && S == 1 && Lp == L;

    using in_shape = Shape<C, L>;
    using out_shape = Shape<Out, Lout>;
    using activation = Act;
    static constexpr std::size_t param_count = Out * CKg + Out;
    static constexpr std::size_t flops_forward = 2 * Out * CKg * Lout + Out * Lout;
    static constexpr std::size_t flops_backward = 4 * Out * CKg * Lout + Out * Lout;

    template <class T>
    static constexpr std::size_t bias_at = aligned_size<T>(Out * CKg);
    template <class T>
    static constexpr std::size_t storage = bias_at<T> + aligned_size<T>(Out);
    template <class T>
    static constexpr auto params = conv_detail::conv_params<T, Out, Cg, K>();

    // saved: [z (if Act reads it) | left context of each row (causal)]
    template <class T, std::size_t B>
    static constexpr std::size_t z_size = Act::needs_z ? aligned_size<T>(B * Out * Lout) : 0;
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = z_size<T, B> + B * C * H;
    // scratch: [padded input | patches | dZ | patch gradient]
    template <class T>
    static constexpr std::size_t xp_size = direct ? 0 : aligned_size<T>(C * Lp);
    template <class T>
    static constexpr std::size_t cols_size = direct ? 0 : aligned_size<T>(C * K * Lout);
    template <class T, std::size_t B>
    static constexpr std::size_t dz_size = std::is_same_v<Act, Identity> ? 0 : aligned_size<T>(B * Out * Lout);
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size =
        xp_size<T> + cols_size<T> + dz_size<T, B> + aligned_size<T>(C * K * Lout);

    template <class T, std::size_t B, bool Train, class St>
    static void forward(const forward_context<T, B, Train, St>& c) noexcept {
        T* xp = c.scratch;
        T* cols = c.scratch + xp_size<T>;
        for (std::size_t b = 0; b < B; ++b) {
            const T* x = c.in + b * C * L;
            const T* ctx = nullptr;
            if constexpr (keeps_context) {
                if (c.state) ctx = c.state->hist + b * C * H;
            }
            const T* patches = patch_matrix<T>(x, ctx, xp, cols);
            if constexpr (keeps_context) {
                if constexpr (Train) {
                    T* saved_ctx = c.saved + z_size<T, B> + b * C * H;
                    for (std::size_t i = 0; i < C * H; ++i) saved_ctx[i] = ctx ? ctx[i] : T(0);
                }
                // the last H inputs (reaching into the old context if L < H) become the new context
                if (c.state) {
                    T* hist = c.state->hist + b * C * H;
                    for (std::size_t ch = 0; ch < C; ++ch)
                        for (std::size_t i = 0; i < H; ++i) hist[ch * H + i] = xp[ch * Lp + L + i];
                }
            }
            conv_detail::for_groups<G>([&](std::size_t g) CTNN_INLINE_LAMBDA {
                T* z = nullptr;
                if constexpr (Train && Act::needs_z) z = c.saved + (b * Out + g * Og) * Lout;
                conv_detail::channel_epilogue<T, Act, true, Train && Act::needs_z> epi{
                    c.params + bias_at<T> + g * Og, z, Lout};
                simd::gemm_dyw_n<Og, CKg, Lout>(c.params + g * Og * CKg, patches + g * CKg * Lout,
                                                c.out + (b * Out + g * Og) * Lout, epi);
            });
        }
    }

    template <class T, std::size_t B, class St>
    static void backward(const backward_context<T, B, St>& c) noexcept {
        T* xp = c.scratch;
        T* cols = c.scratch + xp_size<T>;
        T* dcols = cols + cols_size<T> + dz_size<T, B>;
        const T* dz = conv_detail::activation_gradient<B * Out * Lout, Act>(c, c.saved, cols + cols_size<T>);
        T* dw = c.dparams;
        T* db = c.dparams + bias_at<T>;
        for (std::size_t o = 0; o < Out; ++o) {
            T s = 0;
            for (std::size_t b = 0; b < B; ++b)
                for (std::size_t t = 0; t < Lout; ++t) s += dz[(b * Out + o) * Lout + t];
            db[o] = s;
        }
        for (std::size_t b = 0; b < B; ++b) {
            const T* ctx = nullptr;
            if constexpr (keeps_context) ctx = c.saved + z_size<T, B> + b * C * H;
            const T* patches = patch_matrix<T>(c.in + b * C * L, ctx, xp, cols);
            conv_detail::for_groups<G>([&](std::size_t g) CTNN_INLINE_LAMBDA {
                const T* dzg = dz + (b * Out + g * Og) * Lout;
                T* dwg = dw + g * Og * CKg;
                if (b == 0)
                    simd::gemm_xwt_n<Og, CKg, Lout>(dzg, patches + g * CKg * Lout, dwg);
                else
                    simd::gemm_xwt_n<Og, CKg, Lout>(dzg, patches + g * CKg * Lout, dwg,
                                                    simd::epilogue::accumulate<T>{dwg, CKg});
                if (c.din)
                    simd::gemm_dytx_n<Og, CKg, Lout, false>(c.params + g * Og * CKg, dzg, dcols + g * CKg * Lout);
            });
            if (c.din) {
                T* dx = c.din + b * C * L;
                if constexpr (direct) {
                    simd::map_n<C * L>([](auto v) CTNN_INLINE_LAMBDA { return v; }, dx, dcols);
                } else {
                    for (std::size_t i = 0; i < C * Lp; ++i) xp[i] = T(0);
                    simd::col2im_add<C, Lp, K, D, S, Lout>(dcols, xp);
                    for (std::size_t ch = 0; ch < C; ++ch)
                        simd::map_n<L>([](auto v) CTNN_INLINE_LAMBDA { return v; }, dx + ch * L, xp + ch * Lp + PL);
                }
            }
        }
    }

private:
    /// The patch matrix of one sample (its input itself when `direct`); `ctx`
    /// is the causal left context [C, H] or null (zeros).
    template <class T>
    static CTNN_INLINE const T* patch_matrix(const T* x, const T* ctx, T* xp, T* cols) noexcept {
        if constexpr (direct) {
            return x;
        } else {
            for (std::size_t ch = 0; ch < C; ++ch) {
                T* row = xp + ch * Lp;
                for (std::size_t i = 0; i < PL; ++i) row[i] = ctx ? ctx[ch * H + i] : T(0);
                simd::map_n<L>([](auto v) CTNN_INLINE_LAMBDA { return v; }, row + PL, x + ch * L);
                for (std::size_t i = PL + L; i < Lp; ++i) row[i] = T(0);
            }
            simd::im2col<C, Lp, K, D, S, Lout>(xp, cols);
            return cols;
        }
    }
};

/// The streaming form: one step `[C]` -> `[Out]` of causal convolution, then `Act`.
template <std::size_t C, std::size_t Out, std::size_t K, std::size_t D, std::size_t G, class Act>
struct conv1d_step : conv_detail::maybe_state<(K > 1), conv_detail::ring_state<C, K, D>::template type> {
    static constexpr std::size_t Cg = C / G, Og = Out / G, CK = C * K, CKg = Cg * K;

    using in_shape = Shape<C>;
    using out_shape = Shape<Out>;
    using activation = Act;
    static constexpr std::size_t param_count = Out * CKg + Out;
    static constexpr std::size_t flops_forward = 2 * Out * CKg + Out;
    static constexpr std::size_t flops_backward = 2 * Out * CKg + 2 * Out * Cg + Out;

    template <class T>
    static constexpr std::size_t bias_at = aligned_size<T>(Out * CKg);
    template <class T>
    static constexpr std::size_t storage = bias_at<T> + aligned_size<T>(Out);
    template <class T>
    static constexpr auto params = conv_detail::conv_params<T, Out, Cg, K>();

    /// The taps of each row `[B, C·K]` (the input itself when K = 1).
    template <class T, std::size_t B>
    static constexpr std::size_t taps_size = K == 1 ? 0 : aligned_size<T>(B * CK);
    // saved: [taps | z (if Act reads it)]
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = taps_size<T, B> + (Act::needs_z ? B * Out : 0);
    // scratch: [taps (inference) | dZ]
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = taps_size<T, B> + (std::is_same_v<Act, Identity> ? 0 : B * Out);

    /// Small enough for the plain-loop step (simd::ring_step_small) at batch 1.
    static constexpr bool small = Out * CKg <= 256;
    /// Outputs rounded up to 4, so bias and activation run on one pack.
    static constexpr std::size_t out_padded = (Out + 3) / 4 * 4;

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE void forward(const forward_context<T, B, Train, St>& c) noexcept {
        if constexpr (B == 1 && !Train && small) {
            // every lane written by the kernel in one pass (no zero fill first): narrow stores
            // followed by a wide load would miss store forwarding on every layer of a stream
            alignas(64) T z[out_padded];
            if constexpr (K > 1) {
                if (c.state) {
                    simd::ring_step_small<Out, C, K, D, G, out_padded>(c.params, c.state->ring, c.state->phase,
                                                                       c.state->q, c.in, z);
                    c.state->advance();
                } else {
                    simd::newest_tap_small<Out, C, K, G, out_padded>(c.params, c.in, z);
                }
            } else {
                simd::newest_tap_small<Out, C, K, G, out_padded>(c.params, c.in, z);
            }
            // the bias is stored padded to a 64-byte line: reading out_padded of it stays in the layer's storage
            simd::map_n<out_padded>([](auto a, auto b) CTNN_INLINE_LAMBDA { return Act::f(a + b); }, z, z,
                                    c.params + bias_at<T>);
            for (std::size_t o = 0; o < Out; ++o) c.out[o] = z[o];
            return;
        }
        const T* v = c.in;
        if constexpr (K > 1) {
            T* taps = Train ? c.saved : c.scratch;
            if (c.state) {
                for (std::size_t b = 0; b < B; ++b)
                    simd::ring_push_gather<C, K, D>(c.state->ring + b * C * D * 2 * K, c.state->phase, c.state->q,
                                                    c.in + b * C,
                                                    taps + b * CK);
                c.state->advance();
            } else {
                for (std::size_t b = 0; b < B; ++b) simd::gather_from_rest<C, K>(c.in + b * C, taps + b * CK);
            }
            v = taps;
        }
        constexpr bool save_z = Train && Act::needs_z;
        T* z = save_z ? c.saved + taps_size<T, B> : nullptr;
        const T* bias = c.params + bias_at<T>;
        if constexpr (G == 1) {
            conv_detail::column_epilogue<T, Act, save_z> epi{bias, z, Out};
            if constexpr (B == 1)
                simd::gemv_n<Out, CK>(c.params, v, c.out, epi);
            else
                simd::gemm_xwt_n<B, Out, CK>(v, c.params, c.out, epi);
        } else {
            // each group's products, then bias and activation over whole rows
            for (std::size_t b = 0; b < B; ++b) {
                T* y = c.out + b * Out;
                conv_detail::for_groups<G>([&](std::size_t g) CTNN_INLINE_LAMBDA {
                    simd::gemv_n<Og, CKg>(c.params + g * Og * CKg, v + b * CK + g * CKg, y + g * Og);
                });
                if constexpr (save_z) {
                    simd::map_n<Out>([](auto a, auto bb) CTNN_INLINE_LAMBDA { return a + bb; }, z + b * Out, y, bias);
                    simd::map_n<Out>([](auto a) CTNN_INLINE_LAMBDA { return Act::f(a); }, y, z + b * Out);
                } else {
                    simd::map_n<Out>([](auto a, auto bb) CTNN_INLINE_LAMBDA { return Act::f(a + bb); }, y, y, bias);
                }
            }
        }
    }

    template <class T, std::size_t B, class St>
    static CTNN_INLINE void backward(const backward_context<T, B, St>& c) noexcept {
        const T* v = K == 1 ? c.in : c.saved;
        const T* dz = conv_detail::activation_gradient<B * Out, Act>(c, c.saved + taps_size<T, B>,
                                                                     c.scratch + taps_size<T, B>);
        T* dw = c.dparams;
        T* db = c.dparams + bias_at<T>;
        if constexpr (G == 1) {
            simd::gemm_dytx_n<B, Out, CK, false>(dz, v, dw);
        } else {
            conv_detail::for_groups<G>([&](std::size_t g) CTNN_INLINE_LAMBDA {
                simd::gemm_dytx_n<1, Og, CKg, false>(dz + g * Og, v + g * CKg, dw + g * Og * CKg);
                for (std::size_t b = 1; b < B; ++b)
                    simd::gemm_dytx_n<1, Og, CKg, true>(dz + b * Out + g * Og, v + b * CK + g * CKg,
                                                        dw + g * Og * CKg);
            });
        }
        simd::map_n<Out>([](auto g) CTNN_INLINE_LAMBDA { return g; }, db, dz);
        for (std::size_t b = 1; b < B; ++b)
            simd::map_n<Out>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, db, db, dz + b * Out);
        if (!c.din) return;
        if constexpr (K == 1 && G == 1) {
            simd::gemm_dyw_n<B, Out, C>(dz, c.params, c.din);
        } else {
            // only the newest tap (k = K-1) sees this step's input; the past is a constant
            for (std::size_t b = 0; b < B; ++b)
                for (std::size_t ch = 0; ch < C; ++ch) {
                    const std::size_t g = ch / Cg, j = ch % Cg;
                    T s = 0;
                    for (std::size_t o = g * Og; o < (g + 1) * Og; ++o)
                        s += dz[b * Out + o] * c.params[(o * Cg + j) * K + K - 1];
                    c.din[b * C + ch] = s;
                }
        }
    }
};

// ---- binding -----------------------------------------------------------------------


template <std::size_t Out, std::size_t K, std::size_t S, std::size_t D, std::size_t G, class Pad>
struct binding<Conv1D<Out, K, S, D, G, Pad>> {
    static constexpr bool takes_epilogue = true;

    template <class In>
    static constexpr bool rank_ok = In::rank == 1 || In::rank == 2;
    template <class In>
    static constexpr bool groups_ok = [] {
        if constexpr (In::rank >= 1)
            return In::dims[0] % G == 0;
        else
            return false;
    }();
    template <class In>
    static constexpr bool fits = [] {
        if constexpr (In::rank == 2)
            return padded_axis<In::dims[1], K, S, D, Pad>::fits;
        else
            return true;
    }();
    template <class In>
    static constexpr bool stride_ok = !(In::rank == 2 && Pad::needs_unit_stride && S != 1);
    template <class In>
    static constexpr bool step_ok = In::rank != 1 || (S == 1 && padded_axis<1, K, 1, D, Pad>::causal);

    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (rank_ok<In>)
            return groups_ok<In> && fits<In> && stride_ok<In> && step_ok<In>;
        else
            return false;
    }();

    /// The first condition that fails, with the layer's path, its spec and the input shape in the check's name.
    template <class In, class Where>
    struct verdict {
        using ck = check::conv1d<typename Where::path, Conv1D<Out, K, S, D, G, Pad>>;
        static constexpr bool r = rank_ok<In>;
        static constexpr bool g = r && groups_ok<In>;
        static constexpr bool f = g && fits<In>;
        using type = check::first_t<
            check::fails_if<!r, check::fault::conv1d_rank, typename ck::template takes_a_sequence_or_one_step<In>>,
            check::fails_if<r && !g, check::fault::conv1d_groups,
                            typename ck::template channels_are_divisible_by_groups<In>>,
            check::fails_if<g && !f, check::fault::conv1d_fits, typename ck::template kernel_fits_in_the_padded_input<In>>,
            check::fails_if<f && !stride_ok<In>, check::fault::conv1d_same_stride,
                            typename ck::template same_padding_has_stride_1<In>>,
            check::fails_if<g && !step_ok<In>, check::fault::conv1d_step,
                            typename ck::template one_step_needs_causal_padding_and_stride_1<In>>>;
    };
    template <class In, class Where>
    using diagnosis = typename verdict<In, Where>::type;

    template <class In, class Act = Identity>
    using type = std::conditional_t<In::rank == 2,
                                    conv1d<In::dims[0], In::rank == 2 ? In::dims[In::rank - 1] : 1, Out, K, S, D, G,
                                           Pad, Act>,
                                    conv1d_step<In::dims[0], Out, K, D, G, Act>>;
};

}  // namespace layers
}  // namespace ctnn
