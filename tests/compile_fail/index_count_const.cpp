// expect: ctnn: a tensor takes one index per dimension
// expect: Tensor<float, 3, 4>
#include <ctnn/core/tensor.hpp>

float f(const ctnn::Tensor<float, 3, 4>& t) {
    return t(1, 2, 0);  // three indices for two dimensions
}
