// Harness sanity: this file compiles, so its check must fail.
// expect: ctnn: matmul needs the inner extents to match
// harness-must-fail: the compile succeeded
#include <ctnn/core/shape_algebra.hpp>

#include <type_traits>

static_assert(std::is_same_v<ctnn::matmul_shape_t<ctnn::Shape<64, 128>, ctnn::Shape<128, 10>>, ctnn::Shape<64, 10>>);
