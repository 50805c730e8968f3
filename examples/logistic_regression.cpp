// A linear classifier on two Gaussian blobs in the plane: `Dense<1>` gives a
// logit wᵀx + b, `BCEWithLogits` the cross-entropy of σ(logit) against the
// 0/1 labels, `optim::SGD` the training. The decision boundary wᵀx + b = 0 is
// a line; for two blobs of equal spherical covariance the best possible
// boundary is known (Bayes: the perpendicular bisector of the two centres),
// so the learned one can be checked against it, not only its accuracy.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/step.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {
using Net = Sequential<Input<2>, Dense<1>>;
constexpr double sigma = 0.7;
constexpr double centre[2][2] = {{-1.0, -0.5}, {1.0, 1.0}};

template <std::size_t N>
int run(const examples::Options& opt) {
    auto x = std::make_unique<Tensor<float, N, 2>>();
    auto labels = std::make_unique<Tensor<float, N, 1>>();
    Rng rng(3);
    for (std::size_t n = 0; n < N; ++n) {
        const std::size_t c = n % 2;
        (*x)(n, 0) = float(centre[c][0] + sigma * rng.normal());
        (*x)(n, 1) = float(centre[c][1] + sigma * rng.normal());
        (*labels)(n, 0) = float(c);
    }

    auto net = std::make_unique<Net>();
    auto ws = std::make_unique<typename Net::template workspace<N>>();
    auto g = std::make_unique<typename Net::gradients>();
    optim::SGD<Net> sgd({.lr = 1.0});
    const int steps = 300;
    float first = 0, loss = 0;
    for (int s = 0; s < steps; ++s) {
        loss = train::step<BCEWithLogits>(*net, *ws, *g, sgd, *x, *labels);
        if (s == 0) first = loss;
    }

    net->forward(*x, *ws);
    std::size_t correct = 0;
    for (std::size_t n = 0; n < N; ++n) correct += (ws->output()(n, 0) > 0) == ((*labels)(n, 0) > 0.5f);
    const double accuracy = double(correct) / N;
    const auto p = examples::flat_params(*net);  // weight [1, 2], bias [1]
    const double w0 = p[0], w1 = p[1], b = p[2];

    // Bayes: w* ∝ μ₁ − μ₀, through the midpoint m
    const double d0 = centre[1][0] - centre[0][0], d1 = centre[1][1] - centre[0][1];
    const double m0 = (centre[0][0] + centre[1][0]) / 2, m1 = (centre[0][1] + centre[1][1]) / 2;
    const double cosine = (w0 * d0 + w1 * d1) / std::hypot(w0, w1) / std::hypot(d0, d1);
    const double offset = (w0 * m0 + w1 * m1 + b) / std::hypot(w0, w1);  // signed distance of m from the line
    std::printf("%zu points, two blobs of sigma %.1f around (%.1f, %.1f) and (%.1f, %.1f)\n", N, sigma, centre[0][0],
                centre[0][1], centre[1][0], centre[1][1]);
    std::printf("BCE loss %.4f -> %.4f in %d SGD steps (lr 1)\n", first, loss, steps);
    std::printf("boundary %.4f x + %.4f y + %.4f = 0, training accuracy %.1f%%\n", w0, w1, b, 100 * accuracy);
    std::printf("angle to the Bayes boundary's normal %.2f degrees, midpoint %.3f from the line\n",
                std::acos(std::min(1.0, cosine)) * 180 / 3.14159265358979, offset);

    // Measured: 96.7% (512 points), 96.9% (128); the Bayes error of these
    // blobs is Φ(-|μ₁ - μ₀| / 2σ) = 3.7%.
    examples::Checks check;
    check.expect(accuracy > 0.93, examples::format("training accuracy %.1f%% > 93%%", 100 * accuracy));
    check.expect(loss < first / 2, examples::format("the loss at least halved (%.3f -> %.3f)", first, loss));
    // (the sample's own scatter: 14.7 degrees off with 128 points, 0.8 with 512)
    const double max_angle = N < 256 ? 20 : 3;
    check.expect(cosine > std::cos(max_angle * 3.14159265358979 / 180),
                 examples::format("the boundary's normal is within %.0f degrees of mu1 - mu0", max_angle));
    check.expect(std::abs(offset) < 0.25, "the boundary passes within 0.25 of the centres' midpoint");

    {
        examples::Csv points(opt, "logistic_regression.csv", "x,y,label");
        for (std::size_t n = 0; n < N; ++n) points.row((*x)(n, 0), (*x)(n, 1), (*labels)(n, 0));
    }
    examples::plot(opt, "logistic_regression",
                   "w0 = " + std::to_string(w0) + "; w1 = " + std::to_string(w1) + "; b = " + std::to_string(b) +
                       "\nd0 = " + std::to_string(d0) + "; d1 = " + std::to_string(d1) + "; m0 = " +
                       std::to_string(m0) + "; m1 = " + std::to_string(m1) + R"gp(
set title 'Dense<1> + BCEWithLogits on two Gaussian blobs'
set size ratio -1
set xrange [-3.5:3.5]
set yrange [-3:3.5]
set xlabel 'x_1'
set ylabel 'x_2'
set key top left box opaque
set palette defined (0 '#1f77b4', 1 '#d62728')
unset colorbox
plot 'logistic_regression.csv' using 1:2:3 every ::1 with points pt 7 ps 0.6 lc palette notitle, \
  -(w0 * x + b) / w1 with lines lw 2 lc rgb 'black' title 'learned boundary', \
  m1 - d0 / d1 * (x - m0) with lines lw 2 dt 2 lc rgb '#2ca02c' title 'Bayes boundary'
)gp",
                   "600,520");
    return check.exit_code();
}
}  // namespace

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    return opt.quick ? run<128>(opt) : run<512>(opt);
}
