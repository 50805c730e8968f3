// vjp(f, dy, wrt(...)) for non-scalar expressions against central finite
// differences of <f, dy> in double.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include <ctnn/autodiff.hpp>

using namespace ctnn;

namespace {
template <class X>
void fill_random(X& x, unsigned seed, double lo = -1, double hi = 1) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<double> d(lo, hi);
    for (auto& v : x) v = d(g);
}

/// max over the elements of X of |numeric - analytic| / max(|numeric| + |analytic|, 1e-4),
/// numeric = (<f(X + h), dy> - <f(X - h), dy>) / 2h.
template <class Make, class Dy, class X, class G>
double max_error(const Make& make, const Dy& dy, X& x, const G& analytic) {
    auto dot = [&] {
        const auto y = evaluate(make());
        double s = 0;
        for (std::size_t i = 0; i < Dy::size; ++i) s += y.data()[i] * dy.data()[i];
        return s;
    };
    constexpr double h = 1e-5;
    double worst = 0;
    for (std::size_t i = 0; i < X::size; ++i) {
        const double keep = x.data()[i];
        x.data()[i] = keep + h;
        const double up = dot();
        x.data()[i] = keep - h;
        const double down = dot();
        x.data()[i] = keep;
        const double numeric = (up - down) / (2 * h);
        const double a = analytic.data()[i];
        worst = std::max(worst, std::abs(numeric - a) / std::max(std::abs(numeric) + std::abs(a), 1e-4));
    }
    return worst;
}
}  // namespace

TEST_CASE("vjp of a dense layer written as an expression", "[autodiff]") {
    Tensor<double, 4, 7> X;  // a batch of 4
    Tensor<double, 5, 7> W;
    Tensor<double, 5> b;
    Tensor<double, 4, 5> dy;
    fill_random(X, 41);
    fill_random(W, 42);
    fill_random(b, 43);
    fill_random(dy, 44);
    auto layer = [&] { return tanh(matmul(X, transpose(W)) + b); };
    auto [dX, dW, db] = vjp(layer(), dy, wrt(X, W, b));
    REQUIRE(max_error(layer, dy, X, dX) < 1e-6);
    REQUIRE(max_error(layer, dy, W, dW) < 1e-6);
    REQUIRE(max_error(layer, dy, b, db) < 1e-6);
}

TEST_CASE("vjp of an element-wise expression with broadcasting", "[autodiff]") {
    Tensor<double, 3, 6> a;
    Tensor<double, 6> c;
    Tensor<double, 3, 6> dy;
    fill_random(a, 51);
    fill_random(c, 52);
    fill_random(dy, 53);
    auto f = [&] { return sigmoid(a * c) * a - square(c); };
    Tensor<double, 3, 6> da = Tensor<double, 3, 6>::filled(7);  // overwritten
    Tensor<double, 6> dc;
    vjp_into(f(), dy, wrt(a, c), da, dc);
    REQUIRE(max_error(f, dy, a, da) < 1e-6);
    REQUIRE(max_error(f, dy, c, dc) < 1e-6);
}
