// expect: ctnn: Dense needs at least one output feature
// expect: check::layer<ctnn::path<1>, ctnn::Dense<0.*needs_at_least_one_output_feature
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/step.hpp>

// Dense<0>, and the network then used as the README does: forward, loss,
// backward, a training step. The one error is the Dense<0> one.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Dense<0>>;
float f(Net& net, Net::workspace<8>& ws, Net::gradients& g, ctnn::optim::Adam<Net>& adam,
        const Net::input_batch<8>& X, const Net::output_batch<8>& T, const ctnn::Tensor<float, 4>& x) {
    auto y = net.forward(x);
    net.forward<true>(X, ws);
    const float loss = ctnn::MSE::compute(ws.output(), T, ws.output_grad());
    net.backward(X, ws, g);
    adam.step(net, g);
    return loss + y(0) + ctnn::train::step<ctnn::MSE>(net, ws, g, adam, X, T);
}
