/// \file kernels.cpp
/// ctnn's GEMV and three GEMMs against the same products written the natural
/// way in Eigen with fixed sizes, on the same row-major `[out, in]` data.
/// Every workload is registered twice, as `<kernel>/<shape>/ctnn` and
/// `<kernel>/<shape>/eigen`, with `GFLOP/s` and `pct_peak` counters. Before
/// anything is timed, each pair is run once and compared: a disagreement
/// exits non-zero, so a wrong kernel is never measured.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <immintrin.h>  // MXCSR flush-to-zero/denormals-are-zero; FMA intrinsics

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/core/tensor.hpp>
#include <ctnn/simd/epilogue.hpp>
#include <ctnn/simd/gemm.hpp>
#include <ctnn/simd/gemv.hpp>

#include "common.hpp"

namespace {

// ---- set-up ------------------------------------------------------------------

using namespace ctnn_bench;  // peak, agreement check, timing loop, FTZ, main (common.hpp)

template <int R, int C>
using EMat = Eigen::Matrix<float, R, C, Eigen::RowMajor>;
template <int N>
using EVec = Eigen::Matrix<float, N, 1>;

/// A fixed-size Eigen view of a ctnn tensor's storage (same bytes, same layout).
template <class E, class Tensor>
auto eigen_view(Tensor& t) {
    return Eigen::Map<E, Eigen::Aligned64>(t.data());
}

/// Fills `t` with values uniform in [-1, 1].
template <class Tensor>
void fill(Tensor& t, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (auto& v : t) v = dist(rng);
}

/// ctnn's and Eigen's outputs: common.hpp's norm-wise relative error.
template <class Tensor>
double tensor_error(const Tensor& a, const Tensor& b) {
    return rel_error(a.data(), b.data(), Tensor::size);
}

std::string dims(std::size_t a, std::size_t b) { return std::to_string(a) + "x" + std::to_string(b); }
std::string dims(std::size_t a, std::size_t b, std::size_t c) { return dims(a, b) + "x" + std::to_string(c); }

// ---- workloads -----------------------------------------------------------------
// Each owns its tensors (allocated once, on the heap, by the registry below),
// runs its product through ctnn and through Eigen into separate outputs, and
// reports how far apart the two outputs are.

/// `y = W x + b`, W [Out, In].
template <std::size_t Out, std::size_t In>
struct Gemv {
    static constexpr const char* kernel = "gemv";
    static std::string shape() { return dims(Out, In); }
    static constexpr double flops = 2.0 * Out * In;

    ctnn::Tensor<float, Out, In> w;
    ctnn::Tensor<float, In> x;
    ctnn::Tensor<float, Out> b, y_ctnn, y_eigen;
    Eigen::Map<const EMat<Out, In>, Eigen::Aligned64> ew = eigen_view<const EMat<Out, In>>(w);
    Eigen::Map<const EVec<In>, Eigen::Aligned64> ex = eigen_view<const EVec<In>>(x);
    Eigen::Map<const EVec<Out>, Eigen::Aligned64> eb = eigen_view<const EVec<Out>>(b);
    Eigen::Map<EVec<Out>, Eigen::Aligned64> ey = eigen_view<EVec<Out>>(y_eigen);

    explicit Gemv(std::mt19937& rng) {
        fill(w, rng);
        fill(x, rng);
        fill(b, rng);
    }
    void run_ctnn() noexcept {
        ctnn::simd::gemv_n<Out, In>(w.data(), x.data(), y_ctnn.data(), ctnn::simd::epilogue::bias<float>{b.data()});
    }
    void run_eigen() noexcept { ey.noalias() = ew * ex + eb; }
    double error() const { return tensor_error(y_ctnn, y_eigen); }
};

/// Dense forward at batch M: `Y[M,N] = X[M,K] · W[N,K]ᵀ`. Shape named MxKxN
/// (batch x in -> out), like the layer.
template <std::size_t M, std::size_t N, std::size_t K>
struct GemmXwt {
    static constexpr const char* kernel = "gemm_xwt";
    static std::string shape() { return dims(M, K, N); }
    static constexpr double flops = 2.0 * M * N * K;

    ctnn::Tensor<float, M, K> x;
    ctnn::Tensor<float, N, K> w;
    ctnn::Tensor<float, M, N> y_ctnn, y_eigen;
    Eigen::Map<const EMat<M, K>, Eigen::Aligned64> ex = eigen_view<const EMat<M, K>>(x);
    Eigen::Map<const EMat<N, K>, Eigen::Aligned64> ew = eigen_view<const EMat<N, K>>(w);
    Eigen::Map<EMat<M, N>, Eigen::Aligned64> ey = eigen_view<EMat<M, N>>(y_eigen);

    explicit GemmXwt(std::mt19937& rng) {
        fill(x, rng);
        fill(w, rng);
    }
    void run_ctnn() noexcept { ctnn::simd::gemm_xwt_n<M, N, K>(x.data(), w.data(), y_ctnn.data()); }
    void run_eigen() noexcept { ey.noalias() = ex * ew.transpose(); }
    double error() const { return tensor_error(y_ctnn, y_eigen); }
};

/// Dense backward, input gradient: `dX[M,K] = dY[M,N] · W[N,K]`.
template <std::size_t M, std::size_t N, std::size_t K>
struct GemmDyw {
    static constexpr const char* kernel = "gemm_dyw";
    static std::string shape() { return dims(M, K, N); }
    static constexpr double flops = 2.0 * M * N * K;

    ctnn::Tensor<float, M, N> dy;
    ctnn::Tensor<float, N, K> w;
    ctnn::Tensor<float, M, K> dx_ctnn, dx_eigen;
    Eigen::Map<const EMat<M, N>, Eigen::Aligned64> edy = eigen_view<const EMat<M, N>>(dy);
    Eigen::Map<const EMat<N, K>, Eigen::Aligned64> ew = eigen_view<const EMat<N, K>>(w);
    Eigen::Map<EMat<M, K>, Eigen::Aligned64> edx = eigen_view<EMat<M, K>>(dx_eigen);

    explicit GemmDyw(std::mt19937& rng) {
        fill(dy, rng);
        fill(w, rng);
    }
    void run_ctnn() noexcept { ctnn::simd::gemm_dyw_n<M, N, K>(dy.data(), w.data(), dx_ctnn.data()); }
    void run_eigen() noexcept { edx.noalias() = edy * ew; }
    double error() const { return tensor_error(dx_ctnn, dx_eigen); }
};

/// Dense backward, weight gradient accumulated over the batch:
/// `dW[N,K] += dY[M,N]ᵀ · X[M,K]`. Both sides start from the same dW.
template <std::size_t M, std::size_t N, std::size_t K>
struct GemmDytx {
    static constexpr const char* kernel = "gemm_dytx";
    static std::string shape() { return dims(M, K, N); }
    static constexpr double flops = 2.0 * M * N * K;

    ctnn::Tensor<float, M, N> dy;
    ctnn::Tensor<float, M, K> x;
    ctnn::Tensor<float, N, K> dw_ctnn, dw_eigen;
    Eigen::Map<const EMat<M, N>, Eigen::Aligned64> edy = eigen_view<const EMat<M, N>>(dy);
    Eigen::Map<const EMat<M, K>, Eigen::Aligned64> ex = eigen_view<const EMat<M, K>>(x);
    Eigen::Map<EMat<N, K>, Eigen::Aligned64> edw = eigen_view<EMat<N, K>>(dw_eigen);

    explicit GemmDytx(std::mt19937& rng) {
        fill(dy, rng);
        fill(x, rng);
        fill(dw_ctnn, rng);
        dw_eigen.assign(dw_ctnn);
    }
    void run_ctnn() noexcept { ctnn::simd::gemm_dytx_n<M, N, K, /*Accumulate=*/true>(dy.data(), x.data(), dw_ctnn.data()); }
    void run_eigen() noexcept { edw.noalias() += edy.transpose() * ex; }
    double error() const { return tensor_error(dw_ctnn, dw_eigen); }
};

// ---- timing --------------------------------------------------------------------

/// The machine's own FP32 FMA ceiling, for judging `pct_peak`: 16 independent
/// chains of packed FMAs (more than FMA latency x FMA pipes on current x86),
/// no loads. Its GFLOP/s is the figure to give CTNN_PEAK_GFLOPS if the
/// default is wrong for a machine. Written with intrinsics, not xsimd: xsimd
/// 8's AVX-512 `fma` is a plain `x * y + z`, which clang (-ffp-contract=on)
/// leaves as a multiply and an add.
#if defined(__AVX512F__)
using FmaPack = __m512;
CTNN_INLINE FmaPack fma_pack(FmaPack a, FmaPack b, FmaPack c) noexcept { return _mm512_fmadd_ps(a, b, c); }
CTNN_INLINE FmaPack fma_splat(float v) noexcept { return _mm512_set1_ps(v); }
#elif defined(__AVX__) && defined(__FMA__)
using FmaPack = __m256;
CTNN_INLINE FmaPack fma_pack(FmaPack a, FmaPack b, FmaPack c) noexcept { return _mm256_fmadd_ps(a, b, c); }
CTNN_INLINE FmaPack fma_splat(float v) noexcept { return _mm256_set1_ps(v); }
#else
using FmaPack = __m128;  // no FMA instruction: multiply and add
CTNN_INLINE FmaPack fma_pack(FmaPack a, FmaPack b, FmaPack c) noexcept { return _mm_add_ps(_mm_mul_ps(a, b), c); }
CTNN_INLINE FmaPack fma_splat(float v) noexcept { return _mm_set1_ps(v); }
#endif

void fma_peak(benchmark::State& state) {
    constexpr int chains = 16, rounds = 64;
    constexpr int lanes = sizeof(FmaPack) / sizeof(float);
    FmaPack acc[chains];
    for (int c = 0; c < chains; ++c) acc[c] = fma_splat(1.0f + 0.01f * float(c));
    const FmaPack a = fma_splat(0.9999f), b = fma_splat(1e-4f);  // converges to 1: no overflow, no denormals
    for (auto _ : state) {
        for (int r = 0; r < rounds; ++r)
            for (int c = 0; c < chains; ++c) acc[c] = fma_pack(acc[c], a, b);
#if defined(__GNUC__) || defined(__clang__)
        // Keep every chain in a register and opaque, without a memory round-trip.
        for (int c = 0; c < chains; ++c) asm volatile("" : "+v"(acc[c]));
#endif
    }
    alignas(64) float out[lanes];
    float sum = 0.0f;
    for (int c = 0; c < chains; ++c) {
        std::memcpy(out, &acc[c], sizeof out);
        for (float v : out) sum += v;
    }
    benchmark::DoNotOptimize(sum);
    const double gflop = 2.0 * chains * rounds * lanes / 1e9;
    state.counters["GFLOP/s"] = benchmark::Counter(gflop, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["pct_peak"] =
        benchmark::Counter(gflop / peak_gflops * 100.0, benchmark::Counter::kIsIterationInvariantRate);
}

/// Allocates workload `W` on the heap and registers its check and its ctnn
/// and Eigen benchmarks.
template <class W>
void add(unsigned seed) {
    std::mt19937 rng(seed);
    add_pair(std::string(W::kernel) + "/" + W::shape(), std::make_shared<W>(rng));
}

/// The layers measured: batch M, in K, out N.
template <template <std::size_t, std::size_t, std::size_t> class Gemm>
void add_layers(unsigned& seed) {
    add<Gemm<64, 100, 1000>>(seed++);  // 64x1000 -> 100
    add<Gemm<64, 10, 100>>(seed++);    // 64x100 -> 10
    add<Gemm<64, 128, 784>>(seed++);   // 64x784 -> 128
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_kernels", argc, argv, [] {
        unsigned seed = 20240601;
        add<Gemv<64, 64>>(seed++);
        add<Gemv<128, 784>>(seed++);
        add<Gemv<10, 128>>(seed++);
        add_layers<GemmXwt>(seed);
        add_layers<GemmDyw>(seed);
        add_layers<GemmDytx>(seed);
        benchmark::RegisterBenchmark("fma_peak", fma_peak);
    });
}
