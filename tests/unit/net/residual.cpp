// Residual<...>: y = x + f(x), its gradients, names, memory plan and batch
// consistency.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/net.hpp>

#include "net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("Residual: y = x + f(x), by hand", "[net][residual]") {
    using Net = Sequential<Input<3>, Residual<Dense<3>>>;
    Net net;
    auto w = net.param<"0.body.0.weight">();
    auto b = net.param<"0.body.0.bias">();
    for (std::size_t i = 0; i < 3; ++i) {
        b(i) = float(i) - 1;
        for (std::size_t j = 0; j < 3; ++j) w(i, j) = float(i + 2 * j) / 4;
    }
    const Tensor<float, 3> x{{1.f, -2.f, 0.5f}};
    const auto y = net.forward(x);
    for (std::size_t i = 0; i < 3; ++i) {
        float f = b(i);
        for (std::size_t j = 0; j < 3; ++j) f += w(i, j) * x(j);
        REQUIRE(y(i) == Approx(x(i) + f).epsilon(1e-6));
    }
}

TEST_CASE("Residual: names follow the torch module tree (body is an nn.Sequential)", "[net][residual]") {
    using Net = Sequential<Input<4>, Dense<6>, ReLU, Residual<Dense<6>, Tanh, Residual<Dense<6>>>, Dense<2>>;
    STATIC_REQUIRE(Net::param_table.size() == 8);
    STATIC_REQUIRE(Net::param_table[2].name == "2.body.0.weight");
    STATIC_REQUIRE(Net::param_table[4].name == "2.body.2.body.0.weight");
    STATIC_REQUIRE(Net::param_table[7].name == "3.bias");
    STATIC_REQUIRE(Net::param_count == 4 * 6 + 6 + 2 * (6 * 6 + 6) + 6 * 2 + 2);
    STATIC_REQUIRE(Layer<Net::root>);
}

TEST_CASE("Residual: gradients against finite differences", "[net][residual][grad]") {
    check_net<BasicSequential<double, Input<5>, Dense<6>, Tanh, Residual<Dense<6>, SiLU, Dense<6>>, Dense<3>>>();
    // first in the network (the body's first layer computes the input gradient), and nested
    check_net<BasicSequential<double, Input<5>, Residual<Dense<5>, Tanh>, Dense<2>>>();
    check_net<BasicSequential<double, Input<4>, Residual<Residual<Dense<4>, Sigmoid>, Dense<4>, ReLU>, Dense<3>>>();
    // at batch 1 and with an activation after it
    check_net<BasicSequential<double, Input<5>, Residual<Dense<5>, GELU, Dropout<0.2>, Dense<5>>, Tanh>, MSE, 1>();
}

TEST_CASE("Residual: batch 1, batch B, inference and training forward agree", "[net][residual]") {
    using Net = Sequential<Input<7>, Dense<9>, ReLU, Residual<Dense<9>, Tanh, Dense<9>>, Residual<Dense<9>>, Dense<3>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 4);
    auto X = std::make_unique<Net::input_batch<5>>();
    net_checks::fill(*X, 3);
    auto ws = std::make_unique<Net::workspace<5>>();
    net->forward(*X, *ws);
    Net::output_batch<5> a;
    for (std::size_t i = 0; i < 15; ++i) a.data()[i] = ws->output().data()[i];
    net->forward<true>(*X, *ws);
    for (std::size_t r = 0; r < 5; ++r) {
        Tensor<float, 7> x;
        for (std::size_t i = 0; i < 7; ++i) x(i) = (*X)(r, i);
        const auto y = net->forward(x);
        for (std::size_t i = 0; i < 3; ++i) {
            REQUIRE(ws->output()(r, i) == a(r, i));
            REQUIRE(y(i) == Approx(a(r, i)).epsilon(1e-5).margin(1e-6));
        }
    }
}

TEST_CASE("Residual: the workspace keeps the body's output only for training", "[net][residual]") {
    using Net = Sequential<Input<16>, Residual<Dense<16>>>;
    using L = Net::root::child<0>;
    // training keeps f(x) (16 per row) to run f's backward; inference needs no scratch at all
    STATIC_REQUIRE(layers::saved_size_of<L, float, 4> == 64);
    STATIC_REQUIRE(layers::scratch_size_of<L, float, 4> == 0);
}
