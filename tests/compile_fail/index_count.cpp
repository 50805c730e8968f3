// expect: ctnn: a tensor takes one index per dimension
// expect: Tensor<float, 3, 4>
#include <ctnn/core/tensor.hpp>

void f() {
    ctnn::Tensor<float, 3, 4> t;
    t(1) = 2.0f;  // one index for two dimensions
}
