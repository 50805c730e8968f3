// expect: ctnn: Conv2D takes an image \[C, H, W\]
// expect: conv2d<ctnn::path<1>, ctnn::Conv2D<4, 3(, 3, 1, 1, 1)?(, ctnn::Valid)? ?> ?>::takes_an_image_c_h_w<ctnn::Shape<3, 20> ?>
#include <ctnn/net.hpp>

// A Conv2D after a sequence [C, L].
using Net = ctnn::Sequential<ctnn::Input<3, 20>, ctnn::Conv1D<3, 1>, ctnn::Conv2D<4, 3>>;
Net net;
