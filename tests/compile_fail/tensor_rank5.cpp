// expect: ctnn: a tensor has rank 1 to 4
// expect: rank_in_range<ctnn::Shape<2, 2, 2, 2, 2> ?>
#include <ctnn/core/tensor.hpp>

ctnn::Tensor<float, 2, 2, 2, 2, 2> t;
