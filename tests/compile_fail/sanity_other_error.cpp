// Harness sanity: the ctnn message appears, but so does an error that is not
// a ctnn static assertion, so its check must fail.
// expect: ctnn: matmul needs the inner extents to match
// harness-must-fail: 1 error\(s\) are neither ctnn static assertions
#include <ctnn/core/shape_algebra.hpp>

using R = ctnn::matmul_shape_t<ctnn::Shape<64, 128>, ctnn::Shape<64, 10>>;
int not_ctnn = undeclared_name;
