// Slice<Begin, End> (layers/slice.hpp): rows [Begin, End) of a sample's
// first axis; backward scatters into zeros; gradients; what it refuses.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/ctnn.hpp>

#include "../net/net_checks.hpp"

using namespace ctnn;

TEST_CASE("Slice: shapes and the protocol", "[layers][slice]") {
    using S = layers::binding<Slice<1, 3>>::type<Shape<5, 7>>;
    STATIC_REQUIRE(Layer<S>);
    STATIC_REQUIRE(std::is_same_v<S::out_shape, Shape<2, 7>>);
    STATIC_REQUIRE(std::is_same_v<layers::binding<Slice<0, 4>>::type<Shape<6>>::out_shape, Shape<4>>);
    STATIC_REQUIRE(std::is_same_v<layers::binding<Slice<2, 3>>::type<Shape<4, 2, 3>>::out_shape, Shape<1, 2, 3>>);
    STATIC_REQUIRE(layers::binding<Slice<0, 5>>::accepts<Shape<5, 2>>);
    STATIC_REQUIRE(!layers::binding<Slice<0, 6>>::accepts<Shape<5, 2>>);
    STATIC_REQUIRE(Sequential<Input<5, 2>, Slice<1, 3>, Flatten, Dense<2>>::param_table[0].name == "2.weight");
}

TEST_CASE("Slice: forward copies the rows, backward scatters into zeros", "[layers][slice]") {
    using Net = Sequential<Input<4, 3>, Slice<1, 3>>;
    Net net;
    Net::input_batch<2> x;
    for (std::size_t i = 0; i < x.size; ++i) x.data()[i] = float(i);
    auto ws = std::make_unique<Net::workspace<2>>();
    net.forward<true>(x, *ws);
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t r = 0; r < 2; ++r)
            for (std::size_t t = 0; t < 3; ++t) REQUIRE(ws->output()(b, r, t) == x(b, r + 1, t));
    for (std::size_t i = 0; i < 12; ++i) ws->output_grad().data()[i] = float(i) + 100;
    Net::gradients g;
    Net::input_batch<2> dx;
    for (auto& v : dx) v = -1;
    net.backward(x, *ws, g, &dx);
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t r = 0; r < 4; ++r)
            for (std::size_t t = 0; t < 3; ++t)
                REQUIRE(dx(b, r, t) == (r == 1 || r == 2 ? ws->output_grad()(b, r - 1, t) : 0.f));
}

TEST_CASE("Slice: gradients against finite differences", "[layers][slice][grad]") {
    net_checks::check_net<BasicSequential<double, Input<7>, Dense<6>, Tanh, Slice<2, 5>, Dense<2>>>();
    net_checks::check_net<BasicSequential<double, Input<7>, Residual<Slice<0, 3>, Dense<7>>, Slice<4, 7>>>();
}
