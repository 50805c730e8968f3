// layers/prelu.hpp: the learned slope and the input, by finite differences.
#include <catch2/catch.hpp>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("PReLU: gradients of the slope and the input", "[layers][prelu][grad]") {
    check_net<BasicSequential<double, Input<5>, Dense<7>, PReLU, Dense<3>>>();
    check_net<BasicSequential<double, Input<5>, PReLU, Dense<3>>, MSE, 1>();
}

TEST_CASE("PReLU: PyTorch's default slope 0.25 through its own init rule", "[layers][prelu]") {
    Sequential<Input<3>, Dense<4>, PReLU> net;
    init::torch_default(net, 1);
    REQUIRE(net.param<"1.weight">()(0) == 0.25f);
    init::he_uniform(net, 1);  // Xavier and He leave `other` tensors to their own rule
    REQUIRE(net.param<"1.weight">()(0) == 0.25f);
}
