// layers/softmax.hpp: the layer's forward is the softmax of each sample,
// also in a constant expression, and its gradient by finite differences.
// (The row kernel: tests/unit/simd/softmax.cpp.)
// Through a network, the stable interface, rather than the layer protocol.
#include <catch2/catch.hpp>

#include "../net/net_checks.hpp"

#include <cmath>

#include <ctnn/layers/softmax.hpp>
#include <ctnn/net.hpp>

using namespace ctnn;

namespace {
using Net = BasicSequential<double, Input<5>, Softmax>;
}

TEST_CASE("Softmax layer: the softmax of each sample", "[layers][softmax]") {
    const Net net;
    Tensor<double, 5> x;
    for (std::size_t i = 0; i < 5; ++i) x(i) = std::cos(double(i)) * 3;
    const Tensor<double, 5> y = net.forward(x);
    double s = 0;
    for (std::size_t i = 0; i < 5; ++i) s += std::exp(x(i));
    for (std::size_t i = 0; i < 5; ++i) REQUIRE(y(i) == Approx(std::exp(x(i)) / s).epsilon(1e-14));
    static_assert([] {
        const Net n;
        const Tensor<double, 5> p = n.forward(Tensor<double, 5>{1, 1, 1, 1, 1});
        return p(0) == 0.2 && p(4) == 0.2;
    }());
}

TEST_CASE("Softmax layer: gradients against finite differences", "[layers][softmax][grad]") {
    net_checks::check_net<ctnn::BasicSequential<double, ctnn::Input<6>, ctnn::Dense<4>, ctnn::Softmax>>();
}
