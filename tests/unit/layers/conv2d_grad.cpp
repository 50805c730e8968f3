// Conv2D (layers/conv2d.hpp): gradients of networks with Conv2D against
// central finite differences in double (stride, dilation, groups,
// depthwise, Same with odd totals, Pad<P>, 1x1, both forms of the weight
// gradient, batch 1 and 3).
#include <catch2/catch.hpp>

#include <ctnn/ctnn.hpp>

#include "../net/net_checks.hpp"

using namespace ctnn;

TEST_CASE("Conv2D: gradients against finite differences", "[layers][conv2d][grad]") {
    using net_checks::check_net;
    check_net<BasicSequential<double, Input<3, 7, 6>, Conv2D<4, 3, 2, 2, 1, 1, Pad<1>>, Tanh, Flatten, Dense<2>>, MSE,
              3>(1);
    check_net<BasicSequential<double, Input<2, 9, 8>, Conv2D<3, 3, 3, 1, 2>, SiLU>, MSE, 1>(2);        // dilation 2
    check_net<BasicSequential<double, Input<4, 6, 5>, Conv2D<6, 3, 3, 1, 1, 2, Same>, ReLU, Conv2D<2, 1>>, MSE,
              3>(3);                                                                                   // groups, 1x1
    check_net<BasicSequential<double, Input<3, 6, 7>, Conv2D<3, 3, 3, 2, 1, 3, Pad<2>>, GELU>, MSE, 3>(4);  // depthwise
    check_net<BasicSequential<double, Input<2, 5, 6>, Conv2D<3, 4, 3, 1, 1, 1, Same>, Sigmoid, Conv2D<2, 1, 1, 2>>,
              MSE, 1>(5);  // odd Same totals, a strided 1x1
    // C/G·KH·KW ≥ 64: ∂W through the transposed product (conv2d::transposed_dw), one group and two
    check_net<BasicSequential<double, Input<8, 5, 4>, Conv2D<3, 3, 3, 1, 1, 1, Pad<1>>, Tanh>, MSE, 3>(6);
    check_net<BasicSequential<double, Input<16, 4, 5>, Conv2D<4, 3, 3, 1, 1, 2, Same>, ReLU, Flatten, Dense<2>>, MSE,
              3>(7);
}
