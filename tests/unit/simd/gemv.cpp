// y = epi(W x) (gemv_n, gemv) against a long double loop and against
// gemm_xwt_n with M = 1, over extents that hit every pack tail. The helpers
// repeat those of gemm_xwt.cpp (one translation unit per header).
#include <catch2/catch.hpp>
#include <ctnn/simd/gemv.hpp>

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

// Below, at and above every pack width (2, 4, 8, 16 lanes) and tile size, and
// MNIST's 784.
using all_sizes = std::index_sequence<1, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, 784>;

// GCC compiles these kernels ~15x slower under AddressSanitizer (26 GEMM
// instantiations: 3 s -> 47 s), so there the sweeps keep one size per tail
// path: a lone scalar, a short narrow-pack tail (7), one full pack (16), a
// pack and a scalar (17), every narrower pack at once (31) and a 64-column
// block and a scalar (65).
#if defined(__SANITIZE_ADDRESS__)
#define CTNN_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CTNN_TEST_UNDER_ASAN 1
#endif
#endif
#ifdef CTNN_TEST_UNDER_ASAN
using sweep_sizes = std::index_sequence<1, 7, 16, 17, 31, 65>;
#else
using sweep_sizes = all_sizes;
#endif

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    std::vector<T> v(n);
    for (auto& e : v) e = T(dist(gen));
    return v;
}

// Integers in [-3, 3]: a sum of up to a million products of them (plus an
// integer bias) is an integer of magnitude below 2^24 however it is grouped,
// so every summation order is exact and the result must equal the reference
// bit for bit.
template <class T>
std::vector<T> small_integers(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> dist(-3, 3);
    std::vector<T> v(n);
    for (auto& e : v) e = T(dist(gen));
    return v;
}

// An output with canaries on both sides: the kernel must write exactly
// [0, n). It starts `misalign` elements after a 64-byte boundary, since some
// kernels choose their stores by the output's address.
template <class T>
struct guarded {
    static constexpr std::size_t line = 64 / sizeof(T), back = 29;
    static constexpr T canary = T(-1234.5);
    std::vector<T> buf;
    std::size_t first = 0, n;
    guarded(std::size_t count, T init, std::size_t misalign)
        : buf(2 * line + misalign + count + back, canary), n(count) {
        while (reinterpret_cast<std::uintptr_t>(buf.data() + first) % 64 != 0) ++first;
        first += line + misalign;
        std::fill_n(buf.begin() + std::ptrdiff_t(first), n, init);
    }
    T* data() { return buf.data() + first; }
    std::size_t canaries_hit() const {
        std::size_t hit = 0;
        for (std::size_t i = 0; i < buf.size(); ++i) hit += (i < first || i >= first + n) && !(buf[i] == canary);
        return hit;
    }
};

// Error bound for a computed sum of `terms` products (a bias counts as one
// more): Higham (Accuracy and Stability, 3.5) gives, for any summation order
// with or without FMA, |fl(s) - s| <= gamma_n * sum_k |a_k b_k| with
// gamma_n = n*u / (1 - n*u), u = eps/2. Here n <= 7001 so n*eps < 1e-3 and
// gamma_n is at most ~0.5*n*eps; c = 2 leaves a 4x margin, which also covers the long double
// reference's own error (u = 2^-64). The absolute term only matters for sums
// of zeros.
template <class T>
long double tolerance(std::size_t terms, long double magnitude) {
    constexpr long double eps = std::numeric_limits<T>::epsilon();
    return 2.0L * static_cast<long double>(terms) * eps * magnitude + std::numeric_limits<T>::min();
}

// Σ over `terms` in long double, and Σ |term| for the bound.
struct reference {
    std::vector<long double> sum, mag;
    explicit reference(std::size_t n) : sum(n, 0.0L), mag(n, 0.0L) {}
    void add(std::size_t i, long double term) {
        sum[i] += term;
        mag[i] += std::fabs(term);
    }
};

template <class T>
void check_near(const T* got, const reference& ref, std::size_t terms) {
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < ref.sum.size(); ++i) {
        if (!(std::fabs(static_cast<long double>(got[i]) - ref.sum[i]) <= tolerance<T>(terms, ref.mag[i]))) {
            if (bad++ == 0) first = i;
        }
    }
    INFO("first bad output " << first << ": got " << got[first] << ", expected " << double(ref.sum[first])
                             << ", tolerance " << double(tolerance<T>(terms, ref.mag[first])));
    CHECK(bad == 0);
}

template <class T>
void check_exact(const T* got, const reference& ref) {
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < ref.sum.size(); ++i) {
        if (static_cast<long double>(got[i]) != ref.sum[i]) {
            if (bad++ == 0) first = i;
        }
    }
    INFO("first bad output " << first << ": got " << got[first] << ", expected " << double(ref.sum[first]));
    CHECK(bad == 0);
}

template <class P>
constexpr std::size_t lanes_of() {
    if constexpr (std::is_arithmetic_v<P>)
        return 1;
    else
        return P::size;
}

// Counts how often each output is handed to the epilogue and adds table[row,
// col] to it: a wrong (row, col) moves that value to the wrong output.
template <class T>
struct probe {
    const T* table;
    std::size_t rows, cols;
    int* hits;          // rows * cols counters
    int* out_of_range;  // calls whose lanes leave the output
    // Out of line and branch-free at the call: inlined into every unrolled
    // tile store, the bookkeeping would cost tens of seconds of compile time.
    [[gnu::noinline]] const T* record(std::size_t row, std::size_t col, std::size_t lanes) const noexcept {
        alignas(64) static const T zeros[16] = {};
        if (row >= rows || col + lanes > cols) {
            ++*out_of_range;
            return zeros;
        }
        for (std::size_t l = 0; l < lanes; ++l) ++hits[row * cols + col + l];
        return table + row * cols + col;
    }
    template <class P>
    P operator()(P v, std::size_t row, std::size_t col) const noexcept {
        return v + simd::load_like(v, record(row, col, lanes_of<P>()));
    }
};

// Works on every pack: xsimd::max has scalar overloads.
inline constexpr auto relu = [](auto v) { return xsimd::max(v, decltype(v)(0)); };

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
