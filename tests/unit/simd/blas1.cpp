// dot, sum and axpy (raw and tensor forms) against long double loops, over sizes
// that hit every pack tail, float and double.
#include <catch2/catch.hpp>
#include <ctnn/simd/blas1.hpp>

#include "kernel_checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace {

using namespace ctnn;

using namespace kernel_test;  // sizes, inputs, tolerance

template <class T, std::size_t N>
void check_dot() {
    INFO("N = " << N);
    {
        const auto a = random_values<T>(N, N), b = random_values<T>(N, N + 1);
        long double sum = 0, mag = 0;
        for (std::size_t i = 0; i < N; ++i) {
            const long double p = static_cast<long double>(a[i]) * b[i];
            sum += p;
            mag += std::fabs(p);
        }
        const T got = simd::dot_n<N>(a.data(), b.data());
        INFO("got " << got << ", expected " << double(sum));
        CHECK(std::fabs(got - sum) <= tolerance<T>(N, mag));
    }
    {
        const auto a = small_integers<T>(N, N + 2), b = small_integers<T>(N, N + 3);
        long double sum = 0;
        for (std::size_t i = 0; i < N; ++i) sum += static_cast<long double>(a[i]) * b[i];
        CHECK(simd::dot_n<N>(a.data(), b.data()) == T(sum));
    }
}

// y[i] += alpha * x[i]: one FMA, or a product and a sum, so at most two
// roundings: |error| <= 2u(|alpha x| + |y|) <= eps (|alpha x| + |y|);
// tolerance(2, ...) allows four times that.
template <class T, std::size_t N>
void check_axpy() {
    INFO("N = " << N);
    constexpr std::size_t front = 3, back = 29;
    const T canary = T(-1234.5);
    {
        const auto x = random_values<T>(N, N), y0 = random_values<T>(N, N + 1);
        const T alpha = T(0.7);
        std::vector<T> y(front + N + back, canary);
        std::copy(y0.begin(), y0.end(), y.begin() + front);
        simd::axpy_n<N>(alpha, x.data(), y.data() + front);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < N; ++i) {
            const long double ax = static_cast<long double>(alpha) * x[i];
            bad += !(std::fabs(y[front + i] - (ax + y0[i])) <= tolerance<T>(2, std::fabs(ax) + std::fabs(y0[i])));
        }
        CHECK(bad == 0);
        CHECK(std::count(y.begin(), y.begin() + front, canary) == std::ptrdiff_t(front));
        CHECK(std::count(y.end() - back, y.end(), canary) == std::ptrdiff_t(back));
    }
    {
        const auto x = small_integers<T>(N, N + 2), y0 = small_integers<T>(N, N + 3);
        std::vector<T> y = y0;
        simd::axpy_n<N>(T(-2), x.data(), y.data());
        std::vector<T> expected(N);
        for (std::size_t i = 0; i < N; ++i) expected[i] = y0[i] - T(2) * x[i];
        CHECK(y == expected);
        // x may be y: y += 0.5 y.
        simd::axpy_n<N>(T(0.5), y.data(), y.data());
        for (auto& e : expected) e *= T(1.5);
        CHECK(y == expected);
    }
}

// Σ a[i]: a sum of n terms is within gamma_(n-1) Σ|a_i| of the exact sum.
template <class T, std::size_t N>
void check_sum() {
    INFO("N = " << N);
    const auto a = random_values<T>(N, N + 4);
    long double sum = 0, mag = 0;
    for (auto e : a) {
        sum += e;
        mag += std::fabs(e);
    }
    const T got = simd::sum_n<N>(a.data());
    INFO("got " << got << ", expected " << double(sum));
    CHECK(std::fabs(got - sum) <= tolerance<T>(N, mag));
    const auto ints = small_integers<T>(N, N + 5);
    long double exact = 0;
    for (auto e : ints) exact += e;
    CHECK(simd::sum_n<N>(ints.data()) == T(exact));
}

template <class T, std::size_t... N>
void sum_sizes(std::index_sequence<N...>) {
    (check_sum<T, N>(), ...);
}
template <class T, std::size_t... N>
void dot_sizes(std::index_sequence<N...>) {
    (check_dot<T, N>(), ...);
}
template <class T, std::size_t... N>
void axpy_sizes(std::index_sequence<N...>) {
    (check_axpy<T, N>(), ...);
}

}  // namespace

TEMPLATE_TEST_CASE("dot_n over every tail case", "[simd][blas1]", float, double) { dot_sizes<TestType>(all_sizes{}); }

TEMPLATE_TEST_CASE("sum_n over every tail case", "[simd][blas1]", float, double) { sum_sizes<TestType>(all_sizes{}); }

TEMPLATE_TEST_CASE("dot of tensors and views", "[simd][blas1]", float, double) {
    using T = TestType;
    const Tensor<T, 4> a{1, 2, 3, 4}, b{-1, 0.5, 2, 0};
    CHECK(simd::dot(a, b) == T(6));
    // Every element of a matrix, and rows of it.
    Tensor<T, 3, 17> m, n;
    for (std::size_t i = 0; i < m.size; ++i) {
        m[i] = T(i % 5);
        n[i] = T(1) - T(i % 3);
    }
    long double all = 0, row1 = 0;
    for (std::size_t i = 0; i < m.size; ++i) all += static_cast<long double>(m[i]) * n[i];
    for (std::size_t j = 0; j < 17; ++j) row1 += static_cast<long double>(m(1, j)) * n(2, j);
    CHECK(simd::dot(m, n) == T(all));
    CHECK(simd::dot(m.row(1), n.row(2)) == T(row1));
    CHECK(simd::dot(reshape<51>(m), reshape<51>(n)) == T(all));
}

TEMPLATE_TEST_CASE("axpy_n over every tail case, in place and not", "[simd][blas1]", float, double) {
    axpy_sizes<TestType>(all_sizes{});
}

TEMPLATE_TEST_CASE("axpy of tensors and views", "[simd][blas1]", float, double) {
    using T = TestType;
    const Tensor<T, 2, 3> x{1, 2, 3, 4, 5, 6};
    Tensor<T, 2, 3> y = Tensor<T, 2, 3>::filled(10);
    simd::axpy(T(2), x, y);
    CHECK(y == Tensor<T, 2, 3>{12, 14, 16, 18, 20, 22});
    // Into one row of y only.
    auto r = y.row(1);
    simd::axpy(T(-1), x.row(0), r);
    CHECK(y == Tensor<T, 2, 3>{12, 14, 16, 17, 18, 19});
}
