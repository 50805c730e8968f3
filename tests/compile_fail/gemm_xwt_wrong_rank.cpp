// expect: ctnn: gemm_xwt takes matrices X \[M, K\] and W \[N, K\]
// expect: ctnn::simd::gemm_xwt
// expect: ctnn::Tensor<float, 16>[,;]
#include <ctnn/simd/gemm.hpp>

void f() {
    ctnn::Tensor<float, 16> x;  // a vector: gemm_xwt wants [M, K]
    ctnn::Tensor<float, 4, 16> w;
    ctnn::Tensor<float, 4> y;
    ctnn::simd::gemm_xwt(x, w, y);
}
