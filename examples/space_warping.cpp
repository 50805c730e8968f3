// The lecture's "NN transformation" figure: a square grid pushed through a
// 5-layer random network, x ↦ tanh(W₅ ⋯ tanh(W₁x + b₁) ⋯ + b₅), every layer
// 2 → 2 so the plane can be drawn at each step. Each layer rotates, scales
// and shifts (W x + b), then tanh squashes the plane into (-1, 1)²: the
// composition folds and bends the grid, while keeping it connected.
//
// Checked: the batched forward (GEMM) equals the one-sample forward (GEMV)
// and a double-precision evaluation written out by hand; every output is in
// tanh's range; and the map is continuous in the quantitative sense that
// neighbouring grid points stay within the network's Lipschitz bound
// Π ‖Wᵢ‖₂ (tanh is 1-Lipschitz) times their spacing.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>

#include <ctnn/ctnn.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {
using Net = Sequential<Input<2>, Dense<2>, Tanh, Dense<2>, Tanh, Dense<2>, Tanh, Dense<2>, Tanh, Dense<2>, Tanh>;
constexpr std::size_t layers = 5;

/// The network evaluated in double from its parameters ([W (2x2), b (2)] per layer).
std::array<double, 2> by_hand(const std::vector<double>& p, double x, double y) {
    for (std::size_t l = 0; l < layers; ++l) {
        const double* w = p.data() + 6 * l;
        const double u = std::tanh(w[0] * x + w[1] * y + w[4]);
        const double v = std::tanh(w[2] * x + w[3] * y + w[5]);
        x = u;
        y = v;
    }
    return {x, y};
}

/// ‖W‖₂ of a 2x2 matrix: the square root of WᵀW's larger eigenvalue.
double spectral_norm(const double* w) {
    const double a = w[0] * w[0] + w[2] * w[2], c = w[1] * w[1] + w[3] * w[3], b = w[0] * w[1] + w[2] * w[3];
    return std::sqrt((a + c) / 2 + std::hypot((a - c) / 2, b));
}

/// Each layer W = s·R(φ), a rotation by a uniform random angle, reflected
/// half of the time, scaled by s; b ~ N(0, 0.5²). (Plain N(0, σ²) matrices
/// collapse the plane onto a curve within five layers: their product tends
/// to rank one.)
void random_rotations(Net& net, std::uint64_t seed, double s) {
    Rng rng(seed);
    net.for_each_param([&](const auto&, const auto& info, float* w) {
        if (info.rank == 1) {
            for (std::size_t k = 0; k < 2; ++k) w[k] = float(0.5 * rng.normal());
            return;
        }
        const double phi = rng.uniform(0, 2 * 3.14159265358979), flip = rng.uniform() < 0.5 ? -1 : 1;
        w[0] = float(s * std::cos(phi));
        w[1] = float(-s * std::sin(phi) * flip);
        w[2] = float(s * std::sin(phi));
        w[3] = float(s * std::cos(phi) * flip);
    });
}

template <std::size_t Lines, std::size_t Points>
int run(const examples::Options& opt) {
    Net net;
    random_rotations(net, 3, 1.5);
    const auto p = examples::flat_params(net);
    double lipschitz = 1;
    for (std::size_t l = 0; l < layers; ++l) lipschitz *= spectral_norm(p.data() + 6 * l);

    // Lines horizontal then vertical lines across [-1, 1]², Points points each
    constexpr double h = 2.0 / (Points - 1);
    auto point = [](std::size_t line, std::size_t i) {
        const double across = -1 + 2.0 * double(line % Lines) / (Lines - 1), along = -1 + h * double(i);
        return line < Lines ? std::array<double, 2>{along, across} : std::array<double, 2>{across, along};
    };

    auto ws = std::make_unique<Net::workspace<Points>>();
    Tensor<float, Points, 2> batch;
    double vs_single = 0, vs_hand = 0, max_abs = 0, worst_ratio = 0;
    examples::Csv csv(opt, "space_warping.csv", "line,vertical,x,y,u,v");
    for (std::size_t line = 0; line < 2 * Lines; ++line) {
        for (std::size_t i = 0; i < Points; ++i) {
            batch(i, 0) = float(point(line, i)[0]);
            batch(i, 1) = float(point(line, i)[1]);
        }
        net.forward(batch, *ws);
        const auto out = ws->output();
        for (std::size_t i = 0; i < Points; ++i) {
            const auto one = net.forward(Tensor<float, 2>{batch(i, 0), batch(i, 1)});
            const auto ref = by_hand(p, batch(i, 0), batch(i, 1));
            for (std::size_t k = 0; k < 2; ++k) {
                vs_single = std::max(vs_single, double(std::abs(one(k) - out(i, k))));
                vs_hand = std::max(vs_hand, std::abs(ref[k] - out(i, k)));
                max_abs = std::max(max_abs, double(std::abs(out(i, k))));
            }
            if (i > 0) {
                const double d = std::hypot(out(i, 0) - out(i - 1, 0), out(i, 1) - out(i - 1, 1));
                worst_ratio = std::max(worst_ratio, d / (lipschitz * h));
            }
            csv.row(line, line >= Lines, batch(i, 0), batch(i, 1), out(i, 0), out(i, 1));
        }
        csv.gap();
    }
    csv.close();

    std::printf("a grid of %zu + %zu lines of %zu points through 5 random layers 2 -> 2 (tanh), W = 1.5 x rotation\n",
                Lines, Lines, Points);
    std::printf("Lipschitz bound (product of the layers' spectral norms): %.2f\n", lipschitz);
    std::printf("largest step between neighbours: %.3f of the bound; largest |output|: %.6f\n", worst_ratio, max_abs);
    std::printf("batched vs one sample: %.2g; float net vs double by hand: %.2g\n", vs_single, vs_hand);

    examples::plot(opt, "space_warping", R"gp(
set multiplot layout 1,2
set size ratio -1
set linetype 1 lc rgb '#1f77b4'
set linetype 2 lc rgb '#d62728'
set title 'the input grid'
plot 'space_warping.csv' using 3:4:($2 + 1) every ::1 with lines lw 1 lc variable notitle
set title 'after 5 random tanh layers'
plot 'space_warping.csv' using 5:6:($2 + 1) every ::1 with lines lw 1 lc variable notitle
unset multiplot
)gp");

    examples::Checks check;
    check.expect(max_abs <= 1, "every output is in tanh's range [-1, 1]");
    check.expect(vs_single <= 1e-5, "the batched forward (GEMM) equals the one-sample forward (GEMV) to 1e-5");
    check.expect(vs_hand <= 1e-5, "the network computes tanh(W5 ... tanh(W1 x + b1) ... + b5) (to 1e-5)");
    check.expect(worst_ratio <= 1 + 1e-3, "neighbouring grid points stay within the Lipschitz bound");
    return check.exit_code();
}
}  // namespace

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    return opt.quick ? run<11, 51>(opt) : run<21, 201>(opt);
}
