// expect: ctnn: Conv1D's kernel span \(K-1\)\*Dilation\+1 is longer than its padded input
// expect: kernel_fits_in_the_padded_input<ctnn::Shape<3, 8> ?>
#include <ctnn/net.hpp>

// Kernel 3 with dilation 4 spans 9 samples; the sequence has 8.
using Net = ctnn::Sequential<ctnn::Input<3, 8>, ctnn::Conv1D<4, 3, 1, 4>>;
Net net;
