// expect: ctnn: a pooling window is larger than its padded input
// expect: pool_layer<(ctnn::)?path<1>, (ctnn::)?MaxPool2D<5, 5(, 5, 5, 0, 0)?> ?>::gets<(ctnn::)?Shape<3, 4, 6> ?>::padded_to<4, 6>::holds_a_window_of<5, 5>
#include <ctnn/net.hpp>

// A 5x5 window over a 4x6 image without padding.
using Net = ctnn::Sequential<ctnn::Input<3, 4, 6>, ctnn::ReLU, ctnn::MaxPool2D<5, 5>>;
Net net;
