// expect: ctnn: the input tensor must have the network's input shape
// expect: input_matches<ctnn::Shape<100>, ctnn::Shape<784> ?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// A [100] sample for a network that takes [784].
using Net = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<10>>;
void f(const Net& n, const ctnn::Tensor<float, 100>& x) {
    auto y = n.forward(x);
    (void)y;
}
