// expect: ctnn: matmul needs the inner extents to match
// expect: inner_extents_match<ctnn::Shape<4, 8>, ctnn::Shape<6, 16> ?>
// expect: ctnn::simd::gemm_dytx
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 8, 4> dy;   // [M, N]
    ctnn::Tensor<float, 6, 16> x;   // [M', K], M' != M
    ctnn::Tensor<float, 4, 16> dw;  // [N, K]
    ctnn::simd::gemm_dytx(dy, x, dw);
}
