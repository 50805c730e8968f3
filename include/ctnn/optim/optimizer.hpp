#pragma once
/// \file optimizer.hpp
/// The one mechanism behind every optimizer. `Optimizer<Params, Rule>` owns
/// the rule's state buffers (momentum, moments, accumulators), each laid out
/// like the parameters and 64-byte aligned, and the step count; `step` runs
/// the rule's update as one fused SIMD pass over the flat parameter,
/// gradient and state buffers (`simd::update_n`). Nothing is allocated: the
/// state lives inside the object, so an optimizer for a big network goes on
/// the heap with the network (`std::make_unique`).
///
/// `Params` is a network type (its flat parameter buffer and its
/// `gradients`) or a tensor type (the tensor is the parameter and its own
/// gradient type), so the lecture's 2-D functions and a 100k-parameter MLP
/// use the same optimizers:
///
/// ```cpp
/// optim::Adam<Mlp> adam({.lr = 1e-3});
/// adam.step(net, grads);                        // one fused pass
/// optim::Momentum<Tensor<double, 2>> sgd({.lr = 0.1, .momentum = 0.9});
/// ```
///
/// A rule is a type with a `config` (hyper-parameters, `lr` first), a
/// `state_count`, the `state_names` a checkpoint stores them under, and
/// `update<N>(config, t, p, g, state)` for step `t` (1-based). The rules
/// (sgd.hpp, adam.hpp, rmsprop.hpp, adagrad.hpp) state their formulas,
/// which are `torch.optim`'s for the same hyper-parameters.
///
/// A network's buffers (`param_role::buffer`, e.g. BatchNorm's running
/// statistics) are not trained: backward leaves their new value in their
/// gradient slot and `step` copies it over whatever the rule computed there
/// (buffers.hpp), so no weight decay or moment reaches them.

#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../net/network.hpp"
#include "../simd/map.hpp"
#include "buffers.hpp"

namespace ctnn::optim {

/// Where the parameters of `P` live, and their gradients.
template <class P>
struct param_space;

/// A network: its flat parameter buffer, gradients of the same layout.
template <Network P>
struct param_space<P> {
    using value_type = typename P::value_type;
    using gradients = typename P::gradients;
    static constexpr std::size_t size = P::param_storage;
    static value_type* data(P& p) noexcept { return p.params(); }
    static const value_type* grad_data(const gradients& g) noexcept { return g.data; }
};

/// A tensor: the parameters themselves; its gradient is a tensor of its type.
template <class P>
    requires(TensorLike<P> && !requires { typename P::gradients; })
struct param_space<P> {
    using value_type = typename P::value_type;
    using gradients = P;
    static constexpr std::size_t size = P::size;
    static value_type* data(P& p) noexcept { return p.data(); }
    static const value_type* grad_data(const gradients& g) noexcept { return g.data(); }
};

template <class P, class Rule>
class Optimizer {
    using space = param_space<P>;

public:
    using value_type = typename space::value_type;
    using gradients = typename space::gradients;
    using config_type = typename Rule::config;
    using rule = Rule;
    /// Parameters updated per step.
    static constexpr std::size_t size = space::size;
    static constexpr std::size_t state_count = Rule::state_count;
    static constexpr auto state_names = Rule::state_names;

    explicit Optimizer(const config_type& c = {}) noexcept : config(c), base_lr_(c.lr) { reset(); }

    /// The hyper-parameters; a schedule changes `config.lr` between steps.
    config_type config;
    /// The learning rate given at construction (schedules scale from it).
    double base_lr() const noexcept { return base_lr_; }

    /// One update of `params` from the gradients `g`.
    CTNN_REALTIME void step(P& params, const gradients& g) noexcept {
        step(space::data(params), space::grad_data(g));
    }
    /// Another network type (or its gradients): a mistake, reported as one error.
    template <class Other, class G>
        requires(!std::is_pointer_v<std::remove_cvref_t<Other>> &&
                 (!std::is_same_v<std::remove_cvref_t<Other>, P> || !std::is_same_v<std::remove_cvref_t<G>, gradients>))
    void step(Other&&, const G&) noexcept {
        static_assert(std::is_same_v<std::remove_cvref_t<Other>, P>,
                      "ctnn: this optimizer was made for another network type: make it for the network it steps "
                      "(optim::Adam<Net> for a Net)");
        static_assert(!std::is_same_v<std::remove_cvref_t<Other>, P> ||
                          std::is_same_v<std::remove_cvref_t<G>, gradients>,
                      "ctnn: the gradients must be the network's own (Net::gradients)");
    }
    /// The same on raw buffers of `size` values.
    CTNN_REALTIME void step(value_type* p, const value_type* g) noexcept {
        ++t_;
        const auto s = state_pointers();
        Rule::template update<size>(config, t_, p, g, s.data());
        if constexpr (has_buffers<P>) copy_buffers<P>(p, g);  // running statistics: the new value, no step
    }

    /// Steps taken so far (bias corrections and Adagrad's decay depend on it).
    std::size_t steps() const noexcept { return t_; }
    void set_steps(std::size_t t) noexcept { t_ = t; }
    /// Back to the state before the first step.
    void reset() noexcept {
        t_ = 0;
        for (auto& v : storage_) v = value_type(0);
        const auto s = state_pointers();
        if constexpr (requires { Rule::template initialize<size>(config, s.data()); })
            Rule::template initialize<size>(config, s.data());
    }
    /// State buffer `k` (`size` values, named `state_names[k]`), for checkpoints.
    value_type* state(std::size_t k) noexcept { return storage_ + k * stride; }
    const value_type* state(std::size_t k) const noexcept { return storage_ + k * stride; }

private:
    /// Where each state buffer starts (derived, so copies need nothing special).
    std::array<value_type*, (state_count > 0 ? state_count : 1)> state_pointers() noexcept {
        std::array<value_type*, (state_count > 0 ? state_count : 1)> s{};
        for (std::size_t k = 0; k < state_count; ++k) s[k] = storage_ + k * stride;
        return s;
    }

    static constexpr std::size_t stride = (size * sizeof(value_type) + 63) / 64 * 64 / sizeof(value_type);
    double base_lr_;
    std::size_t t_ = 0;
    alignas(64) value_type storage_[state_count * stride > 0 ? state_count * stride : 1]{};
};

namespace detail {
/// √x for packs and plain numbers alike.
template <class V>
CTNN_INLINE V sqrt(const V& x) noexcept {
    using std::sqrt;
    return sqrt(x);
}
}  // namespace detail

}  // namespace ctnn::optim
