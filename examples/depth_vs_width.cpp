// Depth against width, after the lecture's figure from Montufar et al. 2014:
// one hidden layer of 20 ReLU units against two hidden layers of 10, both
// fitting the same 1-D function. A ReLU network computes a piecewise-linear
// function; a unit of the second layer folds the pieces the first layer made,
// so with the same number of units the deep network can make more of them.
//
// The pieces are counted exactly (at the grid's resolution) from the
// activation pattern: inside one linear piece every ReLU stays on or off, so
// a new piece starts wherever some unit's on/off state changes between two
// neighbouring grid points. The bound for the shallow net is 21 pieces (one
// kink per unit); the deep net's is far higher.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numbers>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/net/init.hpp>
#include <ctnn/train/step.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {
using Shallow = Sequential<Input<1>, Dense<20>, ReLU, Dense<1>>;
using Deep = Sequential<Input<1>, Dense<10>, ReLU, Dense<10>, ReLU, Dense<1>>;
static_assert(Shallow::param_count == 61 && Deep::param_count == 141);

constexpr std::size_t N = 256;   // training points on [-1, 1]
constexpr std::size_t G = 4096;  // the fine grid the pieces are counted on
double target(double x) { return std::abs(std::sin(2 * std::numbers::pi * x)) - 0.5 * x; }
double grid_x(std::size_t i, std::size_t n) { return -1 + 2.0 * double(i) / double(n - 1); }

struct Fit {
    double mse = 0;      // on the training points
    int pieces = 0;      // linear pieces on [-1, 1]
    std::vector<float> y;  // on the fine grid
};

/// The net on the fine grid: its values, and its linear pieces counted from
/// the hidden units' on/off states (every unit but the last is Dense + ReLU).
template <class Net>
void evaluate(const Net& net, Fit& f) {
    auto fine = std::make_unique<Tensor<float, G, 1>>();
    for (std::size_t i = 0; i < G; ++i) (*fine)(i, 0) = float(grid_x(i, G));
    auto ws = std::make_unique<typename Net::template workspace<G>>();
    net.template forward<true>(*fine, *ws);  // keeps the hidden activations (no dropout here: same values)
    f.y.resize(G);
    for (std::size_t i = 0; i < G; ++i) f.y[i] = ws->output()(i, 0);
    auto pattern_changed = [&](std::size_t i) {
        bool changed = false;
        [&]<std::size_t... U>(std::index_sequence<U...>) {
            (
                [&] {
                    constexpr std::size_t W = Net::root::template child<U>::out_shape::size;
                    const float* h = ws->template kept_output<U>();
                    for (std::size_t k = 0; k < W; ++k)
                        changed = changed || ((h[i * W + k] > 0) != (h[(i - 1) * W + k] > 0));
                }(),
                ...);
        }(std::make_index_sequence<Net::root::count - 1>{});
        return changed;
    };
    f.pieces = 1;
    for (std::size_t i = 1; i < G; ++i) f.pieces += pattern_changed(i);
}

/// Trains `Net` on the target with Adam from seed `seed`.
template <class Net>
Fit fit(int steps, std::uint64_t seed) {
    auto x = std::make_unique<Tensor<float, N, 1>>();
    auto t = std::make_unique<Tensor<float, N, 1>>();
    for (std::size_t i = 0; i < N; ++i) {
        (*x)(i, 0) = float(grid_x(i, N));
        (*t)(i, 0) = float(target(grid_x(i, N)));
    }
    auto net = std::make_unique<Net>();
    init::torch_default(*net, seed);
    // the first layer's kinks (x = -b/w) spread over [-1, 1]: from PyTorch's
    // default, half of them fall outside and leave their unit dead or linear
    Rng rng(seed + 1000);
    const float* w = nullptr;
    net->for_each_param([&](const std::string& name, const auto& info, float* p) {
        if (name == "0.weight") w = p;
        if (name == "0.bias")
            for (std::size_t k = 0; k < info.size(); ++k) p[k] = -w[k] * float(rng.uniform(-1, 1));
    });
    auto ws = std::make_unique<typename Net::template workspace<N>>();
    auto g = std::make_unique<typename Net::gradients>();
    optim::Adam<Net> adam({.lr = 1e-2});
    Fit f;
    for (int s = 0; s < steps; ++s) {
        if (s == steps * 3 / 4) adam.config.lr = 1e-3;  // a last quarter at a tenth of the rate
        f.mse = train::step<MSE>(*net, *ws, *g, adam, *x, *t);
    }
    evaluate(*net, f);
    return f;
}

/// Montufar's construction, by hand: the first layer's 10 units make a
/// zigzag g₁ of 10 pieces mapping [-1, 1] onto [0, 1] ten times over, the
/// second layer's 10 units a zigzag g₂ of 10 pieces on [0, 1], so the
/// output g₂(g₁(x)) folds 10 pieces into each of 10: 100 pieces from the
/// same 20 units that give a single layer at most 21.
Fit folded_sawtooth() {
    constexpr int K = 10;
    auto net = std::make_unique<Deep>();
    const float s = K / 2.0f;  // g₁'s slope: a piece of width 2/K rises or falls by 1
    net->for_each_param([&](const std::string& name, const auto&, float* p) {
        for (int j = 0; j < K; ++j) {
            // layer 1: h_j = relu(x - t_j), t_0 = -1.5 (always on), t_j = -1 + 2j/K
            const float t = j == 0 ? -1.5f : -1 + 2.0f * j / K;
            if (name == "0.weight") p[j] = 1;
            if (name == "0.bias") p[j] = -t;
            // layer 2: g₁ = s h_0 - 0.5 s + Σ_j≥1 ±2s h_j; unit i is relu(g₁ - τ_i),
            // τ_0 = -1 (always on), τ_i = i/K
            for (int k = 0; k < K; ++k)
                if (name == "2.weight") p[k * K + j] = j == 0 ? s : (j % 2 ? -2 * s : 2 * s);
            if (name == "2.bias") p[j] = -0.5f * s - (j == 0 ? -1.0f : float(j) / K);
            // output: g₂ = K (u_0 - 1) + Σ_i≥1 ±2K u_i, zigzagging between 0 and 1
            if (name == "4.weight") p[j] = j == 0 ? K : (j % 2 ? -2.0f * K : 2.0f * K);
            if (name == "4.bias") p[0] = -K;
        }
    });
    Fit f;
    evaluate(*net, f);
    return f;
}

/// The best of `restarts` trainings from different seeds (a net this small
/// often ends in a local minimum that misses one bump of the target).
template <class Net>
Fit best_of(const char* name, int restarts, int steps) {
    std::printf("  %s, %zu parameters; MSE (pieces) by seed:", name, Net::param_count);
    Fit best;
    for (int r = 0; r < restarts; ++r) {
        Fit f = fit<Net>(steps, std::uint64_t(r + 1));
        std::printf(" %.4f (%d)", f.mse, f.pieces);
        if (r == 0 || f.mse < best.mse) best = std::move(f);
    }
    std::printf("\n    best: MSE %.5f, %d linear pieces\n", best.mse, best.pieces);
    return best;
}
}  // namespace

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    const int steps = opt.quick ? 3000 : 20000, restarts = opt.quick ? 3 : 8;
    std::printf("fitting |sin(2 pi x)| - x/2 on [-1, 1] (%zu points), Adam, %d steps, best of %d seeds\n", N, steps,
                restarts);
    const auto start = std::chrono::steady_clock::now();
    const Fit shallow = best_of<Shallow>("1 hidden layer of 20 ReLU units", restarts, steps);
    const Fit deep = best_of<Deep>("2 hidden layers of 10 ReLU units", restarts, steps);
    std::printf("  (%.2f s)\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

    const Fit folded = folded_sawtooth();
    std::printf("  2 hidden layers of 10, weights set by hand (a zigzag of a zigzag): %d linear pieces\n",
                folded.pieces);

    // Measured (best of 8, 20000 steps): MSE 0.00025 (20 units, 18 pieces),
    // 0.0013 (10 + 10, 14 pieces); best of 3 at 3000 steps: 0.0019 (17),
    // 0.0014 (19). Bad seeds end near 0.03, missing a bump.
    // Trained this way, the deep net does not use its extra pieces; the
    // hand-set one shows that it has them.
    examples::Checks check;
    const double bound = opt.quick ? 0.02 : 0.005;
    check.expect(shallow.mse < bound, examples::format("the 20-unit net fits (MSE %.4f < %.3f)", shallow.mse, bound));
    check.expect(deep.mse < bound, examples::format("the 10+10-unit net fits (MSE %.4f < %.3f)", deep.mse, bound));
    check.expect(shallow.pieces <= 21, "the 20-unit net has at most 21 pieces (one kink per unit)");
    check.expect(folded.pieces == 100, examples::format("the hand-set 10+10 net has 10 x 10 = 100 pieces (%d)",
                                                        folded.pieces));

    {
        examples::Csv csv(opt, "depth_vs_width.csv", "x,target,shallow,deep,folded");
        for (std::size_t i = 0; i < G; i += 2)
            csv.row(grid_x(i, G), target(grid_x(i, G)), shallow.y[i], deep.y[i], folded.y[i]);
    }
    examples::plot(opt, "depth_vs_width",
                   "set multiplot layout 1,2\nset title 'fitting |sin(2{/Symbol p}x)| - x/2: 20 wide (" +
                       std::to_string(shallow.pieces) + " pieces), 10 + 10 deep (" + std::to_string(deep.pieces) +
                       " pieces)'" + R"gp(
set xlabel 'x'
set key bottom left
plot 'depth_vs_width.csv' using 1:2 every ::1 with lines lw 6 lc rgb '#dddddd' title 'target', \
  '' using 1:3 every ::1 with lines lw 2 lc rgb '#1f77b4' title '1 layer of 20', \
  '' using 1:4 every ::1 with lines lw 2 dt 2 lc rgb '#d62728' title '2 layers of 10'
set title '10 + 10 units set by hand: a zigzag of a zigzag, 100 pieces'
plot 'depth_vs_width.csv' using 1:5 every ::1 with lines lw 1 lc rgb '#d62728' notitle
unset multiplot
)gp");
    return check.exit_code();
}
