// expect: ctnn: Conv1D bound to one step \[C\] of a stream needs Causal padding and stride 1
// expect: one_step_needs_causal_padding_and_stride_1<ctnn::Shape<3> ?>
#include <ctnn/net.hpp>

// A streaming (one step per call) Conv1D with valid padding would need future inputs.
using Net = ctnn::Sequential<ctnn::Input<3>, ctnn::Conv1D<4, 3>>;
Net net;
