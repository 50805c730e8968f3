#pragma once
/// \file softmax.hpp
/// `Softmax`: y = exp(x - max x) / Σ exp(x - max x) over the features of each
/// sample (numerically stable: no exp of a positive number). Backward:
/// dx = y ⊙ (dy - ⟨dy, y⟩). For training a classifier use
/// `SoftmaxCrossEntropy` on the logits instead, which fuses the two.

#include <cstddef>
#include <string>

#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// Softmax over the features of a flat sample.
struct Softmax {
    static std::string name() { return "Softmax"; }
};

namespace layers {

template <std::size_t N>
struct softmax {
    using in_shape = Shape<N>;
    using out_shape = Shape<N>;
    static constexpr std::size_t flops_forward = 4 * N;
    static constexpr std::size_t flops_backward = 4 * N;

    /// One row: y = softmax(x).
    template <class T>
    static CTNN_INLINE constexpr void row(const T* x, T* y) noexcept {
        T m = x[0];
        for (std::size_t i = 1; i < N; ++i) m = x[i] > m ? x[i] : m;
        simd::map_n<N>([m](auto v) CTNN_INLINE_LAMBDA { return simd::exp(v - decltype(v)(m)); }, y, x);
        const T inv = T(1) / simd::sum_n<N>(y);
        simd::map_n<N>([inv](auto v) CTNN_INLINE_LAMBDA { return v * decltype(v)(inv); }, y, y);
    }

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        for (std::size_t r = 0; r < B; ++r) row(c.in + r * N, c.out + r * N);
    }
    template <class T, std::size_t B, class St>
    static CTNN_INLINE void backward(const backward_context<T, B, St>& c) noexcept {
        if (!c.din) return;
        for (std::size_t r = 0; r < B; ++r) {
            const T s = simd::dot_n<N>(c.dout + r * N, c.out + r * N);
            simd::map_n<N>([s](auto g, auto v) CTNN_INLINE_LAMBDA { return v * (g - decltype(g)(s)); },
                           c.din + r * N, c.dout + r * N, c.out + r * N);
        }
    }
};

template <>
struct binding<Softmax> {
    template <class In>
    static constexpr bool accepts = In::rank == 1;
    template <class In, class Where>
    struct diagnose : require_flat<In::rank != 1, Where, In> {};
    template <class In>
    using type = softmax<In::dims[0]>;
};

}  // namespace layers
}  // namespace ctnn
