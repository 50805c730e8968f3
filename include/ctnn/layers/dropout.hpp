#pragma once
/// \file dropout.hpp
/// `Dropout<P>`: while training, zeroes each element with probability P and
/// scales the rest by 1/(1-P) (the mask comes from the network's seeded
/// RNG, so a run is reproducible); at inference it is the identity.

#include <cstddef>
#include <string>

#include "../core/real.hpp"
#include "../simd/map.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// Drop probability P in [0, 1).
template <real P>
struct Dropout {
    static constexpr double p = P.value();
    static_assert(p >= 0.0 && p < 1.0, "ctnn: Dropout needs a probability in [0, 1)");
    static std::string name() { return "Dropout<" + std::to_string(p) + ">"; }
};

namespace layers {

template <class S, real P>
struct dropout {
    using in_shape = S;
    using out_shape = S;
    static constexpr std::size_t param_count = 0;
    static constexpr std::size_t extra_size = S::size;  // the mask
    static constexpr std::size_t flops_forward = S::size;
    static constexpr std::size_t flops_backward = S::size;
    template <class T>
    static constexpr std::size_t storage = 0;
    template <class T>
    static constexpr std::array<param_info, 0> params{};

    template <std::size_t B, bool Train, class T>
    static CTNN_INLINE constexpr void forward(const T*, const T* x, T* y, T* mask, Rng& rng) noexcept {
        if constexpr (Train) {
            const T keep = T(1) / (T(1) - T(P.value()));
            for (std::size_t i = 0; i < B * S::size; ++i) mask[i] = rng.uniform() < P.value() ? T(0) : keep;
            simd::map_n<B * S::size>([](auto v, auto m) CTNN_INLINE_LAMBDA { return v * m; }, y, x, mask);
        } else {
            simd::map_n<B * S::size>([](auto v) CTNN_INLINE_LAMBDA { return v; }, y, x);
        }
    }
    template <std::size_t B, class T>
    static CTNN_INLINE void backward(const T*, const T*, const T*, const T* mask, T* dy, T* dx, T*) noexcept {
        if (dx) simd::map_n<B * S::size>([](auto g, auto m) CTNN_INLINE_LAMBDA { return g * m; }, dx, dy, mask);
    }
};

template <real P>
struct binding<Dropout<P>> {
    template <class In>
    static constexpr bool flat_input = true;
    template <class In, class = void>
    using type = dropout<In, P>;
};

}  // namespace layers
}  // namespace ctnn
