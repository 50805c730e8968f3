// ExprLayer and files: a file saved from the built-in Dense + Tanh loads by
// name into the same layer written as an expression (the same state_dict
// names "weight" and "bias") and gives the same outputs, and back; baked
// into the binary (io/embed.hpp), its weights bind by name at compile time.
// (Checkpoints: expr_layer_graphs.cpp.)
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>

#include <ctnn/io/embed.hpp>
#include <ctnn/io/safetensors.hpp>
#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"
#include "../support.hpp"
#include "expr_layer_specs.hpp"

using namespace ctnn;
using expr_layer_specs::DenseTanh;

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

namespace {
constexpr float w[12] = {0.125f, -0.25f, 0.5f, 1.0f, -1.0f, 0.75f, 0.25f, 0.0f, -0.5f, 0.375f, 0.625f, -0.125f};
constexpr float b[4] = {0.125f, -0.25f, 0.375f, -0.5f};
constexpr embed::tensor<float> baked[] = {{"0.weight", {4, 3}, w}, {"0.bias", {4}, b}};
using Baked = Sequential<Input<3>, ExprLayer<DenseTanh<4>>>;
constexpr Baked baked_net = embed::bind<Baked, baked>();
}  // namespace

TEST_CASE("ExprLayer: an embedded model binds its weights by name at compile time", "[layers][expr_layer][embed]") {
    static_assert(baked_net.params()[0] == 0.125f && baked_net.params()[Baked::param_table[1].offset + 3] == -0.5f);
    const Tensor<float, 3> x{0.5f, -1.5f, 2.0f};
    const auto y = baked_net.forward(x);
    for (std::size_t i = 0; i < 4; ++i) {
        double z = b[i];
        for (std::size_t j = 0; j < 3; ++j) z += double(w[i * 3 + j]) * double(x(j));
        CHECK(y(i) == Approx(std::tanh(z)).epsilon(1e-6));
    }
}
