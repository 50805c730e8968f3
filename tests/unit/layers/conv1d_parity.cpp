// PyTorch parity of Conv1D and Slice: models of [C, L] samples built from
// nn.Conv1d and tools/ctnn_torch.py's CausalConv1d, Slice, Residual and
// Concat (tests/fixtures/make_conv1d_fixtures.py), loaded into the matching
// ctnn types in float and double: output, loss, every parameter gradient,
// the input gradient and the weights after 20 Adam steps (the check and its
// tolerances: ../parity_checks.hpp). Set CTNN_PARITY_REPORT=1 for the errors.
//
// Measured (g++ 12, -O1 -march=native, AVX-512), the largest relative L2
// error of a tensor over the four fixtures:
//   float   forward 1.5e-7, gradients 4.3e-7, after 20 Adam steps 1.2e-6
//   double  forward 2.2e-16, gradients 9.3e-16, after 20 Adam steps 4.4e-15
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {

template <class T>
using CausalNet = BasicSequential<T, Input<3, 37>, Conv1D<5, 5, 1, 7, 1, Causal>, Tanh, Conv1D<3, 3, 1, 2, 1, Causal>,
                                  SiLU, Conv1D<2, 1>>;
template <class T>
using PaddingNet = BasicSequential<T, Input<3, 37>, Conv1D<5, 5, 2, 1, 1, Pad<2>>, ReLU, Conv1D<4, 4, 1, 3, 1, Same>,
                                   GELU, Conv1D<3, 3, 2>, Flatten, Dense<2>>;
template <class T>
using GroupsNet = BasicSequential<T, Input<6, 23>, Conv1D<9, 3, 1, 1, 3>, Sigmoid, Conv1D<3, 5, 3, 1, 3, Pad<1>>, Tanh,
                                  Conv1D<5, 2, 1, 4, 1, Causal>>;
template <std::size_t D>
using WaveNetLayer = Residual<Slice<0, 3>, Conv1D<3, 3, 1, D, 1, Causal>, Tanh, Concat<Conv1D<3, 1>, Conv1D<2, 1>>>;
template <class T>
using WaveNetNet = BasicSequential<T, Input<5, 37>, WaveNetLayer<1>, WaveNetLayer<2>, Slice<3, 5>, Conv1D<1, 1>>;

}  // namespace

TEST_CASE("PyTorch parity: causal dilated Conv1D stack", "[layers][conv1d][parity]") {
    check_fixture<CausalNet, 5>("conv1d_causal");
}

TEST_CASE("PyTorch parity: Conv1D with stride, padding P and same padding", "[layers][conv1d][parity]") {
    check_fixture<PaddingNet, 5>("conv1d_padding");
}

TEST_CASE("PyTorch parity: grouped Conv1D", "[layers][conv1d][parity]") {
    check_fixture<GroupsNet, 5>("conv1d_groups");
}

TEST_CASE("PyTorch parity: WaveNet layers of Residual, Slice, Concat and Conv1D", "[layers][conv1d][parity]") {
    check_fixture<WaveNetNet, 5>("conv1d_wavenet");
}
