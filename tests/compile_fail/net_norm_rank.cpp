// expect: ctnn: a norm layer got a sample of another rank
// expect: norm_layer<(ctnn::)?path<1>, (ctnn::)?BatchNorm2D ?>::gets<(ctnn::)?Shape<8> ?>::a_sample_of_the_rank_it_normalises
#include <ctnn/net.hpp>

// BatchNorm2D after a Dense: BatchNorm1D was meant.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::BatchNorm2D, ctnn::Dense<2>>;
Net net;
