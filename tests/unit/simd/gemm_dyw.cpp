// The input gradient dX = epi(dY W) (gemm_dyw_n, gemm_dyw) against a long
// double loop, over extents that hit every tile and pack tail. The helpers
// repeat those of gemm_xwt.cpp: each GEMM form is its own translation unit so
// the three compile in parallel.
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

// dX[m,k] = Σ_n dY[m,n] W[n,k].
template <class T>
reference dyw_reference(const std::vector<T>& dy, const std::vector<T>& w, std::size_t M, std::size_t N,
                        std::size_t K) {
    reference ref(M * K);
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t k = 0; k < K; ++k)
                ref.add(m * K + k, static_cast<long double>(dy[m * N + n]) * static_cast<long double>(w[n * K + k]));
    return ref;
}

// One shape's kernels behind function pointers, so the checks below are
// compiled once per element type rather than once per shape.
template <class T>
struct dyw_kernels {
    std::size_t M, N, K;
    void (*plain)(const T* dy, const T* w, T* dx);  // null: the probe with a zero table
    void (*probed)(const T* dy, const T* w, T* dx, probe<T> p);
    void operator()(const T* dy, const T* w, T* dx) const {
        if (plain) return plain(dy, w, dx);
        const std::vector<T> zeros(M * K, T(0));
        std::vector<int> hits(M * K, 0);
        int out_of_range = 0;
        probed(dy, w, dx, probe<T>{zeros.data(), M, K, hits.data(), &out_of_range});
    }
};

// Where the output's extents vary the probe stands in for the plain kernel
// (adding a zero table changes nothing), which halves the instantiations;
// N moves no output, so the N sweep keeps the plain kernel.
template <class T, std::size_t M, std::size_t N, std::size_t K, bool Probe = true>
dyw_kernels<T> kernels() {
    if constexpr (Probe)
        return {M, N, K, nullptr,
                [](const T* dy, const T* w, T* dx, probe<T> p) { simd::gemm_dyw_n<M, N, K>(dy, w, dx, p); }};
    else
        return {M, N, K, [](const T* dy, const T* w, T* dx) { simd::gemm_dyw_n<M, N, K>(dy, w, dx); }, nullptr};
}

template <class T>
struct dyw_epilogue_kernels {
    std::size_t M, N, K;
    void (*bias)(const T* dy, const T* w, T* dx, const T* b);
    void (*bias_relu)(const T* dy, const T* w, T* dx, const T* b);
    void (*relu)(const T* dy, const T* w, T* dx);
    void (*accumulate)(const T* dy, const T* w, T* dx);  // dx += dY W
};

template <class T, std::size_t M, std::size_t N, std::size_t K>
dyw_epilogue_kernels<T> epilogue_kernels() {
    return {M,
            N,
            K,
            [](const T* dy, const T* w, T* dx, const T* b) { simd::gemm_dyw_n<M, N, K>(dy, w, dx, epi::bias<T>{b}); },
            [](const T* dy, const T* w, T* dx, const T* b) {
                simd::gemm_dyw_n<M, N, K>(dy, w, dx, epi::bias_then{b, relu});
            },
            [](const T* dy, const T* w, T* dx) { simd::gemm_dyw_n<M, N, K>(dy, w, dx, epi::apply{relu}); },
            [](const T* dy, const T* w, T* dx) {
                simd::gemm_dyw_n<M, N, K>(dy, w, dx, epi::accumulate<T>{dx, K});
            }};
}

// Random inputs with no epilogue, small integers (exact), and the probe.
template <class T>
void check_dyw(const dyw_kernels<T>& g) {
    const auto [M, N, K] = std::array{g.M, g.N, g.K};
    INFO("M=" << M << " N=" << N << " K=" << K);
    const unsigned seed = unsigned(M * 1000003 + N * 1009 + K);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    {
        const auto dy = random_values<T>(M * N, seed), w = random_values<T>(N * K, seed + 1);
        guarded<T> dx(M * K, nan, 0);  // NaN: an output the kernel skips stays NaN
        g(dy.data(), w.data(), dx.data());
        check_near(dx.data(), dyw_reference(dy, w, M, N, K), N);
        CHECK(dx.canaries_hit() == 0);
    }
    {
        const auto dy = small_integers<T>(M * N, seed + 2), w = small_integers<T>(N * K, seed + 3);
        guarded<T> dx(M * K, nan, 3);
        g(dy.data(), w.data(), dx.data());
        check_exact(dx.data(), dyw_reference(dy, w, M, N, K));
        CHECK(dx.canaries_hit() == 0);
    }
    if (g.probed) {
        const auto dy = random_values<T>(M * N, seed + 4), w = random_values<T>(N * K, seed + 5);
        const auto table = random_values<T>(M * K, seed + 6);
        std::vector<int> hits(M * K, 0);
        int out_of_range = 0;
        guarded<T> dx(M * K, nan, 5);
        g.probed(dy.data(), w.data(), dx.data(), probe<T>{table.data(), M, K, hits.data(), &out_of_range});
        auto ref = dyw_reference(dy, w, M, N, K);
        for (std::size_t i = 0; i < M * K; ++i) ref.add(i, table[i]);
        check_near(dx.data(), ref, N + 1);
        CHECK(dx.canaries_hit() == 0);
        CHECK(out_of_range == 0);
        CHECK(std::count(hits.begin(), hits.end(), 1) == std::ptrdiff_t(M * K));
    }
}

// The library's own epilogues (a bias indexed by k, then a ReLU).
template <class T>
void check_dyw_epilogues(const dyw_epilogue_kernels<T>& g) {
    const auto [M, N, K] = std::array{g.M, g.N, g.K};
    INFO("M=" << M << " N=" << N << " K=" << K);
    const unsigned seed = unsigned(M * 7919 + N * 104729 + K);
    const auto dy = random_values<T>(M * N, seed), w = random_values<T>(N * K, seed + 1);
    const auto b = random_values<T>(K, seed + 2);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const auto plain = dyw_reference(dy, w, M, N, K);
    auto biased = plain;
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t k = 0; k < K; ++k) biased.add(m * K + k, b[k]);
    // max(., 0) is 1-Lipschitz, so the bound of the sum holds after the ReLU.
    auto relu_of = [](reference r) {
        for (auto& s : r.sum) s = s > 0 ? s : 0.0L;
        return r;
    };
    {
        guarded<T> dx(M * K, nan, 0);
        g.bias(dy.data(), w.data(), dx.data(), b.data());
        check_near(dx.data(), biased, N + 1);
        CHECK(dx.canaries_hit() == 0);
    }
    {
        guarded<T> dx(M * K, nan, 1);
        g.bias_relu(dy.data(), w.data(), dx.data(), b.data());
        check_near(dx.data(), relu_of(biased), N + 1);
        CHECK(dx.canaries_hit() == 0);
        CHECK(std::none_of(dx.data(), dx.data() + M * K, [](T v) { return v < 0; }));
    }
    {
        guarded<T> dx(M * K, nan, 7);
        g.relu(dy.data(), w.data(), dx.data());
        check_near(dx.data(), relu_of(plain), N);
        CHECK(dx.canaries_hit() == 0);
    }
    {
        // epilogue::accumulate reads the output as the kernel writes it.
        const auto old = random_values<T>(M * K, seed + 3);
        guarded<T> dx(M * K, nan, 2);
        std::copy(old.begin(), old.end(), dx.data());
        g.accumulate(dy.data(), w.data(), dx.data());
        auto expected = plain;
        for (std::size_t i = 0; i < M * K; ++i) expected.add(i, old[i]);
        check_near(dx.data(), expected, N + 1);
        CHECK(dx.canaries_hit() == 0);
    }
}

// The tensor form calls the raw form: same bits, checked shapes.
template <class T, std::size_t M, std::size_t N, std::size_t K>
void check_dyw_tensor() {
    INFO("M=" << M << " N=" << N << " K=" << K);
    auto dy = std::make_unique<Tensor<T, M, N>>();
    auto w = std::make_unique<Tensor<T, N, K>>();
    auto dx = std::make_unique<Tensor<T, M, K>>();
    auto dx_raw = std::make_unique<Tensor<T, M, K>>();
    const auto dys = random_values<T>(M * N, 21), ws = random_values<T>(N * K, 22);
    std::copy(dys.begin(), dys.end(), dy->begin());
    std::copy(ws.begin(), ws.end(), w->begin());

    simd::gemm_dyw(*dy, *w, *dx);
    simd::gemm_dyw_n<M, N, K>(dy->data(), w->data(), dx_raw->data());
    CHECK(*dx == *dx_raw);
    check_near(dx->data(), dyw_reference(dys, ws, M, N, K), N);

    simd::gemm_dyw(*dy, *w, *dx, epi::apply{relu});
    simd::gemm_dyw_n<M, N, K>(dy->data(), w->data(), dx_raw->data(), epi::apply{relu});
    CHECK(*dx == *dx_raw);
}

template <class T, std::size_t M, std::size_t N, std::size_t... K>
void sweep_k(std::index_sequence<K...>) {
    (check_dyw(kernels<T, M, N, K>()), ...);
}
template <class T, std::size_t N, std::size_t K, std::size_t... M>
void sweep_m(std::index_sequence<M...>) {
    (check_dyw(kernels<T, M, N, K>()), ...);
}
template <class T, std::size_t M, std::size_t K, std::size_t... N>
void sweep_n(std::index_sequence<N...>) {
    (check_dyw(kernels<T, M, N, K, false>()), ...);
}

}  // namespace

// K is the output's column extent here: it walks the column blocks and every
// narrower-pack tail. M = 7 leaves a row tail for both 4- and 6-row tiles.
TEMPLATE_TEST_CASE("gemm_dyw_n over K in every tail case", "[simd][gemm]", float, double) {
    sweep_k<TestType, 7, 5>(sweep_sizes{});
}

TEMPLATE_TEST_CASE("gemm_dyw_n over M in every tail case", "[simd][gemm]", float, double) {
    sweep_m<TestType, 9, 19>(sweep_sizes{});
}

// N is the reduction extent.
TEMPLATE_TEST_CASE("gemm_dyw_n over N in every tail case", "[simd][gemm]", float, double) {
    sweep_n<TestType, 7, 19>(sweep_sizes{});
}

TEMPLATE_TEST_CASE("gemm_dyw_n at the layer shapes", "[simd][gemm]", float, double) {
    check_dyw(kernels<TestType, 64, 1000, 100>());
    check_dyw(kernels<TestType, 64, 100, 10>());
    check_dyw(kernels<TestType, 64, 784, 128>());
    check_dyw(kernels<TestType, 1, 128, 784>());
    check_dyw(kernels<TestType, 1, 10, 128>());
    check_dyw(kernels<TestType, 1, 64, 64>());
}

// A reduction of a few terms into an output larger than L1: the kernel may
// then write row by row, aligning its stores to the output's cache lines.
TEMPLATE_TEST_CASE("gemm_dyw_n with a short reduction into a large output", "[simd][gemm]", float, double) {
    check_dyw(kernels<TestType, 64, 3, 784>());
    check_dyw(kernels<TestType, 65, 1, 127>());
    check_dyw(kernels<TestType, 100, 4, 1000>());
    check_dyw_epilogues(epilogue_kernels<TestType, 65, 2, 129>());
}

TEMPLATE_TEST_CASE("gemm_dyw_n with bias, bias_then(relu), apply(relu) and accumulate", "[simd][gemm][epilogue]", float,
                   double) {
    check_dyw_epilogues(epilogue_kernels<TestType, 64, 128, 784>());
    check_dyw_epilogues(epilogue_kernels<TestType, 64, 10, 128>());
    check_dyw_epilogues(epilogue_kernels<TestType, 7, 5, 17>());
    check_dyw_epilogues(epilogue_kernels<TestType, 3, 33, 3>());
    check_dyw_epilogues(epilogue_kernels<TestType, 1, 1, 1>());
}

TEMPLATE_TEST_CASE("gemm_dyw (tensor form) matches the raw form", "[simd][gemm]", float, double) {
    check_dyw_tensor<TestType, 64, 128, 784>();
    check_dyw_tensor<TestType, 3, 17, 15>();
}
