// expect: ctnn: Dropout needs a probability in .0, 1.
// expect: Dropout<
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// A drop probability of 1.5.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dropout<1.5>>;
Net net;
