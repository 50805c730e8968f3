// PyTorch parity of chains: nn.Sequential models made and run by PyTorch
// (tests/fixtures/make_fixtures.py) loaded into the matching ctnn type; the
// check, its error measure and tolerances are in ../parity_checks.hpp.
// Every activation: parity_activations.cpp.
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {

template <class T>
using MlpTiny = BasicSequential<T, Input<1>, Dense<8>, Tanh, Dense<8>, Tanh, Dense<1>>;
template <class T>
using MlpSmall = BasicSequential<T, Input<16>, Dense<64>, ReLU, Dense<64>, ReLU, Dense<16>>;
template <class T>
using MlpMnist = BasicSequential<T, Input<784>, Dense<128>, ReLU, Dense<10>>;
template <class T>
using Odd = BasicSequential<T, Input<37>, Dense<53>, GELU, Dense<11>>;
template <class T>
using SoftmaxNet = BasicSequential<T, Input<20>, Dense<10>, Softmax>;
template <class T>
using GeluTanhNet = BasicSequential<T, Input<13>, Dense<29>, GELUTanh, Dense<7>>;
template <class T>
using BceNet = BasicSequential<T, Input<11>, Dense<19>, Tanh, Dense<5>>;

}  // namespace

TEST_CASE("PyTorch parity: MLPs, forward, gradients and 20 Adam steps", "[io][parity]") {
    check_fixture<MlpTiny, 8>("mlp_tiny");
    check_fixture<MlpSmall, 8>("mlp_small");
    check_fixture<MlpMnist, 8, SoftmaxCrossEntropy>("mlp_mnist");
    check_fixture<Odd, 5>("odd_37_53_11");
    check_fixture<SoftmaxNet, 6>("softmax_10");
}

TEST_CASE("PyTorch parity: GELU's tanh approximation and BCE with logits summed, 20 Adam steps", "[io][parity]") {
    check_fixture<GeluTanhNet, 5>("gelu_tanh_13_29_7");       // nn.GELU(approximate="tanh")
    check_fixture<BceNet, 7, BCEWithLogitsSum>("bce_sum_11_19_5");  // nn.BCEWithLogitsLoss(reduction="sum")
}
