// Gradients of deep element-wise expressions (the linear-time backward
// sweep of tensor_grad.hpp): against finite differences in double, against
// the chain rule written by hand, with shared tensors and broadcasting, and
// without allocating; and vjp(f, dy, wrt(...)) for non-scalar expressions
// against central differences of <f, dy>.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include <ctnn/autodiff.hpp>

#include "../alloc_count.hpp"

#include "../random_fill.hpp"

using namespace ctnn;

namespace {
using ctnn_test::fill_random;
constexpr double limit = 1e-6;  // as in tensor_grad.cpp

using Vec = Tensor<double, 13>;  // not a multiple of any pack width: full packs and a tail

/// `Depth` nested layers of tanh(e * w + b): 3 nodes each.
template <int Depth, class E>
auto layers(const E& e, const Vec& w, const Vec& b) {
    if constexpr (Depth == 0)
        return e;
    else
        return layers<Depth - 1>(tanh(e * w + b), w, b);
}
constexpr int depth = 17;  // 51 element-wise nodes, and the sum

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

TEST_CASE("gradient of a 52-node element-wise expression", "[autodiff]") {
    Vec x, w, b;
    fill_random(x, 21, -1, 1);
    fill_random(w, 22, 0.8, 1.4);  // keeps the chain's derivative of order 1
    fill_random(b, 23, -0.3, 0.3);
    const auto r = gradcheck([&] { return sum(layers<depth>(ref(x), w, b)); }, wrt(x, w, b));
    INFO(r);
    REQUIRE(r.checked == 3 * 13);
    REQUIRE(r.max_rel_error < limit);

    // the chain rule by hand, element by element: the same numbers to rounding
    Vec dx, dw, db;
    const double value = grad_into(sum(layers<depth>(ref(x), w, b)), wrt(x, w, b), dx, dw, db);
    double hand_value = 0;
    for (std::size_t i = 0; i < 13; ++i) {
        double h[depth + 1];
        h[0] = x(i);
        for (int k = 0; k < depth; ++k) h[k + 1] = std::tanh(h[k] * w(i) + b(i));
        hand_value += h[depth];
        double g = 1, gw = 0, gb = 0;
        for (int k = depth; k-- > 0;) {
            const double dz = g * (1 - h[k + 1] * h[k + 1]);
            gw += dz * h[k];
            gb += dz;
            g = dz * w(i);
        }
        REQUIRE(dx(i) == Approx(g).epsilon(1e-12));
        REQUIRE(dw(i) == Approx(gw).epsilon(1e-12));
        REQUIRE(db(i) == Approx(gb).epsilon(1e-12));
    }
    REQUIRE(value == Approx(hand_value).epsilon(1e-12));

    // no allocation: the tape and the per-pack values live on the stack
    REQUIRE(ctnn_test::allocations_during(
                [&] { (void)grad_into(sum(layers<depth>(ref(x), w, b)), wrt(x, w, b), dx, dw, db); }) == 0);
}

TEST_CASE("grad of sum/mean computes the values in its backward sweep: the two-pass results", "[autodiff]") {
    Vec x, w, b, other;
    fill_random(x, 24, -1, 1);
    fill_random(w, 25, 0.8, 1.4);
    fill_random(b, 26, -0.3, 0.3);
    fill_random(other, 27, -1, 1);
    // value: bit for bit the forward pass's (the same formulas, the same reduction)
    Vec dx, dw, db;
    const double value = grad_into(sum(layers<depth>(ref(x), w, b)), wrt(x, w, b), dx, dw, db);
    REQUIRE(value == evaluate(sum(layers<depth>(ref(x), w, b)))[0]);
    // mean: the gradients bit for bit those of the backward pass after a
    // separate forward (vjp from dy = 1/13, mean's adjoint)
    const auto body = [&] { return tanh(x * w + b) * x; };
    Vec sx, sw, ex, ew;
    REQUIRE(grad_into(mean(body()), wrt(x, w), sx, sw) == evaluate(mean(body()))[0]);
    vjp_into(body(), Vec::filled(1.0 / 13), wrt(x, w), ex, ew);
    for (std::size_t i = 0; i < 13; ++i) {
        REQUIRE(sx(i) == ex(i));
        REQUIRE(sw(i) == ew(i));
        const double h = std::tanh(x(i) * w(i) + b(i));
        REQUIRE(sw(i) == Approx((1 - h * h) * x(i) * x(i) / 13).epsilon(1e-12));
    }
    // no gradient asked for below the root: the value still comes out, the gradient is zero
    Vec dother = Vec::filled(7);  // overwritten
    REQUIRE(grad_into(mean(body()), wrt(other), dother) == evaluate(mean(body()))[0]);
    for (std::size_t i = 0; i < 13; ++i) REQUIRE(dother(i) == 0);
}

TEST_CASE("gradient with repeated subexpressions and broadcasting", "[autodiff]") {
    Tensor<double, 4, 6> X;
    Tensor<double, 6> w;     // broadcast along rows
    Tensor<double, 4, 1> c;  // broadcast along columns
    fill_random(X, 31, -1, 1);
    fill_random(w, 32, -1, 1);
    fill_random(c, 33, -0.5, 0.5);
    const auto r = gradcheck(
        [&] {
            const auto h = tanh(X * w + c);  // used three times below (copied into each use)
            return mean(h * h + sigmoid(h - X) * w + exp(c * h) / (1.0 + square(X)));
        },
        wrt(X, w, c));
    INFO(r);
    REQUIRE(r.checked == 24 + 6 + 4);
    REQUIRE(r.max_rel_error < limit);
}

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

TEST_CASE("the overlapping last pack of a row hands each adjoint down once, and no NaN", "[autodiff]") {
    // 13 doubles: whole packs, then a last pack ending at element 12 whose
    // first lanes repeat elements of the pack before (expr/flat.hpp,
    // for_each_sweep_pack). Those lanes must add nothing: d sum(x^2 + sqrt(x)) / dx
    // is exactly 2x + 0.5/sqrt(x), and +inf at x = 0 (where a zeroed adjoint
    // times the infinite local derivative would give NaN).
    Vec x, dx;
    for (std::size_t i = 0; i < Vec::size; ++i) x(i) = 0.25 * double(i);
    grad_into(sum(square(x) + sqrt(x)), wrt(x), dx);
    REQUIRE(std::isinf(dx(0)));
    REQUIRE(dx(0) > 0);
    for (std::size_t i = 1; i < Vec::size; ++i) REQUIRE(dx(i) == 2 * x(i) + 0.5 / std::sqrt(x(i)));
    // the same at every element: x = 0 in each lane the last pack repeats
    for (std::size_t z = 0; z < Vec::size; ++z) {
        Vec y = x;
        y(z) = 0;
        grad_into(sum(sqrt(y)), wrt(y), dx);
        for (std::size_t i = 0; i < Vec::size; ++i) {
            if (i == z)
                REQUIRE((std::isinf(dx(i)) && dx(i) > 0));
            else
                REQUIRE(dx(i) == 0.5 / std::sqrt(y(i)));
        }
    }
}

namespace {
/// Post-order addresses of a node and everything below it inside its region
/// (a Map's operands, recursively), found by walking the members: what the
/// flat layout (expr/flat.hpp) must compute from sizes and alignments.
template <class N>
void walk(const N& n, std::vector<const void*>& at) {
    if constexpr (expr::detail::is_map<N>)
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (walk(expr::operand<I>(n.args), at), ...);
        }(std::make_index_sequence<N::operands::size>{});
    at.push_back(&n);
}
/// Every node of e's region sits at the flat layout's offset from the root's,
/// and every input's tape at the offset the region's tape gives it.
template <class E>
void check_layout(const E& e) {
    using F = expr::detail::flat_nodes<E>;
    using Tape = autodiff::detail::tape<E>;
    std::vector<const void*> nodes;
    walk(e, nodes);
    REQUIRE(nodes.size() == F::size);
    const char* nb = reinterpret_cast<const char*>(&e);
    const std::vector<std::size_t> node_offset = [&]<std::size_t... K>(std::index_sequence<K...>) {
        return std::vector<std::size_t>{F::template offset<K>...};
    }(std::make_index_sequence<F::size>{});
    for (std::size_t k = 0; k < F::size; ++k) {
        INFO("node " << k << " of " << F::size);
        CHECK(static_cast<const void*>(nb + node_offset[k]) == nodes[k]);
    }
    Tape t;
    const char* tb = reinterpret_cast<const char*>(&t.in);
    constexpr std::size_t inputs = expr::detail::region_inputs<F>::count;
    const std::vector<const void*> tapes = [&]<std::size_t... J>(std::index_sequence<J...>) {
        return std::vector<const void*>{&expr::operand<J>(t.in)...};
    }(std::make_index_sequence<inputs>{});
    for (std::size_t j = 0; j < inputs; ++j) {
        INFO("input " << j << " of " << inputs);
        CHECK(static_cast<const void*>(tb + Tape::layout::at[j]) == tapes[j]);
    }
}
}  // namespace

TEST_CASE("the flat layout finds every node and input tape where the compiler put it", "[autodiff]") {
    // operands of every kind and alignment: tensors, numbers of both element
    // types, a matmul (64-byte aligned scratch), reductions, a transpose
    const auto random = [](auto t, unsigned seed) {
        fill_random(t, seed);
        return t;
    };
    const auto X = random(Tensor<float, 4, 7>{}, 61);
    const auto W = random(Tensor<float, 5, 7>{}, 62);
    const auto b = random(Tensor<float, 5>{}, 63);
    const auto Y = random(Tensor<float, 4, 5>{}, 64);
    const auto Z = random(Tensor<float, 5, 4>{}, 65);
    check_layout(tanh(matmul(X, transpose(W)) + b) * 2.0f - sum<0>(Y * Y) + transpose(Z));
    check_layout(exp(-square(Y) + 0.5f) / (1.0f + sum(Y) * b));
    check_layout(layers<6>(ref(Vec::filled(1.0)), Vec::filled(2.0), Vec::filled(3.0)));
    Tensor<double, 3, 1> c;
    Tensor<double, 3, 6> a;
    check_layout(max(a * c, 0.0) + pow(a, 2.0) * sigmoid(c));
}

TEST_CASE("a sub-expression over no tensor asked for hands nothing down, even where its derivative is not finite",
          "[autodiff]") {
    // every adjoint inside a region is computed (tensor_grad.hpp, adjoint_step);
    // those that reach a tensor not asked for are dropped: d/dx sum(x * sqrt(c))
    // is sqrt(c) exactly, though d sqrt(c) / dc is +inf where c = 0
    Vec x, c, dx;
    fill_random(x, 71, -1, 1);
    for (std::size_t i = 0; i < Vec::size; ++i) c(i) = i % 3 == 0 ? 0.0 : 0.5 * double(i);
    grad_into(sum(x * sqrt(c)), wrt(x), dx);
    for (std::size_t i = 0; i < Vec::size; ++i) REQUIRE(dx(i) == std::sqrt(c(i)));
}
