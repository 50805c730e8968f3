/// \file compile_unit_kernels.cpp
/// Compile-time benchmark (bench/compile_time.sh): one translation unit that
/// instantiates every GEMV and GEMM shape of kernels.cpp through ctnn, as
/// out-of-line functions so that each is really generated. Not linked
/// anywhere. -DCTNN_COMPILE_UNIT_HEADERS_ONLY keeps the includes and drops
/// the instantiations, to separate parsing from instantiation.

#include <ctnn/simd/epilogue.hpp>
#include <ctnn/simd/gemm.hpp>
#include <ctnn/simd/gemv.hpp>

#ifndef CTNN_COMPILE_UNIT_HEADERS_ONLY

namespace epi = ctnn::simd::epilogue;

void gemv_64x64(const float* w, const float* x, const float* b, float* y) {
    ctnn::simd::gemv_n<64, 64>(w, x, y, epi::bias<float>{b});
}
void gemv_128x784(const float* w, const float* x, const float* b, float* y) {
    ctnn::simd::gemv_n<128, 784>(w, x, y, epi::bias<float>{b});
}
void gemv_10x128(const float* w, const float* x, const float* b, float* y) {
    ctnn::simd::gemv_n<10, 128>(w, x, y, epi::bias<float>{b});
}

// One layer (batch M, in K, out N): forward, input gradient, weight gradient.
#define CTNN_LAYER(M, K, N)                                                        \
    void xwt_##M##x##K##x##N(const float* x, const float* w, float* y) {           \
        ctnn::simd::gemm_xwt_n<M, N, K>(x, w, y);                                  \
    }                                                                              \
    void dyw_##M##x##K##x##N(const float* dy, const float* w, float* dx) {         \
        ctnn::simd::gemm_dyw_n<M, N, K>(dy, w, dx);                                \
    }                                                                              \
    void dytx_##M##x##K##x##N(const float* dy, const float* x, float* dw) {        \
        ctnn::simd::gemm_dytx_n<M, N, K, true>(dy, x, dw);                         \
    }

CTNN_LAYER(64, 1000, 100)
CTNN_LAYER(64, 100, 10)
CTNN_LAYER(64, 784, 128)

#endif
