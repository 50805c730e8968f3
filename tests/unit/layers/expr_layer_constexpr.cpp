// ExprLayer inference at compile time (expr/assign.hpp's constant-evaluated
// path): Dense + tanh written as an expression gives, inside static_assert,
// the golden values of the built-in Dense + Tanh network of
// net/constexpr_inference.cpp; a highway layer followed by a gated unit
// (constant, broadcast bias, two matmuls each) runs at compile time too; and
// each agrees with its run-time forward (SIMD kernels, GEMM epilogues: a few
// float ulp). The scalar path of every node kind (matmul forms, transposes
// read element-wise, reductions over all elements and over one axis,
// broadcasting) against the run-time `evaluate`.
#include <catch2/catch.hpp>

#include <cmath>
#include <span>
#include <string_view>

#include <ctnn/expr/assign.hpp>
#include <ctnn/io/embed.hpp>
#include <ctnn/net.hpp>

#include "expr_layer_specs.hpp"

using namespace ctnn;

namespace {

// The weights of net/constexpr_inference.cpp (multiples of 1/8).
constexpr float w1[12] = {0.125, -0.25, 0.5, 1.0, -1.0, 0.75, 0.25, 0.0, -0.5, 0.375, 0.625, -0.125};
constexpr float b1[4] = {0.125, -0.25, 0.375, -0.5};
constexpr float w2[8] = {1.0, -1.0, 0.5, 0.25, -0.5, 0.5, 1.5, -2.0};
constexpr float b2[2] = {0.0625, -0.125};
constexpr Tensor<float, 3> x{0.5f, -1.5f, 2.0f};

/// |a - b| <= tol (1 + |b|).
constexpr bool near(double a, double b, double tol) {
    const double d = a - b;
    return (d < 0 ? -d : d) <= tol * (1 + (b < 0 ? -b : b));
}

using NetTanh = Sequential<Input<3>, ExprLayer<expr_layer_specs::DenseTanh<4>>, Dense<2>>;
constexpr NetTanh net_tanh = [] {
    const embed::tensor<float> ts[] = {
        {"0.weight", {4, 3}, w1}, {"0.bias", {4}, b1}, {"1.weight", {2, 4}, w2}, {"1.bias", {2}, b2}};
    return embed::bind<NetTanh>(ts);
}();
// The built-in Input<3>, Dense<4>, Tanh, Dense<2>'s golden values (Python, double).
static_assert(near(net_tanh.forward(x)(0), -0.47601873335898515, 1e-6));
static_assert(near(net_tanh.forward(x)(1), 1.0327073170586001, 1e-6));

using NetGated = Sequential<Input<3>, ExprLayer<expr_layer_specs::Highway>, ExprLayer<expr_layer_specs::Gated<2>>>;
constexpr NetGated net_gated = [] {
    // [3, 3] and [2, 3] slices of the weights above, biases likewise
    const std::span<const float> w(w1), b(b1);
    const embed::tensor<float> ts[] = {
        {"0.transform.weight", {3, 3}, w.first(9)}, {"0.transform.bias", {3}, b.first(3)},
        {"0.hidden.weight", {3, 3}, w.subspan(3, 9)}, {"0.hidden.bias", {3}, b.subspan(1, 3)},
        {"1.gate.weight", {2, 3}, std::span<const float>(w2).first(6)}, {"1.gate.bias", {2}, b2},
        {"1.hidden.weight", {2, 3}, w.subspan(6, 6)}, {"1.hidden.bias", {2}, b.subspan(2, 2)}};
    return embed::bind<NetGated>(ts);
}();
// Bound and run at compile time (the values: against the run-time forward below).
static_assert(net_gated.param<"1.hidden.weight">()(1, 2) == -0.125f);
static_assert(net_gated.forward(x)(0) != 0.0f && net_gated.forward(x)(1) != 0.0f);

template <const auto& Net>
void same_as_constant(double tol) {
    constexpr auto at_compile_time = Net.forward(x);
    const auto at_run_time = Net.forward(x);
    for (std::size_t i = 0; i < at_run_time.size; ++i) {
        INFO("output " << i << ": compile time " << at_compile_time(i) << ", run time " << at_run_time(i));
        CHECK(std::abs(double(at_run_time(i)) - double(at_compile_time(i))) <=
              tol * (1 + std::abs(double(at_compile_time(i)))));
    }
}

// ---- the scalar path of each node kind -----------------------------------------
constexpr Tensor<float, 2, 3> A{0.5f, -1.0f, 0.25f, 2.0f, 0.75f, -0.5f};
constexpr Tensor<float, 3, 4> Bm{1.0f, -0.5f, 0.25f, 0.0f, 2.0f, 1.5f, -1.0f, 0.5f, -0.25f, 0.125f, 0.75f, -2.0f};
constexpr Tensor<float, 2, 4> C{0.5f, 0.25f, -0.75f, 1.0f, -1.5f, 0.0f, 0.5f, 2.0f};
constexpr Tensor<float, 3> v{0.5f, -2.0f, 1.25f};
constexpr Tensor<float, 2> u{1.5f, -0.5f};
constexpr Tensor<float, 4> row{0.1f, -0.2f, 0.3f, 0.4f};

/// The expressions, each built by `f(tensors...)`: at compile time, and at run time.
template <class F>
void same_at_run_time(F, double tol) {
    constexpr auto at_compile_time = evaluate(F{}());
    const auto at_run_time = evaluate(F{}());
    for (std::size_t i = 0; i < at_run_time.size; ++i) {
        INFO("element " << i << ": compile time " << at_compile_time.data()[i] << ", run time "
                        << at_run_time.data()[i]);
        CHECK(std::abs(double(at_run_time.data()[i]) - double(at_compile_time.data()[i])) <=
              tol * (1 + std::abs(double(at_compile_time.data()[i]))));
    }
}

// Exact values of a few, by hand: A B's (0, 0) = 0.5 - 2 - 0.0625; Σ v = -0.25; mean of A's columns.
static_assert(evaluate(matmul(A, Bm))(0, 0) == -1.5625f);
static_assert(evaluate(sum(v))(0) == -0.25f);
static_assert(evaluate(mean<0>(A))(1) == -0.125f);
static_assert(evaluate(sum<1>(A))(1) == 2.25f);
static_assert(evaluate(transpose(A) + 1)(2, 1) == 0.5f);

}  // namespace

TEST_CASE("an ExprLayer network runs at compile time and agrees with the run-time forward",
          "[layers][expr_layer][constexpr]") {
    same_as_constant<net_tanh>(1e-6);
    same_as_constant<net_gated>(1e-6);
}

TEST_CASE("every node kind evaluates in a constant expression as at run time", "[expr][constexpr]") {
    same_at_run_time([] { return matmul(A, Bm); }, 1e-6);                            // A B
    same_at_run_time([] { return matmul(transpose(A), C); }, 1e-6);                 // Aᵀ C
    same_at_run_time([] { return matmul(A, transpose(A + 0.5f)); }, 1e-6);  // X Wᵀ, W evaluated
    same_at_run_time([] { return matmul(A, v); }, 1e-6);                            // W v
    same_at_run_time([] { return matmul(transpose(A), u); }, 1e-6);                 // Wᵀ v
    same_at_run_time([] { return tanh(matmul(tanh(A), Bm) + row) * sigmoid(C); }, 1e-6);  // fused chain, broadcast
    same_at_run_time([] { return sum<0>(matmul(A, Bm)) + mean<0>(Bm); }, 1e-6);     // axis reductions
    same_at_run_time([] { return exp(transpose(A)) - mean(C) * sum(v); }, 1e-6);     // all-element ones
}
