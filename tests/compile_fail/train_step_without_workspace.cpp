// expect: ctnn: train::step takes \(net, workspace, gradients, optimizer, inputs, targets\[, n\]\)
#include <ctnn/ctnn.hpp>

// The workspace left out of a training step.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float f(Net& net, Net::gradients& g, ctnn::optim::Adam<Net>& adam, const Net::input_batch<8>& X,
        const Net::output_batch<8>& T) {
    return ctnn::train::step<ctnn::MSE>(net, g, adam, X, T);
}
