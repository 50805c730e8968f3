#pragma once
/// \file pool.hpp
/// Pooling kernels over one plane `H × W` (row-major) by `KH × KW` windows
/// moved by `SH × SW`, padded by `PH × PW` (floor mode), as PyTorch's:
/// max pooling pads with −∞, takes the first maximum of a window in
/// row-major order (a NaN wins, the last one), average pooling counts the
/// padding (divides by KH·KW).
///
/// Separable: per output row, a vertical pass reduces the window's KH input
/// rows into one padded row (packs along W), then a horizontal pass reduces
/// KW shifted copies of it (packs along the output columns; with a stride
/// SW > 1 it reduces every start position and keeps each SW-th). Max keeps,
/// beside each value, the index (h·W + w, as `T`) of its winner, comparing
/// (value, index) so that ties go to the smaller index and NaNs to the larger:
/// the same winner as a row-major scan. All the buffers are the caller's
/// (`pool_work` elements); nothing allocates.

#include <cstddef>
#include <limits>
#include <type_traits>

#include "arch.hpp"
#include "map.hpp"

namespace ctnn::simd {

/// The geometry of a pooling of one plane.
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW>
struct pool_shape {
    static constexpr std::size_t OH = (H + 2 * PH - KH) / SH + 1;
    static constexpr std::size_t OW = (W + 2 * PW - KW) / SW + 1;
    static constexpr std::size_t Wp = W + 2 * PW;       ///< a padded row
    static constexpr std::size_t J = (OW - 1) * SW + 1;  ///< window starts the horizontal pass computes
    /// Input rows [first, last) of output row oh's window.
    static constexpr std::size_t first(std::size_t oh) noexcept { return oh * SH < PH ? 0 : oh * SH - PH; }
    static constexpr std::size_t last(std::size_t oh) noexcept {
        return oh * SH + KH - PH < H ? oh * SH + KH - PH : H;
    }
    /// Elements of work space a call needs (four line-aligned rows).
    template <class T>
    static constexpr std::size_t work = 4 * ((Wp + 64 / sizeof(T) - 1) / (64 / sizeof(T)) * (64 / sizeof(T)));
};

namespace pool_detail {
template <class T, std::size_t W>
inline constexpr auto iota = [] {
    struct row {
        T v[W];
    } r{};
    for (std::size_t i = 0; i < W; ++i) r.v[i] = T(i);
    return r;
}();

/// Lanes that hold a NaN (xsimd's `!=` is an ordered compare on AVX-512: false for NaN).
template <class V>
CTNN_INLINE auto is_nan(const V& v) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return v != v;
    else
        return xsimd::isnan(v);
}

/// Keeps the maximum (a NaN wins, the later one in scan order): (v > best) or v is NaN.
struct take_later {
    template <class V>
    CTNN_INLINE auto operator()(const V& v, const V& best) const noexcept {
        return (v > best) | is_nan(v);
    }
};
/// Whether candidate (cv, ci) beats (bv, bi): a NaN beats a number and a NaN
/// of smaller index; a number beats a smaller one and an equal one of larger index.
struct beats {
    template <class V>
    CTNN_INLINE auto operator()(const V& cv, const V& ci, const V& bv, const V& bi) const noexcept {
        return (is_nan(cv) & ((bv == bv) | (ci > bi))) | ((bv == bv) & ((cv > bv) | ((cv == bv) & (ci < bi))));
    }
};
}  // namespace pool_detail

/// Max pooling of one plane: `y [OH, OW]`, and with `idx` (non-null when
/// `Index`) each output's winner's index in the plane.
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, bool Index, class T>
CTNN_INLINE void max_pool_plane(const T* x, T* y, T* idx, T* work) noexcept {
    using G = pool_shape<H, W, KH, KW, SH, SW, PH, PW>;
    constexpr std::size_t line = G::template work<T> / 4;
    T* rv = work;             // the vertical maxima, padded: [Wp]
    T* ri = work + line;      // their indices
    T* tv = work + 2 * line;  // the horizontal maxima at every start (stride > 1)
    T* ti = work + 3 * line;
    [[maybe_unused]] const T* iota = pool_detail::iota<T, W>.v;
    for (std::size_t i = 0; i < PW; ++i) {
        rv[i] = rv[PW + W + i] = -std::numeric_limits<T>::infinity();
        ri[i] = ri[PW + W + i] = T(H * W);  // loses every tie
    }
    for (std::size_t oh = 0; oh < G::OH; ++oh) {
        const std::size_t h0 = G::first(oh), h1 = G::last(oh);
        // vertical: row h0, then the later rows where they win
        map_n<W>([](auto v) CTNN_INLINE_LAMBDA { return v; }, rv + PW, x + h0 * W);
        if constexpr (Index)
            map_n<W>([o = T(h0 * W)](auto i) CTNN_INLINE_LAMBDA { return i + decltype(i)(o); }, ri + PW, iota);
        for (std::size_t h = h0 + 1; h < h1; ++h) {
            if constexpr (Index) {
                T* const b[2] = {rv + PW, ri + PW};
                update_n<W, 2>(
                    [o = T(h * W)](auto& bv, auto& bi, auto v, auto i) CTNN_INLINE_LAMBDA {
                        using V = decltype(v);
                        const auto t = pool_detail::take_later{}(v, bv);
                        bv = simd::select(t, v, bv);
                        bi = simd::select(t, i + V(o), bi);
                    },
                    b, x + h * W, iota);
            } else {
                map_n<W>([](auto bv, auto v) CTNN_INLINE_LAMBDA { return simd::select(pool_detail::take_later{}(v, bv), v, bv); },
                         rv + PW, rv + PW, x + h * W);
            }
        }
        // horizontal: the KW shifted rows, at every start (stride 1: straight into y)
        T* ov = SW == 1 ? y + oh * G::OW : tv;
        T* oi = SW == 1 && Index ? idx + oh * G::OW : ti;
        map_n<G::J>([](auto v) CTNN_INLINE_LAMBDA { return v; }, ov, rv);
        if constexpr (Index) map_n<G::J>([](auto v) CTNN_INLINE_LAMBDA { return v; }, oi, ri);
        for (std::size_t k = 1; k < KW; ++k) {
            if constexpr (Index) {
                T* const b[2] = {ov, oi};
                update_n<G::J, 2>(
                    [](auto& bv, auto& bi, auto cv, auto ci) CTNN_INLINE_LAMBDA {
                        const auto t = pool_detail::beats{}(cv, ci, bv, bi);
                        bv = simd::select(t, cv, bv);
                        bi = simd::select(t, ci, bi);
                    },
                    b, rv + k, ri + k);
            } else {
                map_n<G::J>([](auto bv, auto v) CTNN_INLINE_LAMBDA { return simd::select(pool_detail::take_later{}(v, bv), v, bv); },
                            ov, ov, rv + k);
            }
        }
        if constexpr (SW != 1) {
            for (std::size_t o = 0; o < G::OW; ++o) y[oh * G::OW + o] = tv[o * SW];
            if constexpr (Index)
                for (std::size_t o = 0; o < G::OW; ++o) idx[oh * G::OW + o] = ti[o * SW];
        }
    }
}

/// Average pooling of one plane (padding counted): `y [OH, OW]`.
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, class T>
CTNN_INLINE void avg_pool_plane(const T* x, T* y, T* work) noexcept {
    using G = pool_shape<H, W, KH, KW, SH, SW, PH, PW>;
    constexpr std::size_t line = G::template work<T> / 4;
    T* r = work;
    T* t = work + line;
    const T inv = T(1) / T(KH * KW);
    for (std::size_t i = 0; i < PW; ++i) r[i] = r[PW + W + i] = T(0);
    for (std::size_t oh = 0; oh < G::OH; ++oh) {
        const std::size_t h0 = G::first(oh), h1 = G::last(oh);
        map_n<W>([](auto v) CTNN_INLINE_LAMBDA { return v; }, r + PW, x + h0 * W);
        for (std::size_t h = h0 + 1; h < h1; ++h)
            map_n<W>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, r + PW, r + PW, x + h * W);
        T* o = SW == 1 ? y + oh * G::OW : t;
        map_n<G::J>([](auto v) CTNN_INLINE_LAMBDA { return v; }, o, r);
        for (std::size_t k = 1; k < KW; ++k)
            map_n<G::J>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, o, o, r + k);
        if constexpr (SW == 1)
            map_n<G::OW>([inv](auto a) CTNN_INLINE_LAMBDA { return a * decltype(a)(inv); }, o, o);
        else
            for (std::size_t j = 0; j < G::OW; ++j) y[oh * G::OW + j] = t[j * SW] * inv;
    }
}

/// ∂L/∂x of average pooling of one plane from ∂L/∂y: `dx [H, W]` (overwritten).
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, class T>
CTNN_INLINE void avg_pool_plane_backward(const T* dy, T* dx, T* work) noexcept {
    using G = pool_shape<H, W, KH, KW, SH, SW, PH, PW>;
    constexpr std::size_t line = G::template work<T> / 4;
    T* r = work;         // the gradient spread over a padded row
    T* e = work + line;  // each output's gradient at its window's start
    const T inv = T(1) / T(KH * KW);
    map_n<H * W>([](auto v) CTNN_INLINE_LAMBDA { return decltype(v)(0); }, dx, dx);
    if constexpr (SW != 1) map_n<G::J>([](auto v) CTNN_INLINE_LAMBDA { return decltype(v)(0); }, e, e);
    for (std::size_t oh = 0; oh < G::OH; ++oh) {
        const T* g = dy + oh * G::OW;
        if constexpr (SW == 1) {
            map_n<G::J>([inv](auto v) CTNN_INLINE_LAMBDA { return v * decltype(v)(inv); }, e, g);
        } else {
            for (std::size_t j = 0; j < G::OW; ++j) e[j * SW] = g[j] * inv;
        }
        map_n<G::Wp>([](auto v) CTNN_INLINE_LAMBDA { return decltype(v)(0); }, r, r);
        for (std::size_t k = 0; k < KW; ++k)
            map_n<G::J>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, r + k, r + k, e);
        for (std::size_t h = G::first(oh); h < G::last(oh); ++h)
            map_n<W>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, dx + h * W, dx + h * W, r + PW);
    }
}

/// ∂L/∂x of max pooling of one plane: each output's gradient added at its
/// winner's index (`idx` from `max_pool_plane`); `dx [H, W]` overwritten.
template <std::size_t H, std::size_t W, std::size_t OHW, class T>
CTNN_INLINE void max_pool_plane_backward(const T* dy, const T* idx, T* dx) noexcept {
    map_n<H * W>([](auto v) CTNN_INLINE_LAMBDA { return decltype(v)(0); }, dx, dx);
    for (std::size_t o = 0; o < OHW; ++o) dx[std::size_t(idx[o])] += dy[o];
}

}  // namespace ctnn::simd
