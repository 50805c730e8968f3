#pragma once
/// \file rmsprop.hpp
/// RMSProp: `torch.optim.RMSprop`. With smoothing α, momentum μ, weight
/// decay λ, learning rate η:
///
///     g ← g + λ·θ
///     v ← α·v + (1 − α)·g²
///     a ← α·a + (1 − α)·g,  s ← √(v − a²) + ε     centered
///     s ← √v + ε                                  otherwise
///     b ← μ·b + g/s,  θ ← θ − η·b                 μ > 0
///     θ ← θ − η·g/s                               μ = 0

#include <array>
#include <cstddef>
#include <string_view>

#include "optimizer.hpp"

namespace ctnn::optim {

struct rmsprop_config {
    double lr = 1e-2;
    double alpha = 0.99;
    double eps = 1e-8;
    double weight_decay = 0;
    double momentum = 0;
    bool centered = false;
};

namespace rules {
struct rmsprop {
    using config = rmsprop_config;
    static constexpr std::size_t state_count = 3;
    static constexpr std::array<std::string_view, 3> state_names{"square_avg", "momentum_buffer", "grad_avg"};

    template <std::size_t N, class T>
    CTNN_INLINE static void update(const config& c, std::size_t, T* p, const T* g, T* const* s) noexcept {
        if (c.centered) {
            if (c.momentum != 0) run<N, true, true>(c, p, g, s);
            else run<N, true, false>(c, p, g, s);
        } else {
            if (c.momentum != 0) run<N, false, true>(c, p, g, s);
            else run<N, false, false>(c, p, g, s);
        }
    }

private:
    template <class T>
    struct coefficients {
        T lr, alpha, rest, eps, wd, mu;
    };

    /// One pack of the update; `a` (centered) and `b` (momentum) are only
    /// read or written by the variants that have them.
    template <bool Centered, bool WithMomentum, class T, class V>
    CTNN_INLINE static void step(const coefficients<T>& k, V& theta, V& v, V grad, V& a, V& b) noexcept {
        if (k.wd != T(0)) grad = grad + V(k.wd) * theta;
        v = V(k.alpha) * v + V(k.rest) * (grad * grad);
        V scale;
        if constexpr (Centered) {
            a = V(k.alpha) * a + V(k.rest) * grad;
            scale = detail::sqrt(v - a * a) + V(k.eps);
        } else {
            scale = detail::sqrt(v) + V(k.eps);
        }
        if constexpr (WithMomentum) {
            b = V(k.mu) * b + grad / scale;
            theta = theta - V(k.lr) * b;
        } else {
            theta = theta - V(k.lr) * grad / scale;
        }
    }

    // the buffers a variant does not use are never loaded or stored
    template <std::size_t N, bool Centered, bool WithMomentum, class T>
    CTNN_INLINE static void run(const config& c, T* p, const T* g, T* const* s) noexcept {
        const coefficients<T> k{T(c.lr), T(c.alpha), T(1 - c.alpha), T(c.eps), T(c.weight_decay), T(c.momentum)};
        if constexpr (Centered && WithMomentum)
            simd::update_n<N>([k](auto& th, auto& v, auto& b, auto& a, auto gr)
                                  CTNN_INLINE_LAMBDA { step<true, true>(k, th, v, gr, a, b); },
                              {p, s[0], s[1], s[2]}, g);
        else if constexpr (Centered)
            simd::update_n<N>([k](auto& th, auto& v, auto& a, auto gr)
                                  CTNN_INLINE_LAMBDA { step<true, false>(k, th, v, gr, a, a); },
                              {p, s[0], s[2]}, g);
        else if constexpr (WithMomentum)
            simd::update_n<N>([k](auto& th, auto& v, auto& b, auto gr)
                                  CTNN_INLINE_LAMBDA { step<false, true>(k, th, v, gr, b, b); },
                              {p, s[0], s[1]}, g);
        else
            simd::update_n<N>([k](auto& th, auto& v, auto gr)
                                  CTNN_INLINE_LAMBDA { step<false, false>(k, th, v, gr, v, v); },
                              {p, s[0]}, g);
    }
};
}  // namespace rules

/// RMSProp (α = 0.99, η = 0.01 unless set).
template <class P>
using RMSProp = Optimizer<P, rules::rmsprop>;

}  // namespace ctnn::optim
