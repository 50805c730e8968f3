// expect: ctnn: a tensor has rank 1 to 4
// expect: rank_in_range<ctnn::Shape<> ?>
#include <ctnn/core/tensor.hpp>

ctnn::Tensor<float> t;
