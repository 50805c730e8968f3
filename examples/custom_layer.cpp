// A layer of your own: examples/one_pole.hpp writes a stateful, trainable
// layer (a one-pole smoothing filter with a learned coefficient per feature)
// against ctnn's layer protocol, in ~80 lines. Here it sits in a network
// like any built-in layer: the network's summary lists it, its parameter
// is named "2.coefficient" and initialised by its own rule, the network
// becomes stateful (forward takes a state; each voice of a plugin keeps its
// own), reset() starts a stream over, and it trains with the built-in
// optimizers. Run by the test suite with --quick.
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "one_pole.hpp"
#include "support.hpp"

using namespace ctnn;
using examples::OnePole;

using Net = Sequential<Input<2>, Dense<8>, Tanh, OnePole, Dense<1>>;
static_assert(Net::stateful, "a network with a stateful layer is stateful");
static_assert(Layer<examples::one_pole<8>> && StatefulLayer<examples::one_pole<8>>);
static_assert(Net::param_count == 2 * 8 + 8 + 8 + 8 + 1);

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    examples::Checks checks;
    Net::summary(std::cout);

    auto net = std::make_unique<Net>();
    init::torch_default(*net, 3);
    checks.expect(net->param<"2.coefficient">()(0) == 0.5f, "the custom parameter starts at its own rule's value (0.5)");

    // Streaming: one sample per call, the filter's memory in the state.
    const std::size_t steps = opt.quick ? 64 : 4096;
    auto signal = [](std::size_t t) { return Tensor<float, 2>{{float(std::sin(0.05 * double(t))), t % 7 ? 0.f : 1.f}}; };
    Net::state_type voice;
    std::vector<float> first;
    for (std::size_t t = 0; t < steps; ++t) first.push_back(net->forward(signal(t), voice)(0));
    voice.reset();
    bool same = true;
    for (std::size_t t = 0; t < steps; ++t) same = same && net->forward(signal(t), voice)(0) == first[t];
    checks.expect(same, "after reset() a stream gives the same outputs again");

    // Two voices share the weights, not the state.
    Net::state_type a, b;
    bool independent = true;
    for (std::size_t t = 0; t < steps; ++t) {
        const float ya = net->forward(signal(t), a)(0);
        (void)net->forward(signal(t + 1000), b);
        independent = independent && ya == first[t];
    }
    checks.expect(independent, "two voices run interleaved without touching each other's state");

    // A batch of 2 streams steps both at once (ws.state holds 2 states).
    auto ws = std::make_unique<Net::workspace<2>>();
    bool batched = true;
    for (std::size_t t = 0; t < steps; ++t) {
        Net::input_batch<2> x;
        x(0, 0) = signal(t)(0), x(0, 1) = signal(t)(1);
        x(1, 0) = signal(t)(0), x(1, 1) = signal(t)(1);
        net->forward(x, *ws);
        batched = batched && std::abs(ws->output()(0, 0) - first[t]) < 1e-6f && ws->output()(1, 0) == ws->output()(0, 0);
    }
    checks.expect(batched, "a batch of streams equals each stream run alone");

    // Training: learn to predict the smoothed signal, one step of truncated BPTT per sample.
    auto g = std::make_unique<Net::gradients>();
    optim::Adam<Net> adam({.lr = 2e-3});
    ws->state.reset();
    auto loss_over = [&](std::size_t from, std::size_t n) {
        double sum = 0;
        float smooth = 0;
        for (std::size_t t = 0; t < from + n; ++t) {
            Net::input_batch<2> x;
            Net::output_batch<2> target;
            for (std::size_t r = 0; r < 2; ++r) x(r, 0) = signal(t)(0), x(r, 1) = signal(t)(1);
            smooth = 0.9f * smooth + 0.1f * signal(t)(0);
            target(0, 0) = target(1, 0) = 0.5f + 2 * smooth;
            const float l = train::step<MSE>(*net, *ws, *g, adam, x, target);
            if (t >= from) sum += l;
        }
        return sum / double(n);
    };
    const std::size_t n = opt.quick ? 200 : 2000;
    const double before = loss_over(0, n);
    const double after = loss_over(0, n);
    std::printf("training: mean loss %.5f in the first pass, %.5f in the second\n", before, after);
    checks.expect(after < 0.5 * before, "training with the custom layer lowers the loss");
    return checks.exit_code();
}
