// expect: ctnn: axpy needs two tensors of the same shape
// expect: Shape<8>, ctnn::Shape<9> ?>
#include <ctnn/simd/blas1.hpp>

void f() {
    ctnn::Tensor<float, 8> x;
    ctnn::Tensor<float, 9> y;
    ctnn::simd::axpy(2.0f, x, y);
}
