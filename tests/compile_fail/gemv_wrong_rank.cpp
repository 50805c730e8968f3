// expect: ctnn: gemv takes a matrix W \[Out, In\] and a vector x \[In\]
// expect: ctnn::simd::gemv
// expect: ctnn::Tensor<float, 1, 64>[,;]
#include <ctnn/simd/gemv.hpp>

void f() {
    ctnn::Tensor<float, 10, 64> w;
    ctnn::Tensor<float, 1, 64> x;  // a batch of one, not a vector
    ctnn::Tensor<float, 10> y;
    ctnn::simd::gemv(w, x, y);
}
