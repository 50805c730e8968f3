// The lecture's linear regression, y = θᵀφ(x), solved twice on the same data:
//
//   * in closed form, θ = (ΦᵀΦ)⁻¹Φᵀt: the normal equations in double, by a
//     Cholesky factorisation (ΦᵀΦ is symmetric positive definite);
//   * iteratively, θ ← θ − α∇L, with a ctnn network `Dense<1>` (weights θ,
//     its bias the constant feature), the MSE loss and `optim::SGD`.
//
// The features are a cubic's, φ(x) = [x, x², x³] (plus the bias), for noisy
// samples of t = 1 + 2x − 3x² + 0.5x³ on [-1, 1]. They are correlated, so
// ΦᵀΦ is ill-conditioned and gradient descent needs over a thousand steps for
// the last digits: the lecture's question, "why do gradient descent if we can
// find the minimum analytically?", in numbers. Both must end on the same θ.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/step.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {
constexpr std::size_t D = 3;   // features of x (the bias is the network's)
constexpr std::size_t P = D + 1;  // with the constant feature
using Net = BasicSequential<double, Input<D>, Dense<1>>;
using Vec = std::array<double, P>;

Vec features(double x) { return {x, x * x, x * x * x, 1.0}; }

/// Solves A θ = b for a symmetric positive definite A (Cholesky, A = L Lᵀ).
Vec solve_spd(std::array<Vec, P> a, Vec b) {
    for (std::size_t j = 0; j < P; ++j) {  // a's lower triangle becomes L
        for (std::size_t k = 0; k < j; ++k) a[j][j] -= a[j][k] * a[j][k];
        a[j][j] = std::sqrt(a[j][j]);
        for (std::size_t i = j + 1; i < P; ++i) {
            for (std::size_t k = 0; k < j; ++k) a[i][j] -= a[i][k] * a[j][k];
            a[i][j] /= a[j][j];
        }
    }
    for (std::size_t i = 0; i < P; ++i) {  // L z = b
        for (std::size_t k = 0; k < i; ++k) b[i] -= a[i][k] * b[k];
        b[i] /= a[i][i];
    }
    for (std::size_t i = P; i-- > 0;) {  // Lᵀ θ = z
        for (std::size_t k = i + 1; k < P; ++k) b[i] -= a[k][i] * b[k];
        b[i] /= a[i][i];
    }
    return b;
}

/// θ of the network: its weights, then its bias.
Vec theta_of(const Net& net) {
    const auto p = examples::flat_params(net);
    Vec th;
    std::copy(p.begin(), p.end(), th.begin());
    return th;
}

double max_diff(const Vec& a, const Vec& b) {
    double m = 0;
    for (std::size_t i = 0; i < P; ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

template <std::size_t N>
int run(const examples::Options& opt) {
    const Vec truth{2, -3, 0.5, 1};
    auto x = std::make_unique<Tensor<double, N, D>>();
    auto t = std::make_unique<Tensor<double, N, 1>>();
    std::array<double, N> xs;
    Rng rng(7);
    for (std::size_t n = 0; n < N; ++n) {
        xs[n] = rng.uniform(-1, 1);
        const Vec phi = features(xs[n]);
        double y = 0;
        for (std::size_t i = 0; i < P; ++i) y += truth[i] * phi[i];
        for (std::size_t i = 0; i < D; ++i) (*x)(n, i) = phi[i];
        (*t)(n, 0) = y + 0.1 * rng.normal();
    }

    // closed form: (ΦᵀΦ) θ = Φᵀt
    std::array<Vec, P> gram{};
    Vec rhs{};
    for (std::size_t n = 0; n < N; ++n) {
        const Vec phi = features(xs[n]);
        for (std::size_t i = 0; i < P; ++i) {
            rhs[i] += phi[i] * (*t)(n, 0);
            for (std::size_t j = 0; j < P; ++j) gram[i][j] += phi[i] * phi[j];
        }
    }
    const Vec exact = solve_spd(gram, rhs);
    std::printf("%zu samples of t = 1 + 2x - 3x^2 + 0.5x^3 + noise(0.1)\n", N);
    std::printf("closed form      theta = [%.10f, %.10f, %.10f], b = %.10f\n", exact[0], exact[1], exact[2], exact[3]);

    // gradient descent from θ = 0 (the network's parameters start at zero)
    auto net = std::make_unique<Net>();
    auto ws = std::make_unique<typename Net::template workspace<N>>();
    auto g = std::make_unique<typename Net::gradients>();
    optim::SGD<Net> sgd({.lr = 0.5});
    const int iterations = 20000;
    const double tolerance = 1e-9;
    examples::Csv progress(opt, "linear_regression_gd.csv", "iteration,loss,max_abs_theta_error");
    int reached = -1;
    std::array<Vec, 2> snapshots{};  // θ after 10 and 100 steps, for the plot
    for (int it = 0; it < iterations; ++it) {
        const double loss = train::step<MSE>(*net, *ws, *g, sgd, *x, *t);
        const double err = max_diff(theta_of(*net), exact);
        progress.row(it + 1, loss, err);
        if (it + 1 == 10) snapshots[0] = theta_of(*net);
        if (it + 1 == 100) snapshots[1] = theta_of(*net);
        if (err < tolerance) {
            reached = it + 1;
            break;
        }
    }
    progress.close();
    const Vec gd = theta_of(*net);
    std::printf("gradient descent theta = [%.10f, %.10f, %.10f], b = %.10f\n", gd[0], gd[1], gd[2], gd[3]);
    std::printf("max |theta_gd - theta_exact| = %.3g after %d steps of lr 0.5\n", max_diff(gd, exact), reached);

    examples::Checks check;
    check.expect(reached > 0, examples::format("gradient descent reaches the closed form to %.0e (in %d steps)",
                                               tolerance, reached));
    check.expect(max_diff(exact, truth) < 0.1,
                 examples::format("the closed form recovers the true coefficients to 0.1 (%.3f)", max_diff(exact, truth)));

    {
        examples::Csv data(opt, "linear_regression_data.csv", "x,t");
        for (std::size_t n = 0; n < N; ++n) data.row(xs[n], (*t)(n, 0));
        examples::Csv fits(opt, "linear_regression_fit.csv", "x,closed_form,gd_10,gd_100");
        auto eval = [](const Vec& th, double v) {
            const Vec phi = features(v);
            double y = 0;
            for (std::size_t i = 0; i < P; ++i) y += th[i] * phi[i];
            return y;
        };
        for (int i = 0; i <= 200; ++i) {
            const double v = -1 + i / 100.0;
            fits.row(v, eval(exact, v), eval(snapshots[0], v), eval(snapshots[1], v));
        }
    }
    examples::plot(opt, "linear_regression", R"gp(
set multiplot layout 1,2
set title 'y = theta^T phi(x), phi(x) = [x, x^2, x^3, 1]'
set xlabel 'x'
set ylabel 't'
set key bottom right
plot 'linear_regression_data.csv' using 1:2 every ::1 with points pt 7 ps 0.4 lc rgb '#999999' title 'data', \
  'linear_regression_fit.csv' using 1:3 every ::1 with lines lw 2 title 'GD, 10 steps', \
  '' using 1:4 every ::1 with lines lw 2 title 'GD, 100 steps', \
  '' using 1:2 every ::1 with lines lw 2 dt 2 lc rgb 'black' title 'closed form'
set title 'gradient descent against the closed form'
set xlabel 'step'
set ylabel ''
set logscale xy
set format y '10^{%L}'
set key top right
plot 'linear_regression_gd.csv' using 1:3 every ::1 with lines lw 2 title 'max |theta - theta*|', \
  '' using 1:2 every ::1 with lines lw 2 title 'MSE loss'
unset multiplot
)gp");
    return check.exit_code();
}
}  // namespace

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    return opt.quick ? run<64>(opt) : run<512>(opt);
}
