// expect: ctnn: gemm_dytx needs dY \[M, N\] and X \[M, K\] with the same M
// expect: dytx_batch_extents_match<ctnn::Shape<8, 4>, ctnn::Shape<6, 16> ?>
// expect: ctnn::simd::gemm_dytx
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 8, 4> dy;   // [M, N]
    ctnn::Tensor<float, 6, 16> x;   // [M', K], M' != M
    ctnn::Tensor<float, 4, 16> dw;  // [N, K]
    ctnn::simd::gemm_dytx(dy, x, dw);
}
