// expect: ctnn: Conv2D's input channels must be divisible by its Groups
// expect: conv2d<ctnn::path<1>, ctnn::Conv2D<6, 3, 3, 1, 1, 2(, ctnn::Valid)? ?> ?>::channels_are_divisible_by_groups<ctnn::Shape<5, 8, 8> ?>
#include <ctnn/net.hpp>

// 5 channels into 2 groups.
using Net = ctnn::Sequential<ctnn::Input<3, 8, 8>, ctnn::Conv2D<5, 1>, ctnn::Conv2D<6, 3, 3, 1, 1, 2>>;
Net net;
