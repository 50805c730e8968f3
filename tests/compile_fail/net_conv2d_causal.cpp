// expect: ctnn: Conv2D's padding is Valid, Same or Pad<P>; Causal is for sequences \(Conv1D\)
// expect: padding_is_not_causal<ctnn::Shape<3, 8, 8> ?>
#include <ctnn/net.hpp>

// Causal padding has no meaning on an image.
using Net = ctnn::Sequential<ctnn::Input<3, 8, 8>, ctnn::Conv2D<4, 3, 3, 1, 1, 1, ctnn::Causal>>;
Net net;
