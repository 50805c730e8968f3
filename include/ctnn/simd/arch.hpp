#pragma once
/// \file arch.hpp
/// The one place ctnn includes xsimd. A *pack* is `xsimd::batch<T, A>` for a
/// SIMD architecture `A`, or plain `T` for `scalar_arch`; kernels are written
/// once over packs and resolve their tails at compile time by stepping down
/// to narrower architectures (AVX-512 -> AVX2 -> SSE -> scalar).

#include <cstddef>
#include <type_traits>

// g++ 12 reports `_mm512_undefined_ps()` (GCC's AVX-512 headers initialise
// it from itself on purpose) as "used uninitialized" wherever xsimd's
// AVX-512 kernels are inlined into non-system code (GCC PR 105593, fixed in
// GCC 13). A middle-end warning follows the pragma state at each frame of
// its inline stack, so ignoring -Wuninitialized where GCC's and xsimd's
// headers are read silences exactly those, in the user's program too, and
// leaves the warning on for ctnn's and the user's own code.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "../core/cmath.hpp"
#include "../core/config.hpp"

namespace ctnn::simd {

/// The widest architecture the compiler targets (`-march=native` in ctnn's own
/// builds; SSE2 for plain x86-64).
using best_arch = xsimd::default_arch;

/// One lane: the end of every tail chain.
struct scalar_arch {
    static constexpr std::size_t alignment() noexcept { return 0; }
    static constexpr bool supported() noexcept { return true; }
    static constexpr const char* name() noexcept { return "scalar"; }
};

/// a·b + c in one rounding. xsimd 8.1 has no AVX-512 FMA kernel and falls
/// back to a·b + c, which clang (-ffp-contract=on) leaves as two
/// instructions; the intrinsics make every compiler emit vfmadd.
template <class T, class A>
CTNN_INLINE xsimd::batch<T, A> fused_multiply_add(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                                  const xsimd::batch<T, A>& c) noexcept {
#if defined(__AVX512F__)
    if constexpr (A::alignment() == 64 && std::is_same_v<T, float>)
        return _mm512_fmadd_ps(a, b, c);
    else if constexpr (A::alignment() == 64 && std::is_same_v<T, double>)
        return _mm512_fmadd_pd(a, b, c);
    else
#endif
#if defined(__FMA__)
        if constexpr (A::alignment() == 32 && std::is_same_v<T, float>)
        return _mm256_fmadd_ps(a, b, c);
    else if constexpr (A::alignment() == 32 && std::is_same_v<T, double>)
        return _mm256_fmadd_pd(a, b, c);
    else if constexpr (A::alignment() == 16 && std::is_same_v<T, float>)
        return _mm_fmadd_ps(a, b, c);
    else if constexpr (A::alignment() == 16 && std::is_same_v<T, double>)
        return _mm_fmadd_pd(a, b, c);
    else
#endif
        return xsimd::fma(a, b, c);
}

template <class T, class A>
struct pack_traits {
    using type = xsimd::batch<T, A>;
    static constexpr std::size_t width = type::size;
    static CTNN_INLINE type load(const T* p) noexcept { return type::load_unaligned(p); }
    static CTNN_INLINE void store(T* p, const type& v) noexcept { v.store_unaligned(p); }
    static CTNN_INLINE type splat(T v) noexcept { return type(v); }
    static CTNN_INLINE type fma(const type& a, const type& b, const type& c) noexcept { return fused_multiply_add(a, b, c); }
    static CTNN_INLINE T sum(const type& v) noexcept { return xsimd::hadd(v); }
};

template <class T>
struct pack_traits<T, scalar_arch> {
    using type = T;
    static constexpr std::size_t width = 1;
    static CTNN_INLINE constexpr T load(const T* p) noexcept { return *p; }
    static CTNN_INLINE constexpr void store(T* p, T v) noexcept { *p = v; }
    static CTNN_INLINE constexpr T splat(T v) noexcept { return v; }
    static CTNN_INLINE constexpr T fma(T a, T b, T c) noexcept { return a * b + c; }
    static CTNN_INLINE constexpr T sum(T v) noexcept { return v; }
};

/// The pack of `T` on architecture `A`.
template <class T, class A = best_arch>
using pack = typename pack_traits<T, A>::type;

/// Lanes of a pack of `T` on `A`.
template <class T, class A = best_arch>
inline constexpr std::size_t width = pack_traits<T, A>::width;

namespace detail {
template <std::size_t Below, class... As>
struct first_below {
    using type = scalar_arch;
};
template <std::size_t Below, class A, class... As>
struct first_below<Below, A, As...> {
    using type = std::conditional_t<(A::supported() && A::alignment() < Below), A,
                                    typename first_below<Below, As...>::type>;
};
template <std::size_t Below>
using narrower_than = typename first_below<Below,
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64)
                                           xsimd::fma3<xsimd::avx2>, xsimd::avx2, xsimd::fma3<xsimd::avx>, xsimd::avx,
                                           xsimd::fma3<xsimd::sse4_2>, xsimd::sse4_2, xsimd::sse2
#elif defined(__aarch64__)
                                           xsimd::neon64
#elif defined(__ARM_NEON)
                                           xsimd::neon
#endif
                                           >::type;
}  // namespace detail

/// The next narrower supported architecture below `A` (ends at `scalar_arch`).
template <class A>
using narrower_t = detail::narrower_than<A::alignment()>;

namespace detail {
template <class P>
struct arch_of {
    using type = scalar_arch;
};
template <class T, class A>
struct arch_of<xsimd::batch<T, A>> {
    using type = A;
};
}  // namespace detail

/// The architecture of a pack type (`scalar_arch` for a plain number).
template <class P>
using arch_of_t = typename detail::arch_of<P>::type;

/// Loads a pack of the same kind as `like` from `p` (for epilogues, which
/// are written once for every pack width).
template <class T, class A>
CTNN_INLINE xsimd::batch<T, A> load_like(const xsimd::batch<T, A>&, const T* p) noexcept {
    return xsimd::batch<T, A>::load_unaligned(p);
}
template <class T>
    requires std::is_arithmetic_v<T>
CTNN_INLINE constexpr T load_like(T, const T* p) noexcept {
    return *p;
}

/// `r` with lane i = Σ rows[i], for `width` packs (a transposing reduction).
/// xsimd 8.x's AVX-512 float `haddp` returns the sums with lanes 2-5 and
/// 10-13 swapped pairwise; the permutation is its own inverse, so feeding the
/// rows in permuted order gives the right lanes (tests/simd pins the order).
template <class T, class A>
CTNN_INLINE xsimd::batch<T, A> reduce_packs(const xsimd::batch<T, A>* rows) noexcept {
#if XSIMD_VERSION_MAJOR == 8
    if constexpr (std::is_same_v<T, float> && A::alignment() == 64) {
        const xsimd::batch<T, A> p[16] = {rows[0], rows[1], rows[4],  rows[5],  rows[2],  rows[3],  rows[6],  rows[7],
                                          rows[8], rows[9], rows[12], rows[13], rows[10], rows[11], rows[14], rows[15]};
        return xsimd::haddp(p);
    } else
#endif
        return xsimd::haddp(rows);
}

/// `c ? a : b` lane by lane, for packs (xsimd masks) and scalars (bool) alike.
template <class T, class A>
CTNN_INLINE xsimd::batch<T, A> select(const xsimd::batch_bool<T, A>& c, const xsimd::batch<T, A>& a,
                                      const xsimd::batch<T, A>& b) noexcept {
    return xsimd::select(c, a, b);
}
template <class T>
    requires std::is_arithmetic_v<T>
CTNN_INLINE constexpr T select(bool c, T a, T b) noexcept {
    return c ? a : b;
}

// ---- element-wise math for packs and scalars --------------------------------
// xsimd's functions, except for a plain number in a constant expression,
// which takes ctnn::cmath's constexpr version (so a network's forward pass
// runs inside a static_assert). At run time the branch folds away: the code
// is xsimd's, unchanged. erf has no constexpr version (GELU is run time only).
#define CTNN_SIMD_CX_UNARY(fn)                                                   \
    template <class V>                                                           \
    CTNN_INLINE constexpr V fn(const V& v) noexcept {                            \
        if constexpr (std::is_arithmetic_v<V>)                                   \
            if (std::is_constant_evaluated()) return ::ctnn::cmath::fn(v);       \
        return xsimd::fn(v);                                                     \
    }
CTNN_SIMD_CX_UNARY(log1p)
CTNN_SIMD_CX_UNARY(abs)
#undef CTNN_SIMD_CX_UNARY

// exp and tanh of float (packs and numbers) at run time are fast_math.hpp's
// branch-free versions, with the maximum errors stated there; double takes
// xsimd's, a constant expression ctnn::cmath's.
template <class V>
CTNN_INLINE V fast_exp(const V& x) noexcept;
template <class V>
CTNN_INLINE V fast_tanh(const V& x) noexcept;
namespace detail {
template <class V>
inline constexpr bool float_lanes = std::is_same_v<V, float>;
template <class A>
inline constexpr bool float_lanes<xsimd::batch<float, A>> = true;
}  // namespace detail
#define CTNN_SIMD_CX_FAST(fn)                                                    \
    template <class V>                                                           \
    CTNN_INLINE constexpr V fn(const V& v) noexcept {                            \
        if constexpr (std::is_arithmetic_v<V>)                                   \
            if (std::is_constant_evaluated()) return ::ctnn::cmath::fn(v);       \
        if constexpr (detail::float_lanes<V>)                                    \
            return fast_##fn(v);                                                 \
        else                                                                     \
            return xsimd::fn(v);                                                 \
    }
CTNN_SIMD_CX_FAST(exp)
CTNN_SIMD_CX_FAST(tanh)
#undef CTNN_SIMD_CX_FAST

/// max(a, b) lane by lane (xsimd's, or `a < b ? b : a` in a constant expression).
template <class V>
CTNN_INLINE constexpr V max(const V& a, const V& b) noexcept {
    if constexpr (std::is_arithmetic_v<V>)
        if (std::is_constant_evaluated()) return a < b ? b : a;
    return xsimd::max(a, b);
}

/// Calls `f.template operator()<A2>(offset)` once for each pack that covers
/// `[0, N)`: full packs of `A` first, then the tail in packs of narrower
/// architectures, all chosen at compile time.
template <class T, std::size_t N, class A = best_arch, class F>
CTNN_INLINE void for_each_pack(F&& f) noexcept {
    constexpr std::size_t w = width<T, A>;
    constexpr std::size_t full = N / w * w;
    for (std::size_t i = 0; i < full; i += w) f.template operator()<A>(i);
    if constexpr (full != N) {
        for_each_pack<T, N - full, narrower_t<A>>([&]<class A2>(std::size_t i) { f.template operator()<A2>(full + i); });
    }
}

}  // namespace ctnn::simd

#include "fast_math.hpp"  // defines fast_exp and fast_tanh (declared above)
