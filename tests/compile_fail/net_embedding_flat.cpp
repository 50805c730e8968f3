// expect: ctnn: this layer works on a flat sample \(rank 1\): put Flatten before it
// expect: needs_a_flat_input_but_layer<ctnn::path<-1>, ctnn::Input<2, 3> ?>::produces<ctnn::Shape<2, 3> ?>
#include <ctnn/net.hpp>

// Embedding takes a flat sample of token indices.
using Net = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::Embedding<10, 4>>;
Net net;
