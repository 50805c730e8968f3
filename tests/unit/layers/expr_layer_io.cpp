// ExprLayer and files: a file saved from the built-in Dense + Tanh loads by
// name into the same layer written as an expression (the same state_dict
// names "weight" and "bias") and gives the same outputs, and back.
#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <string>

#include <ctnn/io/safetensors.hpp>
#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"
#include "../support.hpp"

using namespace ctnn;

namespace {
template <std::size_t N>
struct DenseTanh {
    template <std::size_t In>
    static constexpr std::array params{linear_weight("weight", N, In), linear_bias("bias", N, In)};
    static auto forward(const auto& x, const auto& W, const auto& b) { return tanh(matmul(x, transpose(W)) + b); }
};
}  // namespace

TEST_CASE("ExprLayer: a built-in Dense + Tanh's file loads by name into its expression", "[layers][expr_layer][io]") {
    using Builtin = Sequential<Input<6>, Dense<9>, Tanh>;
    using Expr = Sequential<Input<6>, ExprLayer<DenseTanh<9>>>;
    ctnn_test::TempDir dir;
    const std::string path = dir.file("dense_tanh.safetensors");
    auto a = std::make_unique<Builtin>();
    init::torch_default(*a, 8);
    io::save_safetensors(*a, path);
    auto b = std::make_unique<Expr>();
    io::load_safetensors(*b, path);
    Tensor<float, 6> x;
    net_checks::fill(x, 9);
    const auto ya = a->forward(x), yb = b->forward(x);
    for (std::size_t i = 0; i < 9; ++i) CHECK(yb(i) == Approx(ya(i)).epsilon(1e-6));
    // and back: the expression's file loads into the built-in layers
    init::torch_default(*b, 10);
    io::save_safetensors(*b, dir.file("expr.safetensors"));
    io::load_safetensors(*a, dir.file("expr.safetensors"));
    const auto ya2 = a->forward(x), yb2 = b->forward(x);
    for (std::size_t i = 0; i < 9; ++i) CHECK(ya2(i) == Approx(yb2(i)).epsilon(1e-6));
}
