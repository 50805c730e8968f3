#pragma once
/// \file conv1d.hpp
/// Kernels of 1-D convolutions over channel-major samples `[C, L]`:
///  - `im2col`: the padded input `[C, Lp]` becomes the patch matrix
///    `[C·K, Lout]` (row c·K + k holds channel c seen by tap k at every
///    output position), so a convolution is `W [Out, C·K] · cols` with
///    gemm.hpp's products and their fused epilogues;
///  - `col2im_add`: the transpose, scattering a patch gradient back onto the
///    padded input's gradient;
///  - the streaming step's rings: the taps of a step, x_{t-(K-1)·D} ... x_t,
///    are the inputs of one phase t mod D, so each channel keeps D rings
///    (one per phase) of the last K inputs of that phase, twice over
///    (`[C, D, 2K]`, written at `q` and `q + K`, q the round t / D mod K):
///    the window of every step is K contiguous values whatever the
///    dilation, and gathering its taps needs no modulo.
/// No allocation; every extent is a template argument.

#include <cstddef>

#include "map.hpp"

namespace ctnn::simd {

/// `cols[(c·K + k)·Lout + t] = xp[c·Lp + k·D + t·S]` for c < C, k < K, t < Lout.
template <std::size_t C, std::size_t Lp, std::size_t K, std::size_t D, std::size_t S, std::size_t Lout, class T>
CTNN_REALTIME CTNN_INLINE void im2col(const T* xp, T* cols) noexcept {
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t k = 0; k < K; ++k) {
            const T* from = xp + c * Lp + k * D;
            T* to = cols + (c * K + k) * Lout;
            if constexpr (S == 1)
                map_n<Lout>([](auto v) CTNN_INLINE_LAMBDA { return v; }, to, from);
            else
                for (std::size_t t = 0; t < Lout; ++t) to[t] = from[t * S];
        }
}

/// `dxp[c·Lp + k·D + t·S] += dcols[(c·K + k)·Lout + t]`: im2col's transpose (dxp is not cleared).
template <std::size_t C, std::size_t Lp, std::size_t K, std::size_t D, std::size_t S, std::size_t Lout, class T>
CTNN_REALTIME CTNN_INLINE void col2im_add(const T* dcols, T* dxp) noexcept {
    for (std::size_t c = 0; c < C; ++c)
        for (std::size_t k = 0; k < K; ++k) {
            T* to = dxp + c * Lp + k * D;
            const T* from = dcols + (c * K + k) * Lout;
            if constexpr (S == 1)
                map_n<Lout>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, to, to, from);
            else
                for (std::size_t t = 0; t < Lout; ++t) to[t * S] += from[t];
        }
}

/// Streaming step, one stream: writes the new input `x [C]` into its phase's
/// rings (`ring [C, D, 2K]`; this step's phase ring at `phase · 2K`, newest
/// at `q`) and gathers the window's taps in the weights' order,
/// `v[c·K + k] = x_{t - (K-1-k)·D}[c]`.
template <std::size_t C, std::size_t K, std::size_t D, class T>
CTNN_REALTIME CTNN_INLINE void ring_push_gather(T* ring, std::size_t phase, std::size_t q, const T* x, T* v) noexcept {
    for (std::size_t c = 0; c < C; ++c) {
        T* r = ring + (c * D + phase) * 2 * K;
        r[q] = x[c];
        r[q + K] = x[c];
        // oldest tap at q + 1, newest at q + K
        map_n<K>([](auto a) CTNN_INLINE_LAMBDA { return a; }, v + c * K, r + q + 1);
    }
}

/// The taps of a step with no past (zeros before `x`): `v[c·K + K-1] = x[c]`, others 0.
template <std::size_t C, std::size_t K, class T>
CTNN_REALTIME CTNN_INLINE void gather_from_rest(const T* x, T* v) noexcept {
    for (std::size_t c = 0; c < C; ++c) {
        for (std::size_t k = 0; k + 1 < K; ++k) v[c * K + k] = T(0);
        v[c * K + K - 1] = x[c];
    }
}

namespace detail {
/// Σ p[0..N) as a balanced tree: a streaming step is a chain of layers, so
/// the latency of each sum counts (log2 N dependent adds instead of N).
template <std::size_t N, class T>
CTNN_INLINE T tree_sum(const T* p) noexcept {
    if constexpr (N == 1)
        return p[0];
    else
        return tree_sum<N / 2>(p) + tree_sum<N - N / 2>(p + N / 2);
}
}  // namespace detail

/// One step of a small convolution straight from the rings (layout as in
/// `ring_push_gather`): `z[o] = Σ_{c in o's group, k} w[o, c, k] · x_{t-(K-1-k)·D}[c]`. Static
/// extents the compiler unrolls, and products summed as a tree: for the few
/// channels of audio models (4 outputs, 12 taps) a GEMV's tiles and
/// reductions cost more than the arithmetic, and a step's latency is a
/// chain through every layer. `z` gets P ≥ Out values, those past Out set
/// to 0 in the same pass (a caller's wide load then forwards from these stores).
template <std::size_t Out, std::size_t C, std::size_t K, std::size_t D, std::size_t G, std::size_t P = Out, class T>
CTNN_REALTIME CTNN_INLINE void ring_step_small(const T* w, T* ring, std::size_t phase, std::size_t q, const T* x,
                                                T* z) noexcept {
    constexpr std::size_t Cg = C / G, Og = Out / G;
    T taps[C * K];
    for (std::size_t c = 0; c < C; ++c) {
        T* r = ring + (c * D + phase) * 2 * K;
        r[q] = x[c];
        r[q + K] = x[c];
        for (std::size_t k = 0; k + 1 < K; ++k) taps[c * K + k] = r[q + 1 + k];
        taps[c * K + K - 1] = x[c];  // the newest tap straight from the input, not through memory
    }
    for (std::size_t o = 0; o < P; ++o) {
        if (o >= Out) {
            z[o] = T(0);
            continue;
        }
        const std::size_t g = o / Og;
        T p[Cg * K];
        for (std::size_t i = 0; i < Cg * K; ++i) p[i] = w[o * Cg * K + i] * taps[g * Cg * K + i];
        z[o] = detail::tree_sum<Cg * K>(p);
    }
}

/// The same for a step with no past (only the newest tap sees an input), or a 1x1 convolution.
template <std::size_t Out, std::size_t C, std::size_t K, std::size_t G, std::size_t P = Out, class T>
CTNN_REALTIME CTNN_INLINE void newest_tap_small(const T* w, const T* x, T* z) noexcept {
    constexpr std::size_t Cg = C / G, Og = Out / G;
    for (std::size_t o = 0; o < P; ++o) {
        if (o >= Out) {
            z[o] = T(0);
            continue;
        }
        const std::size_t g = o / Og;
        T p[Cg];
        for (std::size_t j = 0; j < Cg; ++j) p[j] = w[(o * Cg + j) * K + K - 1] * x[g * Cg + j];
        z[o] = detail::tree_sum<Cg>(p);
    }
}

}  // namespace ctnn::simd
