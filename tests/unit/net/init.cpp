// net/init.hpp: reproducible initialisers, their spread, and each tensor's own rule.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <memory>

#include <ctnn/net.hpp>

using namespace ctnn;

namespace {
using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
}

TEST_CASE("initialisers are reproducible bit for bit and have the stated spread", "[net][init]") {
    auto a = std::make_unique<Mlp>(), b = std::make_unique<Mlp>(), c = std::make_unique<Mlp>();
    init::he_normal(*a, 1);
    init::he_normal(*b, 1);
    init::he_normal(*c, 2);
    REQUIRE(std::memcmp(a->params(), b->params(), sizeof(float) * Mlp::param_storage) == 0);
    REQUIRE(std::memcmp(a->params(), c->params(), sizeof(float) * Mlp::param_storage) != 0);
    auto stats = [](const float* p, std::size_t n) {
        double m = 0, q = 0, lo = 1e9, hi = -1e9;
        for (std::size_t i = 0; i < n; ++i) {
            m += p[i];
            q += double(p[i]) * p[i];
            lo = std::min(lo, double(p[i]));
            hi = std::max(hi, double(p[i]));
        }
        return std::array<double, 3>{q / double(n) - (m / double(n)) * (m / double(n)), lo, hi};
    };
    // 100352 draws: the sample variance is within a few percent of 2 / fan_in
    REQUIRE(stats(a->params(), 784 * 128)[0] == Approx(2.0 / 784).epsilon(0.03));
    init::he_uniform(*a, 3);
    const auto u = stats(a->params(), 784 * 128);
    REQUIRE(u[0] == Approx(2.0 / 784).epsilon(0.03));
    REQUIRE(u[2] <= std::sqrt(6.0 / 784));
    init::xavier_uniform(*a, 3);
    REQUIRE(stats(a->params(), 784 * 128)[2] <= std::sqrt(6.0 / (784 + 128)));
    init::torch_default(*a, 4);
    const float* bias = a->param<"0.bias">().data();
    REQUIRE(stats(bias, 128)[1] >= -1 / std::sqrt(784.0));
    REQUIRE(stats(bias, 128)[2] <= 1 / std::sqrt(784.0));
    REQUIRE(stats(bias, 128)[0] > 0);  // not all zero: torch_default draws biases too
}

TEST_CASE("each tensor is drawn by its own table entry, nested ones too", "[net][init]") {
    using Net = Sequential<Input<40>, Residual<Dense<40>, Tanh>, Concat<Dense<3>, Sequential<Dense<100>, PReLU>>>;
    STATIC_REQUIRE(Net::param_table[0].fan_in == 40);
    STATIC_REQUIRE(Net::param_table[0].role == param_role::weight);
    STATIC_REQUIRE(Net::param_table[1].role == param_role::bias);
    STATIC_REQUIRE(Net::param_table[6].name == "1.branches.1.1.weight");
    STATIC_REQUIRE(Net::param_table[6].role == param_role::other);
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 7);
    const float bound = 1 / std::sqrt(40.0f);
    float hi = 0;
    for (float v : std::array{net->param<"0.body.0.weight">()(3, 5), net->param<"0.body.0.bias">()(7)}) hi = std::max(hi, std::abs(v));
    REQUIRE(hi <= bound);
    REQUIRE(net->param<"1.branches.1.1.weight">()(0) == 0.25f);
    init::xavier_uniform(*net, 7);
    REQUIRE(net->param<"1.branches.1.0.bias">()(5) == 0.0f);  // Xavier zeroes biases
    REQUIRE(net->param<"1.branches.1.1.weight">()(0) == 0.25f);
}
