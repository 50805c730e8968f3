// forward_block: N steps of a stream in one call equal N single-step calls
// bit for bit, for any n <= N known at run time, and allocate nothing.
#include <catch2/catch.hpp>

#include <cstring>
#include <tuple>
#include <memory>

#include <ctnn/net.hpp>

#include "../../../examples/one_pole.hpp"
#include "../alloc_count.hpp"

using namespace ctnn;
using examples::OnePole;

namespace {
using Net = Sequential<Input<3>, Dense<5>, Tanh, OnePole, Dense<2>>;
constexpr std::size_t N = 16;

void fill_steps(Tensor<float, N, 3>& xs) {
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < 3; ++j) xs(i, j) = float(0.37 * double(i) - 0.21 * double(j * j) - 1.1);
}

/// The one-pole layer's y_{t-1} of a network state (the layer is child 1:
/// Dense and Tanh are one fused unit). Compared element by element: a state
/// object has padding bytes, which memcmp would read.
bool same_state(Net::state_type& a, Net::state_type& b) {
    const auto& ya = std::get<1>(a.parts).y;
    const auto& yb = std::get<1>(b.parts).y;
    return std::memcmp(ya, yb, sizeof ya) == 0;
}

std::unique_ptr<Net> make_net() {
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 11);
    for (std::size_t i = 0; i < 5; ++i) net->param<"2.coefficient">()(i) = 0.15f * float(i + 1);
    return net;
}
}  // namespace

TEST_CASE("forward_block equals single-step calls bit for bit and leaves the same state", "[net][stream]") {
    const auto net = make_net();
    Tensor<float, N, 3> xs;
    fill_steps(xs);
    Tensor<float, N, 2> ys;
    Net::state_type block_state{}, step_state{};
    net->forward_block(xs, ys, block_state);
    for (std::size_t i = 0; i < N; ++i) {
        Tensor<float, 3> x;
        for (std::size_t j = 0; j < 3; ++j) x(j) = xs(i, j);
        const Tensor<float, 2> y = net->forward(x, step_state);
        REQUIRE(std::memcmp(&y(0), &ys(i, 0), 2 * sizeof(float)) == 0);
    }
    REQUIRE(same_state(block_state, step_state));
    // the outputs depend on the state: a second block from the carried state differs from the first
    Tensor<float, N, 2> again;
    net->forward_block(xs, again, block_state);
    REQUIRE(std::memcmp(&again(0, 0), &ys(0, 0), sizeof(float) * 2 * N) != 0);
}

TEST_CASE("forward_block runs the first n steps known at run time and leaves the rest", "[net][stream]") {
    const auto net = make_net();
    Tensor<float, N, 3> xs;
    fill_steps(xs);
    Tensor<float, N, 2> whole, part;
    part.fill(42.0f);
    Net::state_type a{}, b{};
    net->forward_block(xs, whole, a);
    const std::size_t n = 7;  // e.g. an audio callback's frame count
    net->forward_block(xs, part, b, n);
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = 0; j < 2; ++j) {
            if (i < n)
                REQUIRE(part(i, j) == whole(i, j));
            else
                REQUIRE(part(i, j) == 42.0f);
        }
    // then the other N - n steps continue the stream as one call of N would
    Tensor<float, N, 3> rest;
    rest.fill(0.0f);
    for (std::size_t i = n; i < N; ++i)
        for (std::size_t j = 0; j < 3; ++j) rest(i - n, j) = xs(i, j);
    Tensor<float, N, 2> tail;
    net->forward_block(rest, tail, b, N - n);
    for (std::size_t i = n; i < N; ++i)
        for (std::size_t j = 0; j < 2; ++j) REQUIRE(tail(i - n, j) == whole(i, j));
    REQUIRE(same_state(a, b));
}

TEST_CASE("forward_block of a network without state maps each step", "[net][stream]") {
    using Mlp = Sequential<Input<3>, Dense<4>, SiLU, Dense<2>>;
    Mlp net;
    init::torch_default(net, 3);
    Tensor<float, N, 3> xs;
    fill_steps(xs);
    Tensor<float, N, 2> ys;
    net.forward_block(xs, ys);
    for (std::size_t i = 0; i < N; ++i) {
        Tensor<float, 3> x;
        for (std::size_t j = 0; j < 3; ++j) x(j) = xs(i, j);
        const Tensor<float, 2> y = net.forward(x);
        REQUIRE(y(0) == ys(i, 0));
        REQUIRE(y(1) == ys(i, 1));
    }
}

TEST_CASE("forward_block allocates nothing", "[net][stream][alloc]") {
    const auto net = make_net();
    auto xs = std::make_unique<Tensor<float, N, 3>>();
    fill_steps(*xs);
    auto ys = std::make_unique<Tensor<float, N, 2>>();
    auto state = std::make_unique<Net::state_type>();
    REQUIRE(ctnn_test::allocations_during([&] { net->forward_block(*xs, *ys, *state); }) == 0);
    REQUIRE(ctnn_test::allocations_during([&] { net->forward_block(*xs, *ys, *state, 5); }) == 0);
}
