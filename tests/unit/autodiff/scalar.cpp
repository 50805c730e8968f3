// Scalar expressions: the lecture's worked examples as static_asserts, shared
// nodes, the depth-30 squaring graph, traces, and finite-difference checks of
// grad on composite expressions.
#include <catch2/catch.hpp>
#include <ctnn/autodiff/scalar.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <type_traits>

namespace {

using ctnn::grad;
using ctnn::var;

constexpr auto x = var<0>{};
constexpr auto y = var<1>{};
constexpr auto z = var<2>{};

constexpr double cabs(double v) { return v < 0 ? -v : v; }
constexpr bool near(double a, double b, double tol = 1e-12) { return cabs(a - b) <= tol; }

// ---- lecture: f(x, y, z) = (x + y) z at (-2, 5, -4) ---------------------------
// q = x + y = 3, f = q z = -12; ∂f/∂z = q = 3, ∂f/∂q = z = -4, ∂f/∂x = ∂f/∂y = ∂f/∂q · 1 = -4.
constexpr auto f1 = (x + y) * z;
constexpr auto g1 = grad(f1, -2.0, 5.0, -4.0);
static_assert(g1.value == -12.0);
static_assert(g1.gradient[0] == -4.0 && g1.gradient[1] == -4.0 && g1.gradient[2] == 3.0);

// ---- lecture: L(x, w, b) = log(1 / (e^-(xw + b) + 1)) at (2, -3, 6) ----------
// s = xw + b = 2·(-3) + 6 = 0, so L = log(1 / (e^0 + 1)) = log(1/2) = -ln 2 ≈ -0.6931.
// L = log σ(s), so ∂L/∂s = 1/σ(s) · σ(s)(1 - σ(s)) = 1 - σ(0) = 1/2, and
// ∂L/∂x = w/2 = -1.5, ∂L/∂w = x/2 = 1, ∂L/∂b = 1/2.
constexpr auto w = var<1>{};
constexpr auto b = var<2>{};
constexpr auto L2 = log(1 / (exp(-(x * w + b)) + 1));
constexpr auto g2 = grad(L2, 2.0, -3.0, 6.0);
static_assert(near(g2.value, -0.693147180559945309));
static_assert(near(g2.gradient[0], -1.5) && near(g2.gradient[1], 1.0) && near(g2.gradient[2], 0.5));

// ---- lecture: L(x, y) = x² - y² - 2x + 5y, one gradient step from [2, 1] -----
// L(2, 1) = 4; ∇L = [2x - 2, -2y + 5] = [2, 3]; θ1 = θ0 - 0.1 ∇L = [1.8, 0.7];
// L(1.8, 0.7) = 3.24 - 0.49 - 3.6 + 3.5 = 2.65.
constexpr auto L3 = square(x) - square(y) - 2 * x + 5 * y;
constexpr auto g3 = grad(L3, 2.0, 1.0);
static_assert(g3.value == 4.0 && g3.gradient[0] == 2.0 && g3.gradient[1] == 3.0);
constexpr std::array<double, 2> theta1 = {2.0 - 0.1 * g3.gradient[0], 1.0 - 0.1 * g3.gradient[1]};
static_assert(near(theta1[0], 1.8) && near(theta1[1], 0.7));
static_assert(near(ctnn::eval(L3, theta1), 2.65));

// ---- a node used twice sums its adjoints: f = x·x + x, f' = 2x + 1 ------------
constexpr auto f4 = x * x + x;
static_assert(grad(f4, 3.0).value == 12.0 && grad(f4, 3.0).gradient[0] == 7.0);
static_assert(grad(f4, -0.5).gradient[0] == 0.0);
static_assert(ctnn::ad::node_count<decltype(f4)> == 3);  // x, x·x, +: x listed once

// ---- repeated squaring, depth 30: x^(2^30) ------------------------------------
template <int Depth, class E>
constexpr auto square_chain(E e) {
    if constexpr (Depth == 0)
        return e;
    else
        return square_chain<Depth - 1>(e * e);
}
constexpr auto d30 = square_chain<30>(x);
using D30 = std::remove_const_t<decltype(d30)>;
static_assert(std::is_empty_v<D30> && sizeof(D30) == 1);  // stored once per level: no data at all
static_assert(ctnn::ad::node_count<D30> == 31);         // one node per level, not 2^31 - 1
static_assert(grad(d30, 1.0).value == 1.0 && grad(d30, 1.0).gradient[0] == 1073741824.0);
static_assert(grad(d30, -1.0).gradient[0] == -1073741824.0);

// ---- shapes of the graph -------------------------------------------------------
static_assert(std::is_empty_v<decltype(x + exp(x))>);
static_assert(ctnn::ad::node_count<decltype(exp(x) * exp(x))> == 3);               // x, exp, *
static_assert(ctnn::ad::node_count<decltype((x + exp(x)) + exp(x))> == 4);         // exp(x) once
static_assert(ctnn::ad::node_count<decltype(x * 2.0 + x * 2.0)> == 6);             // constants by position
static_assert(ctnn::ad::input_count<decltype(z * 2)> == 3);
static_assert(!ctnn::ScalarExpr<double> && ctnn::ScalarExpr<decltype(x)> && ctnn::ScalarExpr<const decltype(f1)&>);

// ---- traces in constant expressions -------------------------------------------
constexpr auto t1 = ctnn::trace(f1, -2.0, 5.0, -4.0);
static_assert(t1.size() == 5);
static_assert(t1[4].value == -12.0 && t1[4].adjoint == 1.0 && t1[4].lhs == 2 && t1[4].rhs == 3);
static_assert(t1[2].value == 3.0 && t1[2].adjoint == -4.0 && t1[2].lhs == 0 && t1[2].rhs == 1);
static_assert(t1[3].input == 2 && t1[3].adjoint == 3.0);

// ---- plain numbers keep meaning the standard functions ------------------------
namespace adl {
using namespace ctnn;
static_assert(std::is_same_v<decltype(std::exp(2.0)), double>);
inline double exp_of_number() { return exp(2.0) + log(1.0) + std::max(1.0, 2.0) + pow(2.0, 3); }
}  // namespace adl

template <class A, class B>
concept can_add = requires(A a, B b) { a + b; };
static_assert(can_add<decltype(x), double> && can_add<int, decltype(x)> && can_add<decltype(x), decltype(y)>);
static_assert(!can_add<decltype(x), std::string>);

template <class F, class... Xs>
concept can_grad = requires(F f, Xs... xs) { ctnn::grad(f, xs...); };
static_assert(can_grad<decltype(x), double> && !can_grad<double, double> && !can_grad<decltype(x), std::string>);

/// Central-difference gradient of f at p.
template <class F, std::size_t N>
std::array<double, N> fd_gradient(const F& f, std::array<double, N> p) {
    std::array<double, N> g{};
    for (std::size_t i = 0; i < N; ++i) {
        const double h = 1e-5 * std::max(1.0, std::fabs(p[i]));
        auto hi = p, lo = p;
        hi[i] += h;
        lo[i] -= h;
        g[i] = (ctnn::eval(f, hi) - ctnn::eval(f, lo)) / (2 * h);
    }
    return g;
}

template <class F>
void check_against_fd(const F& f, const char* what, std::mt19937_64& rng, double lo = -2, double hi = 2) {
    std::uniform_real_distribution<double> u(lo, hi);
    for (int k = 0; k < 20; ++k) {
        const std::array<double, 3> p = {u(rng), u(rng), u(rng)};
        const auto r = grad(f, p);
        const auto fd = fd_gradient(f, p);
        CHECK(r.value == ctnn::eval(f, p));
        for (std::size_t i = 0; i < 3; ++i) {
            const double err = std::fabs(r.gradient[i] - fd[i]) / std::max({1.0, std::fabs(r.gradient[i]), std::fabs(fd[i])});
            INFO(what << " at (" << p[0] << ", " << p[1] << ", " << p[2] << "): d/dx" << i << " = " << r.gradient[i]
                      << ", finite difference " << fd[i]);
            CHECK(err < 1e-6);
        }
    }
}

}  // namespace

TEST_CASE("scalar grad: the lecture's examples at run time", "[autodiff]") {
    const auto r1 = grad(f1, -2.0, 5.0, -4.0);
    CHECK(r1.value == -12.0);
    CHECK(r1.gradient == std::array<double, 3>{-4.0, -4.0, 3.0});

    const auto r2 = grad(L2, 2.0, -3.0, 6.0);
    CHECK(r2.value == Approx(-std::log(2.0)).epsilon(1e-15));
    CHECK(r2.gradient[0] == Approx(-1.5));
    CHECK(r2.gradient[1] == Approx(1.0));
    CHECK(r2.gradient[2] == Approx(0.5));

    std::array<double, 2> theta = {2.0, 1.0};
    const auto r3 = grad(L3, theta);
    for (std::size_t i = 0; i < 2; ++i) theta[i] -= 0.1 * r3.gradient[i];
    CHECK(std::fabs(theta[0] - 1.8) < 1e-12);
    CHECK(std::fabs(theta[1] - 0.7) < 1e-12);
    CHECK(std::fabs(ctnn::eval(L3, theta) - 2.65) < 1e-12);
}

TEST_CASE("scalar grad: depth-30 repeated squaring runs in linear time", "[autodiff]") {
    // 2^30 evaluations of x would take seconds; 31 nodes take nanoseconds
    const double x0 = 1 + 0x1p-40;
    const auto r = grad(d30, x0);
    const long double ref = std::pow(static_cast<long double>(x0), 1073741824.0L);
    CHECK(static_cast<double>(r.value) == Approx(static_cast<double>(ref)).epsilon(1e-6));  // 30 squarings: ~2^30 eps
    CHECK(r.gradient[0] == Approx(static_cast<double>(1073741824.0L * ref / x0)).epsilon(1e-6));
    CHECK(r.value == Approx(std::exp(0x1p-10)).epsilon(1e-6));
}

TEST_CASE("scalar grad: adjoints of shared and repeated nodes", "[autodiff]") {
    // a stateful sub-expression used twice is two nodes; the result is the same
    const auto u = x * 2.0;
    const auto r = grad(u * u, 3.0);  // 4x², 8x
    CHECK(r.value == 36.0);
    CHECK(r.gradient[0] == 24.0);
    // a stateless one is one node whose adjoint collects both uses
    const auto v = x * y;
    const auto r2 = grad(v * v + exp(v), 1.5, -2.0);  // v = -3: ∂/∂v = 2v + e^v
    const double dv = 2 * -3.0 + std::exp(-3.0);
    CHECK(r2.gradient[0] == Approx(dv * -2.0));
    CHECK(r2.gradient[1] == Approx(dv * 1.5));
    // x - x, x / x, min(x, x): both partials summed
    CHECK(grad(x - x, 2.0).gradient[0] == 0.0);
    CHECK(grad(x / x, 2.0).gradient[0] == 0.0);
    CHECK(grad(min(x, x), 2.0).gradient[0] == 1.0);
    CHECK(grad(pow(x, x), 2.0).gradient[0] == Approx(4 * (std::log(2.0) + 1)));
}

TEST_CASE("scalar grad: constants, integers, unused inputs, kinks", "[autodiff]") {
    CHECK(grad(2 * x, 5).gradient[0] == 2.0);  // an int point is taken as double
    static_assert(std::is_same_v<decltype(grad(2 * x, 5).value), double>);
    const auto rf = grad(x * 0.5f + 1, 2.0f);
    static_assert(std::is_same_v<decltype(rf.value), float>);
    CHECK(rf.value == 2.0f);
    CHECK(rf.gradient[0] == 0.5f);
    // more point values than inputs: the extra partials are 0
    const auto r = grad(z * z, 1.0, 2.0, 3.0, 4.0);
    CHECK(r.gradient == std::array<double, 4>{0.0, 0.0, 6.0, 0.0});
    CHECK(grad(1 / x, 4.0).gradient[0] == -1.0 / 16);
    CHECK(grad(x / 4, 1.0).gradient[0] == 0.25);
    CHECK(grad(3 - x, 1.0).gradient[0] == -1.0);
    CHECK(grad(-x, 1.0).gradient[0] == -1.0);
    CHECK(grad(relu(x), 0.0).gradient[0] == 0.0);
    CHECK(grad(relu(x), 1e-9).gradient[0] == 1.0);
    CHECK(grad(abs(x), 0.0).gradient[0] == 0.0);
    CHECK(grad(abs(x), -2.0).gradient[0] == -1.0);
    CHECK(grad(max(x, y), 1.0, 1.0).gradient == std::array<double, 2>{1.0, 0.0});  // tie: the first
    CHECK(grad(max(x, y), 1.0, 2.0).gradient == std::array<double, 2>{0.0, 1.0});
    CHECK(grad(min(x, 0.0), 1.0).gradient[0] == 0.0);
    CHECK(grad(pow(x, 3), -2.0).gradient[0] == 12.0);
    CHECK(grad(pow(x, 3), -2.0).value == -8.0);
    CHECK(grad(pow(x, 2.5), 4.0).gradient[0] == Approx(2.5 * 8));
    CHECK(grad(pow(2.0, x), 3.0).gradient[0] == Approx(8 * std::log(2.0)));
    CHECK(grad(sqrt(x), 4.0).gradient[0] == 0.25);
    CHECK(grad(sigmoid(x), 1000.0).value == 1.0);
    CHECK(grad(sigmoid(x), -1000.0).gradient[0] == 0.0);
    CHECK(grad(tanh(x), 1e-3).gradient[0] == Approx(1 - std::tanh(1e-3) * std::tanh(1e-3)));
    CHECK(grad(log1p(x), -0.5).gradient[0] == 2.0);
    CHECK(adl::exp_of_number() == Approx(std::exp(2.0) + 2 + 8));  // std's functions, not ctnn's
}

TEST_CASE("scalar trace: nodes in forward order with values and adjoints", "[autodiff]") {
    const auto t = ctnn::trace(L2, 2.0, -3.0, 6.0);
    // forward order: 1, x, w, *, b, +, neg, exp, 1, +, /, log
    const char* names[] = {"const", "x", "x", "*", "x", "+", "neg", "exp", "const", "+", "/", "log"};
    REQUIRE(t.size() == 12);
    for (std::size_t i = 0; i < t.size(); ++i) CHECK(std::string(t[i].name) == names[i]);
    CHECK(t[1].input == 0);
    CHECK(t[2].input == 1);
    CHECK(t[4].input == 2);
    CHECK(t[3].value == -6.0);
    CHECK(t[5].value == 0.0);
    CHECK(t[7].value == 1.0);
    CHECK(t[9].value == 2.0);
    CHECK(t[10].value == 0.5);
    // backward: 1 at log, 2 at 1/(·), -0.5 at the denominator, exp and neg; 0.5 from s = xw + b down
    CHECK(t[11].adjoint == 1.0);
    CHECK(t[10].adjoint == 2.0);
    CHECK(t[9].adjoint == -0.5);
    CHECK(t[7].adjoint == -0.5);
    CHECK(t[6].adjoint == -0.5);
    CHECK(t[5].adjoint == 0.5);
    CHECK(t[3].adjoint == 0.5);
    CHECK(t[1].adjoint == -1.5);
    CHECK(t[2].adjoint == 1.0);
    CHECK(t[4].adjoint == 0.5);
    CHECK_FALSE(t[0].differentiated);
    CHECK(t[10].lhs == 0);
    CHECK(t[10].rhs == 9);
    CHECK(t[6].rhs == ctnn::ad::no_index);
    // a SelfBinary names its operand on both sides
    const auto s = ctnn::trace(x * x, 3.0);
    CHECK(s[1].lhs == 0);
    CHECK(s[1].rhs == 0);
    CHECK(s[0].adjoint == 6.0);
}

TEST_CASE("scalar grad: a pack evaluates one point per lane", "[autodiff]") {
    using V = xsimd::batch<double, ctnn::simd::best_arch>;
    alignas(64) double xs[V::size], ys[V::size];
    for (std::size_t i = 0; i < V::size; ++i) xs[i] = 0.5 + static_cast<double>(i), ys[i] = -1.0 + 0.25 * static_cast<double>(i);
    const auto f = sigmoid(x * y) + log(x) * max(y, 0.0);
    const auto r = grad(f, V::load_unaligned(xs), V::load_unaligned(ys));
    alignas(64) double v[V::size], gx[V::size], gy[V::size];
    r.value.store_unaligned(v);
    r.gradient[0].store_unaligned(gx);
    r.gradient[1].store_unaligned(gy);
    for (std::size_t i = 0; i < V::size; ++i) {
        const auto s = grad(f, xs[i], ys[i]);
        CHECK(v[i] == Approx(s.value).epsilon(1e-14));
        CHECK(gx[i] == Approx(s.gradient[0]).epsilon(1e-14));
        CHECK(gy[i] == Approx(s.gradient[1]).epsilon(1e-14));
    }
}

TEST_CASE("scalar grad matches finite differences on composite expressions", "[autodiff]") {
    std::mt19937_64 rng(2024);
    check_against_fd(exp(x * y) / (1 + square(z)), "exp(xy)/(1+z^2)", rng);
    check_against_fd(log(1 + exp(x)) - tanh(y * z), "softplus(x) - tanh(yz)", rng);
    check_against_fd(sigmoid(x * y + z), "sigmoid(xy + z)", rng);
    check_against_fd(sqrt(square(x) + square(y) + 1) * z, "sqrt(x^2+y^2+1) z", rng);
    check_against_fd(pow(abs(x) + 1, y) + pow(z, 3), "pow(|x|+1, y) + z^3", rng);
    check_against_fd(max(x, y) * min(y, z) + relu(x - z), "max(x,y) min(y,z) + relu(x-z)", rng);
    check_against_fd(log1p(square(x)) * exp(-square(y)) + z / 3, "log1p(x^2) exp(-y^2) + z/3", rng);
    check_against_fd(tanh(tanh(x) + tanh(y)) / (2 + sigmoid(z)), "tanh(tanh x + tanh y)/(2+sigmoid z)", rng);
    check_against_fd((x - y) / (square(x) + square(y) + 1) - 0.5 * z, "(x-y)/(x^2+y^2+1)", rng);
    check_against_fd(pow(2.0, x * 0.5) - x * y * z, "2^(x/2) - xyz", rng);
    check_against_fd(-z * log(sigmoid(x * y)) - (1 - z) * log(1 - sigmoid(x * y)), "binary cross-entropy", rng);
    check_against_fd(square(square(x + y) - z) + abs(z) * x, "((x+y)^2 - z)^2 + |z| x", rng);
    const auto u = x * y - z;
    check_against_fd(u * u + exp(u) - pow(u, 3), "shared u: u^2 + e^u - u^3", rng);
}
