#pragma once
/// \file recurrent.hpp
/// The step kernels of GRU and LSTM cells (PyTorch's nn.GRU / nn.LSTM), one
/// row (one stream) at a time, given the two projections of a step:
/// `gi = W_ih x + b_ih` and `gh = W_hh h + b_hh`, each `[G·H]` in PyTorch's
/// gate order (GRU r,z,n; LSTM i,f,g,o):
///
/// | cell | forward |
/// |---|---|
/// | GRU  | r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h' = n + z ⊙ (h − n) |
/// | LSTM | i, f, o = σ(gi + gh), g = tanh(gi_g + gh_g), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c') |
///
/// and the backward of each cell (pre-activation gradients, the direct part
/// of ∂L/∂h_prev and ∂L/∂c_prev); the matrix products around them are
/// gemm.hpp's. Each kernel runs over H in packs with the tail resolved at
/// compile time, so a streaming step at H = 16 is one AVX-512 pack per gate.
/// σ and tanh of float are fast_math.hpp's (≤ 2.4 and ≤ 5.9 ulp); double
/// takes xsimd's. No allocation.
///
/// `act` (training only) is what backward needs of a step, `[4·H]`:
/// GRU r, z, n, gh_n; LSTM i, f, g, o.

#include <cstddef>

#include "arch.hpp"
#include "epilogue.hpp"
#include "gemv.hpp"

namespace ctnn::simd {

namespace rnn_detail {
template <class V>
CTNN_INLINE V tanh(const V& x) noexcept {
    return simd::tanh(x);
}
/// σ(x) = ½ + ½·tanh(x/2) for float: fast_tanh's latency (~45 cycles) where
/// fast_sigmoid's exp, select and division take ~90, and a streaming step
/// waits for σ and tanh in series. Absolute error ≤ ½·3.5e-7 + ½ ulp(½)
/// ≤ 2.1e-7 (tanh's relative bound; the gates multiply values of magnitude
/// ≤ 1, so the absolute error is what reaches h and c).
template <class V>
CTNN_INLINE V sigmoid(const V& x) noexcept {
    if constexpr (detail::float_lanes<V>)
        return detail::fm_add(V(0.5f), fast_tanh(V(0.5f) * x), V(0.5f));
    else
        return V(1.0) / (V(1.0) + simd::exp(-x));
}
}  // namespace rnn_detail

/// One GRU step for one row: `h_out = cell(gi, gh, h_prev)`; with `Save`,
/// also `act = [r | z | n | gh_n]`. `h_out` may be `h_prev`.
template <std::size_t H, bool Save, class T>
CTNN_REALTIME CTNN_INLINE void gru_cell_n(const T* gi, const T* gh, const T* h_prev, T* h_out, T* act) noexcept {
    for_each_pack<T, H>([&]<class A>(std::size_t j) CTNN_INLINE_LAMBDA {
        using P = pack_traits<T, A>;
        const auto r = rnn_detail::sigmoid(P::load(gi + j) + P::load(gh + j));
        const auto z = rnn_detail::sigmoid(P::load(gi + H + j) + P::load(gh + H + j));
        const auto ghn = P::load(gh + 2 * H + j);
        const auto n = rnn_detail::tanh(P::fma(r, ghn, P::load(gi + 2 * H + j)));
        const auto h = P::load(h_prev + j);
        P::store(h_out + j, P::fma(z, h - n, n));
        if constexpr (Save) {
            P::store(act + j, r);
            P::store(act + H + j, z);
            P::store(act + 2 * H + j, n);
            P::store(act + 3 * H + j, ghn);
        }
    });
}

/// One LSTM step for one row: `(h_out, c_out) = cell(gi, gh, h_prev, c_prev)`;
/// with `Save`, also `act = [i | f | g | o]`. Outputs may alias the inputs.
template <std::size_t H, bool Save, class T>
CTNN_REALTIME CTNN_INLINE void lstm_cell_n(const T* gi, const T* gh, const T* c_prev, T* h_out, T* c_out,
                                           T* act) noexcept {
    for_each_pack<T, H>([&]<class A>(std::size_t j) CTNN_INLINE_LAMBDA {
        using P = pack_traits<T, A>;
        const auto i = rnn_detail::sigmoid(P::load(gi + j) + P::load(gh + j));
        const auto f = rnn_detail::sigmoid(P::load(gi + H + j) + P::load(gh + H + j));
        const auto g = rnn_detail::tanh(P::load(gi + 2 * H + j) + P::load(gh + 2 * H + j));
        const auto o = rnn_detail::sigmoid(P::load(gi + 3 * H + j) + P::load(gh + 3 * H + j));
        const auto c = P::fma(f, P::load(c_prev + j), i * g);
        P::store(c_out + j, c);
        P::store(h_out + j, o * rnn_detail::tanh(c));
        if constexpr (Save) {
            P::store(act + j, i);
            P::store(act + H + j, f);
            P::store(act + 2 * H + j, g);
            P::store(act + 3 * H + j, o);
        }
    });
}

/// Backward of one GRU step for one row. `dh` is ∂L/∂h' (in), `act` the
/// step's saved values, `h_prev` its input state. Writes the pre-activation
/// gradients of the input side `dgi = [dr | dz | dn]` and of the hidden side
/// `dgh = [dr | dz | dn ⊙ r]`, and `dh_direct = dh ⊙ z` (the part of
/// ∂L/∂h_prev that does not pass through W_hh).
template <std::size_t H, class T>
CTNN_REALTIME CTNN_INLINE void gru_cell_grad_n(const T* dh, const T* act, const T* h_prev, T* dgi, T* dgh,
                                               T* dh_direct) noexcept {
    for_each_pack<T, H>([&]<class A>(std::size_t j) CTNN_INLINE_LAMBDA {
        using P = pack_traits<T, A>;
        using V = typename P::type;
        const V one = P::splat(T(1));
        const V g = P::load(dh + j);
        const V r = P::load(act + j), z = P::load(act + H + j), n = P::load(act + 2 * H + j);
        const V ghn = P::load(act + 3 * H + j);
        const V dn = g * (one - z) * (one - n * n);
        const V dz = g * (P::load(h_prev + j) - n) * z * (one - z);
        const V dr = dn * ghn * r * (one - r);
        P::store(dgi + j, dr);
        P::store(dgi + H + j, dz);
        P::store(dgi + 2 * H + j, dn);
        P::store(dgh + j, dr);
        P::store(dgh + H + j, dz);
        P::store(dgh + 2 * H + j, dn * r);
        P::store(dh_direct + j, g * z);
    });
}

/// Backward of one LSTM step for one row. `dh` is ∂L/∂h' (in), `dc` ∂L/∂c'
/// from later steps (in; out: ∂L/∂c_prev), `c` and `c_prev` the step's cell
/// states. Writes the pre-activation gradients `dg = [di | df | dg | do]`
/// (the same for the input and the hidden side).
template <std::size_t H, class T>
CTNN_REALTIME CTNN_INLINE void lstm_cell_grad_n(const T* dh, T* dc, const T* act, const T* c, const T* c_prev,
                                                T* dg) noexcept {
    for_each_pack<T, H>([&]<class A>(std::size_t j) CTNN_INLINE_LAMBDA {
        using P = pack_traits<T, A>;
        using V = typename P::type;
        const V one = P::splat(T(1));
        const V g = P::load(dh + j);
        const V i = P::load(act + j), f = P::load(act + H + j), gg = P::load(act + 2 * H + j);
        const V o = P::load(act + 3 * H + j);
        const V tc = rnn_detail::tanh(P::load(c + j));
        const V dct = P::fma(g * o, one - tc * tc, P::load(dc + j));
        P::store(dg + j, dct * gg * i * (one - i));
        P::store(dg + H + j, dct * P::load(c_prev + j) * f * (one - f));
        P::store(dg + 2 * H + j, dct * i * (one - gg * gg));
        P::store(dg + 3 * H + j, g * tc * o * (one - o));
        P::store(dc + j, dct * f);
    });
}

// ---- streaming steps: one row, one call, latency first ------------------------------

/// Whether the one-step kernels below take hidden size `H` for `T`: whole
/// packs of the widest architecture (H = 16 floats: one AVX-512 pack, two AVX2).
template <class T, std::size_t H>
inline constexpr bool step_kernel_fits = width<T> > 1 && H % width<T> == 0;

namespace rnn_detail {
#if defined(__AVX512F__)
/// Lane i = Σ rows[i] for 16 AVX-512 float packs, in registers: four levels
/// of two shuffles and an add (30 shuffles, 15 adds), inlined. xsimd 8.1's
/// `haddp` is an out-of-line call that spills the rows and uses 3-uop
/// `vhaddps`: it took a third of a GRU-16 streaming step. The rows are
/// taken in the order `order[k]`, which puts row i's sum in lane i.
inline constexpr std::size_t reduce16_order[16] = {0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7, 12, 14, 13, 15};
CTNN_INLINE __m512 reduce16(const __m512* p) noexcept {
    __m512 a[8], b[4], c[2];
    CTNN_UNROLL for (int k = 0; k < 8; ++k) {  // 8 partials of rows k and k + 8
        a[k] = _mm512_add_ps(_mm512_shuffle_f32x4(p[k], p[k + 8], 0x44), _mm512_shuffle_f32x4(p[k], p[k + 8], 0xEE));
    }
    CTNN_UNROLL for (int k = 0; k < 4; ++k) {  // 4 partials of rows k, k + 8, k + 4, k + 12
        b[k] = _mm512_add_ps(_mm512_shuffle_f32x4(a[k], a[k + 4], 0x88), _mm512_shuffle_f32x4(a[k], a[k + 4], 0xDD));
    }
    CTNN_UNROLL for (int k = 0; k < 2; ++k) {  // 2 partials, per 128-bit block
        c[k] = _mm512_add_ps(_mm512_shuffle_ps(b[k], b[k + 2], 0x44), _mm512_shuffle_ps(b[k], b[k + 2], 0xEE));
    }
    return _mm512_add_ps(_mm512_shuffle_ps(c[0], c[1], 0x88), _mm512_shuffle_ps(c[0], c[1], 0xDD));
}
#endif

#if defined(__AVX512F__)
/// The 16 row sums Σ_k w[r, k]·h[k] of a row-major `[16, 16]` float block,
/// lane r for row r, with `h` in registers: rows 2p and 2p + 1 are 32
/// consecutive floats, so three FMAs on plain loads (`[w_2p[8:16] | w_2p+1[0:8]]`
/// at offset 8, and the two rows against h masked to one half) give their
/// 8 + 8 partial sums side by side, with no shuffle; three levels of
/// shuffles and adds and one permutation finish (46 vector operations for
/// 16 rows where products and a full transposing reduction take 61: a
/// streaming step is bound by the two vector ports).
struct h16 {
    __m512 swapped, low, high;  // [h8:16 | h0:8], [h0:8 | 0], [0 | h8:16]
    explicit h16(__m512 h) noexcept
        : swapped(_mm512_shuffle_f32x4(h, h, 0x4E)),
          low(_mm512_maskz_mov_ps(0x00FF, h)),
          high(_mm512_maskz_mov_ps(0xFF00, h)) {}
};
CTNN_INLINE __m512 row_sums16(const float* w, const h16& h) noexcept {
    __m512 a[8], b[4], c[2];
    CTNN_UNROLL for (int p = 0; p < 8; ++p) {  // lanes 0-7: row 2p, 8-15: row 2p + 1
        const float* q = w + 32 * p;
        a[p] = _mm512_fmadd_ps(_mm512_loadu_ps(q + 8), h.swapped,
                               _mm512_fmadd_ps(_mm512_loadu_ps(q), h.low, _mm512_mul_ps(_mm512_loadu_ps(q + 16), h.high)));
    }
    CTNN_UNROLL for (int k = 0; k < 4; ++k) {  // 128-bit blocks: rows 2k, 2k + 1, 2k + 8, 2k + 9
        b[k] = _mm512_add_ps(_mm512_shuffle_f32x4(a[k], a[k + 4], 0x88), _mm512_shuffle_f32x4(a[k], a[k + 4], 0xDD));
    }
    CTNN_UNROLL for (int k = 0; k < 2; ++k) {
        c[k] = _mm512_add_ps(_mm512_shuffle_ps(b[k], b[k + 2], 0x44), _mm512_shuffle_ps(b[k], b[k + 2], 0xEE));
    }
    const __m512 d = _mm512_add_ps(_mm512_shuffle_ps(c[0], c[1], 0x88), _mm512_shuffle_ps(c[0], c[1], 0xDD));
    // d holds rows 0 4 2 6 1 5 3 7 8 12 10 14 9 13 11 15 (the permutation is its own inverse)
    return _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 2, 6, 1, 5, 3, 7, 8, 12, 10, 14, 9, 13, 11, 15), d);
}
#endif

/// One pack of sums Σ_k w[r, k]·h[k] for the `width` rows at `w` (rows `K`
/// apart, PyTorch's row-major `[G·H, H]`), with `h` in registers: products
/// (and FMAs over K's packs) then one transposing reduction, with no store
/// in between: the streaming step waits for this.
template <std::size_t K, class A, class T>
CTNN_INLINE xsimd::batch<T, A> row_dots(const T* w, const xsimd::batch<T, A>* h) noexcept {
    using P = pack_traits<T, A>;
    constexpr std::size_t n = P::width;
#if defined(__AVX512F__)
    constexpr bool own = std::is_same_v<T, float> && n == 16;
#endif
    xsimd::batch<T, A> p[n];
    CTNN_UNROLL for (std::size_t k = 0; k < n; ++k) {
        std::size_t r = k;
#if defined(__AVX512F__)
        if constexpr (own) r = reduce16_order[k];
#endif
        auto acc = P::load(w + r * K) * h[0];
        CTNN_UNROLL for (std::size_t q = 1; q < K / n; ++q) acc = P::fma(P::load(w + r * K + q * n), h[q], acc);
        p[k] = acc;
    }
#if defined(__AVX512F__)
    if constexpr (own) {
        __m512 raw[16];
        CTNN_UNROLL for (std::size_t k = 0; k < 16; ++k) raw[k] = p[k];
        return reduce16(raw);
    } else
#endif
        return reduce_packs(p);
}
/// `dots(w)`: the pack of row sums for the `width` rows at `w` against the
/// hidden state `hv` (row_sums16 for one AVX-512 pack of float, else row_dots).
template <std::size_t H, class A, class T>
struct hidden_dots {
    const xsimd::batch<T, A>* hv;
#if defined(__AVX512F__)
    static constexpr bool sixteen = std::is_same_v<T, float> && H == 16 && xsimd::batch<T, A>::size == 16;
    std::conditional_t<sixteen, h16, char> ctx;
    explicit hidden_dots(const xsimd::batch<T, A>* h) noexcept : hv(h), ctx(make(h)) {}
    static auto make(const xsimd::batch<T, A>* h) noexcept {
        if constexpr (sixteen)
            return h16(h[0]);
        else
            return char(0);
    }
#else
    explicit hidden_dots(const xsimd::batch<T, A>* h) noexcept : hv(h) {}
#endif
    CTNN_INLINE xsimd::batch<T, A> operator()(const T* w) const noexcept {
#if defined(__AVX512F__)
        if constexpr (sixteen) return row_sums16(w, ctx);
        else
#endif
            return row_dots<H, A>(w, hv);
    }
};
}  // namespace rnn_detail

/// One GRU step of one stream, parameters in PyTorch's layout: `h_out =
/// cell(W_ih x + b_ih, W_hh h_prev + b_hh, h_prev)`. `h_out` may be `h_prev`.
/// The input side (which does not wait for h) is a GEMV into a buffer; the
/// hidden side stays in registers from the products to the new h. Needs
/// `step_kernel_fits<T, H>`. No allocation.
template <std::size_t F, std::size_t H, class T>
CTNN_REALTIME CTNN_INLINE void gru_step_n(const T* w_ih, const T* w_hh, const T* b_ih, const T* b_hh, const T* x,
                                          const T* h_prev, T* h_out) noexcept {
    using A = best_arch;
    using P = pack_traits<T, A>;
    constexpr std::size_t n = P::width;
    alignas(64) T gi[3 * H];
    gemv_n<3 * H, F>(w_ih, x, gi, epilogue::bias<T>{b_ih});
    typename P::type hv[H / n];
    CTNN_UNROLL for (std::size_t q = 0; q < H / n; ++q) hv[q] = P::load(h_prev + q * n);
    const rnn_detail::hidden_dots<H, A, T> dots(hv);
    CTNN_UNROLL for (std::size_t j = 0; j < H; j += n) {
        const auto ghr = dots(w_hh + j * H) + P::load(b_hh + j);
        const auto ghz = dots(w_hh + (H + j) * H) + P::load(b_hh + H + j);
        const auto ghn = dots(w_hh + (2 * H + j) * H) + P::load(b_hh + 2 * H + j);
        const auto r = rnn_detail::sigmoid(P::load(gi + j) + ghr);
        const auto z = rnn_detail::sigmoid(P::load(gi + H + j) + ghz);
        const auto nn = rnn_detail::tanh(P::fma(r, ghn, P::load(gi + 2 * H + j)));
        P::store(h_out + j, P::fma(z, hv[j / n] - nn, nn));
    }
}

/// One LSTM step of one stream (see gru_step_n). `h_out`/`c_out` may be
/// `h_prev`/`c_prev`.
template <std::size_t F, std::size_t H, class T>
CTNN_REALTIME CTNN_INLINE void lstm_step_n(const T* w_ih, const T* w_hh, const T* b_ih, const T* b_hh, const T* x,
                                           const T* h_prev, const T* c_prev, T* h_out, T* c_out) noexcept {
    using A = best_arch;
    using P = pack_traits<T, A>;
    constexpr std::size_t n = P::width;
    alignas(64) T gi[4 * H];
    gemv_n<4 * H, F>(w_ih, x, gi, epilogue::bias<T>{b_ih});
    typename P::type hv[H / n];
    CTNN_UNROLL for (std::size_t q = 0; q < H / n; ++q) hv[q] = P::load(h_prev + q * n);
    const rnn_detail::hidden_dots<H, A, T> dots(hv);
    CTNN_UNROLL for (std::size_t j = 0; j < H; j += n) {
        auto gate = [&](std::size_t k) CTNN_INLINE_LAMBDA {
            return P::load(gi + k * H + j) + (dots(w_hh + (k * H + j) * H) + P::load(b_hh + k * H + j));
        };
        const auto i = rnn_detail::sigmoid(gate(0));
        const auto f = rnn_detail::sigmoid(gate(1));
        const auto g = rnn_detail::tanh(gate(2));
        const auto o = rnn_detail::sigmoid(gate(3));
        const auto c = P::fma(f, P::load(c_prev + j), i * g);
        P::store(c_out + j, c);
        P::store(h_out + j, o * rnn_detail::tanh(c));
    }
}

}  // namespace ctnn::simd
