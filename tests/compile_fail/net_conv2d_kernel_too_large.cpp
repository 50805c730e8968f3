// expect: ctnn: Conv2D's kernel span \(K-1\)\*Dilation\+1 is larger than its padded input on an axis
// expect: kernel_fits_in_the_padded_input<ctnn::Shape<3, 8, 6> ?>
#include <ctnn/net.hpp>

// A 3x3 kernel with dilation 3 spans 7x7; the image is 8 high but 6 wide.
using Net = ctnn::Sequential<ctnn::Input<3, 8, 6>, ctnn::Conv2D<4, 3, 3, 1, 3>>;
Net net;
