// expect: ctnn: Concat joins its branches along the first axis of a sample: their outputs must have the same rank and agree on every other axis
// expect: branches_agree_beyond_the_first_axis<ctnn::Shape<2(UL)?, 3(UL)?>, ctnn::Shape<6(UL)?> ?>
#include <ctnn/net.hpp>

// One branch keeps [2, 3] feature maps, the other flattens them to [6].
using Net = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::Concat<ctnn::Tanh, ctnn::Flatten>>;
Net net;
