// expect: ctnn: fit takes the loss first, then the batch size
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/fit.hpp>

// fit's template arguments swapped.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
using Data = ctnn::train::Dataset<float, ctnn::Shape<4>>;
void f(Net& net, ctnn::optim::Adam<Net>& adam, const Data& data) {
    ctnn::train::fit<64, ctnn::SoftmaxCrossEntropy>(net, adam, data, nullptr);
}
