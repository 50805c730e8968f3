#pragma once
/// \file adam.hpp
/// Adam and AdamW: `torch.optim.Adam` / `torch.optim.AdamW` (amsgrad off).
/// At step t with gradient g, rates β₁, β₂, learning rate η, weight decay λ:
///
///     θ ← θ·(1 − η·λ)                        AdamW only (decoupled decay)
///     g ← g + λ·θ                             Adam only (L2 in the gradient)
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// One fused pass reads θ, g, m, v and writes θ, m, v: the step is memory
/// bound (bench: `adam_step`).

#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "optimizer.hpp"

namespace ctnn::optim {

/// Adam's hyper-parameters (`torch.optim.Adam`'s defaults; AdamW's decay 0.01).
template <bool Decoupled>
struct adam_config {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = Decoupled ? 1e-2 : 0;
};

namespace rules {
template <bool Decoupled>
struct adam {
    using config = adam_config<Decoupled>;
    static constexpr std::size_t state_count = 2;
    static constexpr std::array<std::string_view, 2> state_names{"exp_avg", "exp_avg_sq"};

    template <std::size_t N, class T>
    CTNN_INLINE static void update(const config& c, std::size_t t, T* p, const T* g, T* const* s) noexcept {
        const double bc1 = 1 - std::pow(c.beta1, double(t));
        const double bc2 = 1 - std::pow(c.beta2, double(t));
        const T b1 = T(c.beta1), a1 = T(1 - c.beta1), b2 = T(c.beta2), a2 = T(1 - c.beta2);
        const T step = T(c.lr / bc1), inv_sqrt_bc2 = T(1 / std::sqrt(bc2)), eps = T(c.eps);
        const T l2 = Decoupled ? T(0) : T(c.weight_decay);
        const T shrink = Decoupled ? T(1 - c.lr * c.weight_decay) : T(1);
        simd::update_n<N>(
            [=](auto& theta, auto& m, auto& v, auto grad) CTNN_INLINE_LAMBDA {
                using V = std::remove_cvref_t<decltype(theta)>;
                if constexpr (Decoupled) theta = theta * V(shrink);
                else if (l2 != T(0)) grad = grad + V(l2) * theta;
                m = V(b1) * m + V(a1) * grad;
                v = V(b2) * v + V(a2) * (grad * grad);
                theta = theta - V(step) * m / (detail::sqrt(v) * V(inv_sqrt_bc2) + V(eps));
            },
            {p, s[0], s[1]}, g);
    }
};
}  // namespace rules

/// Adam (L2 weight decay added to the gradient, as `torch.optim.Adam`).
template <class P>
using Adam = Optimizer<P, rules::adam<false>>;

/// AdamW (decoupled weight decay, 0.01 unless set).
template <class P>
using AdamW = Optimizer<P, rules::adam<true>>;

}  // namespace ctnn::optim
