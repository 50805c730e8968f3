// expect: ctnn: this network keeps state between calls: call forward\(x, state\) with a Net::state_type
// expect: stateful
#include <ctnn/net.hpp>

#include "../../examples/one_pole.hpp"

// A stateful network (a one-pole filter layer) called as if it kept nothing.
using Net = ctnn::Sequential<ctnn::Input<2>, ctnn::Dense<4>, examples::OnePole, ctnn::Dense<1>>;
float f(const Net& net, const ctnn::Tensor<float, 2>& x) { return net.forward(x)(0); }
