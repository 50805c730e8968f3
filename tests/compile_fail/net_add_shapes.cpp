// expect: ctnn: Add sums its branches: their outputs must have the same shape
// expect: branches_produce_the_same_shape<ctnn::Shape<3(UL)?>, ctnn::Shape<4(UL)?> ?>
#include <ctnn/net.hpp>

// 3 + 4 features cannot be summed.
using Net = ctnn::Sequential<ctnn::Input<5>, ctnn::Add<ctnn::Dense<3>, ctnn::Dense<4>>>;
Net net;
