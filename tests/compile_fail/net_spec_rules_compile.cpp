// expect-success
// The positive twins of net_spec_rule, net_input_zero_extent and
// net_activation_rule: the same networks with valid template arguments.
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

using A = ctnn::Sequential<ctnn::Input<4, 16>, ctnn::Conv1D<4, 1>,
                           ctnn::Residual<ctnn::Conv1D<4, 3, 1, 1, 1, ctnn::Same>, ctnn::ReLU>, ctnn::Flatten,
                           ctnn::Dense<2>>;
float f(const A& net, const ctnn::Tensor<float, 4, 16>& x) { return net.forward(x)(0); }

using B = ctnn::Sequential<ctnn::Input<6, 1>, ctnn::Flatten, ctnn::Dense<3>>;
float g(const B& net, const ctnn::Tensor<float, 6, 1>& x) { return net.forward(x)(0); }

using C = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::LeakyReLU<0.1>, ctnn::Dense<2>>;
float h(const C& net, const ctnn::Tensor<float, 3>& x) { return net.forward(x)(0); }
