// expect: ctnn: the input tensor must hold the network's value type
// allow-second-ctnn-error
#include <ctnn/net.hpp>

// Data read as double, given to a float network.
using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::Dense<2>>;
float f(const Net& net, const ctnn::Tensor<double, 3>& x) { return net.forward(x)(0); }
void g(const Net& net, const ctnn::Tensor<double, 8, 3>& x, Net::workspace<8>& ws) { net.forward(x, ws); }
