// expect: ctnn: matmul needs the inner extents to match
// expect: inner_extents_match<ctnn::Shape<64, 128>, ctnn::Shape<64, 10> ?>
#include <ctnn/core/shape_algebra.hpp>

// [64, 128] · [64, 10]: 128 != 64.
using R = ctnn::matmul_shape_t<ctnn::Shape<64, 128>, ctnn::Shape<64, 10>>;
