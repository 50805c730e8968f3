#pragma once
// What the GEMV and GEMM tests (gemv.cpp, gemm_xwt.cpp, gemm_dyw.cpp,
// gemm_dytx.cpp) share: the extents they sweep, seeded inputs, buffers with
// guard zones, long double references with tolerances derived from the
// terms summed, and an epilogue probe that records which outputs it saw.
#include <catch2/catch.hpp>
#include <ctnn/simd/arch.hpp>

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

namespace kernel_test {

using namespace ctnn;

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

}  // namespace kernel_test
