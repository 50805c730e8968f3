// expect: ctnn: a layer expects other input features than the layer before it produces
// expect: layer<(ctnn::)?path<2>, (ctnn::)?Dense<10, true, 64> ?>::expects_features<64(UL)?>::but_layer<ctnn::path<1>, ctnn::ReLU>::produces<ctnn::Shape<128> ?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// Layer 2 wants 64 features, layer 1 (ReLU after Dense<128>) gives 128.
using Net = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10, true, 64>>;
Net net;
