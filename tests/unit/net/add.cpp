// Add<...>: the sum of the branches' outputs.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/net.hpp>

#include "net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("Add: names and values by hand", "[net][add]") {
    using Net = Sequential<Input<3>, Add<Identity, Tanh, Sequential<Dense<3, false>>>>;
    STATIC_REQUIRE(Net::param_table.size() == 1);
    STATIC_REQUIRE(Net::param_table[0].name == "0.branches.2.0.weight");
    Net net;
    init::torch_default(net, 2);
    const Tensor<float, 3> x{{0.5f, -0.25f, 2.f}};
    const auto y = net.forward(x);
    auto w = net.param<"0.branches.2.0.weight">();
    for (std::size_t i = 0; i < 3; ++i) {
        const float lin = w(i, 0) * x(0) + w(i, 1) * x(1) + w(i, 2) * x(2);
        REQUIRE(y(i) == Approx(x(i) + std::tanh(x(i)) + lin).epsilon(1e-6));
    }
}

TEST_CASE("Add: gradients against finite differences (a projection shortcut)", "[net][add][grad]") {
    check_net<BasicSequential<double, Input<5>, Add<Sequential<Dense<4>, Tanh, Dense<6>>, Dense<6>>, ReLU, Dense<2>>>();
    check_net<BasicSequential<double, Input<5>, Add<Sequential<Dense<4>, Tanh, Dense<6>>, Dense<6>>, Dense<2>>, MSE, 1>();
    check_net<BasicSequential<double, Input<3>, Dense<4>, Add<Identity, Sigmoid, Residual<Dense<4>>>, Dense<2>>>();
}

TEST_CASE("Add: batch 1 equals batch B", "[net][add]") {
    using Net = Sequential<Input<6>, Add<Sequential<Dense<5>, ReLU>, Dense<5>>, Dense<2>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    Net::input_batch<3> X;
    net_checks::fill(X, 2);
    auto ws = std::make_unique<Net::workspace<3>>();
    net->forward(X, *ws);
    for (std::size_t r = 0; r < 3; ++r) {
        Tensor<float, 6> x;
        for (std::size_t i = 0; i < 6; ++i) x(i) = X(r, i);
        const auto y = net->forward(x);
        for (std::size_t i = 0; i < 2; ++i) REQUIRE(y(i) == Approx(ws->output()(r, i)).epsilon(1e-5).margin(1e-6));
    }
}
