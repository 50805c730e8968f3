// y = epi(W x) (gemv_n, gemv) against a long double loop and against
// gemm_xwt_n with M = 1, over extents that hit every pack tail. The helpers
// are the GEMM tests' (kernel_checks.hpp).
#include <catch2/catch.hpp>
#include <ctnn/simd/gemv.hpp>

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

// y[o] = Σ_i W[o,i] x[i].
template <class T>
reference gemv_reference(const std::vector<T>& w, const std::vector<T>& x, std::size_t Out, std::size_t In) {
    reference ref(Out);
    for (std::size_t o = 0; o < Out; ++o)
        for (std::size_t i = 0; i < In; ++i)
            ref.add(o, static_cast<long double>(w[o * In + i]) * static_cast<long double>(x[i]));
    return ref;
}

// One shape's kernels behind function pointers, so the checks below are
// compiled once per element type rather than once per shape.
template <class T>
struct gemv_kernels {
    std::size_t Out, In;
    void (*plain)(const T* w, const T* x, T* y);
    void (*as_gemm)(const T* w, const T* x, T* y);  // gemm_xwt_n<1, Out, In>
    void (*probed)(const T* w, const T* x, T* y, probe<T> p);
    void (*bias_relu)(const T* w, const T* x, T* y, const T* b);
};

template <class T, std::size_t Out, std::size_t In>
gemv_kernels<T> kernels() {
    return {Out,
            In,
            [](const T* w, const T* x, T* y) { simd::gemv_n<Out, In>(w, x, y); },
            [](const T* w, const T* x, T* y) { simd::gemm_xwt_n<1, Out, In>(x, w, y); },
            [](const T* w, const T* x, T* y, probe<T> p) { simd::gemv_n<Out, In>(w, x, y, p); },
            [](const T* w, const T* x, T* y, const T* b) {
                simd::gemv_n<Out, In>(w, x, y, epi::bias_then{b, relu});
            }};
}

template <class T>
void check_gemv(const gemv_kernels<T>& g) {
    const std::size_t Out = g.Out, In = g.In;
    INFO("Out=" << Out << " In=" << In);
    const unsigned seed = unsigned(Out * 1009 + In);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    {
        const auto w = random_values<T>(Out * In, seed), x = random_values<T>(In, seed + 1);
        guarded<T> y(Out, nan, 0), y_gemm(Out, nan, 0);
        g.plain(w.data(), x.data(), y.data());
        check_near(y.data(), gemv_reference(w, x, Out, In), In);
        CHECK(y.canaries_hit() == 0);
        // GEMV is the forward GEMM at batch 1, bit for bit.
        g.as_gemm(w.data(), x.data(), y_gemm.data());
        CHECK(std::equal(y.data(), y.data() + Out, y_gemm.data()));
        CHECK(y_gemm.canaries_hit() == 0);
    }
    {
        const auto w = small_integers<T>(Out * In, seed + 2), x = small_integers<T>(In, seed + 3);
        guarded<T> y(Out, nan, 3);
        g.plain(w.data(), x.data(), y.data());
        check_exact(y.data(), gemv_reference(w, x, Out, In));
        CHECK(y.canaries_hit() == 0);
    }
    {
        // Every output reaches the epilogue once, as (row 0, col o).
        const auto w = random_values<T>(Out * In, seed + 4), x = random_values<T>(In, seed + 5);
        const auto table = random_values<T>(Out, seed + 6);
        std::vector<int> hits(Out, 0);
        int out_of_range = 0;
        guarded<T> y(Out, nan, 5);
        g.probed(w.data(), x.data(), y.data(), probe<T>{table.data(), 1, Out, hits.data(), &out_of_range});
        auto ref = gemv_reference(w, x, Out, In);
        for (std::size_t o = 0; o < Out; ++o) ref.add(o, table[o]);
        check_near(y.data(), ref, In + 1);
        CHECK(y.canaries_hit() == 0);
        CHECK(out_of_range == 0);
        CHECK(std::count(hits.begin(), hits.end(), 1) == std::ptrdiff_t(Out));
    }
    {
        // Dense + ReLU: max(W x + b, 0); max is 1-Lipschitz, so the bound holds.
        const auto w = random_values<T>(Out * In, seed + 7), x = random_values<T>(In, seed + 8);
        const auto b = random_values<T>(Out, seed + 9);
        guarded<T> y(Out, nan, 6);
        g.bias_relu(w.data(), x.data(), y.data(), b.data());
        auto ref = gemv_reference(w, x, Out, In);
        for (std::size_t o = 0; o < Out; ++o) ref.add(o, b[o]);
        for (auto& s : ref.sum) s = s > 0 ? s : 0.0L;
        check_near(y.data(), ref, In + 1);
        CHECK(y.canaries_hit() == 0);
    }
}

template <class T, std::size_t In, std::size_t... Out>
void sweep_out(std::index_sequence<Out...>) {
    (check_gemv(kernels<T, Out, In>()), ...);
}
template <class T, std::size_t Out, std::size_t... In>
void sweep_in(std::index_sequence<In...>) {
    (check_gemv(kernels<T, Out, In>()), ...);
}

}  // namespace

// Out walks the output packs and their narrower tails (In = 19 is a full
// pack plus a masked tail for every width).
TEMPLATE_TEST_CASE("gemv_n over Out in every tail case", "[simd][gemv]", float, double) {
    sweep_out<TestType, 19>(sweep_sizes{});
}

// In walks the reduction's packs, the overlapping masked tail, and the step
// down to narrower packs below one pack.
TEMPLATE_TEST_CASE("gemv_n over In in every tail case", "[simd][gemv]", float, double) {
    sweep_in<TestType, 7>(sweep_sizes{});
}

TEMPLATE_TEST_CASE("gemv_n at the layer shapes", "[simd][gemv]", float, double) {
    check_gemv(kernels<TestType, 128, 784>());
    check_gemv(kernels<TestType, 10, 128>());
    check_gemv(kernels<TestType, 64, 64>());
    check_gemv(kernels<TestType, 1000, 100>());
    check_gemv(kernels<TestType, 100, 10>());
}

// A W far beyond L1: rows of W may be streamed one after another, over
// several chunks of outputs and several blocks of a long row.
TEMPLATE_TEST_CASE("gemv_n with a large W", "[simd][gemv]", float, double) {
    check_gemv(kernels<TestType, 5, 7000>());
    check_gemv(kernels<TestType, 257, 100>());
    check_gemv(kernels<TestType, 600, 65>());
}

TEMPLATE_TEST_CASE("gemv (tensor form) computes W x + b like the raw form", "[simd][gemv]", float, double) {
    using T = TestType;
    // 2x3 by hand: [1 2 3; 4 5 6] [1 1 2] + [10 20] = [19 41].
    {
        Tensor<T, 2, 3> w{1, 2, 3, 4, 5, 6};
        Tensor<T, 3> x{1, 1, 2};
        Tensor<T, 2> b{10, 20}, y;
        simd::gemv(w, x, y, epi::bias<T>{b.data()});
        CHECK(y == Tensor<T, 2>{19, 41});
        simd::gemv(w, x, y);
        CHECK(y == Tensor<T, 2>{9, 21});
        // ReLU clips the negative output.
        Tensor<T, 2> nb{-100, 0};
        simd::gemv(w, x, y, epi::bias_then{nb.data(), relu});
        CHECK(y == Tensor<T, 2>{0, 21});
    }
    auto w = std::make_unique<Tensor<T, 128, 784>>();
    auto x = std::make_unique<Tensor<T, 784>>();
    auto b = std::make_unique<Tensor<T, 128>>();
    auto y = std::make_unique<Tensor<T, 128>>(), y_raw = std::make_unique<Tensor<T, 128>>();
    const auto ws = random_values<T>(128 * 784, 41), xs = random_values<T>(784, 42), bs = random_values<T>(128, 43);
    std::copy(ws.begin(), ws.end(), w->begin());
    std::copy(xs.begin(), xs.end(), x->begin());
    std::copy(bs.begin(), bs.end(), b->begin());
    simd::gemv(*w, *x, *y, epi::bias<T>{b->data()});
    simd::gemv_n<128, 784>(w->data(), x->data(), y_raw->data(), epi::bias<T>{b->data()});
    CHECK(*y == *y_raw);
    auto ref = gemv_reference(ws, xs, 128, 784);
    for (std::size_t o = 0; o < 128; ++o) ref.add(o, bs[o]);
    check_near(y->data(), ref, 785);
    // A row of a batch works as the input vector.
    Tensor<T, 2, 784> batch;
    batch.row(1).assign(*x);
    simd::gemv(*w, batch.row(1), *y, epi::bias<T>{b->data()});
    CHECK(*y == *y_raw);
}
