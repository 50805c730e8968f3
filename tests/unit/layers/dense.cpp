// layers/dense.hpp: Dense with and without bias, fused with each activation:
// gradients against finite differences in double.
#include <catch2/catch.hpp>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

namespace {
auto silu_lambda = [](const auto& v) { return v * sigmoid(v); };
}  // namespace

TEMPLATE_TEST_CASE("Dense fused with each activation: gradients", "[layers][dense][grad]", Identity, ReLU, LeakyReLU<>, Tanh,
                   Sigmoid, ELU<>, GELU, GELUTanh, SiLU, Softplus, Activation<decltype(silu_lambda)>) {
    check_net<BasicSequential<double, Input<5>, Dense<7>, TestType, Dense<3>>>();
}

TEST_CASE("Dense without bias: gradients", "[layers][dense][grad]") {
    check_net<BasicSequential<double, Input<5>, Dense<4, false>, Dense<3>>>();
    check_net<BasicSequential<double, Input<5>, Dense<4, false>, Tanh, Dense<3, false>>, MSE, 1>();
}
