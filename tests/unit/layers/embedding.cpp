// Embedding<Vocab, Dim>: the protocol, lookup, the scattered weight
// gradient (a token used twice adds up), finite differences, no allocation.
// PyTorch parity: norm_pool_parity.cpp.
#include <catch2/catch.hpp>

#include <limits>
#include <memory>

#include <ctnn/ctnn.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"

using namespace ctnn;

TEST_CASE("Embedding follows the layer protocol", "[layers][embedding]") {
    using E = layers::binding<Embedding<11, 5>>::type<Shape<6>>;
    STATIC_REQUIRE(Layer<E>);
    STATIC_REQUIRE(std::is_same_v<E::out_shape, Shape<6, 5>>);
    STATIC_REQUIRE(E::param_count == 55);
    STATIC_REQUIRE(E::params<float>[0].name == "weight");
    STATIC_REQUIRE(E::params<float>[0].init.kind == init_rule::normal);
    STATIC_REQUIRE(!layers::binding<Embedding<11, 5>>::accepts<Shape<2, 3>>);
}

TEST_CASE("Embedding: lookup, initialisation and the scattered gradient", "[layers][embedding]") {
    using Net = Sequential<Input<4>, Embedding<7, 3>>;
    auto net = std::make_unique<Net>();
    init::xavier_uniform(*net, 11);  // N(0, 1) whatever the initialiser
    double sum = 0, sq = 0;
    for (std::size_t i = 0; i < 21; ++i) {
        sum += net->params()[i];
        sq += double(net->params()[i]) * net->params()[i];
    }
    CHECK(std::abs(sum / 21) < 0.8);
    CHECK(sq / 21 > 0.2);
    CHECK(sq / 21 < 3.0);
    auto w = net->param<"0.weight">();
    const Tensor<float, 4> x{3.f, 0.f, 6.f, 3.f};
    const auto y = net->forward(x);
    for (std::size_t j = 0; j < 3; ++j) {
        CHECK(y(0, j) == w(3, j));
        CHECK(y(1, j) == w(0, j));
        CHECK(y(2, j) == w(6, j));
        CHECK(y(3, j) == w(3, j));
    }
    Net::input_batch<1> xb{3.f, 0.f, 6.f, 3.f};
    auto ws = std::make_unique<Net::workspace<1>>();
    net->forward<true>(xb, *ws);
    for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t j = 0; j < 3; ++j) ws->output_grad()(0, r, j) = float(r + 1) + 0.1f * float(j);
    auto g = std::make_unique<Net::gradients>();
    g->data[5 * 3] = 99.f;  // overwritten, not accumulated
    Net::input_batch<1> dx{1.f, 1.f, 1.f, 1.f};
    net->backward(xb, *ws, *g, &dx);
    auto dw = Net::param_in<"0.weight">(*g);
    for (std::size_t j = 0; j < 3; ++j) {
        CHECK(dw(3, j) == Approx(1 + 4 + 0.2 * double(j)).epsilon(1e-6));  // rows 0 and 3 both use token 3
        CHECK(dw(0, j) == Approx(2 + 0.1 * double(j)).epsilon(1e-6));
        CHECK(dw(6, j) == Approx(3 + 0.1 * double(j)).epsilon(1e-6));
        CHECK(dw(5, j) == 0.f);
        CHECK(dw(1, j) == 0.f);
    }
    for (std::size_t i = 0; i < 4; ++i) CHECK(dx(0, i) == 0.f);  // indices have no gradient
}

#ifdef NDEBUG
TEST_CASE("Embedding: an index out of range is clamped in release builds", "[layers][embedding]") {
    using E = layers::embedding<1, 7, 3>;
    CHECK(E::row(-3.f) == 0);
    CHECK(E::row(7.f) == 6);
    CHECK(E::row(1e9f) == 6);
    CHECK(E::row(std::numeric_limits<float>::quiet_NaN()) == 0);
    CHECK(E::row(2.9999998f) == 3);
    CHECK(E::row(-0.2f) == 0);
}
#endif

TEST_CASE("Embedding: gradients against finite differences", "[layers][embedding][grad]") {
    using Net = BasicSequential<double, Input<6>, Embedding<9, 4>, Tanh, Flatten, Dense<3>>;
    constexpr std::size_t B = 3;
    net_checks::problem<Net, MSE, B, Net::output_batch<B>> p;
    init::torch_default(p.net, 3);
    for (std::size_t i = 0; i < p.x.size; ++i) p.x.data()[i] = double((i * 5 + 2) % 9);  // every token, some twice
    net_checks::fill(p.targets, 4);
    net_checks::check_problem(p);  // the input's finite differences are 0, as its gradient
}

TEST_CASE("Embedding: no allocation in forward and backward", "[layers][embedding][alloc]") {
    using Net = Sequential<Input<6>, Embedding<11, 5>, Flatten, Dense<3>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    auto x = std::make_unique<Net::input_batch<5>>();
    for (std::size_t i = 0; i < x->size; ++i) x->data()[i] = float(i % 11);
    auto ws = std::make_unique<Net::workspace<5>>();
    auto g = std::make_unique<Net::gradients>();
    auto adam = std::make_unique<optim::Adam<Net>>();
    REQUIRE(ctnn_test::allocations_during([&] {
                net->forward<true>(*x, *ws);
                net->backward(*x, *ws, *g);
                adam->step(*net, *g);
            }) == 0);
}
