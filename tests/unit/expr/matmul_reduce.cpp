// matmul in every kernel form, with the element-wise chain fused as its
// epilogue or kept in the node; transpose; sum and mean over all and per axis.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include <ctnn/expr.hpp>

using namespace ctnn;

namespace {
template <class X>
void fill_random(X& x, unsigned seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(-1, 1);
    for (auto& v : x) v = typename X::value_type(d(g));
}
// a K-term dot product of values in [-1, 1], then an op of a few ulps
template <class T>
double tol(std::size_t k) {
    return 4.0 * double(k) * std::numeric_limits<T>::epsilon();
}
}  // namespace

TEMPLATE_TEST_CASE("matmul forms match naive products", "[expr][matmul]", float, double) {
    using T = TestType;
    constexpr std::size_t M = 5, K = 19, N = 7;
    Tensor<T, M, K> x;
    Tensor<T, N, K> w;
    Tensor<T, K, N> wt;
    Tensor<T, N> bias;
    Tensor<T, K> v;
    fill_random(x, 1);
    fill_random(w, 2);
    fill_random(bias, 3);
    fill_random(v, 4);
    for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < N; ++j) wt(i, j) = w(j, i);
    auto ref_xwt = [&](std::size_t m, std::size_t n) {
        double s = 0;
        for (std::size_t k = 0; k < K; ++k) s += double(x(m, k)) * double(w(n, k));
        return s;
    };
    SECTION("X Wt + b through relu, fused into the kernel's epilogue") {
        Tensor<T, M, N> y;
        assign(y, relu(matmul(x, transpose(w)) + bias));
        for (std::size_t m = 0; m < M; ++m)
            for (std::size_t n = 0; n < N; ++n)
                REQUIRE(double(y(m, n)) == Approx(std::max(0.0, ref_xwt(m, n) + double(bias(n)))).margin(tol<T>(K)));
    }
    SECTION("A B (outer-product kernel) equals X Wt") {
        Tensor<T, M, N> y;
        assign(y, matmul(x, wt));
        for (std::size_t m = 0; m < M; ++m)
            for (std::size_t n = 0; n < N; ++n) REQUIRE(double(y(m, n)) == Approx(ref_xwt(m, n)).margin(tol<T>(K)));
    }
    SECTION("At B") {
        Tensor<T, N, K> y;  // (Wtᵀ) applied: y = (wt)ᵀ · (something [K, K])? use xᵀ x instead
        Tensor<T, K, K> g;
        assign(g, matmul(transpose(x), x));
        for (std::size_t i = 0; i < K; ++i)
            for (std::size_t j = 0; j < K; ++j) {
                double s = 0;
                for (std::size_t m = 0; m < M; ++m) s += double(x(m, i)) * double(x(m, j));
                REQUIRE(double(g(i, j)) == Approx(s).margin(tol<T>(M)));
            }
        (void)y;
    }
    SECTION("W v and Wt u") {
        Tensor<T, N> y;
        assign(y, matmul(w, v) * T(2));
        for (std::size_t n = 0; n < N; ++n) {
            double s = 0;
            for (std::size_t k = 0; k < K; ++k) s += double(w(n, k)) * double(v(k));
            REQUIRE(double(y(n)) == Approx(2 * s).margin(tol<T>(K)));
        }
        Tensor<T, K> u;
        assign(u, matmul(transpose(w), bias));
        for (std::size_t k = 0; k < K; ++k) {
            double s = 0;
            for (std::size_t n = 0; n < N; ++n) s += double(w(n, k)) * double(bias(n));
            REQUIRE(double(u(k)) == Approx(s).margin(tol<T>(N)));
        }
    }
    SECTION("a matmul of an expression and a matmul inside a reduction") {
        Tensor<T, 1> s;
        assign(s, sum(matmul(sigmoid(x), transpose(w))));
        double ref = 0;
        for (std::size_t m = 0; m < M; ++m)
            for (std::size_t n = 0; n < N; ++n)
                for (std::size_t k = 0; k < K; ++k) ref += 1 / (1 + std::exp(-double(x(m, k)))) * double(w(n, k));
        REQUIRE(double(s(0)) == Approx(ref).margin(tol<T>(M * N * K)));
    }
}

TEST_CASE("transpose in an element-wise expression", "[expr]") {
    Tensor<double, 2, 3> a{1, 2, 3, 4, 5, 6};
    Tensor<double, 3, 2> t;
    assign(t, transpose(a) + 0.5);
    REQUIRE(t(0, 1) == 4.5);
    REQUIRE(t(2, 0) == 3.5);
}

TEMPLATE_TEST_CASE("sum and mean, over everything and per axis", "[expr][reduce]", float, double) {
    using T = TestType;
    Tensor<T, 3, 4, 5> a;
    fill_random(a, 9);
    double total = 0;
    for (auto v : a) total += double(v);
    REQUIRE(double(evaluate(sum(a))(0)) == Approx(total).margin(tol<T>(60)));
    REQUIRE(double(evaluate(mean(a))(0)) == Approx(total / 60).margin(tol<T>(60)));
    auto s0 = evaluate(sum<0>(a));
    auto m1 = evaluate(mean<1>(a));
    auto s2 = evaluate(sum<2>(a));
    STATIC_REQUIRE(std::is_same_v<decltype(s0), Tensor<T, 4, 5>>);
    STATIC_REQUIRE(std::is_same_v<decltype(m1), Tensor<T, 3, 5>>);
    STATIC_REQUIRE(std::is_same_v<decltype(s2), Tensor<T, 3, 4>>);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j)
            for (std::size_t k = 0; k < 5; ++k) {
                double r0 = 0, r1 = 0, r2 = 0;
                for (std::size_t q = 0; q < 3; ++q) r0 += double(a(q, j, k));
                for (std::size_t q = 0; q < 4; ++q) r1 += double(a(i, q, k));
                for (std::size_t q = 0; q < 5; ++q) r2 += double(a(i, j, q));
                REQUIRE(double(s0(j, k)) == Approx(r0).margin(tol<T>(3)));
                REQUIRE(double(m1(i, k)) == Approx(r1 / 4).margin(tol<T>(4)));
                REQUIRE(double(s2(i, j)) == Approx(r2).margin(tol<T>(5)));
            }
}
