// expect: ctnn: dot needs two tensors of the same shape
// expect: Shape<16>, ctnn::Shape<4, 4> ?>
#include <ctnn/simd/blas1.hpp>

float f() {
    ctnn::Tensor<float, 16> a;
    ctnn::Tensor<float, 4, 4> b;  // same element count, other shape
    return ctnn::simd::dot(a, b);
}
