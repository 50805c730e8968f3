#pragma once
/// \file softmax.hpp
/// `softmax_n<N>(x, y)`: y = softmax(x) over one row of N values, with the
/// row's maximum subtracted first (no exp of a positive number), in three
/// passes: max, exp and sum, scale. The one row softmax of ctnn: the
/// `Softmax` layer and `SoftmaxCrossEntropy` both call it. Usable in
/// constant expressions; no allocation.

#include <cstddef>

#include "arch.hpp"
#include "blas1.hpp"
#include "map.hpp"

namespace ctnn::simd {

/// What `softmax_n` found on the way: the row's maximum and Σ exp(x - max),
/// so that log Σ exp(x) = max + log(sum) (the cross-entropy's log-sum-exp).
template <class T>
struct softmax_row {
    T max;
    T sum;
};

/// y = softmax(x) over one row of N (y may be x).
template <std::size_t N, class T>
CTNN_INLINE constexpr softmax_row<T> softmax_n(const T* x, T* y) noexcept {
    static_assert(N > 0, "ctnn: softmax needs at least one value");
    T m = x[0];
    for (std::size_t i = 1; i < N; ++i) m = x[i] > m ? x[i] : m;
    map_n<N>([m](auto v) CTNN_INLINE_LAMBDA { return exp(v - decltype(v)(m)); }, y, x);
    const T s = sum_n<N>(y);
    const T inv = T(1) / s;
    map_n<N>([inv](auto v) CTNN_INLINE_LAMBDA { return v * decltype(v)(inv); }, y, y);
    return {m, s};
}

}  // namespace ctnn::simd
