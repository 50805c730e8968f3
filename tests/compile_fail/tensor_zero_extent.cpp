// expect: ctnn: every extent of a tensor must be positive
// expect: Shape<8, 0>
#include <ctnn/core/tensor.hpp>

ctnn::Tensor<float, 8, 0> t;
