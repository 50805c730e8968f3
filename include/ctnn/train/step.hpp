#pragma once
/// \file step.hpp
/// The training step: forward in training mode, the loss and ∂loss/∂output,
/// backward, and the optimizer's update, for one batch, in one call that
/// never allocates.
///
/// ```cpp
/// auto net = std::make_unique<Mlp>();
/// auto ws = std::make_unique<Mlp::workspace<64>>();
/// auto g = std::make_unique<Mlp::gradients>();
/// auto adam = std::make_unique<optim::Adam<Mlp>>(optim::adam_config<false>{.lr = 1e-3});
/// float loss = train::step<SoftmaxCrossEntropy>(*net, *ws, *g, *adam, X, labels);
/// ```
///
/// `n < B` trains on the first `n` rows only (a last partial batch): the
/// loss writes zero gradients for the other rows, so they contribute
/// nothing to any parameter's gradient.

#include <cstddef>
#include <type_traits>

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../net/network.hpp"

namespace ctnn::train {

namespace step_detail {
template <class W>
concept workspace_like = requires(W& w) {
    W::batch;
    w.output_grad();
};
/// `Args` could be a call of `step` (net, workspace, gradients, optimizer,
/// inputs, targets[, n]) or, without the optimizer, of `gradients`.
template <std::size_t Optimizer, class... Args>
struct call_shape : std::false_type {};
template <std::size_t Optimizer, class N, class W, class... Rest>
struct call_shape<Optimizer, N, W, Rest...>
    : std::bool_constant<workspace_like<std::remove_cvref_t<W>> && (sizeof...(Rest) == 3 + Optimizer ||
                                                                     sizeof...(Rest) == 4 + Optimizer)> {};
}  // namespace step_detail

/// Forward, loss and backward: `g` gets ∂loss/∂parameters; returns the loss
/// of the first `n` rows.
template <class Loss, Network Net, class Workspace, TensorLike X, class Targets>
CTNN_REALTIME auto gradients(const Net& net, Workspace& ws, typename Net::gradients& g, const X& x, const Targets& t,
                             std::size_t n = Workspace::batch) noexcept -> typename Net::value_type {
    net.template forward<true>(x, ws);
    const auto loss = Loss::compute(ws.output(), t, ws.output_grad(), n);
    net.backward(x, ws, g);
    return loss;
}

/// One step of training: `gradients`, then the optimizer's update.
template <class Loss, Network Net, class Workspace, class Opt, TensorLike X, class Targets>
CTNN_REALTIME auto step(Net& net, Workspace& ws, typename Net::gradients& g, Opt& opt, const X& x, const Targets& t,
                        std::size_t n = Workspace::batch) noexcept -> typename Net::value_type {
    const auto loss = gradients<Loss>(net, ws, g, x, t, n);
    opt.step(net, g);
    return loss;
}

/// Arguments that do not make a training step (a missing workspace, a
/// swapped pair): one error that shows the call.
template <class Loss, class... Args>
    requires(!step_detail::call_shape<1, Args...>::value)
float step(Args&&...) noexcept {
    static_assert(!std::is_same_v<Loss, Loss>,
                  "ctnn: train::step takes (net, workspace, gradients, optimizer, inputs, targets[, n]), e.g. "
                  "train::step<MSE>(*net, *ws, *g, *adam, X, Y) with ws a Net::workspace<B>");
    return 0;
}
template <class Loss, class... Args>
    requires(!step_detail::call_shape<0, Args...>::value)
float gradients(Args&&...) noexcept {
    static_assert(!std::is_same_v<Loss, Loss>,
                  "ctnn: train::gradients takes (net, workspace, gradients, inputs, targets[, n]), e.g. "
                  "train::gradients<MSE>(*net, *ws, *g, X, Y) with ws a Net::workspace<B>");
    return 0;
}

}  // namespace ctnn::train
