// expect: ctnn: Conv2D with Same padding needs stride 1
// expect: same_padding_has_stride_1<ctnn::Shape<3, 8, 8> ?>
#include <ctnn/net.hpp>

// Same padding with stride 2 (PyTorch refuses padding='same' there too).
using Net = ctnn::Sequential<ctnn::Input<3, 8, 8>, ctnn::Conv2D<4, 3, 3, 2, 1, 1, ctnn::Same>>;
Net net;
