// expect: ctnn: matmul needs a matrix \(rank 2 to 4\) on the left and a matrix or vector on the right
// expect: matmul_operand_ranks<ctnn::Shape<128>, ctnn::Shape<128, 10> ?>
#include <ctnn/core/shape_algebra.hpp>

// A vector on the left.
using R = ctnn::matmul_shape_t<ctnn::Shape<128>, ctnn::Shape<128, 10>>;
