// expect: ctnn: approx_equal compares tensors of the same shape
// expect: Shape<2, 3>, ctnn::Shape<3, 2> ?>
#include <ctnn/core/tensor.hpp>

bool f() {
    ctnn::Tensor<float, 2, 3> a;
    ctnn::Tensor<float, 3, 2> b;
    return ctnn::approx_equal(a, b, 1e-6);
}
