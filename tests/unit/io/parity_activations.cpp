// PyTorch parity of every activation (tests/fixtures/make_fixtures.py): each
// in a small chain between two Dense layers, loaded into the matching ctnn
// type and checked by ../parity_checks.hpp. (Split from parity.cpp so that
// the two halves build in parallel.)
#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>

#include "../parity_checks.hpp"

using namespace ctnn;
using parity_checks::check_fixture;

namespace {

template <class A>
struct act_net {
    template <class T>
    using type = BasicSequential<T, Input<5>, Dense<7>, A, Dense<3>>;
};

}  // namespace

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
