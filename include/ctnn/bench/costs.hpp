#pragma once
/// \file costs.hpp
/// What one call of each benchmark case costs, counted from the network's
/// type alone (no timing, no Google Benchmark): floating-point operations
/// and the bytes the call touches, split into weights and activations. The
/// counts are exact for the definitions below, so a test can check them.
///
/// | case | flops | weight bytes | activation bytes |
/// |---|---|---|---|
/// | `infer_one` (`forward(x)`, `forward(x, state)`) | `flops_forward` | `param_count·sizeof(T)` | (in + out + scratch₁)·sizeof(T) + one stream's state |
/// | `infer_batch<B>` (`forward(X, ws)`) | `B·flops_forward` | `param_count·sizeof(T)` | B·(in + out)·sizeof(T) + scratch_B·sizeof(T) + B streams' state |
/// | `train<B, Opt>` (`train::step`) | `B·(flops_forward + flops_backward)` | `param_storage·sizeof(T)·(2 + Opt::state_count)` | B·(in + 2·out)·sizeof(T) + targets + (saved_B + scratch_B)·sizeof(T) + state |
///
/// in and out are the elements of one sample; scratch and saved are the
/// workspace's areas (`Net::workspace<B>::scratch_size`, `saved_size`).
/// Inference reads the real parameters only; a training step also writes
/// the gradients and the optimizer sweeps its whole padded buffer (θ, g and
/// its state). The optimizer's own arithmetic is not counted as flops (as
/// PyTorch's profilers do not). The working set, `bytes()`, decides the
/// memory level on the roofline (roofline.hpp).

#include <cstddef>
#include <cstdint>
#include <tuple>

#include "../loss/mse.hpp"
#include "../loss/softmax_cross_entropy.hpp"
#include "../net/network.hpp"

namespace ctnn::bench {

/// Flops and bytes of one call of a case.
struct case_costs {
    std::size_t samples = 0;           ///< samples per call
    double flops = 0;                  ///< floating-point operations per call
    std::size_t weight_bytes = 0;      ///< parameters (and gradients, optimizer state) touched
    std::size_t activation_bytes = 0;  ///< inputs, outputs, workspace, targets, state touched

    [[nodiscard]] constexpr std::size_t bytes() const noexcept { return weight_bytes + activation_bytes; }
    /// Flops per byte of the working set.
    [[nodiscard]] constexpr double intensity() const noexcept { return bytes() ? flops / double(bytes()) : 0.0; }
};

namespace costs_detail {
template <class Net>
constexpr std::size_t state_bytes_one() {
    if constexpr (requires { Net::stateful; } && requires { typename Net::state_type; }) {
        if constexpr (Net::stateful) return sizeof(typename Net::state_type);
    }
    return 0;
}
template <class Net, std::size_t B>
constexpr std::size_t state_bytes_batch() {
    if constexpr (requires { Net::stateful; } && requires { typename Net::template batch_state<B>; }) {
        if constexpr (Net::stateful) return sizeof(typename Net::template batch_state<B>);
    }
    return 0;
}
}  // namespace costs_detail

/// Whether `Net` keeps a state between calls (`forward(x, state)`).
template <class Net>
inline constexpr bool is_stateful = [] {
    if constexpr (requires { Net::stateful; })
        return bool(Net::stateful);
    else
        return false;
}();

/// The default loss of a benchmark's training case: softmax cross-entropy
/// over class labels for a flat output of more than one value, mean squared
/// error against a target tensor otherwise.
struct auto_loss {};

/// The loss `auto_loss` stands for with `Net`, and the targets of a batch of `B`.
template <class Net, class Loss, std::size_t B>
struct loss_for {
    using type = Loss;
    using targets = typename Net::template output_batch<B>;
};
template <class Net, std::size_t B>
    requires(Net::out_shape::rank == 1 && Net::out_shape::size > 1)
struct loss_for<Net, auto_loss, B> {
    using type = SoftmaxCrossEntropy;
    using targets = Labels<B>;
};
template <class Net, std::size_t B>
    requires(!(Net::out_shape::rank == 1 && Net::out_shape::size > 1))
struct loss_for<Net, auto_loss, B> {
    using type = MSE;
    using targets = typename Net::template output_batch<B>;
};

/// Bytes of the targets of a batch: labels (`Labels<B>`, 4 bytes each) or a
/// tensor of the output's shape.
template <class Targets>
inline constexpr std::size_t target_bytes = [] {
    if constexpr (requires { Targets::shape_type::size; typename Targets::value_type; })
        return std::size_t(Targets::shape_type::size) * sizeof(typename Targets::value_type);
    else
        return std::tuple_size_v<Targets> * sizeof(typename Targets::value_type);
}();

/// One sample through `forward(x)` (or `forward(x, state)`).
template <Network Net>
[[nodiscard]] constexpr case_costs infer_one_costs() noexcept {
    using T = typename Net::value_type;
    case_costs c;
    c.samples = 1;
    c.flops = double(Net::flops_forward);
    c.weight_bytes = Net::param_count * sizeof(T);
    c.activation_bytes = (Net::in_shape::size + Net::out_shape::size + Net::template workspace<1>::scratch_size) *
                             sizeof(T) +
                         costs_detail::state_bytes_one<Net>();
    return c;
}

/// A batch of `B` through `forward(X, ws)`.
template <Network Net, std::size_t B>
[[nodiscard]] constexpr case_costs infer_batch_costs() noexcept {
    using T = typename Net::value_type;
    case_costs c;
    c.samples = B;
    c.flops = double(B) * double(Net::flops_forward);
    c.weight_bytes = Net::param_count * sizeof(T);
    c.activation_bytes =
        (B * (Net::in_shape::size + Net::out_shape::size) + Net::template workspace<B>::scratch_size) * sizeof(T) +
        costs_detail::state_bytes_batch<Net, B>();
    return c;
}

/// One training step on a batch of `B`: forward, `Loss`, backward and an
/// optimizer keeping `OptStates` buffers per parameter (Adam 2, SGD 0).
template <Network Net, std::size_t B, std::size_t OptStates, class Targets>
[[nodiscard]] constexpr case_costs train_costs() noexcept {
    using T = typename Net::value_type;
    using W = typename Net::template workspace<B>;
    case_costs c;
    c.samples = B;
    c.flops = double(B) * double(Net::flops_forward + Net::flops_backward);
    c.weight_bytes = Net::param_storage * sizeof(T) * (2 + OptStates);
    c.activation_bytes = (B * (Net::in_shape::size + 2 * Net::out_shape::size) + W::saved_size + W::scratch_size) *
                             sizeof(T) +
                         target_bytes<Targets> + costs_detail::state_bytes_batch<Net, B>();
    return c;
}

}  // namespace ctnn::bench
