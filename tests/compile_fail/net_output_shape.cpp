// expect: ctnn: a tensor takes a tensor of its own shape
// expect: tensor_of_shape<ctnn::Shape<2> ?>::initialised_from<ctnn::Shape<3> ?>
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// The network's output kept in a tensor of the wrong width, then used.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float f(const Net& net, const ctnn::Tensor<float, 4>& x) {
    ctnn::Tensor<float, 2> y = net.forward(x);
    return y(0) + y(1);
}
