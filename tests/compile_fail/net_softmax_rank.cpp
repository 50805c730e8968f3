// expect: ctnn: this layer works on a flat sample \(rank 1\): put Flatten before it
// expect: layer<(ctnn::)?path<0>, (ctnn::)?Softmax>::needs_a_flat_input_but_layer<ctnn::path<-1>, ctnn::Input<4, 5> ?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// Softmax over the features of a rank-2 sample.
using Net = ctnn::Sequential<ctnn::Input<4, 5>, ctnn::Softmax>;
Net net;
