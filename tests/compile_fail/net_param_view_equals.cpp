// expect: ctnn: `view = tensor` does not copy: view.assign\(tensor\) copies a tensor of the view's shape
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// `=` on a parameter's view, expecting a copy.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float f(Net& net, const ctnn::Tensor<float, 3, 4>& w, const ctnn::Tensor<float, 4>& x) {
    net.param<"0.weight">() = w;
    return net.forward(x)(0);
}
