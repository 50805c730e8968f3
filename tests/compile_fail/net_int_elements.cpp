// expect: ctnn: a network computes in float or double
// expect: is_same_v<int, float>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// A network of ints.
using Net = ctnn::BasicSequential<int, ctnn::Input<4>, ctnn::Dense<3>>;
Net net;
