// expect: ctnn: Conv1D with Same padding needs stride 1
// expect: same_padding_has_stride_1<ctnn::Shape<3, 20> ?>
#include <ctnn/net.hpp>

// Same padding with stride 2 (PyTorch refuses padding='same' there too).
using Net = ctnn::Sequential<ctnn::Input<3, 20>, ctnn::Conv1D<4, 3, 2, 1, 1, ctnn::Same>>;
Net net;
