// The lecture's numpy program ("But it's not that complicated", from CS231n),
// line for line in ctnn:
//
//   N, D_in, H, D_out = 64, 1000, 100, 10
//   x, y = randn(N, D_in), randn(N, D_out)
//   w1, w2 = randn(D_in, H), randn(H, D_out)
//   for t in range(2000):
//     h = 1 / (1 + np.exp(-x.dot(w1)))           # Dense<H, false>, Sigmoid
//     y_pred = h.dot(w2)                          # Dense<D_out, false>
//     loss = np.square(y_pred - y).sum()          # SumSquares
//     print(t, loss)
//     grad_y_pred = 2.0 * (y_pred - y)  ...       # backward
//     w1 -= 1e-4 * grad_w1; w2 -= 1e-4 * grad_w2  # optim::SGD, lr 1e-4
//
// No biases (the slide has none), weights and data standard normal, float64
// as numpy computes. The forward, loss, backward and update of one iteration
// are one `train::step` call, which allocates nothing.
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/step.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {
constexpr std::size_t N = 64, D_in = 1000, H = 100, D_out = 10;
using Net = BasicSequential<double, Input<D_in>, Dense<H, false>, Sigmoid, Dense<D_out, false>>;
}  // namespace

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    const int iterations = opt.quick ? 200 : 2000;

    auto x = std::make_unique<Tensor<double, N, D_in>>();
    auto y = std::make_unique<Tensor<double, N, D_out>>();
    Rng rng(0);
    for (auto& v : *x) v = rng.normal();
    for (auto& v : *y) v = rng.normal();

    auto net = std::make_unique<Net>();
    examples::init_normal(*net, 1, 1.0);
    auto ws = std::make_unique<Net::workspace<N>>();
    auto g = std::make_unique<Net::gradients>();
    optim::SGD<Net> sgd({.lr = 1e-4});

    examples::Csv csv(opt, "two_layer_net.csv", "t,loss");
    std::vector<double> loss(iterations);
    const auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < iterations; ++t) loss[t] = train::step<SumSquares>(*net, *ws, *g, sgd, *x, *y);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    // print(t, loss), every 100th iteration (all of them are in the CSV)
    for (int t = 0; t < iterations; ++t) {
        csv.row(t, loss[t]);
        if (t % 100 == 0 || t == iterations - 1) std::printf("%d %.6f\n", t, loss[t]);
    }
    csv.close();
    std::printf("%d iterations in %.3f s: %.1f us per iteration (forward + loss + backward + SGD)\n", iterations,
                seconds, 1e6 * seconds / iterations);

    examples::plot(opt, "two_layer_net", R"gp(
set title "The lecture's two-layer net: sum-of-squares loss under SGD (lr 1e-4)"
set xlabel 'iteration t'
set ylabel 'loss'
set logscale y
set grid
plot 'two_layer_net.csv' using 1:2 every ::1 with lines lw 2 title 'loss'
)gp");

    // Measured (data seed 0, weights seed 1): 3.1e4 at t = 0, 978 at t = 199,
    // 44 at t = 1000, 5.2 at t = 1999 (factors 31 and 5.9e3); the bounds
    // leave a factor 3 to 6 to spare.
    examples::Checks check;
    const double factor = loss.front() / loss.back();
    const double bound = opt.quick ? 10 : 1000;
    check.expect(factor > bound, examples::format("loss fell by a factor %.3g (> %.0g) in %d iterations", factor, bound,
                                                  iterations));
    int rises = 0;
    for (int t = 1; t < iterations; ++t) rises += loss[t] > loss[t - 1];
    check.expect(rises == 0, examples::format("the loss never rose from one iteration to the next (%d rises)", rises));
    return check.exit_code();
}
