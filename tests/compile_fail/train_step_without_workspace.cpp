// expect: ctnn: train::step takes \(net, workspace, gradients, optimizer, inputs, targets\[, n\]\)
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/step.hpp>

// The workspace left out of a training step.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float f(Net& net, Net::gradients& g, ctnn::optim::Adam<Net>& adam, const Net::input_batch<8>& X,
        const Net::output_batch<8>& T) {
    return ctnn::train::step<ctnn::MSE>(net, g, adam, X, T);
}
