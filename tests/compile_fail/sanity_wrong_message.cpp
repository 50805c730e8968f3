// Harness sanity: this file fails with the inner-extents message, not the
// one expected, so its check must fail.
// expect: ctnn: transpose needs a matrix \(rank 2\)
// harness-must-fail: expected text not found: .*ctnn: transpose needs a matrix
#include <ctnn/core/shape_algebra.hpp>

using R = ctnn::matmul_shape_t<ctnn::Shape<64, 128>, ctnn::Shape<64, 10>>;
