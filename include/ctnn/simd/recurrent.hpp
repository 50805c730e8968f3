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

namespace ctnn::simd {

namespace rnn_detail {
template <class V>
CTNN_INLINE V sigmoid(const V& x) noexcept {
    if constexpr (detail::float_lanes<V>)
        return fast_sigmoid(x);
    else
        return V(1.0) / (V(1.0) + simd::exp(-x));
}
template <class V>
CTNN_INLINE V tanh(const V& x) noexcept {
    return simd::tanh(x);
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

}  // namespace ctnn::simd
