#pragma once
/// \file adagrad.hpp
/// Adagrad: `torch.optim.Adagrad`. With learning rate η, its decay δ, weight
/// decay λ, at step t:
///
///     η_t ← η / (1 + (t − 1)·δ)
///     g ← g + λ·θ
///     s ← s + g²                    (s starts at `initial_accumulator_value`)
///     θ ← θ − η_t · g / (√s + ε)

#include <array>
#include <cstddef>
#include <string_view>

#include "optimizer.hpp"

namespace ctnn::optim {

struct adagrad_config {
    double lr = 1e-2;
    double lr_decay = 0;
    double weight_decay = 0;
    double initial_accumulator_value = 0;
    double eps = 1e-10;
};

namespace rules {
struct adagrad {
    using config = adagrad_config;
    static constexpr std::size_t state_count = 1;
    static constexpr std::array<std::string_view, 1> state_names{"sum"};

    template <std::size_t N, class T>
    static void initialize(const config& c, T* const* s) noexcept {
        for (std::size_t i = 0; i < N; ++i) s[0][i] = T(c.initial_accumulator_value);
    }

    template <std::size_t N, class T>
    CTNN_INLINE static void update(const config& c, std::size_t t, T* p, const T* g, T* const* s) noexcept {
        const T lr = T(c.lr / (1 + double(t - 1) * c.lr_decay)), wd = T(c.weight_decay), eps = T(c.eps);
        simd::update_n<N>(
            [=](auto& theta, auto& sum, auto grad) CTNN_INLINE_LAMBDA {
                using V = std::remove_cvref_t<decltype(theta)>;
                if (wd != T(0)) grad = grad + V(wd) * theta;
                sum = sum + grad * grad;
                theta = theta - V(lr) * grad / (detail::sqrt(sum) + V(eps));
            },
            {p, s[0]}, g);
    }
};
}  // namespace rules

/// Adagrad (η = 0.01 unless set).
template <class P>
using Adagrad = Optimizer<P, rules::adagrad>;

}  // namespace ctnn::optim
