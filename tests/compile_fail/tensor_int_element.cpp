// expect: ctnn: tensor elements must be float or double
// expect: is_element<int>
// allow-error: fields must have a constant size
// (clang 14: once tensor_checks has failed, Tensor::valid is not a constant and the
// storage array becomes a variable-length array)
#include <ctnn/core/tensor.hpp>

ctnn::Tensor<int, 4> t;
