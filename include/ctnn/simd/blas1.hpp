#pragma once
/// \file blas1.hpp
/// Vector kernels: dot product, sum, `y += alpha * x`.

#include <cstddef>
#include <type_traits>

#include "arch.hpp"
#include "map.hpp"

namespace ctnn::simd {

namespace detail {
/// Σ over i < N of `term.template operator()<A>(i)` (a pack of terms at i),
/// with four independent accumulators to hide the add latency; the tail
/// steps down to narrower packs.
template <std::size_t N, class A, class T, class Term>
CTNN_INLINE T sum_terms(const Term& term) noexcept {
    using P = pack_traits<T, A>;
    constexpr std::size_t w = P::width;
    constexpr std::size_t step = 4 * w;
    constexpr std::size_t full4 = N / step * step;
    constexpr std::size_t full = N / w * w;
    T result{};
    if constexpr (full > 0) {
        typename P::type acc[4] = {P::splat(T(0)), P::splat(T(0)), P::splat(T(0)), P::splat(T(0))};
        for (std::size_t i = 0; i < full4; i += step)
            for (std::size_t u = 0; u < 4; ++u) acc[u] = acc[u] + term.template operator()<A>(i + u * w);
        for (std::size_t i = full4; i < full; i += w) acc[0] = acc[0] + term.template operator()<A>(i);
        result = P::sum((acc[0] + acc[1]) + (acc[2] + acc[3]));
    }
    if constexpr (full != N)
        result += sum_terms<N - full, narrower_t<A>, T>(
            [&]<class A2>(std::size_t i) CTNN_INLINE_LAMBDA { return term.template operator()<A2>(full + i); });
    return result;
}
}  // namespace detail

/// Σ a[i]·b[i] for i < N (in a constant expression, a plain loop).
template <std::size_t N, class T>
CTNN_INLINE constexpr T dot_n(const T* a, const T* b) noexcept {
    if (std::is_constant_evaluated()) {
        T s = 0;
        for (std::size_t i = 0; i < N; ++i) s += a[i] * b[i];
        return s;
    }
    return detail::sum_terms<N, best_arch, T>([&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
        using P = pack_traits<T, A>;
        return P::load(a + i) * P::load(b + i);
    });
}

/// Σ a[i] for i < N (in a constant expression, a plain loop).
template <std::size_t N, class T>
CTNN_INLINE constexpr T sum_n(const T* a) noexcept {
    if (std::is_constant_evaluated()) {
        T s = 0;
        for (std::size_t i = 0; i < N; ++i) s += a[i];
        return s;
    }
    return detail::sum_terms<N, best_arch, T>(
        [&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA { return pack_traits<T, A>::load(a + i); });
}

/// Dot product of two tensors of the same shape (all elements).
template <TensorLike X, TensorLike Y>
CTNN_INLINE auto dot(const X& x, const Y& y) noexcept {
    static_assert(std::is_same_v<typename X::shape_type, typename Y::shape_type>,
                  "ctnn: dot needs two tensors of the same shape");
    return dot_n<X::size>(x.data(), y.data());
}

/// `y[i] += alpha * x[i]` for i < N.
template <std::size_t N, class T>
CTNN_INLINE void axpy_n(T alpha, const T* x, T* y) noexcept {
    map_n<N>([alpha](auto xv, auto yv) { return xv * decltype(xv)(alpha) + yv; }, y, x, y);
}

/// `y += alpha * x` over two tensors of the same shape.
template <TensorLike X, TensorLike Y>
CTNN_INLINE void axpy(typename X::value_type alpha, const X& x, Y& y) noexcept {
    static_assert(std::is_same_v<typename X::shape_type, typename Y::shape_type>,
                  "ctnn: axpy needs two tensors of the same shape");
    axpy_n<X::size>(alpha, x.data(), y.data());
}

}  // namespace ctnn::simd
