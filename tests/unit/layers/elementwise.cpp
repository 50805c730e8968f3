// layers/elementwise.hpp: each activation as a layer of its own (no Dense
// before it to fuse into): gradients against finite differences in double.
#include <catch2/catch.hpp>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

namespace {
auto silu_lambda = [](const auto& v) { return v * sigmoid(v); };
}  // namespace

TEMPLATE_TEST_CASE("each activation as a layer of its own: gradients", "[layers][elementwise][grad]", ReLU, LeakyReLU<0.2f>, Tanh,
                   Sigmoid, ELU<0.5f>, GELU, GELUTanh, SiLU, Softplus, Activation<decltype(silu_lambda)>) {
    check_net<BasicSequential<double, Input<6>, TestType, Dense<3>>>();
}
