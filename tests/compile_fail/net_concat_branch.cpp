// expect: ctnn: this layer works on a flat sample \(rank 1\): put Flatten before it
// expect: layer<(ctnn::)?path<0, ctnn::seg::branches, 1>, (ctnn::)?Softmax>::needs_a_flat_input_but_layer<ctnn::path<-1>, ctnn::Input<2, 3> ?>
#include <ctnn/net.hpp>

// Branch 1 ("0.branches.1") is a Softmax, which needs a flat sample.
using Net = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::Concat<ctnn::Tanh, ctnn::Softmax>>;
Net net;
