// expect: ctnn: tensor elements must be float or double
// expect: is_element<int>
#include <ctnn/core/tensor.hpp>

ctnn::Tensor<int, 4> t;
