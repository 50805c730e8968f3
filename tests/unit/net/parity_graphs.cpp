// PyTorch parity of graphs: Residual, Concat and Add models built from
// tools/ctnn_torch.py's modules (tests/fixtures/make_graph_fixtures.py) and
// loaded into the matching ctnn type, in float and in double: output, loss,
// every parameter gradient, the input gradient and the weights after 20 Adam
// steps (the check, its error measure and tolerances: ../parity_checks.hpp).
//
// Measured (g++ 12 and clang++ 14, -O1 -march=native, AVX-512), the largest
// relative L2 error of a tensor over the five fixtures:
//   float   forward 1.2e-7, gradients 4.9e-7, after 20 Adam steps 6.6e-7
//   double  forward 2.9e-16, gradients 1.2e-15, after 20 Adam steps 2.0e-15
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {

template <class T>
using ResidualMlp = BasicSequential<T, Input<5>, Dense<7>, Tanh,                         //
                                    Residual<Dense<13>, ReLU, Dense<7>>,                 //
                                    Residual<Dense<7>, Tanh, Residual<Dense<7>, SiLU>>,  //
                                    Dense<3>>;
template <class T>
using ConcatNet = BasicSequential<T, Input<5>,                                                        //
                                  Concat<Sequential<Dense<13>, Tanh, Dense<4>>, Dense<2>, Sequential<Dense<7>, GELU>>,  //
                                  Tanh, Dense<3>>;
template <class T>
using AddNet = BasicSequential<T, Input<5>, Add<Sequential<Dense<4>, Tanh, Dense<6>>, Dense<6>>, ReLU, Dense<3>>;
template <class T>
using Combined = BasicSequential<T, Input<5>,                                                                 //
                                 Residual<Concat<Sequential<Dense<13>, Tanh, Dense<3>>, Dense<2>>, Tanh>,      //
                                 Add<Sequential<Dense<13>, SiLU, Dense<7>>, Sequential<Residual<Dense<5>, Sigmoid>, Dense<7>>>,  //
                                 Concat<Residual<Dense<7>, PReLU, Dense<7>>, Identity>,                       //
                                 Dense<3>>;
/// The example of tools/ctnn_torch.py's docstring.
template <class T>
using Docstring = BasicSequential<T, Input<5>, Dense<6>, Tanh, Residual<Dense<6>, ReLU, Dense<6>>,
                                  Concat<Sequential<Dense<3>, Tanh>, Dense<2>>, Dense<3>>;

}  // namespace

TEST_CASE("PyTorch parity: Residual, nested", "[net][parity][residual]") {
    check_fixture<ResidualMlp, 9>("graph_residual_mlp");
}

TEST_CASE("PyTorch parity: Concat of chains and a single layer", "[net][parity][concat]") {
    check_fixture<ConcatNet, 9>("graph_concat");
}

TEST_CASE("PyTorch parity: Add, a projection shortcut", "[net][parity][add]") {
    check_fixture<AddNet, 9>("graph_add");
}

TEST_CASE("PyTorch parity: Residual, Concat and Add nested in each other", "[net][parity]") {
    check_fixture<Combined, 9, SoftmaxCrossEntropy>("graph_combined");
    check_fixture<Docstring, 9>("graph_docstring");
}
