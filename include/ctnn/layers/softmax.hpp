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
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t extra_size = 0;
    static constexpr std::size_t flops_forward = 4 * N;
    static constexpr std::size_t flops_backward = 4 * N;
    template <class T>
    static constexpr std::size_t storage = 0;
    template <class T>
    static constexpr std::array<param_info, 0> params{};

    template <std::size_t B, bool Train, class T>
    static CTNN_INLINE constexpr void forward(const T*, const T* x, T* y, T*, Rng&) noexcept {
        for (std::size_t r = 0; r < B; ++r) simd::softmax_n<N>(x + r * N, y + r * N);
    }
    template <std::size_t B, class T>
    static CTNN_INLINE void backward(const T*, const T*, const T* y, const T*, T* dy, T* dx, T*) noexcept {
        if (!dx) return;
        for (std::size_t r = 0; r < B; ++r) {
            const T s = simd::dot_n<N>(dy + r * N, y + r * N);
            simd::map_n<N>([s](auto g, auto v) CTNN_INLINE_LAMBDA { return v * (g - decltype(g)(s)); }, dx + r * N,
                           dy + r * N, y + r * N);
        }
    }
};

template <>
struct binding<Softmax> {
    template <class In>
    static constexpr bool flat_input = In::rank == 1;
    template <class In, class = void>
    using type = softmax<In::dims[0]>;
};

}  // namespace layers
}  // namespace ctnn
