// PyTorch parity of chains: nn.Sequential models made and run by PyTorch
// (tests/fixtures/make_fixtures.py) loaded into the matching ctnn type; the
// check, its error measure and tolerances are in ../parity_checks.hpp.
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
template <class A>
struct act_net {
    template <class T>
    using type = BasicSequential<T, Input<5>, Dense<7>, A, Dense<3>>;
};

}  // namespace

TEST_CASE("PyTorch parity: MLPs, forward, gradients and 20 Adam steps", "[io][parity]") {
    check_fixture<MlpTiny, 8>("mlp_tiny");
    check_fixture<MlpSmall, 8>("mlp_small");
    check_fixture<MlpMnist, 8, SoftmaxCrossEntropy>("mlp_mnist");
    check_fixture<Odd, 5>("odd_37_53_11");
    check_fixture<SoftmaxNet, 6>("softmax_10");
}

TEST_CASE("PyTorch parity: every activation", "[io][parity]") {
    check_fixture<act_net<ReLU>::type, 6>("act_relu");
    check_fixture<act_net<LeakyReLU<>>::type, 6>("act_leaky_relu");
    check_fixture<act_net<LeakyReLU<0.2>>::type, 6>("act_leaky_relu_0_2");
    check_fixture<act_net<Tanh>::type, 6>("act_tanh");
    check_fixture<act_net<Sigmoid>::type, 6>("act_sigmoid");
    check_fixture<act_net<ELU<>>::type, 6>("act_elu");
    check_fixture<act_net<ELU<0.5>>::type, 6>("act_elu_0_5");
    check_fixture<act_net<GELU>::type, 6>("act_gelu");
    check_fixture<act_net<SiLU>::type, 6>("act_silu");
    check_fixture<act_net<Softplus>::type, 6>("act_softplus");
    check_fixture<act_net<PReLU>::type, 6>("act_prelu");
}

TEST_CASE("PyTorch parity: GELU's tanh approximation and BCE with logits summed, 20 Adam steps", "[io][parity]") {
    check_fixture<GeluTanhNet, 5>("gelu_tanh_13_29_7");       // nn.GELU(approximate="tanh")
    check_fixture<BceNet, 7, BCEWithLogitsSum>("bce_sum_11_19_5");  // nn.BCEWithLogitsLoss(reduction="sum")
}
