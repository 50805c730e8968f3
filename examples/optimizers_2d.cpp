// Gradient descent, momentum and Adam on two functions of two variables, with
// ctnn's optimizers on a `Tensor<double, 2>` parameter and the analytic
// gradient (the same `opt.step(params, grads)` that trains a network):
//
//   1. The lecture's L(x, y) = x² - y² - 2x + 5y from θ₀ = [2, 1]: ∇L(θ₀) =
//      [2, 3], one step of rate 0.1 lands on [1.8, 0.7] where L = 2.65. L is
//      a saddle (unbounded below along y), so every method leaves along y.
//   2. An ill-conditioned quadratic L = (x² + 50 y²)/2, "highly different
//      curvature": at a rate where the steep direction is near its stability
//      limit (1 - 0.038·50 = -0.9), gradient descent zigzags across the valley
//      and crawls along it (factor 0.962 per step); momentum (μ = 0.7) averages
//      the alternating gradients away and moves along the valley; Adam scales
//      each coordinate by its own gradient history.
//
// Full mode writes the trajectories (optimizers_2d_*.csv) and a contour plot.
#include <cmath>
#include <cstdio>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {
using Theta = Tensor<double, 2>;

double saddle(const Theta& t) { return t(0) * t(0) - t(1) * t(1) - 2 * t(0) + 5 * t(1); }
Theta saddle_grad(const Theta& t) { return Theta{2 * t(0) - 2, -2 * t(1) + 5}; }

constexpr double kappa = 50;
double valley(const Theta& t) { return 0.5 * (t(0) * t(0) + kappa * t(1) * t(1)); }
Theta valley_grad(const Theta& t) { return Theta{t(0), kappa * t(1)}; }

/// θ₀, θ₁, ..., θ_steps under `opt`.
template <class Opt, class Grad>
std::vector<Theta> descend(Opt opt, Theta theta, Grad grad, int steps) {
    std::vector<Theta> path{theta};
    for (int i = 0; i < steps; ++i) {
        opt.step(theta, grad(theta));
        path.push_back(theta);
    }
    return path;
}

struct Run {
    const char* name;
    std::vector<Theta> path;
};

/// Times y changed sign along a path: one per zigzag across the valley.
int y_sign_changes(const std::vector<Theta>& p) {
    int n = 0;
    for (std::size_t i = 1; i < p.size(); ++i) n += p[i](1) * p[i - 1](1) < 0;
    return n;
}

void write_paths(const examples::Options& opt, const char* file, const std::vector<Run>& runs, double (*f)(const Theta&)) {
    examples::Csv csv(opt, file, "method,step,x,y,L");
    for (std::size_t m = 0; m < runs.size(); ++m) {
        for (std::size_t i = 0; i < runs[m].path.size(); ++i)
            csv.row(m, i, runs[m].path[i](0), runs[m].path[i](1), f(runs[m].path[i]));
        csv.gap();
        csv.gap();  // two empty lines: gnuplot's `index m` selects method m
    }
}

void print_runs(const std::vector<Run>& runs, double (*f)(const Theta&)) {
    for (const auto& r : runs) {
        const Theta& e = r.path.back();
        std::printf("  %-26s after %2zu steps: [%9.5f, %9.5f]  L = %-12.6g y changed sign %d times\n", r.name,
                    r.path.size() - 1, e(0), e(1), f(e), y_sign_changes(r.path));
    }
}
}  // namespace

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    examples::Checks check;

    // ---- 1. the lecture's saddle ----------------------------------------------
    const Theta start{2, 1};
    const std::vector<Run> saddle_runs{
        {"gradient descent, lr 0.1", descend(optim::SGD<Theta>({.lr = 0.1}), start, saddle_grad, 8)},
        {"momentum 0.9, lr 0.1", descend(optim::Momentum<Theta>({.lr = 0.1}), start, saddle_grad, 8)},
        {"Adam, lr 0.1", descend(optim::Adam<Theta>({.lr = 0.1}), start, saddle_grad, 8)},
    };
    std::printf("1. L(x, y) = x^2 - y^2 - 2x + 5y from [2, 1], L = %g\n", saddle(start));
    const Theta& first = saddle_runs[0].path[1];
    std::printf("  first gradient step: [%g, %g], L = %g\n", first(0), first(1), saddle(first));
    print_runs(saddle_runs, saddle);
    check.expect(saddle(start) == 4, "L(theta0) = 4");
    check.expect(std::abs(first(0) - 1.8) < 1e-12 && std::abs(first(1) - 0.7) < 1e-12,
                 "theta1 = theta0 - 0.1 * [2, 3] = [1.8, 0.7]");
    check.expect(std::abs(saddle(first) - 2.65) < 1e-12, "L(theta1) = 2.65");
    bool decreasing = true;
    for (std::size_t i = 1; i < saddle_runs[0].path.size(); ++i)
        decreasing = decreasing && saddle(saddle_runs[0].path[i]) < saddle(saddle_runs[0].path[i - 1]);
    check.expect(decreasing, "every gradient-descent step lowers L");

    // ---- 2. the ill-conditioned valley ----------------------------------------
    const Theta valley_start{-4, 1};
    constexpr int steps = 30;
    const std::vector<Run> valley_runs{
        {"gradient descent, lr 0.038", descend(optim::SGD<Theta>({.lr = 0.038}), valley_start, valley_grad, steps)},
        {"momentum 0.7, lr 0.038",
         descend(optim::Momentum<Theta>({.lr = 0.038, .momentum = 0.7}), valley_start, valley_grad, steps)},
        {"Adam, lr 0.1", descend(optim::Adam<Theta>({.lr = 0.1}), valley_start, valley_grad, steps)},
    };
    std::printf("2. L(x, y) = (x^2 + %g y^2) / 2 from [-4, 1], L = %g\n", kappa, valley(valley_start));
    print_runs(valley_runs, valley);
    // Measured: L = 0.83 (GD, 30 sign changes), 4.8e-4 (momentum, 16), 0.84 (Adam, 1).
    const double l_gd = valley(valley_runs[0].path.back()), l_mom = valley(valley_runs[1].path.back()),
                 l_adam = valley(valley_runs[2].path.back());
    check.expect(y_sign_changes(valley_runs[0].path) == steps, "gradient descent zigzags: y changes sign at every step");
    check.expect(y_sign_changes(valley_runs[1].path) < steps * 2 / 3, "momentum damps the zigzag (y changes sign less)");
    check.expect(l_mom < l_gd / 100, examples::format("momentum ends 100x lower than gradient descent (%.3g < %.3g / 100)",
                                                      l_mom, l_gd));
    check.expect(y_sign_changes(valley_runs[2].path) <= 3 && l_adam < valley(valley_start) / 10,
                 "Adam goes down the valley without zigzagging (<= 3 sign changes, L / 10)");

    write_paths(opt, "optimizers_2d_saddle.csv", saddle_runs, saddle);
    write_paths(opt, "optimizers_2d_valley.csv", valley_runs, valley);
    examples::plot(opt, "optimizers_2d", R"gp(
set multiplot layout 1,2
set view map
set contour base
set cntrparam levels 20
set isosamples 100
unset clabel
set key bottom right box opaque
set xlabel 'x'
set ylabel 'y'
set title 'L = x^2 - y^2 - 2x + 5y from [2, 1] (8 steps)'
set xrange [-1:3.5]
set yrange [-6:3]
splot x**2 - y**2 - 2*x + 5*y nosurface lc rgb '#bbbbbb' notitle, \
  for [m=0:2] 'optimizers_2d_saddle.csv' index m using 3:4:(0) nocontour with linespoints lw 2 pt 7 ps 0.6 \
  title word('GD momentum Adam', m + 1)
set title 'L = (x^2 + 50 y^2) / 2 from [-4, 1] (30 steps)'
set xrange [-4.5:1]
set yrange [-1.2:1.2]
splot 0.5 * (x**2 + 50 * y**2) nosurface lc rgb '#bbbbbb' notitle, \
  for [m=0:2] 'optimizers_2d_valley.csv' index m using 3:4:(0) nocontour with linespoints lw 2 pt 7 ps 0.6 \
  title word('GD momentum Adam', m + 1)
unset multiplot
)gp");
    return check.exit_code();
}
