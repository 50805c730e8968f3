// layers/dropout.hpp: identity at inference, seeded masks in training,
// gradients through the kept mask.
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <string>
#include <type_traits>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("dropout is the identity at inference and seeded in training", "[layers][dropout]") {
    using Net = Sequential<Input<32>, Dropout<0.5f>>;
    Net net;
    Net::input_batch<4> x;
    for (auto& v : x) v = 1.0f;
    auto ws = std::make_unique<Net::workspace<4>>();
    net.forward(x, *ws);
    for (std::size_t i = 0; i < 128; ++i) REQUIRE(ws->output()[i] == 1.0f);
    ws->rng.reseed(3);
    net.forward<true>(x, *ws);
    std::size_t zeros = 0;
    for (std::size_t i = 0; i < 128; ++i) {
        REQUIRE((ws->output()[i] == 0.0f || ws->output()[i] == 2.0f));
        zeros += ws->output()[i] == 0.0f;
    }
    REQUIRE(zeros > 32);  // about 64 of 128 dropped
    REQUIRE(zeros < 96);
    Tensor<float, 4, 32> first;
    first.assign(ws->output());
    ws->rng.reseed(3);
    net.forward<true>(x, *ws);
    REQUIRE(approx_equal(ws->output(), first, 0));
}

TEST_CASE("Dropout: gradients through the mask", "[layers][dropout][grad]") {
    check_net<BasicSequential<double, Input<8>, Dense<9>, Dropout<0.3f>, Dense<3>>>();
}

TEST_CASE("Dropout prints its probability as written", "[layers][dropout]") {
    REQUIRE(Dropout<0.1>::name() == "Dropout<0.1>");
    REQUIRE(Dropout<0.25>::name() == "Dropout<0.25>");
    // a float literal is the decimal it was written as (ctnn::real, core/real.hpp)
    STATIC_REQUIRE(std::is_same_v<Dropout<0.1f>, Dropout<0.1>>);
    STATIC_REQUIRE(real(0.3f).nano == 300'000'000 && real(-0.3f).nano == -300'000'000);
    STATIC_REQUIRE(real(1e-9f).nano == 1 && real(2.5f).nano == 2'500'000'000);
    REQUIRE(real(0.123456f).str() == "0.123456");
    // in a network's summary too, with a float literal (0.1f is 0.0999999977...)
    std::ostringstream os;
    Sequential<Input<8>, Dense<4>, LeakyReLU<>, Dropout<0.1f>, Dense<2>>::summary(os);
    INFO(os.str());
    REQUIRE(os.str().find("Dropout<0.1>") != std::string::npos);
    REQUIRE(os.str().find("LeakyReLU<0.01>") != std::string::npos);
}
