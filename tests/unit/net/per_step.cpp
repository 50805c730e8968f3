// PerStep<Layer>: a layer applied to every step of a sequence [T, ...] with
// one set of weights (nn.Linear on [B, T, F]): values, names, fusion,
// gradients and memory.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/net.hpp>

#include "net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("PerStep<Dense>: each step through the same weights, PyTorch's names", "[net][per_step]") {
    using Net = Sequential<Input<5, 3>, PerStep<Dense<2>>, Tanh>;
    STATIC_REQUIRE(std::is_same_v<Net::out_shape, Shape<5, 2>>);
    STATIC_REQUIRE(Net::param_count == 3 * 2 + 2);
    STATIC_REQUIRE(Net::param_table[0].name == "0.weight");
    STATIC_REQUIRE(Net::param_table[1].name == "0.bias");
    STATIC_REQUIRE(Net::flops_forward == 5 * (2 * 3 * 2 + 2));
    STATIC_REQUIRE(Layer<Net::root>);
    Net net;
    init::torch_default(net, 7);
    Tensor<float, 5, 3> x;
    for (std::size_t t = 0; t < 5; ++t)
        for (std::size_t f = 0; f < 3; ++f) x(t, f) = float(0.3 * double(t) - 0.45 * double(f) + 0.1);
    const auto y = net.forward(x);
    const auto w = net.param<"0.weight">();
    const auto b = net.param<"0.bias">();
    for (std::size_t t = 0; t < 5; ++t)
        for (std::size_t o = 0; o < 2; ++o) {
            double z = b(o);
            for (std::size_t f = 0; f < 3; ++f) z += double(w(o, f)) * double(x(t, f));
            REQUIRE(y(t, o) == Approx(std::tanh(z)).epsilon(1e-6));
        }
    // the activation is fused into the inner Dense: the chain has one unit
    STATIC_REQUIRE(Net::root::count == 1);
}

TEST_CASE("PerStep: gradients against finite differences", "[net][per_step][grad]") {
    check_net<BasicSequential<double, Input<4, 3>, PerStep<Dense<5>>, SiLU, PerStep<Dense<2>>>>();
    check_net<BasicSequential<double, Input<3, 2, 2>, PerStep<Flatten>, PerStep<Dense<3>>, Tanh, Flatten, Dense<2>>,
              MSE, 1>();
}

TEST_CASE("PerStep: batch B equals B single samples", "[net][per_step]") {
    using Net = Sequential<Input<6, 4>, PerStep<Dense<7>>, ReLU, PerStep<Dense<3>>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 2);
    auto X = std::make_unique<Net::input_batch<3>>();
    net_checks::fill(*X, 5);
    auto ws = std::make_unique<Net::workspace<3>>();
    net->forward(*X, *ws);
    for (std::size_t b = 0; b < 3; ++b) {
        Net::input_type x;
        for (std::size_t i = 0; i < Net::in_shape::size; ++i) x.data()[i] = X->data()[b * Net::in_shape::size + i];
        const auto y = net->forward(x);
        for (std::size_t i = 0; i < Net::out_shape::size; ++i)
            REQUIRE(y.data()[i] == Approx(ws->output().data()[b * Net::out_shape::size + i]).epsilon(1e-6));
    }
}
