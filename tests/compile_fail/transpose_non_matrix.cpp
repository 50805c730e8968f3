// expect: ctnn: transpose needs a matrix \(rank 2\)
// expect: is_matrix<ctnn::Shape<2, 3, 4> ?>
#include <ctnn/core/shape_algebra.hpp>

using R = ctnn::transpose_shape_t<ctnn::Shape<2, 3, 4>>;
