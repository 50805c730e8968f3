// Composition: shapes, parameter counts and layout, names, the summary, and
// forward at batch 1 against batch 64 and against a hand computation.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <set>
#include <sstream>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

using namespace ctnn;

using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;

TEST_CASE("a network is a type: shapes, counts and layout at compile time", "[net]") {
    STATIC_REQUIRE(Mlp::param_count == 101'770);
    STATIC_REQUIRE(Mlp::root::count == 2);  // Dense+ReLU fused, Dense
    STATIC_REQUIRE(Mlp::root::unit<1>::index == 2);  // its PyTorch index counts the ReLU
    STATIC_REQUIRE(std::is_same_v<Mlp::out_shape, Shape<10>>);
    STATIC_REQUIRE(std::is_same_v<Mlp::root::child<0>::activation, ReLU>);
    STATIC_REQUIRE(Mlp::root::param_offsets<float>[0] == 0);
    STATIC_REQUIRE(Mlp::root::param_offsets<float>[1] % 16 == 0);
    STATIC_REQUIRE(Mlp::param_table[2].name == "2.weight");
    STATIC_REQUIRE(Mlp::param_table[2].offset == Mlp::root::param_offsets<float>[1]);
    STATIC_REQUIRE(Mlp::flops_forward == 2 * 784 * 128 + 128 + 2 * 128 * 10 + 10);
    using Conv = Sequential<Input<2, 3>, Flatten, Dense<4>, Tanh, Dropout<0.5f>, Dense<2, false>, Softmax>;
    STATIC_REQUIRE(Conv::param_count == 6 * 4 + 4 + 4 * 2);
    STATIC_REQUIRE(std::is_same_v<Conv::root::child<0>::out_shape, Shape<6>>);
    STATIC_REQUIRE(Conv::root::count == 5);
}

TEST_CASE("parameters are named as in nn.Sequential's state_dict and aligned", "[net]") {
    auto net = std::make_unique<Sequential<Input<3>, Dense<4>, Tanh, Dense<2>, PReLU, Dense<1, false>>>();
    std::vector<std::string> names;
    std::size_t total = 0;
    net->for_each_param([&](const std::string& name, const param_info& info, float* data) {
        names.push_back(name);
        total += info.size();
        REQUIRE(reinterpret_cast<std::uintptr_t>(data) % 64 == 0);
    });
    REQUIRE(names == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "4.weight"});
    REQUIRE(total == decltype(net)::element_type::param_count);
}

TEST_CASE("summary prints a table with the totals", "[net]") {
    std::ostringstream os;
    Mlp::summary(os);
    const std::string s = os.str();
    REQUIRE(s.find("0: Dense<128> + ReLU") != std::string::npos);
    REQUIRE(s.find("[128]") != std::string::npos);
    REQUIRE(s.find("100480") != std::string::npos);
    REQUIRE(s.find("2: Dense<10>") != std::string::npos);
    REQUIRE(s.find("Total params: 101770") != std::string::npos);
}

TEST_CASE("forward at batch 1 agrees with batch 64 and with a hand computation", "[net]") {
    auto net = std::make_unique<Mlp>();
    init::he_uniform(*net, 42);
    auto X = std::make_unique<Mlp::input_batch<64>>();
    Rng r(9);
    for (auto& v : *X) v = float(r.uniform());
    auto ws = std::make_unique<Mlp::workspace<64>>();
    net->forward(*X, *ws);
    const float* w0 = net->param<"0.weight">().data();
    const float* b0 = net->param<"0.bias">().data();
    const float* w1 = net->param<"2.weight">().data();
    const float* b1 = net->param<"2.bias">().data();
    for (std::size_t s : {0u, 1u, 17u, 63u}) {
        Tensor<float, 784> x;
        for (std::size_t i = 0; i < 784; ++i) x(i) = (*X)(s, i);
        const auto y = net->forward(x);
        double h[128];
        for (std::size_t o = 0; o < 128; ++o) {
            double z = b0[o];
            for (std::size_t i = 0; i < 784; ++i) z += double(w0[o * 784 + i]) * x(i);
            h[o] = std::max(z, 0.0);
        }
        for (std::size_t o = 0; o < 10; ++o) {
            double z = b1[o];
            for (std::size_t i = 0; i < 128; ++i) z += double(w1[o * 128 + i]) * h[i];
            // float sums of 784 terms of size ~0.1: a few 1e-6 relative
            REQUIRE(double(y(o)) == Approx(z).margin(1e-4));
            REQUIRE(ws->output()(s, o) == Approx(y(o)).margin(1e-5));
        }
    }
}

