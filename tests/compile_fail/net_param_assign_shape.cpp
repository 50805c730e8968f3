// expect: ctnn: assign copies a tensor of the same shape \(a transposed weight is another shape\)
// expect: Shape<4, 3>, ctnn::Shape<3, 4>
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// A weight kept as [in, out] (transposed) copied into nn.Linear's [out, in].
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float f(Net& net, const ctnn::Tensor<float, 4, 3>& w_in_out, const ctnn::Tensor<float, 4>& x) {
    net.param<"0.weight">().assign(w_in_out);
    return net.forward(x)(0);
}
