// expect: ctnn: the output tensor must have the product's shape \[N, K\]
// expect: output_shape_matches<ctnn::Shape<4, 16>, ctnn::Shape<16, 4> ?>
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 8, 4> dy;   // [M, N]
    ctnn::Tensor<float, 8, 16> x;   // [M, K]
    ctnn::Tensor<float, 16, 4> dw;  // [K, N] instead of [N, K]
    ctnn::simd::gemm_dytx(dy, x, dw);
}
