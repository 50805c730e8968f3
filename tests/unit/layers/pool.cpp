// MaxPool1D/2D, AvgPool1D/2D and GlobalAvgPool: the protocol, shapes, by
// hand (padding, ties, NaN), finite differences, no allocation.
// PyTorch parity: norm_pool_parity.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>

#include <ctnn/ctnn.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("pooling layers follow the layer protocol and infer their shapes", "[layers][pool]") {
    using M1 = layers::binding<MaxPool1D<3, 2, 1>>::type<Shape<3, 37>>;
    STATIC_REQUIRE(Layer<M1>);
    STATIC_REQUIRE(std::is_same_v<M1::out_shape, Shape<3, 19>>);
    using A1 = layers::binding<AvgPool1D<4>>::type<Shape<2, 9>>;
    STATIC_REQUIRE(std::is_same_v<A1::out_shape, Shape<2, 2>>);
    using M2 = layers::binding<MaxPool2D<3, 2, 2, 2, 1, 1>>::type<Shape<3, 9, 11>>;
    STATIC_REQUIRE(Layer<M2>);
    STATIC_REQUIRE(std::is_same_v<M2::out_shape, Shape<3, 5, 6>>);
    using A2 = layers::binding<AvgPool2D<2, 2>>::type<Shape<3, 9, 11>>;
    STATIC_REQUIRE(std::is_same_v<A2::out_shape, Shape<3, 4, 5>>);
    using G = layers::binding<GlobalAvgPool>::type<Shape<3, 9, 11>>;
    STATIC_REQUIRE(Layer<G>);
    STATIC_REQUIRE(std::is_same_v<G::out_shape, Shape<3>>);
    STATIC_REQUIRE(layers::param_count_of<M2> == 0);
    // what the bindings refuse (the compile-fail cases show the messages)
    STATIC_REQUIRE(!layers::binding<MaxPool2D<2, 2>>::accepts<Shape<3, 9>>);
    STATIC_REQUIRE(!layers::binding<MaxPool1D<2>>::accepts<Shape<3, 4, 4>>);
    STATIC_REQUIRE(!layers::binding<MaxPool1D<10>>::accepts<Shape<3, 9>>);
    STATIC_REQUIRE(layers::binding<MaxPool1D<10, 1, 1>>::accepts<Shape<3, 9>>);  // 9 + 2 holds 10
    STATIC_REQUIRE(!layers::binding<AvgPool1D<3, 1, 2>>::accepts<Shape<3, 9>>);  // padding 2 > 3 / 2
    STATIC_REQUIRE(!layers::binding<AvgPool2D<4, 3, 1, 1, 2, 2>>::accepts<Shape<3, 9, 9>>);
    STATIC_REQUIRE(!layers::binding<GlobalAvgPool>::accepts<Shape<3>>);
}

TEST_CASE("pooling by hand: padding, count_include_pad, ties and NaN", "[layers][pool]") {
    // [1, 5]: 1 -2 3 3 -1, window 2, stride 2, padding 1: windows {pad,1} {-2,3} {3,-1}
    using Max = Sequential<Input<1, 5>, MaxPool1D<2, 2, 1>>;
    using Avg = Sequential<Input<1, 5>, AvgPool1D<2, 2, 1>>;
    const Tensor<float, 1, 5> x{1.f, -2.f, 3.f, 3.f, -1.f};
    const auto m = Max{}.forward(x);
    CHECK(m(0, 0) == 1.f);  // the padding (-inf) never wins
    CHECK(m(0, 1) == 3.f);
    CHECK(m(0, 2) == 3.f);
    const auto a = Avg{}.forward(x);
    CHECK(a(0, 0) == 0.5f);  // (0 + 1) / 2: the padding counts
    CHECK(a(0, 1) == 0.5f);
    CHECK(a(0, 2) == 1.f);

    // ties: the first maximum takes the gradient; NaN wins
    using Tie = Sequential<Input<1, 4>, MaxPool1D<4>>;
    Tie tie;
    Tensor<float, 1, 1, 4> xt{2.f, 5.f, 5.f, 1.f};
    auto ws = std::make_unique<Tie::workspace<1>>();
    tie.forward<true>(xt, *ws);
    CHECK(ws->output()(0, 0, 0) == 5.f);
    ws->output_grad()(0, 0, 0) = 1.f;
    Tie::gradients g;
    Tie::input_batch<1> dx;
    tie.backward(xt, *ws, g, &dx);
    CHECK(dx(0, 0, 0) == 0.f);
    CHECK(dx(0, 0, 1) == 1.f);
    CHECK(dx(0, 0, 2) == 0.f);
    xt(0, 0, 3) = std::numeric_limits<float>::quiet_NaN();
    tie.forward<true>(xt, *ws);
    CHECK(std::isnan(ws->output()(0, 0, 0)));

    // 2-D: [1, 3, 3] 1..9, 2x2 windows stride 1
    using M2 = Sequential<Input<1, 3, 3>, MaxPool2D<2, 2, 1, 1>>;
    using A2 = Sequential<Input<1, 3, 3>, AvgPool2D<2, 2, 1, 1>>;
    using G = Sequential<Input<1, 3, 3>, GlobalAvgPool>;
    const Tensor<float, 1, 3, 3> im{1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f, 9.f};
    const auto mm = M2{}.forward(im);
    CHECK(mm(0, 0, 0) == 5.f);
    CHECK(mm(0, 1, 1) == 9.f);
    const auto aa = A2{}.forward(im);
    CHECK(aa(0, 0, 1) == 4.f);  // (2 + 3 + 5 + 6) / 4
    CHECK(G{}.forward(im)(0) == 5.f);
}

TEST_CASE("pooling layers: gradients against finite differences", "[layers][pool][grad]") {
    check_net<BasicSequential<double, Input<2, 11>, MaxPool1D<3, 2, 1>, Flatten, Dense<3>>, MSE, 3>();
    check_net<BasicSequential<double, Input<2, 11>, AvgPool1D<4, 3, 2>, Flatten, Dense<3>>, MSE, 3>();
    check_net<BasicSequential<double, Input<2, 7, 9>, MaxPool2D<3, 2, 2, 2, 1, 1>, Flatten, Dense<3>>, MSE, 2>();
    check_net<BasicSequential<double, Input<2, 7, 9>, AvgPool2D<2, 3, 1, 2, 1, 1>, Flatten, Dense<3>>, MSE, 2>();
    check_net<BasicSequential<double, Input<3, 5, 4>, Tanh, GlobalAvgPool, Dense<2>>, MSE, 3>();
    check_net<BasicSequential<double, Input<3, 8>, GlobalAvgPool, Dense<2>>, MSE, 1>();
}

TEST_CASE("pooling: batch rows are independent (batch 1 and batch B agree)", "[layers][pool]") {
    using Net = Sequential<Input<3, 9, 11>, MaxPool2D<3, 3, 2, 2, 1, 1>, AvgPool2D<2, 2>, GlobalAvgPool>;
    Net net;
    auto x = std::make_unique<Net::input_batch<4>>();
    net_checks::fill(*x, 9);
    auto ws = std::make_unique<Net::workspace<4>>();
    net.forward(*x, *ws);
    for (std::size_t b = 0; b < 4; ++b) {
        Net::input_type one;
        for (std::size_t i = 0; i < one.size; ++i) one.data()[i] = x->data()[b * one.size + i];
        const auto y = net.forward(one);
        for (std::size_t c = 0; c < 3; ++c) CHECK(y(c) == ws->output()(b, c));
    }
}

TEST_CASE("pooling layers: no allocation in forward and backward", "[layers][pool][alloc]") {
    using Net = Sequential<Input<3, 9, 11>, MaxPool2D<3, 2, 2, 2, 1, 1>, AvgPool2D<2, 3, 1, 2, 1, 1>, Flatten,
                           Dense<4>>;
    using Net1 = Sequential<Input<3, 37>, MaxPool1D<3, 2, 1>, AvgPool1D<4, 3, 2>, GlobalAvgPool, Dense<2>>;
    auto net = std::make_unique<Net>();
    auto net1 = std::make_unique<Net1>();
    auto x = std::make_unique<Net::input_batch<5>>();
    auto x1 = std::make_unique<Net1::input_batch<5>>();
    auto dx = std::make_unique<Net::input_batch<5>>();
    auto dx1 = std::make_unique<Net1::input_batch<5>>();
    net_checks::fill(*x, 1);
    net_checks::fill(*x1, 2);
    auto ws = std::make_unique<Net::workspace<5>>();
    auto ws1 = std::make_unique<Net1::workspace<5>>();
    auto g = std::make_unique<Net::gradients>();
    auto g1 = std::make_unique<Net1::gradients>();
    REQUIRE(ctnn_test::allocations_during([&] {
                net->forward<true>(*x, *ws);
                net->backward(*x, *ws, *g, dx.get());
                net1->forward<true>(*x1, *ws1);
                net1->backward(*x1, *ws1, *g1, dx1.get());
                net->forward(*x, *ws);
            }) == 0);
}
