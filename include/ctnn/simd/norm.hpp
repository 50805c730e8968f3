#pragma once
/// \file norm.hpp
/// Reductions the normalization layers need over runs of `N` contiguous
/// values (layers/norm.hpp): Σ (x − c)², and Σ a·b·c. Four independent
/// accumulators as `dot_n` (blas1.hpp); no allocation.

#include <cstddef>

#include "arch.hpp"
#include "blas1.hpp"

namespace ctnn::simd {

/// Σ (x[i] − c)² for i < N.
template <std::size_t N, class T>
CTNN_INLINE T sum_sq_dev_n(const T* x, T c) noexcept {
    return detail::sum_terms<N, best_arch, T>([&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
        using P = pack_traits<T, A>;
        const auto d = P::load(x + i) - P::splat(c);
        return d * d;
    });
}

/// Σ a[i]·b[i]·c[i] for i < N.
template <std::size_t N, class T>
CTNN_INLINE T dot3_n(const T* a, const T* b, const T* c) noexcept {
    return detail::sum_terms<N, best_arch, T>([&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
        using P = pack_traits<T, A>;
        return P::load(a + i) * P::load(b + i) * P::load(c + i);
    });
}

}  // namespace ctnn::simd
