// expect: ctnn: a pooling layer's padding must be at most half its kernel \(PyTorch's rule\)
// expect: pool_layer<(ctnn::)?path<0>, (ctnn::)?AvgPool1D<3, 1, 2> ?>::kernel<1, 3>::has_padding_at_most_half_of_it<0, 2>
#include <ctnn/net.hpp>

// Padding 2 on a kernel of 3: a window could see padding only.
using Net = ctnn::Sequential<ctnn::Input<3, 9>, ctnn::AvgPool1D<3, 1, 2>>;
Net net;
