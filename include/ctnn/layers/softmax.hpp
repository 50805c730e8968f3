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
#include "../simd/softmax.hpp"
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

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        for (std::size_t r = 0; r < B; ++r) simd::softmax_n<N>(c.in + r * N, c.out + r * N);
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
    using diagnosis = require_flat<In::rank != 1, Where, In>;
    template <class In>
    using type = softmax<In::dims[0]>;
};

}  // namespace layers
}  // namespace ctnn
