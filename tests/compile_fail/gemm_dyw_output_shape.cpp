// expect: ctnn: the output tensor must have the product's shape \[M, K\]
// expect: output_shape_matches<ctnn::Shape<8, 16>, ctnn::Shape<8, 4> ?>
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 8, 4> dy;   // [M, N]
    ctnn::Tensor<float, 4, 16> w;   // [N, K]
    ctnn::Tensor<float, 8, 4> dx;   // [M, N] instead of [M, K]
    ctnn::simd::gemm_dyw(dy, w, dx);
}
