// expect: ctnn: Dense needs at least one output feature
// expect: Dense<0
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// Dense<0>.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<0>>;
Net net;
