// Every layer, activation and loss, and whole networks of 3-4 layers:
// backward's gradients against central finite differences in double.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/autodiff/gradcheck.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

using namespace ctnn;

namespace {

// Central differences (h = 1e-5) against a floor of 1e-4·max(1, |L|), as in
// gradcheck.hpp: rounding and truncation stay near 1e-7, a wrong derivative
// is off by O(1).
constexpr double limit = 1e-6;

struct target_values {};

/// Loss of `net` on (X, targets) for the first n rows; `Loss` with tensor targets.
template <class Net, class Loss, std::size_t B, class Targets>
struct problem {
    Net net;
    typename Net::template input_batch<B> x;
    Targets targets;
    std::unique_ptr<typename Net::template workspace<B>> ws = std::make_unique<typename Net::template workspace<B>>();
    std::size_t n = B;

    double loss() {
        ws->rng.reseed(7);  // dropout masks: the same at every evaluation
        net.template forward<true>(x, *ws);
        return double(Loss::compute(ws->output(), targets, ws->output_grad(), n));
    }
    // analytic gradients of the parameters and of the input
    void analytic(typename Net::gradients& g, typename Net::template input_batch<B>& dx) {
        loss();
        net.backward(x, *ws, g, &dx);
    }
};

template <class X>
void fill(X& x, std::uint64_t seed, double lo = -1, double hi = 1) {
    Rng r(seed);
    for (auto& v : x) v = typename X::value_type(r.uniform(lo, hi));
}

template <class P>
void check_problem(P& p) {
    using Net = decltype(p.net);
    auto g = std::make_unique<typename Net::gradients>();
    auto dx = std::make_unique<std::remove_cvref_t<decltype(p.x)>>();
    p.analytic(*g, *dx);
    gradcheck_report report;
    TensorView<double, Net::param_storage> params(p.net.params());
    TensorView<double, Net::param_storage> grads(g->data);
    gradcheck_tensor([&] { return p.loss(); }, params, grads, report, 0);
    gradcheck_tensor([&] { return p.loss(); }, p.x, *dx, report, 1);
    INFO(report);
    REQUIRE(report.max_rel_error < limit);
}

template <class Net, class Loss = MSE, std::size_t B = 4>
void check_net(std::uint64_t seed = 1) {
    using Targets = typename Net::template output_batch<B>;
    problem<Net, Loss, B, Targets> p;
    init::xavier_uniform(p.net, seed);
    // biases and PReLU slopes too, so no gradient is trivially zero
    p.net.for_each_param([&](const auto&, const param_info& info, double* d) {
        Rng r(seed + info.size());
        if (info.rank == 1 && info.name == "bias")
            for (std::size_t i = 0; i < info.size(); ++i) d[i] = r.uniform(-0.5, 0.5);
    });
    fill(p.x, seed + 1, -1.5, 1.5);
    if constexpr (std::is_same_v<Loss, BCEWithLogits> || std::is_same_v<Loss, BCEWithLogitsSum>)
        fill(p.targets, seed + 2, 0, 1);
    else
        fill(p.targets, seed + 2);
    check_problem(p);
}

auto silu_lambda = [](const auto& v) { return v * sigmoid(v); };

}  // namespace

TEMPLATE_TEST_CASE("Dense fused with each activation: gradients", "[net][grad]", Identity, ReLU, LeakyReLU<>, Tanh,
                   Sigmoid, ELU<>, GELU, GELUTanh, SiLU, Softplus, Activation<decltype(silu_lambda)>) {
    check_net<BasicSequential<double, Input<5>, Dense<7>, TestType, Dense<3>>>();
}

TEMPLATE_TEST_CASE("each activation as a layer of its own: gradients", "[net][grad]", ReLU, LeakyReLU<0.2f>, Tanh,
                   Sigmoid, ELU<0.5f>, GELU, GELUTanh, SiLU, Softplus, Activation<decltype(silu_lambda)>) {
    check_net<BasicSequential<double, Input<6>, TestType, Dense<3>>>();
}

TEST_CASE("Dense without bias, PReLU, Softmax, Flatten, Dropout: gradients", "[net][grad]") {
    check_net<BasicSequential<double, Input<5>, Dense<4, false>, Dense<3>>>();
    check_net<BasicSequential<double, Input<5>, Dense<7>, PReLU, Dense<3>>>();
    check_net<BasicSequential<double, Input<6>, Dense<4>, Softmax>>();
    check_net<BasicSequential<double, Input<2, 3>, Flatten, Dense<4>, Tanh>>();
    check_net<BasicSequential<double, Input<8>, Dense<9>, Dropout<0.3f>, Dense<3>>>();
}

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
