// The forward product Y = epi(X Wᵀ) (gemm_xwt_n, gemm_xwt) against a long
// double loop, over extents that hit every tile and pack tail. Split from the
// other two GEMM forms (gemm_dyw.cpp, gemm_dytx.cpp) so the three compile in
// parallel.
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

template <class T>
reference xwt_reference(const std::vector<T>& x, const std::vector<T>& w, std::size_t M, std::size_t N, std::size_t K) {
    reference ref(M * N);
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t k = 0; k < K; ++k)
                ref.add(m * N + n, static_cast<long double>(x[m * K + k]) * static_cast<long double>(w[n * K + k]));
    return ref;
}

// One shape's kernels behind function pointers, so the checks below are
// compiled once per element type rather than once per shape.
template <class T>
struct xwt_kernels {
    std::size_t M, N, K;
    void (*plain)(const T* x, const T* w, T* y);  // null: the probe with a zero table
    void (*probed)(const T* x, const T* w, T* y, probe<T> p);
    void operator()(const T* x, const T* w, T* y) const {
        if (plain) return plain(x, w, y);
        const std::vector<T> zeros(M * N, T(0));
        std::vector<int> hits(M * N, 0);
        int out_of_range = 0;
        probed(x, w, y, probe<T>{zeros.data(), M, N, hits.data(), &out_of_range});
    }
};

// Where the output's extents vary the probe stands in for the plain kernel
// (adding a zero table changes nothing), which halves the instantiations;
// K moves no output, so the K sweep keeps the plain kernel.
template <class T, std::size_t M, std::size_t N, std::size_t K, bool Probe = true>
xwt_kernels<T> kernels() {
    if constexpr (Probe)
        return {M, N, K, nullptr,
                [](const T* x, const T* w, T* y, probe<T> p) { simd::gemm_xwt_n<M, N, K>(x, w, y, p); }};
    else
        return {M, N, K, [](const T* x, const T* w, T* y) { simd::gemm_xwt_n<M, N, K>(x, w, y); }, nullptr};
}

template <class T>
struct xwt_epilogue_kernels {
    std::size_t M, N, K;
    void (*bias)(const T* x, const T* w, T* y, const T* b);
    void (*bias_relu)(const T* x, const T* w, T* y, const T* b);
    void (*relu)(const T* x, const T* w, T* y);
};

template <class T, std::size_t M, std::size_t N, std::size_t K>
xwt_epilogue_kernels<T> epilogue_kernels() {
    return {M,
            N,
            K,
            [](const T* x, const T* w, T* y, const T* b) { simd::gemm_xwt_n<M, N, K>(x, w, y, epi::bias<T>{b}); },
            [](const T* x, const T* w, T* y, const T* b) {
                simd::gemm_xwt_n<M, N, K>(x, w, y, epi::bias_then{b, relu});
            },
            [](const T* x, const T* w, T* y) { simd::gemm_xwt_n<M, N, K>(x, w, y, epi::apply{relu}); }};
}

// Random inputs with no epilogue, small integers (exact), and the probe.
template <class T>
void check_xwt(const xwt_kernels<T>& g) {
    const auto [M, N, K] = std::array{g.M, g.N, g.K};
    INFO("M=" << M << " N=" << N << " K=" << K);
    const unsigned seed = unsigned(M * 1000003 + N * 1009 + K);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    {
        const auto x = random_values<T>(M * K, seed), w = random_values<T>(N * K, seed + 1);
        guarded<T> y(M * N, nan, 0);  // NaN: an output the kernel skips stays NaN
        g(x.data(), w.data(), y.data());
        check_near(y.data(), xwt_reference(x, w, M, N, K), K);
        CHECK(y.canaries_hit() == 0);
    }
    {
        const auto x = small_integers<T>(M * K, seed + 2), w = small_integers<T>(N * K, seed + 3);
        guarded<T> y(M * N, nan, 3);
        g(x.data(), w.data(), y.data());
        check_exact(y.data(), xwt_reference(x, w, M, N, K));
        CHECK(y.canaries_hit() == 0);
    }
    if (g.probed) {
        const auto x = random_values<T>(M * K, seed + 4), w = random_values<T>(N * K, seed + 5);
        const auto table = random_values<T>(M * N, seed + 6);
        std::vector<int> hits(M * N, 0);
        int out_of_range = 0;
        guarded<T> y(M * N, nan, 5);
        g.probed(x.data(), w.data(), y.data(), probe<T>{table.data(), M, N, hits.data(), &out_of_range});
        auto ref = xwt_reference(x, w, M, N, K);
        for (std::size_t i = 0; i < M * N; ++i) ref.add(i, table[i]);
        check_near(y.data(), ref, K + 1);
        CHECK(y.canaries_hit() == 0);
        CHECK(out_of_range == 0);
        CHECK(std::count(hits.begin(), hits.end(), 1) == std::ptrdiff_t(M * N));
    }
}

// The library's own epilogues on the same product.
template <class T>
void check_xwt_epilogues(const xwt_epilogue_kernels<T>& g) {
    const auto [M, N, K] = std::array{g.M, g.N, g.K};
    INFO("M=" << M << " N=" << N << " K=" << K);
    const unsigned seed = unsigned(M * 7919 + N * 104729 + K);
    const auto x = random_values<T>(M * K, seed), w = random_values<T>(N * K, seed + 1);
    const auto b = random_values<T>(N, seed + 2);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const auto plain = xwt_reference(x, w, M, N, K);
    auto biased = plain;
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t n = 0; n < N; ++n) biased.add(m * N + n, b[n]);
    // max(., 0) is 1-Lipschitz, so the bound of the sum holds after the ReLU.
    auto relu_of = [](reference r) {
        for (auto& s : r.sum) s = s > 0 ? s : 0.0L;
        return r;
    };
    {
        guarded<T> y(M * N, nan, 0);
        g.bias(x.data(), w.data(), y.data(), b.data());
        check_near(y.data(), biased, K + 1);
        CHECK(y.canaries_hit() == 0);
    }
    {
        guarded<T> y(M * N, nan, 1);
        g.bias_relu(x.data(), w.data(), y.data(), b.data());
        check_near(y.data(), relu_of(biased), K + 1);
        CHECK(y.canaries_hit() == 0);
        CHECK(std::none_of(y.data(), y.data() + M * N, [](T v) { return v < 0; }));
    }
    {
        guarded<T> y(M * N, nan, 7);
        g.relu(x.data(), w.data(), y.data());
        check_near(y.data(), relu_of(plain), K);
        CHECK(y.canaries_hit() == 0);
    }
}

// epilogue::accumulate reads the output as the kernel writes it: y += X Wᵀ.
template <class T>
struct xwt_accumulate_kernel {
    std::size_t M, N, K;
    void (*run)(const T* x, const T* w, T* y);
};

template <class T, std::size_t M, std::size_t N, std::size_t K>
xwt_accumulate_kernel<T> accumulate_kernel() {
    return {M, N, K, [](const T* x, const T* w, T* y) {
                simd::gemm_xwt_n<M, N, K>(x, w, y, epi::accumulate<T>{y, N});
            }};
}

template <class T>
void check_xwt_accumulate(const xwt_accumulate_kernel<T>& g) {
    const auto [M, N, K] = std::array{g.M, g.N, g.K};
    INFO("M=" << M << " N=" << N << " K=" << K);
    const unsigned seed = unsigned(M * 31 + N * 37 + K);
    const auto x = random_values<T>(M * K, seed), w = random_values<T>(N * K, seed + 1);
    const auto old = random_values<T>(M * N, seed + 2);
    guarded<T> y(M * N, T(0), 2);
    std::copy(old.begin(), old.end(), y.data());
    g.run(x.data(), w.data(), y.data());
    auto ref = xwt_reference(x, w, M, N, K);
    for (std::size_t i = 0; i < M * N; ++i) ref.add(i, old[i]);
    check_near(y.data(), ref, K + 1);
    CHECK(y.canaries_hit() == 0);
}

// The tensor form calls the raw form: same bits, checked shapes.
template <class T, std::size_t M, std::size_t N, std::size_t K>
void check_xwt_tensor() {
    INFO("M=" << M << " N=" << N << " K=" << K);
    auto x = std::make_unique<Tensor<T, M, K>>();
    auto w = std::make_unique<Tensor<T, N, K>>();
    auto b = std::make_unique<Tensor<T, N>>();
    auto y = std::make_unique<Tensor<T, M, N>>();
    auto y_raw = std::make_unique<Tensor<T, M, N>>();
    const auto xs = random_values<T>(M * K, 11), ws = random_values<T>(N * K, 12), bs = random_values<T>(N, 13);
    std::copy(xs.begin(), xs.end(), x->begin());
    std::copy(ws.begin(), ws.end(), w->begin());
    std::copy(bs.begin(), bs.end(), b->begin());

    simd::gemm_xwt(*x, *w, *y);
    simd::gemm_xwt_n<M, N, K>(x->data(), w->data(), y_raw->data());
    CHECK(*y == *y_raw);
    check_near(y->data(), xwt_reference(xs, ws, M, N, K), K);

    simd::gemm_xwt(*x, *w, *y, epi::bias_then{b->data(), relu});
    simd::gemm_xwt_n<M, N, K>(x->data(), w->data(), y_raw->data(), epi::bias_then{b->data(), relu});
    CHECK(*y == *y_raw);

    // A view works as an operand too.
    const auto& cx = *x;
    simd::gemm_xwt(reshape<M, K>(cx), *w, *y);
    simd::gemm_xwt_n<M, N, K>(x->data(), w->data(), y_raw->data());
    CHECK(*y == *y_raw);
}

template <class T, std::size_t M, std::size_t N, std::size_t... K>
void sweep_k(std::index_sequence<K...>) {
    (check_xwt(kernels<T, M, N, K, false>()), ...);
}
template <class T, std::size_t N, std::size_t K, std::size_t... M>
void sweep_m(std::index_sequence<M...>) {
    (check_xwt(kernels<T, M, N, K>()), ...);
}
template <class T, std::size_t M, std::size_t K, std::size_t... N>
void sweep_n(std::index_sequence<N...>) {
    (check_xwt(kernels<T, M, N, K>()), ...);
}

}  // namespace

// M = 9 and N = 7 leave a row tail and a column tail of the dot tile.
TEMPLATE_TEST_CASE("gemm_xwt_n over K in every tail case", "[simd][gemm]", float, double) {
    sweep_k<TestType, 9, 7>(sweep_sizes{});
}

TEMPLATE_TEST_CASE("gemm_xwt_n over M in every tail case", "[simd][gemm]", float, double) {
    sweep_m<TestType, 9, 19>(sweep_sizes{});
}

TEMPLATE_TEST_CASE("gemm_xwt_n over N in every tail case", "[simd][gemm]", float, double) {
    sweep_n<TestType, 7, 19>(sweep_sizes{});
}

TEMPLATE_TEST_CASE("gemm_xwt_n at the layer shapes", "[simd][gemm]", float, double) {
    check_xwt(kernels<TestType, 64, 1000, 100>());
    check_xwt(kernels<TestType, 64, 100, 10>());
    check_xwt(kernels<TestType, 64, 784, 128>());
    check_xwt(kernels<TestType, 1, 128, 784>());
    check_xwt(kernels<TestType, 1, 10, 128>());
    check_xwt(kernels<TestType, 1, 64, 64>());
}

// Rows of X too long for L1 are summed in several K blocks (first, middle,
// last); the epilogue must see only the final sum.
TEMPLATE_TEST_CASE("gemm_xwt_n with K longer than an L1 block", "[simd][gemm]", float, double) {
    check_xwt(kernels<TestType, 9, 7, 7000>());
    check_xwt(kernels<TestType, 17, 3, 1100>());
    check_xwt_epilogues(epilogue_kernels<TestType, 8, 5, 6500>());
}

TEMPLATE_TEST_CASE("gemm_xwt_n with bias, bias_then(relu) and apply(relu)", "[simd][gemm][epilogue]", float, double) {
    check_xwt_epilogues(epilogue_kernels<TestType, 64, 128, 784>());
    check_xwt_epilogues(epilogue_kernels<TestType, 64, 10, 128>());
    check_xwt_epilogues(epilogue_kernels<TestType, 1, 128, 784>());
    check_xwt_epilogues(epilogue_kernels<TestType, 5, 7, 17>());
    check_xwt_epilogues(epilogue_kernels<TestType, 3, 33, 3>());
    check_xwt_epilogues(epilogue_kernels<TestType, 1, 1, 1>());
}

TEMPLATE_TEST_CASE("gemm_xwt_n with epilogue::accumulate adds the product to the output", "[simd][gemm][epilogue]",
                   float, double) {
    check_xwt_accumulate(accumulate_kernel<TestType, 9, 7, 17>());
    check_xwt_accumulate(accumulate_kernel<TestType, 64, 10, 128>());
    check_xwt_accumulate(accumulate_kernel<TestType, 1, 128, 784>());
    check_xwt_accumulate(accumulate_kernel<TestType, 3, 33, 3>());
}

// With K cut into L1 blocks the kernel keeps partial sums in y, so the
// epilogue reads a partial sum instead of y's old value.
TEMPLATE_TEST_CASE("gemm_xwt_n with epilogue::accumulate and K longer than an L1 block", "[simd][gemm]",
                   float, double) {
    check_xwt_accumulate(accumulate_kernel<TestType, 9, 7, 7000>());
    check_xwt_accumulate(accumulate_kernel<TestType, 4, 3, 1568>());
}

TEMPLATE_TEST_CASE("gemm_xwt (tensor form) matches the raw form", "[simd][gemm]", float, double) {
    check_xwt_tensor<TestType, 64, 128, 784>();
    check_xwt_tensor<TestType, 3, 17, 15>();
}

namespace {
// One +inf weight at position j: the plain sum is +inf for its row of W and
// finite elsewhere; x is all ones, so no inf * 0 arises in exact arithmetic.
template <class T, std::size_t K>
void check_infinite_weight() {
    constexpr std::size_t M = 2, N = 3;
    const std::vector<T> x(M * K, T(1));
    std::size_t wrong = 0;
    for (std::size_t j = 0; j < N * K; ++j) {
        std::vector<T> w(N * K, T(1));
        w[j] = std::numeric_limits<T>::infinity();
        T y[M * N];
        simd::gemm_xwt_n<M, N, K>(x.data(), w.data(), y);
        for (std::size_t m = 0; m < M; ++m)
            for (std::size_t n = 0; n < N; ++n) {
                const bool ok = n == j / K ? y[m * N + n] == std::numeric_limits<T>::infinity() : y[m * N + n] == T(K);
                if (!ok && wrong++ == 0) {
                    UNSCOPED_INFO("K=" << K << ", inf at w[" << j / K << "," << j % K << "]: y[" << m << "," << n
                                       << "] = " << y[m * N + n]);
                }
            }
    }
    CHECK(wrong == 0);
}
}  // namespace

// The masked tail re-reads the last pack's overlap and zeroes x there, but
// not w, so an inf weight among those lanes becomes inf * 0 = NaN.
TEMPLATE_TEST_CASE("gemm_xwt_n turns an infinite weight into an infinite output, not NaN", "[simd][gemm]",
                   float, double) {
    check_infinite_weight<TestType, 7>();
    check_infinite_weight<TestType, 17>();
    check_infinite_weight<TestType, 33>();
}
