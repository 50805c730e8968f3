#pragma once
/// \file dropout.hpp
/// `Dropout<P>`: while training, zeroes each element with probability P and
/// scales the rest by 1/(1-P) (the mask comes from the network's seeded
/// RNG, so a run is reproducible); at inference it is the identity.

#include <cstddef>
#include <string>

#include "../core/real.hpp"
#include "../simd/map.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// Drop probability P in [0, 1).
template <real P>
struct Dropout {
    static constexpr double p = P.value();
    // p outside [0, 1) is reported where the layer is bound (its binding's diagnosis, with its path)
    static std::string name() { return "Dropout<" + P.str() + ">"; }
};

namespace layers {

template <class S, real P>
struct dropout {
    using in_shape = S;
    using out_shape = S;
    static constexpr std::size_t flops_forward = S::size;
    static constexpr std::size_t flops_backward = S::size;
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = B * S::size;  // the mask

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        if constexpr (Train) {
            const T keep = T(1) / (T(1) - T(P.value()));
            T* mask = c.saved;
            for (std::size_t i = 0; i < B * S::size; ++i) mask[i] = c.rng->uniform() < P.value() ? T(0) : keep;
            simd::map_n<B * S::size>([](auto v, auto m) CTNN_INLINE_LAMBDA { return v * m; }, c.out, c.in, mask);
        } else {
            simd::map_n<B * S::size>([](auto v) CTNN_INLINE_LAMBDA { return v; }, c.out, c.in);
        }
    }
    template <class T, std::size_t B, class St>
    static CTNN_INLINE void backward(const backward_context<T, B, St>& c) noexcept {
        if (c.din)
            simd::map_n<B * S::size>([](auto g, auto m) CTNN_INLINE_LAMBDA { return g * m; }, c.din, c.dout, c.saved);
    }
};

template <real P>
struct binding<Dropout<P>> {
    template <class In>
    static constexpr bool accepts = P.value() >= 0.0 && P.value() < 1.0;
    template <class In, class Where>
    using diagnosis = check::fails_if<
        !accepts<In>, check::fault::dropout_probability,
        typename check::layer<typename Where::path, typename Where::spec>::needs_a_probability_in_0_1>;
    template <class In>
    using type = dropout<In, P>;
};

}  // namespace layers
}  // namespace ctnn
