// expect: ctnn: a tensor has rank 1 to 4
// expect: rank_in_range<ctnn::Shape<2, 2, 2, 2, 2> ?>
// allow-error: fields must have a constant size
// (clang 14: once tensor_checks has failed, Tensor::valid is not a constant and the
// storage array becomes a variable-length array)
#include <ctnn/core/tensor.hpp>

ctnn::Tensor<float, 2, 2, 2, 2, 2> t;
