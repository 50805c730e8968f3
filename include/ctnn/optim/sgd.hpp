#pragma once
/// \file sgd.hpp
/// Stochastic gradient descent, plain, with momentum (classic or Nesterov),
/// and with weight decay: `torch.optim.SGD`'s rule. At step t, with
/// gradient g, momentum μ, dampening τ, weight decay λ, learning rate η:
///
///     g ← g + λ·θ
///     b ← g                    at t = 1,   b ← μ·b + (1 − τ)·g   after
///     d ← g + μ·b  (Nesterov),  d ← b  (classic),  d ← g  (μ = 0)
///     θ ← θ − η·d
///
/// `SGD` is plain descent, `Momentum` defaults to μ = 0.9 (the lecture's
/// "physical" momentum), `Nesterov` looks ahead.

#include <array>
#include <cstddef>
#include <string_view>

#include "../core/real.hpp"
#include "optimizer.hpp"

namespace ctnn::optim {

/// SGD's hyper-parameters; `Momentum` and `Nesterov` differ only in their
/// defaults, so `Momentum<P>({.lr = 0.1})` keeps μ = 0.9.
template <real Momentum = 0.0, bool IsNesterov = false>
struct sgd_config {
    double lr = 0.01;
    double momentum = Momentum.value();
    double dampening = 0;
    double weight_decay = 0;
    bool nesterov = IsNesterov;
};

namespace rules {
template <class Config>
struct sgd {
    using config = Config;
    static constexpr std::size_t state_count = 1;
    static constexpr std::array<std::string_view, 1> state_names{"momentum_buffer"};

    template <std::size_t N, class T>
    CTNN_INLINE static void update(const config& c, std::size_t t, T* p, const T* g, T* const* s) noexcept {
        const T lr = T(c.lr), wd = T(c.weight_decay);
        if (c.momentum == 0) {
            simd::update_n<N>(
                [=](auto& theta, auto grad) CTNN_INLINE_LAMBDA {
                    using V = std::remove_cvref_t<decltype(theta)>;
                    if (wd != T(0)) grad = grad + V(wd) * theta;
                    theta = theta - V(lr) * grad;
                },
                {p}, g);
            return;
        }
        // at t = 1 the buffer (zero) takes the gradient itself
        const T mu = T(c.momentum), keep = t == 1 ? T(0) : mu, take = t == 1 ? T(1) : T(1 - c.dampening);
        const bool nesterov = c.nesterov;
        simd::update_n<N>(
            [=](auto& theta, auto& b, auto grad) CTNN_INLINE_LAMBDA {
                using V = std::remove_cvref_t<decltype(theta)>;
                if (wd != T(0)) grad = grad + V(wd) * theta;
                b = V(keep) * b + V(take) * grad;
                const V d = nesterov ? grad + V(mu) * b : b;
                theta = theta - V(lr) * d;
            },
            {p, s[0]}, g);
    }
};
}  // namespace rules

/// Plain SGD: θ ← θ − η·(g + λθ).
template <class P>
using SGD = Optimizer<P, rules::sgd<sgd_config<>>>;

/// Classic momentum, μ = 0.9 unless set.
template <class P>
using Momentum = Optimizer<P, rules::sgd<sgd_config<0.9>>>;

/// Nesterov momentum, μ = 0.9 unless set: the gradient at the look-ahead point.
template <class P>
using Nesterov = Optimizer<P, rules::sgd<sgd_config<0.9, true>>>;

}  // namespace ctnn::optim
