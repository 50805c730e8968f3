// expect: ctnn: not a layer
// expect: layer<ctnn::path<1>, int>::is_a_layer_spec
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// int is no layer.
using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>, int>;
Net net;
