// expect: ctnn: gemm_xwt needs X \[M, K\] and W \[N, K\] with the same K
// expect: xwt_inner_extents_match<ctnn::Shape<8, 16>, ctnn::Shape<4, 12> ?>
// expect: ctnn::simd::gemm_xwt
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 8, 16> x;  // [M, K]
    ctnn::Tensor<float, 4, 12> w;  // [N, K'], K' != K
    ctnn::Tensor<float, 8, 4> y;   // [M, N]
    ctnn::simd::gemm_xwt(x, w, y);
}
