// expect: ctnn: Conv1D's input channels must be divisible by its Groups
// expect: conv1d<ctnn::path<1>, ctnn::Conv1D<6, 3, 1, 1, 2(, ctnn::Valid)? ?> ?>::channels_are_divisible_by_groups<ctnn::Shape<5, 20> ?>
#include <ctnn/net.hpp>

// 5 channels into 2 groups.
using Net = ctnn::Sequential<ctnn::Input<3, 20>, ctnn::Conv1D<5, 1>, ctnn::Conv1D<6, 3, 1, 1, 2>>;
Net net;
