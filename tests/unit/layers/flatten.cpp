// layers/flatten.hpp: a sample of any shape as a vector.
#include <catch2/catch.hpp>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("Flatten: shapes and gradients", "[layers][flatten][grad]") {
    STATIC_REQUIRE(std::is_same_v<Sequential<Input<2, 3, 4>, Flatten>::out_shape, Shape<24>>);
    check_net<BasicSequential<double, Input<2, 3>, Flatten, Dense<4>, Tanh>>();
}
