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
    static constexpr std::size_t flops_forward = S::size;
    static constexpr std::size_t flops_backward = 2 * S::size;

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        simd::map_n<B * S::size>([](auto v) CTNN_INLINE_LAMBDA { return Act::f(v); }, c.out, c.in);
    }
    template <class T, std::size_t B, class St>
    static CTNN_INLINE void backward(const backward_context<T, B, St>& c) noexcept {
        if (c.din)
            simd::map_n<B * S::size>([](auto g, auto z, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(z, v); },
                                     c.din, c.dout, c.in, c.out);
    }
};

template <ElementwiseActivation A>
struct binding<A> {
    template <class In>
    static constexpr bool accepts = true;  // any shape
    template <class In, class Where>
    using diagnosis = check::passes;
    template <class In>
    using type = elementwise<In, A>;
};

}  // namespace ctnn::layers
