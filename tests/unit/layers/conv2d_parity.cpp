// PyTorch parity of Conv2D: models of [C, H, W] samples built from
// nn.Conv2d (grouped and depthwise: conv2d_parity_depthwise.cpp; a small CNN
// with BatchNorm2D and pooling: conv2d_parity_cnn.cpp)
// (tests/fixtures/make_conv2d_fixtures.py), loaded into the
// matching ctnn types in float and double: training and eval outputs, loss,
// every parameter gradient, the input gradient and the state after 20 Adam
// steps (the check and its tolerances: ../parity_checks.hpp). Set
// CTNN_PARITY_REPORT=1 for the errors.
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {

template <class T>
using Padding2dNet = BasicSequential<T, Input<3, 11, 9>, Conv2D<5, 3, 2, 2, 1, 1, Pad<1>>, Tanh,
                                   Conv2D<4, 3, 3, 1, 2, 1, Same>, GELU, Flatten, Dense<3>>;
}  // namespace

TEST_CASE("PyTorch parity: Conv2D with stride, padding P, a 3x2 kernel and same padding with dilation",
          "[layers][conv2d][parity]") {
    check_fixture<Padding2dNet, 5>("conv2d_padding");
}
