// expect: ctnn: this layer works on a flat sample \(rank 1\): put Flatten before it
// expect: needs_a_flat_input_but_layer<ctnn::path<-1>, ctnn::Input<28, 28> ?>::produces<ctnn::Shape<28, 28> ?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// An image straight into Dense.
using Net = ctnn::Sequential<ctnn::Input<28, 28>, ctnn::Dense<10>>;
Net net;
