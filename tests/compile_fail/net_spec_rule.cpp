// expect: ctnn: a layer's template arguments break one of its rules
// expect: layer<ctnn::path<1, ctnn::seg::body, 0>, ctnn::Conv1D<0, 3, 1, 1, 1, ctnn::Same> ?>::keeps<ctnn::Conv1D<0, 3, 1, 1, 1, ctnn::Same>::needs_at_least_one_output_channel_and_one_tap>
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// A convolution with no output channel inside a residual block, then used
// the way the README does: the rule is reported once, with the layer's path.
using Net = ctnn::Sequential<ctnn::Input<4, 16>, ctnn::Conv1D<4, 1>,
                             ctnn::Residual<ctnn::Conv1D<0, 3, 1, 1, 1, ctnn::Same>, ctnn::ReLU>, ctnn::Flatten,
                             ctnn::Dense<2>>;
float f(const Net& net, const ctnn::Tensor<float, 4, 16>& x) { return net.forward(x)(0); }
