// expect: ctnn: Conv1D takes a sequence \[C, L\] or one step \[C\] of a stream
// expect: takes_a_sequence_or_one_step<ctnn::Shape<3, 8, 8> ?>
#include <ctnn/net.hpp>

// A Conv1D after an image [C, H, W].
using Net = ctnn::Sequential<ctnn::Input<3, 8, 8>, ctnn::Conv1D<4, 3>>;
Net net;
