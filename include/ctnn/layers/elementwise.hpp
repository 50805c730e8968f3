#pragma once
/// \file elementwise.hpp
/// An element-wise activation as a layer of its own (when no Dense precedes
/// it to fuse into): y = f(x), dx = dy ⊙ f'(x). Any input shape.

#include <cstddef>

#include "../simd/map.hpp"
#include "activation.hpp"
#include "layer_concepts.hpp"

namespace ctnn::layers {

template <class S, class Act>
struct elementwise {
    using in_shape = S;
    using out_shape = S;
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t extra_size = 0;
    static constexpr std::size_t flops_forward = S::size;
    static constexpr std::size_t flops_backward = 2 * S::size;
    template <class T>
    static constexpr std::size_t storage = 0;
    template <class T>
    static constexpr std::array<param_info, 0> params{};

    template <std::size_t B, bool Train, class T>
    static CTNN_INLINE constexpr void forward(const T*, const T* x, T* y, T*, Rng&) noexcept {
        simd::map_n<B * S::size>([](auto v) CTNN_INLINE_LAMBDA { return Act::f(v); }, y, x);
    }
    template <std::size_t B, class T>
    static CTNN_INLINE void backward(const T*, const T* x, const T* y, const T*, T* dy, T* dx, T*) noexcept {
        if (dx)
            simd::map_n<B * S::size>([](auto g, auto z, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(z, v); }, dx,
                                     dy, x, y);
    }
};

template <ElementwiseActivation A>
struct binding<A> {
    template <class In>
    static constexpr bool flat_input = true;  // any shape
    template <class In, class = void>
    using type = elementwise<In, A>;
};

}  // namespace ctnn::layers
