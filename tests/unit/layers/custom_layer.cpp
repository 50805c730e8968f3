// A layer written outside the library against the documented protocol
// (examples/one_pole.hpp): it satisfies the concepts, binds, trains with
// correct gradients, keeps per-stream state, and allocates nothing.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/net.hpp>

#include "../../../examples/one_pole.hpp"
#include "../net/net_checks.hpp"

using namespace ctnn;
using examples::OnePole;

TEST_CASE("a user's stateful layer satisfies each clause of the protocol", "[layers][custom]") {
    using L = examples::one_pole<5>;
    STATIC_REQUIRE(ShapedLayer<L>);
    STATIC_REQUIRE(ParameterTable<L>);
    STATIC_REQUIRE(ForwardLayer<L>);
    STATIC_REQUIRE(BackwardLayer<L>);
    STATIC_REQUIRE(StatefulLayer<L>);
    STATIC_REQUIRE(Layer<L>);
    using Net = Sequential<Input<3>, Dense<5>, OnePole, Dense<2>>;
    STATIC_REQUIRE(Net::stateful);
    STATIC_REQUIRE(Net::param_table[2].name == "1.coefficient");
    STATIC_REQUIRE(!Sequential<Input<3>, Dense<5>, Dense<2>>::stateful);
}

TEST_CASE("a user's layer: gradients against finite differences", "[layers][custom][grad]") {
    // Without a state (training from rest) and with one carried in the workspace.
    using Net = BasicSequential<double, Input<4>, Dense<5>, Tanh, OnePole, Dense<3>>;
    net_checks::problem<Net, MSE, 3, Net::output_batch<3>> p;
    init::xavier_uniform(p.net, 5);
    for (std::size_t i = 0; i < 5; ++i) p.net.param<"2.coefficient">()(i) = 0.2 + 0.1 * double(i);
    net_checks::fill(p.x, 6);
    net_checks::fill(p.targets, 7);
    // a state from an earlier call: the loss must not advance it, so restore it in each evaluation
    auto& s = std::get<1>(p.ws->state.parts);
    for (std::size_t i = 0; i < 15; ++i) s.y[i] = 0.1 * double(i) - 0.7;
    const auto saved = s;
    auto g = std::make_unique<Net::gradients>();
    auto dx = std::make_unique<Net::input_batch<3>>();
    auto loss = [&] {
        s = saved;
        return p.loss();
    };
    s = saved;
    p.analytic(*g, *dx);
    gradcheck_report report;
    TensorView<double, Net::param_storage> params(p.net.params());
    TensorView<double, Net::param_storage> grads(g->data);
    gradcheck_tensor(loss, params, grads, report, 0);
    gradcheck_tensor(loss, p.x, *dx, report, 1);
    INFO(report);
    REQUIRE(report.max_rel_error < net_checks::limit);
}

TEST_CASE("a user's layer: streaming state, reset, and batch 1 equals batch B", "[layers][custom]") {
    using Net = Sequential<Input<2>, Dense<4>, OnePole, Dense<1>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 2);
    Net::state_type st;
    auto ws = std::make_unique<Net::workspace<3>>();
    Tensor<float, 2> x{{0.5f, -1.0f}};
    Net::input_batch<3> X;
    for (std::size_t r = 0; r < 3; ++r) X(r, 0) = 0.5f, X(r, 1) = -1.0f;
    float last = 0;
    for (int t = 0; t < 5; ++t) {
        const float y = net->forward(x, st)(0);
        net->forward(X, *ws);
        for (std::size_t r = 0; r < 3; ++r) REQUIRE(ws->output()(r, 0) == Approx(y).epsilon(1e-6));
        if (t > 0) REQUIRE(y != last);  // the state moves the output
        last = y;
    }
    st.reset();
    Net::state_type fresh;
    REQUIRE(net->forward(x, st)(0) == net->forward(x, fresh)(0));
}
