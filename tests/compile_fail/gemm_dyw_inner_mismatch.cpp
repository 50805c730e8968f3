// expect: ctnn: gemm_dyw needs dY \[M, N\] and W \[N, K\] with the same N
// expect: dyw_inner_extents_match<ctnn::Shape<8, 4>, ctnn::Shape<5, 16> ?>
// expect: ctnn::simd::gemm_dyw
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 8, 4> dy;   // [M, N]
    ctnn::Tensor<float, 5, 16> w;   // [N', K], N' != N
    ctnn::Tensor<float, 8, 16> dx;  // [M, K]
    ctnn::simd::gemm_dyw(dy, w, dx);
}
