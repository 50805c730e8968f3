#pragma once
/// \file recurrent.hpp
/// `GRU<Hidden, Layers = 1, Returns = Returns::sequence>` and
/// `LSTM<Hidden, Layers = 1, Returns = Returns::sequence>`: PyTorch's nn.GRU
/// and nn.LSTM with `batch_first=True`, their parameter names and layouts
/// (`weight_ih_l0 [G·H, F]`, `weight_hh_l0 [G·H, H]`, `bias_ih_l0 [G·H]`,
/// `bias_hh_l0 [G·H]`, then `_l1`... for stacked layers; gate order r,z,n
/// and i,f,g,o) and their initialisation (every tensor U(±1/√H)).
///
/// What the layer is bound to decides the mode (docs/design.md, "Sequences
/// and streams"):
///  - a sequence `[T, F]` per sample (time-major): `[T, H]`, or `[H]` with
///    `Returns::last` (the last step of the top layer);
///  - one step `[F]`: `[H]`, one time step per call (streaming).
/// Both read the per-stream state (`h`, and `c` for LSTM, of every stacked
/// layer: `state.h[l·B·H + b·H + j]`, PyTorch's h0 `[L, B, H]`) as the initial
/// state (zero after `reset()`) and leave the final state there; a call
/// without a state starts from zero and keeps nothing. Backward is
/// backpropagation through time inside the call, with the initial state a
/// constant (truncated BPTT at window boundaries).
///
/// Cost: one GEMM per stacked layer for the input projections of all T steps,
/// then per step a `[B, H]·W_hhᵀ` product and the cell (simd/recurrent.hpp);
/// backward the reverse recurrence and one GEMM per weight gradient. No
/// allocation: the training forward keeps every step's states and gate
/// values in the saved area, `(T+1)·B·H` (+ the same for c) + `T·B·4H` per
/// stacked layer.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "../simd/epilogue.hpp"
#include "../simd/gemm.hpp"
#include "../simd/gemv.hpp"
#include "../simd/map.hpp"
#include "../simd/recurrent.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// What a recurrent layer bound to a sequence returns: every step's hidden
/// state of the top layer (`[T, H]`) or the last one (`[H]`).
enum class Returns { sequence, last };

namespace layers {
/// The kind of recurrent cell: its gate count and whether it has a cell state.
struct gru_cell {
    static constexpr std::size_t gates = 3;
    static constexpr bool has_c = false;
    static constexpr const char* name = "GRU";
};
struct lstm_cell {
    static constexpr std::size_t gates = 4;
    static constexpr bool has_c = true;
    static constexpr const char* name = "LSTM";
};

template <class Cell, std::size_t H, std::size_t Layers, Returns R>
struct recurrent_spec {
    // H and Layers are checked where the layer is bound (recurrent_binding's diagnosis, with its path)
    static std::string name() {
        std::string s = std::string(Cell::name) + "<" + std::to_string(H);
        if (Layers != 1 || R != Returns::sequence) s += ", " + std::to_string(Layers);
        if (R == Returns::last) s += ", Returns::last";
        return s + ">";
    }
    static constexpr std::size_t hidden = H;
    static constexpr std::size_t layers = Layers;
    static constexpr Returns returns = R;
};
}  // namespace layers

/// A GRU of `H` hidden features, `Layers` stacked (nn.GRU, batch_first).
template <std::size_t H, std::size_t Layers = 1, Returns R = Returns::sequence>
struct GRU : layers::recurrent_spec<layers::gru_cell, H, Layers, R> {};

/// An LSTM of `H` hidden features, `Layers` stacked (nn.LSTM, batch_first).
template <std::size_t H, std::size_t Layers = 1, Returns R = Returns::sequence>
struct LSTM : layers::recurrent_spec<layers::lstm_cell, H, Layers, R> {};

namespace check {
/// The spec `Spec` at `Path` takes `[T, F]` or `[F]`.
template <class Path, class Spec>
struct recurrent_layer {
    template <class BeforePath, class Before>
    struct takes_a_sequence_T_F_or_a_step_F_but_layer {
        template <class Produced>
        struct produces {
            static constexpr bool holds = Produced::rank == 1 || Produced::rank == 2;
        };
    };
};
}  // namespace check

namespace layers {

namespace rnn_detail {
inline constexpr std::string_view names[8][4] = {
    {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"},
    {"weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"},
    {"weight_ih_l2", "weight_hh_l2", "bias_ih_l2", "bias_hh_l2"},
    {"weight_ih_l3", "weight_hh_l3", "bias_ih_l3", "bias_hh_l3"},
    {"weight_ih_l4", "weight_hh_l4", "bias_ih_l4", "bias_hh_l4"},
    {"weight_ih_l5", "weight_hh_l5", "bias_ih_l5", "bias_hh_l5"},
    {"weight_ih_l6", "weight_hh_l6", "bias_ih_l6", "bias_hh_l6"},
    {"weight_ih_l7", "weight_hh_l7", "bias_ih_l7", "bias_hh_l7"},
};

/// `y[M, N] = x[M, K]·wᵀ + b` (a GEMV at one row).
template <std::size_t M, std::size_t N, std::size_t K, class T>
CTNN_INLINE void project(const T* x, const T* w, const T* b, T* y) noexcept {
    if constexpr (M == 1)
        simd::gemv_n<N, K>(w, x, y, simd::epilogue::bias<T>{b});
    else
        simd::gemm_xwt_n<M, N, K>(x, w, y, simd::epilogue::bias<T>{b});
}

/// `dst[N] = Σ_rows src[Rows, N]`.
template <std::size_t Rows, std::size_t N, class T>
CTNN_INLINE void column_sums(const T* src, T* dst) noexcept {
    simd::map_n<N>([](auto g) CTNN_INLINE_LAMBDA { return g; }, dst, src);
    for (std::size_t r = 1; r < Rows; ++r)
        simd::map_n<N>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, dst, dst, src + r * N);
}

template <std::size_t N, class T>
CTNN_INLINE void copy(const T* src, T* dst) noexcept {
    simd::map_n<N>([](auto v) CTNN_INLINE_LAMBDA { return v; }, dst, src);
}
template <std::size_t N, class T>
CTNN_INLINE void zero(T* dst) noexcept {
    for (std::size_t i = 0; i < N; ++i) dst[i] = T(0);
}
}  // namespace rnn_detail

/// The per-stream state of a recurrent layer: `h` (and `c`) `[L, B, H]`.
template <class T, std::size_t N, bool HasC>
struct recurrent_state {
    alignas(64) T h[N]{};
    constexpr void reset() noexcept {
        for (T& v : h) v = T(0);
    }
};
template <class T, std::size_t N>
struct recurrent_state<T, N, true> {
    alignas(64) T h[N]{};
    alignas(64) T c[N]{};
    constexpr void reset() noexcept {
        for (T& v : h) v = T(0);
        for (T& v : c) v = T(0);
    }
};

/// The bound recurrent layer: `Cell` (gru_cell or lstm_cell), `Steps` time
/// steps of `F` features, hidden size `H`, `L` stacked layers; `Step`: bound
/// to one step `[F]` (then `Steps` is 1); `Last`: returns only the last step.
template <class Cell, std::size_t Steps, std::size_t F, std::size_t H, std::size_t L, bool Last, bool Step>
struct recurrent {
    static constexpr std::size_t G = Cell::gates;
    static constexpr std::size_t GH = G * H;
    static constexpr bool has_c = Cell::has_c;
    /// Values backward needs of one step of one row.
    static constexpr std::size_t act_width = 4 * H;

    using in_shape = std::conditional_t<Step, Shape<F>, Shape<Steps, F>>;
    using out_shape = std::conditional_t<Step || Last, Shape<H>, Shape<Steps, H>>;

    static constexpr std::size_t in_features(std::size_t l) noexcept { return l == 0 ? F : H; }
    static constexpr std::size_t param_count = [] {
        std::size_t n = 0;
        for (std::size_t l = 0; l < L; ++l) n += GH * (in_features(l) + H + 2);
        return n;
    }();
    static constexpr std::size_t flops_forward = [] {
        std::size_t n = 0;
        for (std::size_t l = 0; l < L; ++l) n += 2 * GH * (in_features(l) + H) + 12 * H;
        return Steps * n;
    }();
    static constexpr std::size_t flops_backward = 2 * flops_forward;

    // ---- parameters: per stacked layer W_ih, W_hh, b_ih, b_hh, each 64-byte aligned
    template <class T>
    static constexpr std::size_t layer_storage(std::size_t l) noexcept {
        return aligned_size<T>(GH * in_features(l)) + aligned_size<T>(GH * H) + 2 * aligned_size<T>(GH);
    }
    template <class T>
    static constexpr std::size_t layer_at(std::size_t l) noexcept {
        std::size_t o = 0;
        for (std::size_t k = 0; k < l; ++k) o += layer_storage<T>(k);
        return o;
    }
    /// Offset of tensor `k` (0 W_ih, 1 W_hh, 2 b_ih, 3 b_hh) of layer `l`.
    template <class T>
    static constexpr std::size_t tensor_at(std::size_t l, std::size_t k) noexcept {
        std::size_t o = layer_at<T>(l);
        if (k > 0) o += aligned_size<T>(GH * in_features(l));
        if (k > 1) o += aligned_size<T>(GH * H);
        if (k > 2) o += aligned_size<T>(GH);
        return o;
    }
    template <class T>
    static constexpr std::size_t storage = layer_at<T>(L);

    template <class T>
    static constexpr auto params = [] {
        std::array<param_info, 4 * L> t{};
        const init_rule rule{init_rule::uniform_inv_sqrt, double(H)};
        for (std::size_t l = 0; l < L; ++l) {
            const std::size_t fin = in_features(l);
            t[4 * l + 0] = {rnn_detail::names[l][0], tensor_at<T>(l, 0), 2, {GH, fin, 0, 0}, param_role::weight, fin, GH, rule};
            t[4 * l + 1] = {rnn_detail::names[l][1], tensor_at<T>(l, 1), 2, {GH, H, 0, 0}, param_role::weight, H, GH, rule};
            t[4 * l + 2] = {rnn_detail::names[l][2], tensor_at<T>(l, 2), 1, {GH, 0, 0, 0}, param_role::bias, fin, GH, rule};
            t[4 * l + 3] = {rnn_detail::names[l][3], tensor_at<T>(l, 3), 1, {GH, 0, 0, 0}, param_role::bias, H, GH, rule};
        }
        return t;
    }();

    // ---- memory
    template <class T, std::size_t B>
    static constexpr std::size_t hs_size = aligned_size<T>((Steps + 1) * B * H);
    template <class T, std::size_t B>
    static constexpr std::size_t cs_size = has_c ? hs_size<T, B> : 0;
    template <class T, std::size_t B>
    static constexpr std::size_t act_size = aligned_size<T>(Steps * B * act_width);
    /// Saved per stacked layer: h_0..h_T `[T+1, B, H]`, c_0..c_T (LSTM), act `[T, B, 4H]`.
    template <class T, std::size_t B>
    static constexpr std::size_t saved_layer = hs_size<T, B> + cs_size<T, B> + act_size<T, B>;
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = L * saved_layer<T, B>;

    template <class T, std::size_t B>
    static constexpr std::size_t gi_size = aligned_size<T>(Steps * B * GH);
    template <class T, std::size_t B>
    static constexpr std::size_t row_size = aligned_size<T>(B * GH);
    template <class T, std::size_t B>
    static constexpr std::size_t bh_size = aligned_size<T>(B * H);
    template <class T, std::size_t B>
    static constexpr std::size_t dy_size = aligned_size<T>(Steps * B * H);
    /// Forward: gi `[T·B, GH]`, gh `[B, GH]`, at inference two h sequences and one c sequence.
    template <class T, std::size_t B>
    static constexpr std::size_t forward_scratch = gi_size<T, B> + row_size<T, B> + 2 * hs_size<T, B> + cs_size<T, B>;
    /// Backward: dgi, dgh `[T·B, GH]`, two ∂L/∂h sequences `[T, B, H]`, dh, dc, dh_direct `[B, H]`.
    template <class T, std::size_t B>
    static constexpr std::size_t backward_scratch = 2 * gi_size<T, B> + 2 * dy_size<T, B> + 3 * bh_size<T, B>;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = forward_scratch<T, B> > backward_scratch<T, B> ? forward_scratch<T, B>
                                                                                                : backward_scratch<T, B>;

    template <class T, std::size_t B>
    using state = recurrent_state<T, L * B * H, has_c>;

    /// Row of gi / dgi of (row b, step t) for stacked layer l: layer 0 reads the
    /// caller's batch-major input `[B, T, F]`, the others the time-major
    /// `[T, B, H]` outputs of the layer below.
    template <std::size_t B>
    static constexpr std::size_t in_row(std::size_t l, std::size_t b, std::size_t t) noexcept {
        return l == 0 ? b * Steps + t : t * B + b;
    }

    template <class T, std::size_t B, bool Train, class S>
    CTNN_REALTIME static void forward(const forward_context<T, B, Train, S>& c) noexcept {
        if constexpr (!Train && B == 1 && Steps == 1 && simd::step_kernel_fits<T, H>) {
            stream_step(c);
            return;
        }
        T* gi = c.scratch;
        T* gh = gi + gi_size<T, B>;
        T* work = gh + row_size<T, B>;  // inference: two h sequences, one c sequence
        constexpr std::size_t BH = B * H;
        for (std::size_t l = 0; l < L; ++l) {
            const T* p = c.params;
            T* hs;
            T* cs;
            T* act = nullptr;
            if constexpr (Train) {
                hs = c.saved + l * saved_layer<T, B>;
                cs = hs + hs_size<T, B>;
                act = cs + cs_size<T, B>;
            } else {
                hs = work + (l % 2) * hs_size<T, B>;
                cs = work + 2 * hs_size<T, B>;
            }
            // initial state
            if (c.state) {
                rnn_detail::copy<BH>(c.state->h + l * BH, hs);
                if constexpr (has_c) rnn_detail::copy<BH>(c.state->c + l * BH, cs);
            } else {
                rnn_detail::zero<BH>(hs);
                if constexpr (has_c) rnn_detail::zero<BH>(cs);
            }
            // input projections of all steps
            const T* whh = p + tensor_at<T>(l, 1);
            const T* bhh = p + tensor_at<T>(l, 3);
            if (l == 0)
                rnn_detail::project<Steps * B, GH, F>(c.in, p + tensor_at<T>(0, 0), p + tensor_at<T>(0, 2), gi);
            else
                rnn_detail::project<Steps * B, GH, H>(prev_out<T, B, Train>(c, work, l), p + tensor_at<T>(l, 0),
                                                      p + tensor_at<T>(l, 2), gi);
            // the recurrence
            for (std::size_t t = 0; t < Steps; ++t) {
                rnn_detail::project<B, GH, H>(hs + t * BH, whh, bhh, gh);
                for (std::size_t b = 0; b < B; ++b) {
                    const T* gir = gi + in_row<B>(l, b, t) * GH;
                    T* a = Train ? act + (t * B + b) * act_width : nullptr;
                    if constexpr (has_c)
                        simd::lstm_cell_n<H, Train>(gir, gh + b * GH, cs + t * BH + b * H, hs + (t + 1) * BH + b * H,
                                                    cs + (t + 1) * BH + b * H, a);
                    else
                        simd::gru_cell_n<H, Train>(gir, gh + b * GH, hs + t * BH + b * H, hs + (t + 1) * BH + b * H,
                                                   a);
                }
            }
            if (c.state) {
                rnn_detail::copy<BH>(hs + Steps * BH, c.state->h + l * BH);
                if constexpr (has_c) rnn_detail::copy<BH>(cs + Steps * BH, c.state->c + l * BH);
            }
            if (l + 1 == L) {
                if constexpr (Step || Last)
                    rnn_detail::copy<BH>(hs + Steps * BH, c.out);
                else
                    for (std::size_t b = 0; b < B; ++b)
                        for (std::size_t t = 0; t < Steps; ++t)
                            rnn_detail::copy<H>(hs + (t + 1) * BH + b * H, c.out + (b * Steps + t) * H);
            }
        }
    }

    template <class T, std::size_t B, class S>
    CTNN_REALTIME static void backward(const backward_context<T, B, S>& c) noexcept {
        constexpr std::size_t BH = B * H;
        T* dgi = c.scratch;
        T* dgh = dgi + gi_size<T, B>;
        T* dys = dgh + gi_size<T, B>;  // two [T, B, H]: ∂L/∂(outputs) of the layer, of the layer below
        T* dh = dys + 2 * dy_size<T, B>;
        T* dc = dh + bh_size<T, B>;
        T* dhd = dc + bh_size<T, B>;
        for (std::size_t l = L; l-- > 0;) {
            const T* p = c.params;
            T* g = c.dparams;
            const T* hs = c.saved + l * saved_layer<T, B>;
            const T* cs = hs + hs_size<T, B>;
            const T* act = cs + cs_size<T, B>;
            const T* dy_below = dys + (l % 2) * dy_size<T, B>;  // written by layer l + 1
            T* dy_next = dys + ((l + 1) % 2) * dy_size<T, B>;   // for layer l - 1
            const T* whh = p + tensor_at<T>(l, 1);
            rnn_detail::zero<BH>(dh);
            if constexpr (has_c) rnn_detail::zero<BH>(dc);
            for (std::size_t t = Steps; t-- > 0;) {
                // ∂L/∂h_t: through the recurrence (dh) plus from the output
                if (l + 1 < L) {
                    simd::map_n<BH>([](auto a, auto d) CTNN_INLINE_LAMBDA { return a + d; }, dh, dh,
                                    dy_below + t * BH);
                } else if constexpr (Step || Last) {
                    if (t + 1 == Steps)
                        simd::map_n<BH>([](auto a, auto d) CTNN_INLINE_LAMBDA { return a + d; }, dh, dh, c.dout);
                } else {
                    for (std::size_t b = 0; b < B; ++b)
                        simd::map_n<H>([](auto a, auto d) CTNN_INLINE_LAMBDA { return a + d; }, dh + b * H,
                                       dh + b * H, c.dout + (b * Steps + t) * H);
                }
                for (std::size_t b = 0; b < B; ++b) {
                    const T* a = act + (t * B + b) * act_width;
                    T* dgir = dgi + in_row<B>(l, b, t) * GH;
                    T* dghr = dgh + (t * B + b) * GH;
                    if constexpr (has_c) {
                        simd::lstm_cell_grad_n<H>(dh + b * H, dc + b * H, a, cs + (t + 1) * BH + b * H,
                                                  cs + t * BH + b * H, dghr);
                        if (l == 0) rnn_detail::copy<GH>(dghr, dgir);
                    } else {
                        simd::gru_cell_grad_n<H>(dh + b * H, a, hs + t * BH + b * H, dgir, dghr, dhd + b * H);
                    }
                }
                // ∂L/∂h_{t-1} = dgh_t W_hh (+ dh ⊙ z for GRU); the initial state is a constant
                if (t > 0) {
                    if constexpr (has_c)
                        simd::gemm_dyw_n<B, GH, H>(dgh + t * BH * G, whh, dh);
                    else
                        simd::gemm_dyw_n<B, GH, H>(dgh + t * BH * G, whh, dh,
                                                   [dhd](auto v, std::size_t row, std::size_t col) CTNN_INLINE_LAMBDA {
                                                       return v + simd::load_like(v, dhd + row * H + col);
                                                   });
                }
            }
            // LSTM above layer 0: the input side's gradients are the hidden side's, same row order
            const T* dgi_l = (has_c && l > 0) ? dgh : dgi;
            simd::gemm_dytx_n<Steps * B, GH, H, false>(dgh, hs, g + tensor_at<T>(l, 1));
            rnn_detail::column_sums<Steps * B, GH>(dgh, g + tensor_at<T>(l, 3));
            rnn_detail::column_sums<Steps * B, GH>(dgi_l, g + tensor_at<T>(l, 2));
            if (l == 0) {
                simd::gemm_dytx_n<Steps * B, GH, F, false>(dgi_l, c.in, g + tensor_at<T>(0, 0));
                if (c.din) simd::gemm_dyw_n<Steps * B, GH, F>(dgi_l, p + tensor_at<T>(0, 0), c.din);
            } else {
                const T* below = c.saved + (l - 1) * saved_layer<T, B> + BH;  // h_1..h_T of layer l - 1
                simd::gemm_dytx_n<Steps * B, GH, H, false>(dgi_l, below, g + tensor_at<T>(l, 0));
                simd::gemm_dyw_n<Steps * B, GH, H>(dgi_l, p + tensor_at<T>(l, 0), dy_next);
            }
        }
    }

private:
    /// One step of one stream at inference (the streaming call): simd's step
    /// kernels read h (and c) from the state and write the new ones there.
    template <class T, bool Train, class S>
    CTNN_INLINE static void stream_step(const forward_context<T, 1, Train, S>& c) noexcept {
        alignas(64) T zeros[H]{};
        alignas(64) T buf[2 * H];
        alignas(64) T cbuf[has_c ? H : 1];
        const T* x = c.in;
        const T* p = c.params;
        for (std::size_t l = 0; l < L; ++l) {
            const T* hp = c.state ? c.state->h + l * H : zeros;
            T* ho = l + 1 == L ? c.out : c.state ? c.state->h + l * H : buf + (l % 2) * H;
            auto run = [&]<std::size_t Fl>() CTNN_INLINE_LAMBDA {
                const T* wih = p + tensor_at<T>(l, 0);
                const T* whh = p + tensor_at<T>(l, 1);
                const T* bih = p + tensor_at<T>(l, 2);
                const T* bhh = p + tensor_at<T>(l, 3);
                if constexpr (has_c) {
                    const T* cp = c.state ? c.state->c + l * H : zeros;
                    T* co = c.state ? c.state->c + l * H : cbuf;
                    simd::lstm_step_n<Fl, H>(wih, whh, bih, bhh, x, hp, cp, ho, co);
                } else {
                    simd::gru_step_n<Fl, H>(wih, whh, bih, bhh, x, hp, ho);
                }
            };
            if (l == 0)
                run.template operator()<F>();
            else
                run.template operator()<H>();
            if (l + 1 == L && c.state) rnn_detail::copy<H>(c.out, c.state->h + l * H);
            x = ho;
        }
    }

    /// The outputs h_1..h_T `[T, B, H]` of stacked layer l - 1.
    template <class T, std::size_t B, bool Train, class C>
    static const T* prev_out(const C& c, const T* work, std::size_t l) noexcept {
        if constexpr (Train)
            return c.saved + (l - 1) * saved_layer<T, B> + B * H;
        else
            return work + ((l - 1) % 2) * hs_size<T, B> + B * H;
    }
};

template <class Cell, std::size_t H, std::size_t Layers, Returns R>
struct recurrent_binding {
    static constexpr bool params_ok = H > 0 && Layers >= 1 && Layers <= 8;
    template <class In>
    static constexpr bool accepts = params_ok && (In::rank == 1 || In::rank == 2);
    template <class In, class Where>
    using diagnosis = check::first_t<
        check::fails_if<H == 0, check::fault::recurrent_hidden,
                        typename check::layer<typename Where::path,
                                              typename Where::spec>::needs_a_hidden_size_of_at_least_1>,
        check::fails_if<H != 0 && !params_ok, check::fault::recurrent_layers,
                        typename check::layer<typename Where::path, typename Where::spec>::needs_1_to_8_stacked_layers>,
        check::fails_if<params_ok && !accepts<In>, check::fault::recurrent_rank,
        typename check::recurrent_layer<typename Where::path, typename Where::spec>::template
            takes_a_sequence_T_F_or_a_step_F_but_layer<typename Where::before_path,
                                                        typename Where::before>::template produces<In>>>;
    template <class In>
    struct pick {
        using type = recurrent<Cell, 1, In::dims[0], H, Layers, true, true>;
    };
    template <class In>
        requires(In::rank == 2)
    struct pick<In> {
        using type = recurrent<Cell, In::dims[0], In::dims[1], H, Layers, R == Returns::last, false>;
    };
    template <class In>
    using type = typename pick<In>::type;
};

template <std::size_t H, std::size_t Layers, Returns R>
struct binding<GRU<H, Layers, R>> : recurrent_binding<gru_cell, H, Layers, R> {};
template <std::size_t H, std::size_t Layers, Returns R>
struct binding<LSTM<H, Layers, R>> : recurrent_binding<lstm_cell, H, Layers, R> {};

}  // namespace layers
}  // namespace ctnn
