// Element-wise expressions against a naive double loop: broadcasting, every
// op, one pass for a whole chain, ref() for lambdas taking values.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include <ctnn/expr.hpp>

#include "../random_fill.hpp"

using namespace ctnn;

namespace {
using ctnn_test::fill_random;
// A few ulps of the result for a handful of correctly rounded ops, and the
// error of xsimd's exp/log/tanh (a few ulps): 16 eps relative.
template <class T>
constexpr double tol = 16 * std::numeric_limits<T>::epsilon();
}  // namespace

TEMPLATE_TEST_CASE("element-wise chain with broadcasting matches a naive loop", "[expr]", float, double) {
    using T = TestType;
    Tensor<T, 5, 33> a;
    Tensor<T, 33> b;
    Tensor<T, 5, 1> c;
    fill_random(a, 1);
    fill_random(b, 2);
    fill_random(c, 3, 0.5, 2);
    Tensor<T, 5, 33> out;
    assign(out, sigmoid(a * T(2) + b) - log(c) / (abs(a) + T(1)));
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = 0; j < 33; ++j) {
            const double x = double(a(i, j)), ref = 1 / (1 + std::exp(-(2 * x + double(b(j))))) -
                                                    std::log(double(c(i, 0))) / (std::abs(x) + 1);
            REQUIRE(double(out(i, j)) == Approx(ref).epsilon(tol<T>).margin(tol<T>));
        }
}

TEMPLATE_TEST_CASE("every unary and binary op", "[expr]", float, double) {
    using T = TestType;
    Tensor<T, 17> x, y, out;
    fill_random(x, 4, 0.1, 2);
    fill_random(y, 5, -1, 1);
    auto check = [&](auto&& e, auto ref) {
        assign(out, e);
        for (std::size_t i = 0; i < 17; ++i)
            REQUIRE(double(out(i)) == Approx(ref(double(x(i)), double(y(i)))).epsilon(tol<T>).margin(tol<T>));
    };
    check(x + y, [](double a, double b) { return a + b; });
    check(x - y, [](double a, double b) { return a - b; });
    check(x * y, [](double a, double b) { return a * b; });
    check(y / x, [](double a, double b) { return b / a; });
    check(-y, [](double, double b) { return -b; });
    check(exp(y), [](double, double b) { return std::exp(b); });
    check(log(x), [](double a, double) { return std::log(a); });
    check(log1p(x), [](double a, double) { return std::log1p(a); });
    check(sqrt(x), [](double a, double) { return std::sqrt(a); });
    check(square(y), [](double, double b) { return b * b; });
    check(tanh(y), [](double, double b) { return std::tanh(b); });
    check(sigmoid(y), [](double, double b) { return 1 / (1 + std::exp(-b)); });
    check(relu(y), [](double, double b) { return b > 0 ? b : 0.0; });
    check(abs(y), [](double, double b) { return std::abs(b); });
    check(min(x, y), [](double a, double b) { return std::min(a, b); });
    check(max(x, y), [](double a, double b) { return std::max(a, b); });
    check(pow(x, y), [](double a, double b) { return std::pow(a, b); });
    check(T(3) - x, [](double a, double) { return 3 - a; });
}

TEST_CASE("broadcasting a column and a row against a matrix", "[expr]") {
    Tensor<double, 3, 4> m;
    Tensor<double, 3, 1> col{1, 2, 3};
    Tensor<double, 1, 4> row{10, 20, 30, 40};
    assign(m, col + row);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j) REQUIRE(m(i, j) == double(i + 1) + 10.0 * double(j + 1));
    Tensor<double, 2, 3, 4> cube;
    assign(cube, m * 2.0);  // [3, 4] broadcast over a leading dimension
    for (std::size_t k = 0; k < 2; ++k) REQUIRE(cube(k, 2, 3) == 2 * m(2, 3));
}

TEST_CASE("assigning into the tensor an expression reads from is element-wise safe", "[expr]") {
    Tensor<float, 65> x;
    for (std::size_t i = 0; i < 65; ++i) x(i) = float(i);
    assign(x, x * 2.0f + 1.0f);
    for (std::size_t i = 0; i < 65; ++i) REQUIRE(x(i) == float(2 * i + 1));
}

TEST_CASE("a lambda taking its argument by value works through ref()", "[expr]") {
    auto silu = [](auto v) { return v * sigmoid(v); };
    Tensor<double, 3> x{-1, 0, 2}, out;
    assign(out, silu(ref(x)));
    for (std::size_t i = 0; i < 3; ++i) REQUIRE(out(i) == Approx(x(i) / (1 + std::exp(-x(i)))).epsilon(1e-14));
    // and the same lambda on a pack and on a number
    REQUIRE(silu(2.0) == Approx(2 / (1 + std::exp(-2.0))).epsilon(1e-15));
    REQUIRE(silu(xsimd::batch<double>(2.0)).get(0) == Approx(silu(2.0)).epsilon(1e-15));
}

TEST_CASE("shapes of expressions are computed at compile time", "[expr]") {
    Tensor<float, 4, 1, 3> a;
    Tensor<float, 5, 3> b;
    using E = decltype(a + b);
    STATIC_REQUIRE(std::is_same_v<E::shape_type, Shape<4, 5, 3>>);
    STATIC_REQUIRE(std::is_same_v<decltype(sum(a))::shape_type, Shape<1>>);
    STATIC_REQUIRE(std::is_same_v<decltype(sum<1>(b))::shape_type, Shape<5>>);
    STATIC_REQUIRE(std::is_same_v<decltype(matmul(b, transpose(b)))::shape_type, Shape<5, 5>>);
}
