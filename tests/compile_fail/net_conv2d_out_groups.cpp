// expect: ctnn: Conv2D's output channels must be divisible by its Groups
// expect: conv2d<ctnn::path<0>, ctnn::Conv2D<5, 3, 3, 1, 1, 2(, ctnn::Valid)? ?> ?>::output_channels_are_divisible_by_groups<ctnn::Shape<4, 8, 8> ?>
#include <ctnn/net.hpp>

// 5 output channels out of 2 groups.
using Net = ctnn::Sequential<ctnn::Input<4, 8, 8>, ctnn::Conv2D<5, 3, 3, 1, 1, 2>>;
Net net;
