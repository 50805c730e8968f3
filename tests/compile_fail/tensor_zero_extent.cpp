// expect: ctnn: every extent of a tensor must be positive
// expect: Shape<8, 0>
// allow-error: fields must have a constant size
// (clang 14: once tensor_checks has failed, Tensor::valid is not a constant and the
// storage array becomes a variable-length array)
#include <ctnn/core/tensor.hpp>

ctnn::Tensor<float, 8, 0> t;
