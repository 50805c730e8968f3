// Every gradient of tensor expressions against central finite differences in
// double (gradcheck), and the API's contracts.
#include <catch2/catch.hpp>

#include <random>

#include <ctnn/autodiff.hpp>

#include "../random_fill.hpp"

using namespace ctnn;

namespace {
using ctnn_test::fill_random;
// Central differences with h = 1e-5 have truncation error ~h^2 f'''/6 and
// rounding error ~eps |f|/h = 1e-11 |f|, measured against a floor of
// 1e-4 max(1, |f|) (see gradcheck.hpp): a few 1e-7 at most; 1e-6 leaves room
// and still fails on any wrong derivative.
constexpr double limit = 1e-6;
}  // namespace

TEST_CASE("gradient of every element-wise op", "[autodiff]") {
    Tensor<double, 3, 5> x, y;
    fill_random(x, 1, 0.2, 1.5);  // positive: log, sqrt, pow
    fill_random(y, 2, -1, 1);
    auto check = [&](auto make) {
        const auto r = gradcheck(make, wrt(x, y));
        INFO(r);
        REQUIRE(r.max_rel_error < limit);
    };
    check([&] { return sum(x + y); });
    check([&] { return sum(x - y); });
    check([&] { return sum(x * y); });
    check([&] { return sum(y / x); });
    check([&] { return sum(-y * x); });
    check([&] { return sum(exp(y) * x); });
    check([&] { return sum(log(x) * y); });
    check([&] { return sum(log1p(x) + y); });
    check([&] { return sum(sqrt(x) * y); });
    check([&] { return sum(square(y) * x); });
    check([&] { return sum(tanh(y) * x); });
    check([&] { return sum(sigmoid(y * x)); });
    check([&] { return sum(relu(y) * x); });
    check([&] { return sum(abs(y) * x); });
    check([&] { return sum(min(x, y) + max(x * 0.5, y)); });
    check([&] { return sum(pow(x, y)); });
    check([&] { return mean(x * x + x); });  // a leaf used twice: adjoints add
}

TEST_CASE("gradient through matmul in every form, reductions and broadcasting", "[autodiff]") {
    Tensor<double, 5, 7> W;
    Tensor<double, 7> x;
    Tensor<double, 5> b;
    Tensor<double, 4, 7> X;
    Tensor<double, 4, 5> T;
    Tensor<double, 7, 3> V;
    Tensor<double, 3, 5> W2;
    fill_random(W, 3);
    fill_random(x, 4);
    fill_random(b, 5);
    fill_random(X, 6);
    fill_random(T, 7);
    fill_random(V, 8);
    fill_random(W2, 9);
    auto check = [&](auto make, auto w) {
        const auto r = gradcheck(make, w);
        INFO(r);
        REQUIRE(r.max_rel_error < limit);
    };
    check([&] { return sum(sigmoid(matmul(W, x) + b)); }, wrt(W, x, b));                          // gemv
    check([&] { return mean(square(tanh(matmul(X, transpose(W)) + b) - T)); }, wrt(W, X, b));    // X Wᵀ
    check([&] { return sum(exp(matmul(transpose(W), b)) * 0.5); }, wrt(W, b));                    // Wᵀ v
    check([&] { return sum(relu(matmul(X, V))); }, wrt(X, V));                                    // A B
    check([&] { return mean(matmul(transpose(X), X)); }, wrt(X));                                 // Aᵀ B
    check([&] { return sum(square(matmul(sigmoid(matmul(X, transpose(W))), transpose(W2)))); },  // two layers
          wrt(W, W2, X));
    check([&] { return sum(sum<0>(log1p(square(X))) * x) + sum(mean<1>(X) * 2.0); }, wrt(X, x));  // axis reductions
    check([&] { return sum(transpose(X) * 1.5); }, wrt(X));                                       // element-wise transpose
}

TEST_CASE("grad returns the value and writes every requested gradient", "[autodiff]") {
    Tensor<double, 3> a{1, 2, 3}, unused{4, 5, 6};
    auto [value, da, du] = grad(sum(a * a), wrt(a, unused));
    REQUIRE(value == 14.0);
    REQUIRE(da == Tensor<double, 3>{2, 4, 6});
    REQUIRE(du == Tensor<double, 3>{0, 0, 0});  // not in the expression: zero
    Tensor<double, 3> into = Tensor<double, 3>::filled(99);
    REQUIRE(grad_into(sum(a * 3.0), wrt(a), into) == 18.0);
    REQUIRE(into == Tensor<double, 3>{3, 3, 3});  // overwritten, not accumulated
}

TEST_CASE("a user activation gets its derivative without writing it", "[autodiff]") {
    auto gelu = [](const auto& v) { return 0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))); };
    Tensor<double, 9> x;
    fill_random(x, 11, -3, 3);
    const auto r = gradcheck([&] { return sum(gelu(x)); }, wrt(x));
    INFO(r);
    REQUIRE(r.max_rel_error < limit);
    // forward mode on numbers and packs agrees with the tensor gradient
    auto [value, dx] = grad(sum(gelu(x)), wrt(x));
    (void)value;
    for (std::size_t i = 0; i < 9; ++i) REQUIRE(derivative(gelu, x(i)).d == Approx(dx(i)).epsilon(1e-12));
    const auto p = derivative(gelu, xsimd::batch<double>(x(0)));
    REQUIRE(p.d.get(0) == Approx(dx(0)).epsilon(1e-12));
}

TEST_CASE("gradcheck reports a wrong gradient", "[autodiff]") {
    Tensor<double, 4> x{0.1, 0.2, 0.3, 0.4}, wrong{1, 1, 1, 1};
    gradcheck_report r;
    // the analytic gradient of sum(x²) is 2x, not 1
    gradcheck_tensor([&] { return evaluate(sum(x * x))[0]; }, x, wrong, r, 0);
    REQUIRE(r.max_rel_error > 0.1);
    REQUIRE(r.checked == 4);
}
