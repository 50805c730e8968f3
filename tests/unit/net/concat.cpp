// Concat<...>: branches' outputs side by side along a sample's first axis.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/net.hpp>

#include "net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("Concat: shapes, names and values by hand", "[net][concat]") {
    using Net = Sequential<Input<2>, Concat<Sequential<Dense<3>, ReLU>, Dense<2>, Identity>>;
    STATIC_REQUIRE(std::is_same_v<Net::out_shape, Shape<7>>);
    STATIC_REQUIRE(Net::param_table[0].name == "0.branches.0.0.weight");
    STATIC_REQUIRE(Net::param_table[2].name == "0.branches.1.weight");
    Net net;
    init::torch_default(net, 9);
    const Tensor<float, 2> x{{0.25f, -1.5f}};
    const auto y = net.forward(x);
    auto w0 = net.param<"0.branches.0.0.weight">();
    auto b0 = net.param<"0.branches.0.0.bias">();
    auto w1 = net.param<"0.branches.1.weight">();
    auto b1 = net.param<"0.branches.1.bias">();
    for (std::size_t i = 0; i < 3; ++i) REQUIRE(y(i) == Approx(std::max(0.f, w0(i, 0) * x(0) + w0(i, 1) * x(1) + b0(i))));
    for (std::size_t i = 0; i < 2; ++i) REQUIRE(y(3 + i) == Approx(w1(i, 0) * x(0) + w1(i, 1) * x(1) + b1(i)));
    REQUIRE(y(5) == x(0));
    REQUIRE(y(6) == x(1));
}

TEST_CASE("Concat: feature maps join along their first axis (channels)", "[net][concat]") {
    using Net = Sequential<Input<2, 3>, Concat<Tanh, Identity, Sigmoid>>;
    STATIC_REQUIRE(std::is_same_v<Net::out_shape, Shape<6, 3>>);
    Net net;
    Net::input_batch<2> X;
    net_checks::fill(X, 4);
    auto ws = std::make_unique<Net::workspace<2>>();
    net.forward(X, *ws);
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < 3; ++i) {
                REQUIRE(ws->output()(b, c, i) == Approx(std::tanh(X(b, c, i))));
                REQUIRE(ws->output()(b, 2 + c, i) == X(b, c, i));
            }
}

TEST_CASE("Concat: gradients against finite differences, batch 1 and batch 4", "[net][concat][grad]") {
    using Branches = Concat<Sequential<Dense<3>, Tanh, Dense<4>>, Dense<2>, Sequential<Dense<5>, SiLU>>;
    check_net<BasicSequential<double, Input<5>, Branches, Dense<3>>>();
    check_net<BasicSequential<double, Input<5>, Branches, Dense<3>>, MSE, 1>();
    // first in the network, nested in a residual
    check_net<BasicSequential<double, Input<4>, Residual<Concat<Dense<2>, Dense<2>>, Tanh>, Dense<2>>>();
}

TEST_CASE("Concat: batch 1 equals batch B", "[net][concat]") {
    using Net = Sequential<Input<6>, Concat<Sequential<Dense<5>, ReLU>, Dense<3>>, Dense<2>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    Net::input_batch<3> X;
    net_checks::fill(X, 2);
    auto ws = std::make_unique<Net::workspace<3>>();
    net->forward<true>(X, *ws);
    for (std::size_t r = 0; r < 3; ++r) {
        Tensor<float, 6> x;
        for (std::size_t i = 0; i < 6; ++i) x(i) = X(r, i);
        const auto y = net->forward(x);
        for (std::size_t i = 0; i < 2; ++i) REQUIRE(y(i) == Approx(ws->output()(r, i)).epsilon(1e-5).margin(1e-6));
    }
}
