/// \file compile_unit_eigen.cpp
/// Compile-time benchmark (bench/compile_time.sh): the Eigen peer of
/// compile_unit_kernels.cpp, the same shapes written the way kernels.cpp's
/// Eigen benchmarks write them (fixed-size row-major maps). Not linked
/// anywhere. -DCTNN_COMPILE_UNIT_HEADERS_ONLY keeps only the include.

#include <Eigen/Core>

#ifndef CTNN_COMPILE_UNIT_HEADERS_ONLY

template <int R, int C>
using Mat = Eigen::Map<Eigen::Matrix<float, R, C, Eigen::RowMajor>, Eigen::Aligned64>;
template <int R, int C>
using CMat = Eigen::Map<const Eigen::Matrix<float, R, C, Eigen::RowMajor>, Eigen::Aligned64>;
template <int N>
using Vec = Eigen::Map<Eigen::Matrix<float, N, 1>, Eigen::Aligned64>;
template <int N>
using CVec = Eigen::Map<const Eigen::Matrix<float, N, 1>, Eigen::Aligned64>;

#define CTNN_GEMV(O, I)                                                           \
    void gemv_##O##x##I(const float* w, const float* x, const float* b, float* y) { \
        Vec<O>(y).noalias() = CMat<O, I>(w) * CVec<I>(x) + CVec<O>(b);            \
    }
CTNN_GEMV(64, 64)
CTNN_GEMV(128, 784)
CTNN_GEMV(10, 128)

#define CTNN_LAYER(M, K, N)                                                        \
    void xwt_##M##x##K##x##N(const float* x, const float* w, float* y) {           \
        Mat<M, N>(y).noalias() = CMat<M, K>(x) * CMat<N, K>(w).transpose();        \
    }                                                                              \
    void dyw_##M##x##K##x##N(const float* dy, const float* w, float* dx) {         \
        Mat<M, K>(dx).noalias() = CMat<M, N>(dy) * CMat<N, K>(w);                  \
    }                                                                              \
    void dytx_##M##x##K##x##N(const float* dy, const float* x, float* dw) {        \
        Mat<N, K>(dw).noalias() += CMat<M, N>(dy).transpose() * CMat<M, K>(x);     \
    }

CTNN_LAYER(64, 1000, 100)
CTNN_LAYER(64, 100, 10)
CTNN_LAYER(64, 784, 128)

#endif
