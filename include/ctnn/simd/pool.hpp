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

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
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
    static constexpr std::size_t in_w = W, stride_w = SW;
    static constexpr std::size_t J = (OW - 1) * SW + 1;  ///< window starts the horizontal pass computes
    /// Input rows [first, last) of output row oh's window.
    static constexpr std::size_t first(std::size_t oh) noexcept { return oh * SH < PH ? 0 : oh * SH - PH; }
    static constexpr std::size_t last(std::size_t oh) noexcept {
        return oh * SH + KH - PH < H ? oh * SH + KH - PH : H;
    }
    /// Elements of work space a call needs: four line-aligned rows, or the
    /// plane's vertical pass and its winners (pairs of columns, below).
    template <class T>
    static constexpr std::size_t line = (Wp + 64 / sizeof(T) - 1) / (64 / sizeof(T)) * (64 / sizeof(T));
    template <class T>
    static constexpr std::size_t work = 4 * line<T> > 2 * OH * W ? 4 * line<T> : 2 * OH * W;
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

using detail::is_nan;  // fast_math.hpp's (xsimd's `!=` is an ordered compare on AVX-512: false for NaN)

/// `c ? a : b` lane by lane; for numbers without a branch (a tail element of
/// random data mispredicts one half the time).
template <class C, class V>
CTNN_INLINE V pick(const C& c, const V& a, const V& b) noexcept {
    if constexpr (std::is_arithmetic_v<V>) {
        using U = std::conditional_t<sizeof(V) == 4, std::uint32_t, std::uint64_t>;
        const U m = U(0) - U(bool(c));
        return std::bit_cast<V>((std::bit_cast<U>(a) & m) | (std::bit_cast<U>(b) & ~m));
    } else {
        return xsimd::select(c, a, b);
    }
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

/// Windows of two columns moved by two, unpadded, over an even width: the
/// plane's column pairs are its windows' columns, so after the vertical
/// pass the horizontal one runs over the whole plane in packs.
template <std::size_t W, std::size_t KW, std::size_t SW, std::size_t PW>
inline constexpr bool pairs = KW == 2 && SW == 2 && PW == 0 && W % 2 == 0;

/// Lane i of the pack takes lane (2i + Odd) mod width (a half's pairs).
template <unsigned Odd>
struct pair_lanes {
    static constexpr unsigned get(unsigned i, unsigned n) { return (2 * i + Odd) % n; }
};
/// The lower half of the lanes.
struct lower_half {
    static constexpr bool get(unsigned i, unsigned n) { return i < n / 2; }
};

/// The even and odd elements of the 2·width elements at `p`, as two packs.
template <class P, class T>
CTNN_INLINE void load_pairs(const T* p, P& even, P& odd) noexcept {
    using A = typename P::arch_type;
    using U = xsimd::batch<std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>, A>;
    const P a = P::load_unaligned(p), b = P::load_unaligned(p + P::size);
    constexpr auto e = xsimd::make_batch_constant<U, pair_lanes<0>>();
    constexpr auto o = xsimd::make_batch_constant<U, pair_lanes<1>>();
    constexpr auto lo = xsimd::make_batch_bool_constant<P, lower_half>();
    even = xsimd::select(lo, xsimd::swizzle(a, e), xsimd::swizzle(b, e));
    odd = xsimd::select(lo, xsimd::swizzle(a, o), xsimd::swizzle(b, o));
}

/// out[i] = f(in[2i], in[2i + 1]) for i < N, a pack of outputs from two packs of inputs.
template <std::size_t N, class T, class F>
CTNN_INLINE void pair_map_n(F&& f, T* out, const T* in) noexcept {
    for_each_pack<T, N>([&]<class A>(std::size_t i) {
        if constexpr (std::is_same_v<A, scalar_arch>) {
            out[i] = f(in[2 * i], in[2 * i + 1]);
        } else {
            xsimd::batch<T, A> e, o;
            load_pairs(in + 2 * i, e, o);
            f(e, o).store_unaligned(out + i);
        }
    });
}

/// The winner of each column pair of (values v, indices vi): y[i], idx[i] for i < N.
template <std::size_t N, class T>
CTNN_INLINE void pair_winners_n(T* y, T* idx, const T* v, const T* vi) noexcept {
    for_each_pack<T, N>([&]<class A>(std::size_t i) {
        if constexpr (std::is_same_v<A, scalar_arch>) {
            const bool t = beats{}(v[2 * i + 1], vi[2 * i + 1], v[2 * i], vi[2 * i]);
            y[i] = pick(t, v[2 * i + 1], v[2 * i]);
            idx[i] = pick(t, vi[2 * i + 1], vi[2 * i]);
        } else {
            xsimd::batch<T, A> ev, ov, ei, oi;
            load_pairs(v + 2 * i, ev, ov);
            load_pairs(vi + 2 * i, ei, oi);
            const auto t = beats{}(ov, oi, ev, ei);
            xsimd::select(t, ov, ev).store_unaligned(y + i);
            xsimd::select(t, oi, ei).store_unaligned(idx + i);
        }
    });
}

/// Pooling by KH × 2 windows moved by SH × 2 (no column padding): the
/// vertical pass reduces each window's rows with `f` into `v [OH, W]`, the
/// horizontal one its column pairs with `g` into `y [OH, W/2]`.
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t SH, std::size_t PH, class T, class F, class G2>
inline void pooled_pairs(const T* x, T* y, T* v, F f, G2 g) noexcept {
    using G = pool_shape<H, W, KH, 2, SH, 2, PH, 0>;
    if constexpr (KH == 1 && SH == 1 && PH == 0) {
        v = const_cast<T*>(x);  // read only below
    } else {
        for (std::size_t oh = 0; oh < G::OH; ++oh) {
            const std::size_t h0 = G::first(oh), h1 = G::last(oh);
            if (h1 - h0 == KH) {
                [&]<std::size_t... k>(std::index_sequence<k...>) {
                    map_n<W>(f, v + oh * W, (x + (h0 + k) * W)...);
                }(std::make_index_sequence<KH>{});
            } else {
                map_n<W>([](auto a) CTNN_INLINE_LAMBDA { return a; }, v + oh * W, x + h0 * W);
                for (std::size_t h = h0 + 1; h < h1; ++h)
                    map_n<W>(f, v + oh * W, v + oh * W, x + h * W);
            }
        }
    }
    pair_map_n<G::OH * W / 2>(g, y, v);
}

/// max(a, v) as a scan keeps it: v if v > a or v is NaN (x86's max returns
/// its second operand when either is NaN: a NaN in `a` stays).
template <class V>
CTNN_INLINE V max2(const V& a, const V& v) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        return pick(v != v, v, v > a ? v : a);
    else
        return xsimd::select(xsimd::isnan(v), v, xsimd::max(v, a));
}
/// The maximum of `v...` in order, as a scan from −∞ (a NaN wins).
template <class V, class... R>
CTNN_INLINE V max_of(V a, R... r) noexcept {
    ((a = max2(a, r)), ...);
    return a;
}
}  // namespace pool_detail

/// Max pooling of one plane row by row (see max_pool_plane).
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, bool Index, class T>
inline void max_pool_rows(const T* x, T* y, T* idx, T* work) noexcept {
    using G = pool_shape<H, W, KH, KW, SH, SW, PH, PW>;
    using pool_detail::take_later;
    constexpr bool whole_plane = pool_detail::pairs<W, KW, SW, PW>;
    constexpr std::size_t line = G::template line<T>;
    constexpr T lowest = -std::numeric_limits<T>::infinity();
    T* rv = work;             // the vertical maxima, padded: [Wp]
    T* ri = work + line;      // their indices
    [[maybe_unused]] const T* iota = pool_detail::iota<T, W>.v;
    for (std::size_t i = 0; i < PW; ++i) {
        rv[i] = rv[PW + W + i] = lowest;
        ri[i] = ri[PW + W + i] = T(H * W);  // loses every tie
    }
    for (std::size_t oh = 0; oh < G::OH; ++oh) {
        const std::size_t h0 = G::first(oh), h1 = G::last(oh);
        // vertical: a scan of the window's rows from −∞, in one pass when the window is whole
        if constexpr (Index) {
            // column pairs: the whole plane's rows first, its pairs after the loop
            T* const b[2] = {whole_plane ? work + oh * W : rv + PW, whole_plane ? work + (G::OH + oh) * W : ri + PW};
            const auto scan = [&](auto... rows) CTNN_INLINE_LAMBDA {
                update_n<W, 2>(
                    [o = T(h0 * W)](auto& bv, auto& bi, auto i, auto... v) CTNN_INLINE_LAMBDA {
                        using V = decltype(i);
                        bv = V(lowest);
                        bi = i + V(o);
                        T k = 0;
                        ((bi = pool_detail::pick(take_later{}(v, bv), i + V(o + k), bi),
                          bv = pool_detail::pick(take_later{}(v, bv), v, bv), k += T(W)),
                         ...);
                    },
                    b, iota, rows...);
            };
            if (h1 - h0 == KH) {
                [&]<std::size_t... k>(std::index_sequence<k...>) { scan((x + (h0 + k) * W)...); }(
                    std::make_index_sequence<KH>{});
            } else {
                scan(x + h0 * W);
                for (std::size_t h = h0 + 1; h < h1; ++h)
                    update_n<W, 2>(
                        [o = T(h * W)](auto& bv, auto& bi, auto v, auto i) CTNN_INLINE_LAMBDA {
                            using V = decltype(v);
                            const auto t = take_later{}(v, bv);
                            bv = pool_detail::pick(t, v, bv);
                            bi = pool_detail::pick(t, i + V(o), bi);
                        },
                        b, x + h * W, iota);
            }
        } else {
            if (h1 - h0 == KH) {
                [&]<std::size_t... k>(std::index_sequence<k...>) {
                    map_n<W>([](auto... v) CTNN_INLINE_LAMBDA { return pool_detail::max_of(v...); }, rv + PW,
                             (x + (h0 + k) * W)...);
                }(std::make_index_sequence<KH>{});
            } else {
                map_n<W>([](auto v) CTNN_INLINE_LAMBDA { return v; }, rv + PW, x + h0 * W);
                for (std::size_t h = h0 + 1; h < h1; ++h)
                    map_n<W>([](auto a, auto v) CTNN_INLINE_LAMBDA { return pool_detail::max_of(a, v); }, rv + PW,
                             rv + PW, x + h * W);
            }
        }
        // horizontal
        T* yr = y + oh * G::OW;
        if constexpr (Index && whole_plane) {
            (void)yr;  // after the loop
        } else if constexpr (Index) {
            T* ir = idx + oh * G::OW;
            // packs of window starts, the KW shifted rows (stride 1: into y; else every start, then each SW-th)
            T* ov = SW == 1 ? yr : work + 2 * line;
            T* oi = SW == 1 ? ir : work + 3 * line;
            map_n<G::J>([](auto v) CTNN_INLINE_LAMBDA { return v; }, ov, rv);
            map_n<G::J>([](auto v) CTNN_INLINE_LAMBDA { return v; }, oi, ri);
            T* const b[2] = {ov, oi};
            for (std::size_t k = 1; k < KW; ++k)
                update_n<G::J, 2>(
                    [](auto& bv, auto& bi, auto cv, auto ci) CTNN_INLINE_LAMBDA {
                        const auto t = pool_detail::beats{}(cv, ci, bv, bi);
                        bv = pool_detail::pick(t, cv, bv);
                        bi = pool_detail::pick(t, ci, bi);
                    },
                    b, rv + k, ri + k);
            if constexpr (SW != 1)
                for (std::size_t o = 0; o < G::OW; ++o) {
                    yr[o] = ov[o * SW];
                    ir[o] = oi[o * SW];
                }
        } else {
            if constexpr (SW == 1) {
                [&]<std::size_t... k>(std::index_sequence<k...>) {
                    map_n<G::OW>([](auto... v) CTNN_INLINE_LAMBDA { return pool_detail::max_of(v...); }, yr,
                                 (rv + k)...);
                }(std::make_index_sequence<KW>{});
            } else {
                for (std::size_t o = 0; o < G::OW; ++o)
                    [&]<std::size_t... k>(std::index_sequence<k...>) {
                        yr[o] = pool_detail::max_of(rv[o * SW + k]...);
                    }(std::make_index_sequence<KW>{});
            }
        }
    }
    if constexpr (Index && whole_plane) pool_detail::pair_winners_n<G::OH * W / 2>(y, idx, work, work + G::OH * W);
}

/// Max pooling of one plane: `y [OH, OW]`, and with `idx` (non-null when
/// `Index`) each output's winner's index in the plane.
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, bool Index, class T>
inline void max_pool_plane(const T* x, T* y, T* idx, T* work) noexcept {
    if constexpr (!Index && pool_detail::pairs<W, KW, SW, PW>) {
        const auto f = [](auto... v) CTNN_INLINE_LAMBDA { return pool_detail::max_of(v...); };
        pool_detail::pooled_pairs<H, W, KH, SH, PH>(x, y, work, f, f);
    } else {
        max_pool_rows<H, W, KH, KW, SH, SW, PH, PW, Index>(x, y, idx, work);
    }
}

/// Average pooling of one plane row by row (see avg_pool_plane).
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, class T>
inline void avg_pool_rows(const T* x, T* y, T* work) noexcept {
    const T inv = T(1) / T(KH * KW);
    using G = pool_shape<H, W, KH, KW, SH, SW, PH, PW>;
    T* r = work;
    for (std::size_t i = 0; i < PW; ++i) r[i] = r[PW + W + i] = T(0);
    for (std::size_t oh = 0; oh < G::OH; ++oh) {
        const std::size_t h0 = G::first(oh), h1 = G::last(oh);
        if (h1 - h0 == KH) {
            [&]<std::size_t... k>(std::index_sequence<k...>) {
                map_n<W>([](auto... v) CTNN_INLINE_LAMBDA { return (v + ...); }, r + PW, (x + (h0 + k) * W)...);
            }(std::make_index_sequence<KH>{});
        } else {
            map_n<W>([](auto v) CTNN_INLINE_LAMBDA { return v; }, r + PW, x + h0 * W);
            for (std::size_t h = h0 + 1; h < h1; ++h)
                map_n<W>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, r + PW, r + PW, x + h * W);
        }
        T* yr = y + oh * G::OW;
        if constexpr (SW == 1) {
            [&]<std::size_t... k>(std::index_sequence<k...>) {
                map_n<G::OW>(
                    [inv](auto v0, auto... v) CTNN_INLINE_LAMBDA { return (v0 + ... + v) * decltype(v0)(inv); }, yr,
                    (r + k)...);
            }(std::make_index_sequence<KW>{});
        } else {
            for (std::size_t o = 0; o < G::OW; ++o)
                [&]<std::size_t... k>(std::index_sequence<k...>) {
                    yr[o] = (r[o * SW + k] + ...) * inv;
                }(std::make_index_sequence<KW>{});
        }
    }
}

/// Average pooling of one plane (padding counted): `y [OH, OW]`.
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, class T>
inline void avg_pool_plane(const T* x, T* y, T* work) noexcept {
    if constexpr (pool_detail::pairs<W, KW, SW, PW>) {
        const T inv = T(1) / T(KH * KW);
        pool_detail::pooled_pairs<H, W, KH, SH, PH>(
            x, y, work, [](auto... v) CTNN_INLINE_LAMBDA { return (v + ...); },
            [inv](auto a, auto b) CTNN_INLINE_LAMBDA { return (a + b) * decltype(a)(inv); });
    } else {
        avg_pool_rows<H, W, KH, KW, SH, SW, PH, PW>(x, y, work);
    }
}

/// ∂L/∂x of average pooling of one plane from ∂L/∂y: `dx [H, W]` (overwritten).
template <std::size_t H, std::size_t W, std::size_t KH, std::size_t KW, std::size_t SH, std::size_t SW,
          std::size_t PH, std::size_t PW, class T>
inline void avg_pool_plane_backward(const T* dy, T* dx, T* work) noexcept {
    using G = pool_shape<H, W, KH, KW, SH, SW, PH, PW>;
    constexpr std::size_t line = G::template line<T>;
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
inline void max_pool_plane_backward(const T* dy, const T* idx, T* dx) noexcept {
    map_n<H * W>([](auto v) CTNN_INLINE_LAMBDA { return decltype(v)(0); }, dx, dx);
    for (std::size_t o = 0; o < OHW; ++o) dx[std::size_t(idx[o])] += dy[o];
}

}  // namespace ctnn::simd
