#pragma once
/// \file schedule.hpp
/// Learning-rate schedules: each is a small value type with
/// `double operator()(std::size_t t, double base_lr)`, the rate at step or
/// epoch `t` (0-based; the caller chooses the unit), with `torch.optim`'s
/// formulas. `apply(schedule, optimizer, t)` sets `optimizer.config.lr`.
///
/// | schedule | η_t |
/// |---|---|
/// | `constant_lr` | η |
/// | `step_lr{s, γ}` | η·γ^⌊t/s⌋ |
/// | `exponential_lr{γ}` | η·γ^t |
/// | `cosine_lr{T, η_min}` | η_min + (η − η_min)·(1 + cos(π·min(t, T)/T))/2 |
/// | `warmup{w, then}` | η·(t + 1)/w for t < w, then `then(t − w, η)` |

#include <cmath>
#include <cstddef>
#include <numbers>

namespace ctnn::optim {

struct constant_lr {
    double operator()(std::size_t, double base) const noexcept { return base; }
};

struct step_lr {
    std::size_t step_size = 1;
    double gamma = 0.1;
    double operator()(std::size_t t, double base) const noexcept {
        return base * std::pow(gamma, double(t / (step_size ? step_size : 1)));
    }
};

struct exponential_lr {
    double gamma = 0.9;
    double operator()(std::size_t t, double base) const noexcept { return base * std::pow(gamma, double(t)); }
};

struct cosine_lr {
    std::size_t t_max = 1;
    double eta_min = 0;
    double operator()(std::size_t t, double base) const noexcept {
        const double x = double(t < t_max ? t : t_max) / double(t_max ? t_max : 1);
        return eta_min + (base - eta_min) * (1 + std::cos(std::numbers::pi * x)) / 2;
    }
};

/// Linear warm-up over `steps`, then `then` (counted from the end of the warm-up).
template <class Then = constant_lr>
struct warmup {
    std::size_t steps = 1;
    Then then{};
    double operator()(std::size_t t, double base) const noexcept {
        if (t < steps) return base * double(t + 1) / double(steps);
        return then(t - steps, base);
    }
};

/// Sets the optimizer's rate for step or epoch `t` from its base rate.
template <class Schedule, class Opt>
void apply(const Schedule& s, Opt& opt, std::size_t t) noexcept {
    opt.config.lr = s(t, opt.base_lr());
}

}  // namespace ctnn::optim
