// expect: ctnn: the output tensor must have the product's shape \[M, N\]
// expect: output_shape_matches<ctnn::Shape<8, 4>, ctnn::Shape<4, 8> ?>
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 8, 16> x;  // [M, K]
    ctnn::Tensor<float, 4, 16> w;  // [N, K]
    ctnn::Tensor<float, 4, 8> y;   // [N, M] instead of [M, N]
    ctnn::simd::gemm_xwt(x, w, y);
}
