// PyTorch parity of a small CNN: nn.Conv2d, ReLU, nn.BatchNorm2d,
// nn.MaxPool2d, nn.Conv2d, tools/ctnn_torch.py's GlobalAvgPool and
// nn.Linear (tests/fixtures/make_conv2d_fixtures.py), in float and double:
// training and eval outputs, loss, gradients, the state after 20 Adam steps
// (../parity_checks.hpp). The other Conv2D fixtures: conv2d_parity.cpp.
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {

template <class T>
using SmallCNN = BasicSequential<T, Input<3, 11, 9>, Conv2D<6, 3, 3, 1, 1, 1, Pad<1>>, ReLU, BatchNorm2D,
                                 MaxPool2D<2, 2>, Conv2D<5, 3, 2>, ReLU, GlobalAvgPool, Dense<3>>;

}  // namespace

TEST_CASE("PyTorch parity: a small CNN (Conv2D, BatchNorm2D, MaxPool2D, GlobalAvgPool, Dense)",
          "[layers][conv2d][parity]") {
    check_fixture<SmallCNN, 5>("conv2d_cnn");
}
