// expect: ctnn: a layer's template arguments break one of its rules
// expect: layer<ctnn::path<1>, ctnn::LeakyReLU<.*::needs_a_positive_slope>
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// A negative slope.
using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::LeakyReLU<-0.1>, ctnn::Dense<2>>;
float f(const Net& net, const ctnn::Tensor<float, 3>& x) { return net.forward(x)(0); }
