// expect: ctnn: PerStep applies a layer to each step of a sequence: its input needs a time axis first
// expect: needs_a_sequence_but_layer<ctnn::path<-1>, ctnn::Input<4> ?>::produces<ctnn::Shape<4> ?>
#include <ctnn/net.hpp>

// PerStep over a flat sample: there are no steps to map.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::PerStep<ctnn::Dense<2>>>;
Net net;
