// expect: ctnn: a Sequential starts with Input<...>, the shape of one sample
// expect: sequential_starts_with<ctnn::Dense<128(, true, 0)?> ?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// No Input<...> first.
using Net = ctnn::Sequential<ctnn::Dense<128>, ctnn::ReLU>;
Net net;
