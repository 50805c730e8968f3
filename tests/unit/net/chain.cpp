// net/chain.hpp: whole chains of 3-4 layers with every loss, and a partial
// batch: backward's gradients against central finite differences in double.
// (Each layer's own checks are in tests/unit/layers/.)
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/autodiff/gradcheck.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "net_checks.hpp"

using namespace ctnn;

using namespace net_checks;

TEST_CASE("every loss: gradients", "[net][grad][loss]") {
    using Net = BasicSequential<double, Input<5>, Dense<6>, Tanh, Dense<4>>;
    check_net<Net, MSE>();
    check_net<Net, SumSquares>();
    check_net<Net, BCEWithLogits>();
    check_net<Net, BCEWithLogitsSum>();
    check_net<Net, SoftmaxCrossEntropy>();  // weighted targets, not summing to 1: the gradient is exact for them too
    // class labels
    problem<Net, SoftmaxCrossEntropy, 4, Labels<4>> p;
    init::xavier_normal(p.net, 3);
    fill(p.x, 4);
    p.targets = {3, 0, 2, 1};
    check_problem(p);
}

TEST_CASE("whole networks of 3-4 layers: gradients", "[net][grad]") {
    check_net<BasicSequential<double, Input<6>, Dense<8>, Tanh, Dense<8>, ReLU, Dense<5>, Dense<3>>,
              SoftmaxCrossEntropy, 5>();
    check_net<BasicSequential<double, Input<10>, Dense<16>, GELU, Dense<12>, Sigmoid, Dense<4>>, MSE, 3>();
    check_net<BasicSequential<double, Input<3, 4>, Flatten, Dense<9>, SiLU, Dense<9>, PReLU, Dense<2>>, BCEWithLogits,
              2>();
}

TEST_CASE("a partial batch: rows past n contribute nothing", "[net][grad]") {
    using Net = BasicSequential<double, Input<5>, Dense<6>, Tanh, Dense<3>>;
    problem<Net, MSE, 8, Net::output_batch<8>> big;
    problem<Net, MSE, 3, Net::output_batch<3>> small;
    init::he_normal(big.net, 5);
    init::he_normal(small.net, 5);
    fill(big.x, 6);
    fill(big.targets, 7);
    for (std::size_t r = 0; r < 3; ++r)
        for (std::size_t i = 0; i < 5; ++i) small.x(r, i) = big.x(r, i);
    for (std::size_t r = 0; r < 3; ++r)
        for (std::size_t i = 0; i < 3; ++i) small.targets(r, i) = big.targets(r, i);
    big.n = 3;
    auto gb = std::make_unique<Net::gradients>();
    auto gs = std::make_unique<Net::gradients>();
    Net::input_batch<8> dxb;
    Net::input_batch<3> dxs;
    REQUIRE(big.loss() == Approx(small.loss()).epsilon(1e-14));
    big.analytic(*gb, dxb);
    small.analytic(*gs, dxs);
    for (std::size_t i = 0; i < Net::param_storage; ++i) REQUIRE(gb->data[i] == Approx(gs->data[i]).margin(1e-15));
}
