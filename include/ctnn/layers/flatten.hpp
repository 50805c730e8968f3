#pragma once
/// \file flatten.hpp
/// `Flatten`: a sample of any shape becomes a vector of the same elements
/// (row-major), e.g. `[28, 28]` -> `[784]`.

#include <cstddef>
#include <string>

#include "../simd/map.hpp"
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
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t extra_size = 0;
    static constexpr std::size_t flops_forward = 0;
    static constexpr std::size_t flops_backward = 0;
    template <class T>
    static constexpr std::size_t storage = 0;
    template <class T>
    static constexpr std::array<param_info, 0> params{};

    template <std::size_t B, bool Train, class T>
    static CTNN_INLINE constexpr void forward(const T*, const T* x, T* y, T*, Rng&) noexcept {
        simd::map_n<B * S::size>([](auto v) CTNN_INLINE_LAMBDA { return v; }, y, x);
    }
    template <std::size_t B, class T>
    static CTNN_INLINE void backward(const T*, const T*, const T*, const T*, T* dy, T* dx, T*) noexcept {
        if (dx) simd::map_n<B * S::size>([](auto g) CTNN_INLINE_LAMBDA { return g; }, dx, dy);
    }
};

template <>
struct binding<Flatten> {
    template <class In>
    static constexpr bool flat_input = true;
    template <class In, class = void>
    using type = flatten<In>;
};

}  // namespace layers
}  // namespace ctnn
