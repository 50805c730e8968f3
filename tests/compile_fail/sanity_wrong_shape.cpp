// Harness sanity: the message is right but the shapes are not the expected
// ones, so its check must fail (the shape lines are checked too).
// expect: ctnn: matmul needs the inner extents to match
// expect: inner_extents_match<ctnn::Shape<64, 128>, ctnn::Shape<64, 99> ?>
// harness-must-fail: expected text not found: inner_extents_match<ctnn::Shape<64, 128>, ctnn::Shape<64, 99>
#include <ctnn/core/shape_algebra.hpp>

using R = ctnn::matmul_shape_t<ctnn::Shape<64, 128>, ctnn::Shape<64, 10>>;
