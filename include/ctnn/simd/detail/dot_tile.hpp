#pragma once
/// \file dot_tile.hpp
/// Register-blocked micro-kernel for `Y = X Wᵀ`, where both operands run along
/// the reduction dimension K (PyTorch's `[out, in]` weight layout): an Mr x Nr
/// tile of dot products accumulated in Mr*Nr registers.

#include <cstddef>

#include "../arch.hpp"

#if defined(__clang__)
#define CTNN_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define CTNN_UNROLL _Pragma("GCC unroll 32")
#else
#define CTNN_UNROLL
#endif

namespace ctnn::simd::detail {

/// Lanes `>= W - Rem` set: selects the last `Rem` elements of a pack loaded
/// so that it ends exactly at K (the tail load overlaps the previous pack).
template <class T, class A, std::size_t Rem>
CTNN_INLINE xsimd::batch_bool<T, A> tail_mask() noexcept {
    using B = xsimd::batch<T, A>;
    alignas(64) static constexpr T iota[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    return B::load_unaligned(iota) >= B(T(B::size - Rem));
}

/// `r[i*Nr + j] = Σ_{k<K} a[i*LdA + k] · b[j*LdB + k]` for i < Mr, j < Nr.
/// Full packs of `A` cover K; a remainder is one overlapping pack with the
/// repeated lanes masked off; K smaller than a pack steps down to a narrower
/// architecture. When Mr*Nr is a pack's width the reduction is one `haddp`.
template <std::size_t Mr, std::size_t Nr, std::size_t K, std::size_t LdA, std::size_t LdB, class A, class T>
CTNN_INLINE void dot_tile(const T* a, const T* b, T* r) noexcept {
    using P = pack_traits<T, A>;
    constexpr std::size_t w = P::width;
    if constexpr (std::is_same_v<A, scalar_arch>) {
        T acc[Mr * Nr] = {};
        for (std::size_t k = 0; k < K; ++k) {
            CTNN_UNROLL for (std::size_t i = 0; i < Mr; ++i) {
                CTNN_UNROLL for (std::size_t j = 0; j < Nr; ++j) acc[i * Nr + j] += a[i * LdA + k] * b[j * LdB + k];
            }
        }
        for (std::size_t t = 0; t < Mr * Nr; ++t) r[t] = acc[t];
    } else if constexpr (K < w) {
        dot_tile<Mr, Nr, K, LdA, LdB, narrower_t<A>>(a, b, r);
    } else {
        using V = typename P::type;
        constexpr std::size_t full = K / w * w;
        V acc[Mr * Nr];
        CTNN_UNROLL for (std::size_t t = 0; t < Mr * Nr; ++t) acc[t] = V(T(0));
        auto step = [&](std::size_t k, auto load) CTNN_INLINE_LAMBDA {
            V av[Mr];
            CTNN_UNROLL for (std::size_t i = 0; i < Mr; ++i) av[i] = load(a + i * LdA + k);
            CTNN_UNROLL for (std::size_t j = 0; j < Nr; ++j) {
                const V bv = load(b + j * LdB + k);
                CTNN_UNROLL for (std::size_t i = 0; i < Mr; ++i) acc[i * Nr + j] = P::fma(av[i], bv, acc[i * Nr + j]);
            }
        };
        auto plain = [](const T* p) CTNN_INLINE_LAMBDA { return P::load(p); };
        for (std::size_t k = 0; k < full; k += w) step(k, plain);
        if constexpr (full != K) {
            // both operands masked: a lane repeated from the previous pack must
            // add nothing, even where it holds an inf (0 · inf would be NaN)
            const auto mask = tail_mask<T, A, K - full>();
            step(K - w, [&](const T* p) CTNN_INLINE_LAMBDA { return xsimd::select(mask, P::load(p), V(T(0))); });
        }
        if constexpr (Mr * Nr == w) {
            reduce_packs(acc).store_unaligned(r);
        } else {
            CTNN_UNROLL for (std::size_t t = 0; t < Mr * Nr; ++t) r[t] = xsimd::hadd(acc[t]);
        }
    }
}

}  // namespace ctnn::simd::detail
