// expect: ctnn: element-wise operands must have broadcastable shapes \(trailing extents equal, or 1\)
// expect: broadcastable<ctnn::Shape<64, 10>, ctnn::Shape<5> ?>
#include <ctnn/core/shape_algebra.hpp>

// Trailing extents 10 and 5.
using R = ctnn::broadcast_shape_t<ctnn::Shape<64, 10>, ctnn::Shape<5>>;
