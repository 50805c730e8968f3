// The weight gradient dW (+)= dYᵀ X (gemm_dytx_n, gemm_dytx) against a long
// double loop, over extents that hit every tile and pack tail, overwriting and
// accumulating. The helpers repeat those of gemm_xwt.cpp: each GEMM form is
// its own translation unit so the three compile in parallel.
#include <catch2/catch.hpp>
#include <ctnn/simd/gemm.hpp>

#include "kernel_checks.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace ctnn;
namespace epi = ctnn::simd::epilogue;
using namespace kernel_test;

// dW[n,k] = Σ_m dY[m,n] X[m,k].
template <class T>
reference dytx_reference(const std::vector<T>& dy, const std::vector<T>& x, std::size_t M, std::size_t N,
                         std::size_t K) {
    reference ref(N * K);
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t k = 0; k < K; ++k)
                ref.add(n * K + k, static_cast<long double>(dy[m * N + n]) * static_cast<long double>(x[m * K + k]));
    return ref;
}

// `ref` plus one more term per output (dW's old value, a bias).
template <class T>
reference plus(reference ref, const std::vector<T>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) ref.add(i, v[i]);
    return ref;
}

// One shape's kernels behind function pointers, so the checks below are
// compiled once per element type rather than once per shape.
template <class T>
struct dytx_kernels {
    std::size_t M, N, K;
    void (*overwrite)(const T* dy, const T* x, T* dw);
    void (*accumulating)(const T* dy, const T* x, T* dw);        // null: the probe with a zero table
    void (*probed)(const T* dy, const T* x, T* dw, probe<T> p);  // accumulating
    void accumulate(const T* dy, const T* x, T* dw) const {
        if (accumulating) return accumulating(dy, x, dw);
        const std::vector<T> zeros(N * K, T(0));
        std::vector<int> hits(N * K, 0);
        int out_of_range = 0;
        probed(dy, x, dw, probe<T>{zeros.data(), N, K, hits.data(), &out_of_range});
    }
};

// Where the output's extents vary the accumulating probe stands in for the
// accumulating kernel (adding a zero table changes nothing); M moves no
// output, so the M sweep keeps the plain kernel.
template <class T, std::size_t M, std::size_t N, std::size_t K, bool Probe = true>
dytx_kernels<T> kernels() {
    constexpr auto overwrite = [](const T* dy, const T* x, T* dw) { simd::gemm_dytx_n<M, N, K, false>(dy, x, dw); };
    if constexpr (Probe)
        return {M,
                N,
                K,
                overwrite,
                nullptr,
                [](const T* dy, const T* x, T* dw, probe<T> p) {
                    simd::gemm_dytx_n<M, N, K, true>(dy, x, dw, p); }};
    else
        return {M,
                N,
                K,
                overwrite,
                [](const T* dy, const T* x, T* dw) { simd::gemm_dytx_n<M, N, K, true>(dy, x, dw); },
                nullptr};
}

template <class T>
struct dytx_epilogue_kernels {
    std::size_t M, N, K;
    void (*bias)(const T* dy, const T* x, T* dw, const T* b);       // overwriting
    void (*bias_relu)(const T* dy, const T* x, T* dw, const T* b);  // accumulating
    void (*accumulate)(const T* dy, const T* x, T* dw);             // overwriting + epilogue::accumulate
};

template <class T, std::size_t M, std::size_t N, std::size_t K>
dytx_epilogue_kernels<T> epilogue_kernels() {
    return {M,
            N,
            K,
            [](const T* dy, const T* x, T* dw, const T* b) {
                simd::gemm_dytx_n<M, N, K, false>(dy, x, dw, epi::bias<T>{b});
            },
            [](const T* dy, const T* x, T* dw, const T* b) {
                simd::gemm_dytx_n<M, N, K, true>(dy, x, dw, epi::bias_then{b, relu});
            },
            [](const T* dy, const T* x, T* dw) {
                simd::gemm_dytx_n<M, N, K, false>(dy, x, dw, epi::accumulate<T>{dw, K});
            }};
}

// Overwrite and accumulate with random inputs and with small integers
// (exact), and the probe epilogue.
template <class T>
void check_dytx(const dytx_kernels<T>& g) {
    const auto [M, N, K] = std::array{g.M, g.N, g.K};
    INFO("M=" << M << " N=" << N << " K=" << K);
    const unsigned seed = unsigned(M * 1000003 + N * 1009 + K);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    {
        INFO("overwrite");
        const auto dy = random_values<T>(M * N, seed), x = random_values<T>(M * K, seed + 1);
        guarded<T> dw(N * K, nan, 0);  // NaN: an output the kernel skips, or adds to, stays NaN
        g.overwrite(dy.data(), x.data(), dw.data());
        check_near(dw.data(), dytx_reference(dy, x, M, N, K), M);
        CHECK(dw.canaries_hit() == 0);
    }
    {
        INFO("accumulate");
        const auto dy = random_values<T>(M * N, seed + 2), x = random_values<T>(M * K, seed + 3);
        const auto old = random_values<T>(N * K, seed + 4);
        guarded<T> dw(N * K, nan, 3);
        std::copy(old.begin(), old.end(), dw.data());
        g.accumulate(dy.data(), x.data(), dw.data());
        check_near(dw.data(), plus(dytx_reference(dy, x, M, N, K), old), M + 1);
        CHECK(dw.canaries_hit() == 0);
    }
    {
        INFO("overwrite, small integers");
        const auto dy = small_integers<T>(M * N, seed + 5), x = small_integers<T>(M * K, seed + 6);
        guarded<T> dw(N * K, nan, 5);
        g.overwrite(dy.data(), x.data(), dw.data());
        check_exact(dw.data(), dytx_reference(dy, x, M, N, K));
        CHECK(dw.canaries_hit() == 0);
    }
    {
        INFO("accumulate twice, small integers");
        const auto dy = small_integers<T>(M * N, seed + 7), x = small_integers<T>(M * K, seed + 8);
        const auto old = small_integers<T>(N * K, seed + 9);
        guarded<T> dw(N * K, nan, 0);
        std::copy(old.begin(), old.end(), dw.data());
        g.accumulate(dy.data(), x.data(), dw.data());
        check_exact(dw.data(), plus(dytx_reference(dy, x, M, N, K), old));
        // A second batch's gradient adds on top.
        g.accumulate(dy.data(), x.data(), dw.data());
        auto twice = dytx_reference(dy, x, M, N, K);
        for (auto& s : twice.sum) s *= 2;
        check_exact(dw.data(), plus(twice, old));
        CHECK(dw.canaries_hit() == 0);
    }
    if (g.probed) {
        INFO("accumulate, probe epilogue");
        const auto dy = random_values<T>(M * N, seed + 10), x = random_values<T>(M * K, seed + 11);
        const auto old = random_values<T>(N * K, seed + 12), table = random_values<T>(N * K, seed + 13);
        std::vector<int> hits(N * K, 0);
        int out_of_range = 0;
        guarded<T> dw(N * K, nan, 1);
        std::copy(old.begin(), old.end(), dw.data());
        g.probed(dy.data(), x.data(), dw.data(), probe<T>{table.data(), N, K, hits.data(), &out_of_range});
        check_near(dw.data(), plus(plus(dytx_reference(dy, x, M, N, K), old), table), M + 2);
        CHECK(dw.canaries_hit() == 0);
        CHECK(out_of_range == 0);
        CHECK(std::count(hits.begin(), hits.end(), 1) == std::ptrdiff_t(N * K));
    }
}

// The library's epilogues see the final value: f(old + dYᵀX + b[k]).
template <class T>
void check_dytx_epilogues(const dytx_epilogue_kernels<T>& g) {
    const auto [M, N, K] = std::array{g.M, g.N, g.K};
    INFO("M=" << M << " N=" << N << " K=" << K);
    const unsigned seed = unsigned(M * 7919 + N * 104729 + K);
    const auto dy = random_values<T>(M * N, seed), x = random_values<T>(M * K, seed + 1);
    const auto b = random_values<T>(K, seed + 2), old = random_values<T>(N * K, seed + 3);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    auto biased = dytx_reference(dy, x, M, N, K);
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t k = 0; k < K; ++k) biased.add(n * K + k, b[k]);
    {
        guarded<T> dw(N * K, nan, 7);
        g.bias(dy.data(), x.data(), dw.data(), b.data());
        check_near(dw.data(), biased, M + 1);
        CHECK(dw.canaries_hit() == 0);
    }
    {
        guarded<T> dw(N * K, nan, 2);
        std::copy(old.begin(), old.end(), dw.data());
        g.bias_relu(dy.data(), x.data(), dw.data(), b.data());
        auto expected = plus(biased, old);
        for (auto& s : expected.sum) s = s > 0 ? s : 0.0L;  // 1-Lipschitz: the bound still holds
        check_near(dw.data(), expected, M + 2);
        CHECK(dw.canaries_hit() == 0);
    }
    {
        // epilogue::accumulate on an overwriting kernel is Accumulate = true.
        guarded<T> dw(N * K, nan, 6);
        std::copy(old.begin(), old.end(), dw.data());
        g.accumulate(dy.data(), x.data(), dw.data());
        check_near(dw.data(), plus(dytx_reference(dy, x, M, N, K), old), M + 1);
        CHECK(dw.canaries_hit() == 0);
    }
}

// The tensor form calls the raw form: same bits, checked shapes.
template <class T, std::size_t M, std::size_t N, std::size_t K>
void check_dytx_tensor() {
    INFO("M=" << M << " N=" << N << " K=" << K);
    auto dy = std::make_unique<Tensor<T, M, N>>();
    auto x = std::make_unique<Tensor<T, M, K>>();
    auto dw = std::make_unique<Tensor<T, N, K>>();
    auto dw_raw = std::make_unique<Tensor<T, N, K>>();
    const auto dys = random_values<T>(M * N, 31), xs = random_values<T>(M * K, 32), old = random_values<T>(N * K, 33);
    std::copy(dys.begin(), dys.end(), dy->begin());
    std::copy(xs.begin(), xs.end(), x->begin());

    // The default accumulates.
    std::copy(old.begin(), old.end(), dw->begin());
    std::copy(old.begin(), old.end(), dw_raw->begin());
    simd::gemm_dytx(*dy, *x, *dw);
    simd::gemm_dytx_n<M, N, K, true>(dy->data(), x->data(), dw_raw->data());
    CHECK(*dw == *dw_raw);
    check_near(dw->data(), plus(dytx_reference(dys, xs, M, N, K), old), M + 1);

    simd::gemm_dytx<false>(*dy, *x, *dw);
    simd::gemm_dytx_n<M, N, K, false>(dy->data(), x->data(), dw_raw->data());
    CHECK(*dw == *dw_raw);
    check_near(dw->data(), dytx_reference(dys, xs, M, N, K), M);
}

template <class T, std::size_t M, std::size_t N, std::size_t... K>
void sweep_k(std::index_sequence<K...>) {
    (check_dytx(kernels<T, M, N, K>()), ...);
}
template <class T, std::size_t N, std::size_t K, std::size_t... M>
void sweep_m(std::index_sequence<M...>) {
    (check_dytx(kernels<T, M, N, K, false>()), ...);
}
template <class T, std::size_t M, std::size_t K, std::size_t... N>
void sweep_n(std::index_sequence<N...>) {
    (check_dytx(kernels<T, M, N, K>()), ...);
}

}  // namespace

// K is the output's column extent: it walks the column blocks and every
// narrower-pack tail.
TEMPLATE_TEST_CASE("gemm_dytx_n over K in every tail case", "[simd][gemm]", float, double) {
    sweep_k<TestType, 5, 7>(sweep_sizes{});
}

// M is the reduction extent.
TEMPLATE_TEST_CASE("gemm_dytx_n over M in every tail case", "[simd][gemm]", float, double) {
    sweep_m<TestType, 9, 19>(sweep_sizes{});
}

// N is the output's row extent: tails of the 4- and 6-row tiles.
TEMPLATE_TEST_CASE("gemm_dytx_n over N in every tail case", "[simd][gemm]", float, double) {
    sweep_n<TestType, 7, 19>(sweep_sizes{});
}

TEMPLATE_TEST_CASE("gemm_dytx_n at the layer shapes", "[simd][gemm]", float, double) {
    check_dytx(kernels<TestType, 64, 1000, 100>());
    check_dytx(kernels<TestType, 64, 100, 10>());
    check_dytx(kernels<TestType, 64, 784, 128>());
    check_dytx(kernels<TestType, 1, 128, 784>());
    check_dytx(kernels<TestType, 1, 10, 128>());
    check_dytx(kernels<TestType, 1, 64, 64>());
}

// A reduction of a few terms (a batch of 1 to 4) into a weight gradient
// larger than L1: the kernel may then write row by row, aligning its stores
// to the output's cache lines.
TEMPLATE_TEST_CASE("gemm_dytx_n with a short batch into a large gradient", "[simd][gemm]", float, double) {
    check_dytx(kernels<TestType, 1, 100, 1000>());
    check_dytx(kernels<TestType, 3, 65, 127>());
    check_dytx(kernels<TestType, 4, 33, 1025>());
    check_dytx_epilogues(epilogue_kernels<TestType, 2, 65, 129>());
}

TEMPLATE_TEST_CASE("gemm_dytx_n with bias, bias_then(relu) and accumulate", "[simd][gemm][epilogue]", float, double) {
    check_dytx_epilogues(epilogue_kernels<TestType, 64, 128, 784>());
    check_dytx_epilogues(epilogue_kernels<TestType, 7, 5, 17>());
    check_dytx_epilogues(epilogue_kernels<TestType, 3, 33, 3>());
    check_dytx_epilogues(epilogue_kernels<TestType, 1, 1, 1>());
}

TEMPLATE_TEST_CASE("gemm_dytx (tensor form) matches the raw form, accumulating by default", "[simd][gemm]", float,
                   double) {
    check_dytx_tensor<TestType, 64, 128, 784>();
    check_dytx_tensor<TestType, 3, 17, 15>();
}
