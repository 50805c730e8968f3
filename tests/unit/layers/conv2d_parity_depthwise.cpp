// PyTorch parity of grouped and depthwise Conv2D (nn.Conv2d with groups,
// tests/fixtures/make_conv2d_fixtures.py) in float and double: outputs,
// loss, gradients, the weights after 20 Adam steps (../parity_checks.hpp).
// The other Conv2D fixtures: conv2d_parity.cpp, conv2d_parity_cnn.cpp.
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {

template <class T>
using DepthwiseNet = BasicSequential<T, Input<4, 9, 11>, Conv2D<8, 3, 3, 1, 1, 4, Pad<1>>, ReLU,
                                     Conv2D<8, 3, 3, 2, 1, 8>, SiLU, Conv2D<3, 1>>;

}  // namespace

TEST_CASE("PyTorch parity: grouped and depthwise Conv2D", "[layers][conv2d][parity]") {
    check_fixture<DepthwiseNet, 5>("conv2d_depthwise");
}
