// One network shared by threads, each with its own workspace and state:
// built with ThreadSanitizer (clang), which reports any data race, and the
// results must equal the same calls made by one thread. Covers the batch
// forward and backward of a residual/branching network and the streaming
// forward of a stateful one.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "../../examples/one_pole.hpp"

using namespace ctnn;

using Net = Sequential<Input<6>, Dense<16>, Tanh, Residual<Dense<16>, ReLU, Dense<16>>,
                       Concat<Dense<4>, Sequential<Dense<4>, Sigmoid>>, Dense<3>>;
using Stream = Sequential<Input<2>, Dense<8>, Tanh, examples::OnePole, Dense<1>>;

namespace {

struct batch_result {
    std::vector<float> out, grad;
};

batch_result run_batch(const Net& net, unsigned seed) {
    auto ws = std::make_unique<Net::workspace<8>>();
    auto g = std::make_unique<Net::gradients>();
    auto x = std::make_unique<Net::input_batch<8>>();
    Rng r(seed);
    for (auto& v : *x) v = float(r.uniform(-1, 1));
    Net::output_batch<8> t;
    for (auto& v : t) v = float(r.uniform(-1, 1));
    batch_result res;
    for (int rep = 0; rep < 50; ++rep) {
        net.forward<true>(*x, *ws);
        MSE::compute(ws->output(), t, ws->output_grad());
        net.backward(*x, *ws, *g);
    }
    res.out.assign(ws->output().data(), ws->output().data() + 24);
    res.grad.assign(g->data, g->data + Net::param_storage);
    return res;
}

std::vector<float> run_stream(const Stream& net, unsigned seed) {
    Stream::state_type st;
    std::vector<float> ys;
    Rng r(seed);
    for (int t = 0; t < 2000; ++t) {
        const Tensor<float, 2> x{{float(r.uniform(-1, 1)), float(r.uniform(-1, 1))}};
        ys.push_back(net.forward(x, st)(0));
    }
    return ys;
}

}  // namespace

/// The harness's sanity check (`--race`): threads that share one workspace
/// race, and ThreadSanitizer must say so (the test expects this run to fail).
int race(const Net& net) {
    auto ws = std::make_unique<Net::workspace<8>>();
    auto x = std::make_unique<Net::input_batch<8>>();
    std::vector<std::thread> pool;
    for (int i = 0; i < 2; ++i)
        pool.emplace_back([&] {
            for (int rep = 0; rep < 20; ++rep) net.forward(*x, *ws);
        });
    for (auto& t : pool) t.join();
    std::printf("shared workspace: no race reported\n");
    return EXIT_SUCCESS;
}

int main(int argc, char** argv) {
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    if (argc > 1 && std::string(argv[1]) == "--race") return race(*net);
    auto stream = std::make_unique<Stream>();
    init::torch_default(*stream, 2);

    constexpr unsigned threads = 4;
    std::vector<batch_result> alone(threads), together(threads);
    std::vector<std::vector<float>> s_alone(threads), s_together(threads);
    for (unsigned i = 0; i < threads; ++i) {
        alone[i] = run_batch(*net, i);
        s_alone[i] = run_stream(*stream, 100 + i);
    }
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i)
        pool.emplace_back([&, i] {
            together[i] = run_batch(*net, i);
            s_together[i] = run_stream(*stream, 100 + i);
        });
    for (auto& t : pool) t.join();

    int failed = 0;
    for (unsigned i = 0; i < threads; ++i) {
        failed += together[i].out != alone[i].out;
        failed += together[i].grad != alone[i].grad;
        failed += s_together[i] != s_alone[i];
    }
    std::printf("%u threads sharing one network: %d of %u results differ from one thread's\n", threads, failed,
                3 * threads);
    std::printf("%d passed, %d failed\n", 3 * int(threads) - failed, failed);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
