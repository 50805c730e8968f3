// expect: ctnn: a pooling layer got a sample of another rank
// expect: pool_layer<(ctnn::)?path<0>, (ctnn::)?MaxPool2D<2, 2(, 2, 2, 0, 0)?> ?>::gets<(ctnn::)?Shape<3, 9> ?>::a_sample_of_the_rank_it_pools
#include <ctnn/net.hpp>

// A 2-D pooling on [C, L] samples: MaxPool1D was meant.
using Net = ctnn::Sequential<ctnn::Input<3, 9>, ctnn::MaxPool2D<2, 2>>;
Net net;
