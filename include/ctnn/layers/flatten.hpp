#pragma once
/// \file flatten.hpp
/// `Flatten`: a sample of any shape becomes a vector of the same elements
/// (row-major), e.g. `[28, 28]` -> `[784]`.

#include <cstddef>
#include <string>

#include "../simd/map.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

struct Flatten {
    static std::string name() { return "Flatten"; }
};

namespace layers {

template <class S>
struct flatten {
    using in_shape = S;
    using out_shape = Shape<S::size>;

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        simd::map_n<B * S::size>([](auto v) CTNN_INLINE_LAMBDA { return v; }, c.out, c.in);
    }
    template <class T, std::size_t B, class St>
    static CTNN_INLINE void backward(const backward_context<T, B, St>& c) noexcept {
        if (c.din) simd::map_n<B * S::size>([](auto g) CTNN_INLINE_LAMBDA { return g; }, c.din, c.dout);
    }
};

template <>
struct binding<Flatten> {
    template <class In>
    static constexpr bool accepts = true;
    template <class In, class Where>
    using diagnosis = check::passes;
    template <class In>
    using type = flatten<In>;
};

}  // namespace layers
}  // namespace ctnn
