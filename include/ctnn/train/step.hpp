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

#include "../core/config.hpp"
#include "../core/tensor.hpp"
#include "../net/network.hpp"

namespace ctnn::train {

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

}  // namespace ctnn::train
