// Every optimizer against a double-precision scalar reference of its
// formulas (torch.optim's), over many steps, in double (to rounding) and in
// float (to float's accuracy); and on the lecture's functions.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>

using namespace ctnn;

namespace {

/// The gradient fed at step t (1-based) to parameter i: varied in sign and
/// size, independent of θ so that both implementations see the same values.
double grad_at(std::size_t t, std::size_t i) {
    return std::sin(0.37 * double(i) + 1.3 * double(t)) * (1 + 0.5 * std::cos(0.11 * double(i * t)));
}
double start_at(std::size_t i) { return std::cos(0.7 * double(i)) * 0.5; }

/// A scalar reference of each rule, written from torch.optim's documentation.
struct reference {
    std::vector<double> p, b, m, v, a;
    std::size_t t = 0;
    explicit reference(std::size_t n, double acc0 = 0) : p(n), b(n), m(n), v(n, acc0), a(n) {
        for (std::size_t i = 0; i < n; ++i) p[i] = start_at(i);
    }
    template <class Config>
    void sgd(const Config& c) {
        ++t;
        for (std::size_t i = 0; i < p.size(); ++i) {
            double g = grad_at(t, i) + c.weight_decay * p[i];
            if (c.momentum != 0) {
                b[i] = t == 1 ? g : c.momentum * b[i] + (1 - c.dampening) * g;
                g = c.nesterov ? g + c.momentum * b[i] : b[i];
            }
            p[i] -= c.lr * g;
        }
    }
    template <class Config>
    void adam(const Config& c, bool decoupled) {
        ++t;
        for (std::size_t i = 0; i < p.size(); ++i) {
            double g = grad_at(t, i);
            if (decoupled) p[i] *= 1 - c.lr * c.weight_decay;
            else g += c.weight_decay * p[i];
            m[i] = c.beta1 * m[i] + (1 - c.beta1) * g;
            v[i] = c.beta2 * v[i] + (1 - c.beta2) * g * g;
            const double mhat = m[i] / (1 - std::pow(c.beta1, double(t)));
            const double vhat = v[i] / (1 - std::pow(c.beta2, double(t)));
            p[i] -= c.lr * mhat / (std::sqrt(vhat) + c.eps);
        }
    }
    void rmsprop(const optim::rmsprop_config& c) {
        ++t;
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double g = grad_at(t, i) + c.weight_decay * p[i];
            v[i] = c.alpha * v[i] + (1 - c.alpha) * g * g;
            double avg;
            if (c.centered) {
                a[i] = c.alpha * a[i] + (1 - c.alpha) * g;
                avg = std::sqrt(v[i] - a[i] * a[i]) + c.eps;
            } else {
                avg = std::sqrt(v[i]) + c.eps;
            }
            if (c.momentum > 0) {
                b[i] = c.momentum * b[i] + g / avg;
                p[i] -= c.lr * b[i];
            } else {
                p[i] -= c.lr * g / avg;
            }
        }
    }
    void adagrad(const optim::adagrad_config& c) {
        ++t;
        const double clr = c.lr / (1 + double(t - 1) * c.lr_decay);
        for (std::size_t i = 0; i < p.size(); ++i) {
            const double g = grad_at(t, i) + c.weight_decay * p[i];
            v[i] += g * g;
            p[i] -= clr * g / (std::sqrt(v[i]) + c.eps);
        }
    }
};

constexpr std::size_t N = 37;  // not a multiple of any SIMD width: every tail path runs
constexpr std::size_t steps = 200;

/// Runs `Opt` on a tensor of N values for `steps` steps and the reference
/// alongside; returns the largest deviation, relative to max(1, |θ|).
template <class T, template <class> class Opt, class Config, class Ref>
double deviation(const Config& c, Ref&& ref_step, double acc0 = 0) {
    using P = Tensor<T, N>;
    P theta, g;
    for (std::size_t i = 0; i < N; ++i) theta.data()[i] = T(start_at(i));
    Opt<P> opt(c);
    reference ref(N, acc0);
    double worst = 0;
    for (std::size_t t = 1; t <= steps; ++t) {
        for (std::size_t i = 0; i < N; ++i) g.data()[i] = T(grad_at(t, i));
        opt.step(theta, g);
        ref_step(ref);
        for (std::size_t i = 0; i < N; ++i)
            worst = std::max(worst, std::abs(double(theta.data()[i]) - ref.p[i]) / std::max(1.0, std::abs(ref.p[i])));
    }
    CHECK(opt.steps() == steps);
    return worst;
}

/// Checks one optimizer configuration in double (to 1e-12) and float (1e-4:
/// 200 steps of float rounding; a wrong formula is off by 1e-2 or more).
template <template <class> class Opt, class Config, class Ref>
void verify(const Config& c, Ref&& ref_step, double acc0 = 0) {
    CHECK(deviation<double, Opt>(c, ref_step, acc0) < 1e-12);
    CHECK(deviation<float, Opt>(c, ref_step, acc0) < 1e-4);
}

}  // namespace

TEST_CASE("SGD plain, with weight decay, momentum, dampening and Nesterov follow torch.optim.SGD", "[optim]") {
    using C = optim::sgd_config<>;
    for (const C c : {C{.lr = 0.05}, C{.lr = 0.05, .weight_decay = 0.1}, C{.lr = 0.02, .momentum = 0.9},
                      C{.lr = 0.02, .momentum = 0.8, .dampening = 0.3, .weight_decay = 0.01},
                      C{.lr = 0.02, .momentum = 0.9, .nesterov = true},
                      C{.lr = 0.01, .momentum = 0.5, .weight_decay = 0.2, .nesterov = true}}) {
        INFO("lr " << c.lr << " momentum " << c.momentum << " dampening " << c.dampening << " decay "
                   << c.weight_decay << " nesterov " << c.nesterov);
        verify<optim::SGD>(c, [&](reference& r) { r.sgd(c); });
    }
}

TEST_CASE("Momentum and Nesterov keep their defaults when only the rate is given", "[optim]") {
    optim::Momentum<Tensor<double, 3>> m({.lr = 0.1});
    optim::Nesterov<Tensor<double, 3>> n({.lr = 0.1});
    CHECK(m.config.momentum == 0.9);
    CHECK_FALSE(m.config.nesterov);
    CHECK(n.config.momentum == 0.9);
    CHECK(n.config.nesterov);
    const optim::sgd_config<0.9> mc{.lr = 0.03};
    verify<optim::Momentum>(mc, [&](reference& r) { r.sgd(mc); });
    const optim::sgd_config<0.9, true> nc{.lr = 0.03};
    verify<optim::Nesterov>(nc, [&](reference& r) { r.sgd(nc); });
}

TEST_CASE("Adam and AdamW follow torch.optim.Adam and AdamW", "[optim]") {
    using C = optim::adam_config<false>;
    for (const C c : {C{}, C{.lr = 0.01, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6}, C{.lr = 0.003, .weight_decay = 0.1}}) {
        INFO("Adam lr " << c.lr << " decay " << c.weight_decay);
        verify<optim::Adam>(c, [&](reference& r) { r.adam(c, false); });
    }
    using W = optim::adam_config<true>;
    for (const W c : {W{}, W{.lr = 0.01, .weight_decay = 0.3}}) {
        INFO("AdamW lr " << c.lr << " decay " << c.weight_decay);
        verify<optim::AdamW>(c, [&](reference& r) { r.adam(c, true); });
    }
    CHECK(optim::AdamW<Tensor<float, 2>>{}.config.weight_decay == 0.01);
    CHECK(optim::Adam<Tensor<float, 2>>{}.config.weight_decay == 0.0);
}

TEST_CASE("RMSProp follows torch.optim.RMSprop in its four variants", "[optim]") {
    using C = optim::rmsprop_config;
    for (const C c : {C{}, C{.lr = 0.003, .weight_decay = 0.05}, C{.lr = 0.003, .momentum = 0.9},
                      C{.lr = 0.003, .centered = true}, C{.lr = 0.001, .alpha = 0.9, .momentum = 0.5, .centered = true}}) {
        INFO("lr " << c.lr << " momentum " << c.momentum << " centered " << c.centered);
        verify<optim::RMSProp>(c, [&](reference& r) { r.rmsprop(c); });
    }
}

TEST_CASE("Adagrad follows torch.optim.Adagrad with decay and initial accumulator", "[optim]") {
    using C = optim::adagrad_config;
    for (const C c : {C{}, C{.lr = 0.1, .lr_decay = 0.01}, C{.lr = 0.05, .weight_decay = 0.1, .initial_accumulator_value = 0.5}}) {
        INFO("lr " << c.lr << " decay " << c.lr_decay << " acc0 " << c.initial_accumulator_value);
        verify<optim::Adagrad>(c, [&](reference& r) { r.adagrad(c); }, c.initial_accumulator_value);
    }
}

namespace {
/// The lecture's L(x, y) = x² − y² − 2x + 5y and its gradient.
double lecture_loss(double x, double y) { return x * x - y * y - 2 * x + 5 * y; }
Tensor<double, 2> lecture_grad(const Tensor<double, 2>& t) { return Tensor<double, 2>{2 * t(0) - 2, -2 * t(1) + 5}; }
}  // namespace

TEST_CASE("Gradient descent on the lecture's function takes its first step to 1.8, 0.7 with L = 2.65", "[optim]") {
    Tensor<double, 2> theta{2.0, 1.0};
    CHECK(lecture_loss(theta(0), theta(1)) == Approx(4.0));
    optim::SGD<Tensor<double, 2>> sgd({.lr = 0.1});
    sgd.step(theta, lecture_grad(theta));
    CHECK(theta(0) == Approx(1.8).epsilon(1e-15));
    CHECK(theta(1) == Approx(0.7).epsilon(1e-15));
    CHECK(lecture_loss(theta(0), theta(1)) == Approx(2.65).epsilon(1e-14));
    // a saddle: x converges to its minimum at 1, y runs away (L unbounded below)
    for (int i = 0; i < 100; ++i) sgd.step(theta, lecture_grad(theta));
    CHECK(theta(0) == Approx(1.0).margin(1e-9));
    CHECK(theta(1) < -1e6);
}

TEST_CASE("Momentum damps the oscillation of gradient descent on an ill-conditioned quadratic", "[optim]") {
    // L = (x² + 50 y²)/2: at rate 0.039 plain descent oscillates along y
    // (factor 1 - 0.039·50 = -0.95 per step) and crawls along x
    auto grad = [](const Tensor<double, 2>& t) { return Tensor<double, 2>{t(0), 50 * t(1)}; };
    auto run = [&](auto opt, int steps) {
        Tensor<double, 2> t{-10.0, 1.0};
        for (int i = 0; i < steps; ++i) opt.step(t, grad(t));
        return std::sqrt(t(0) * t(0) + t(1) * t(1));
    };
    const double gd = run(optim::SGD<Tensor<double, 2>>({.lr = 0.039}), 100);
    const double mom = run(optim::Momentum<Tensor<double, 2>>({.lr = 0.039, .momentum = 0.7}), 100);
    const double adam = run(optim::Adam<Tensor<double, 2>>({.lr = 0.3}), 100);
    INFO("distance to the minimum after 100 steps: GD " << gd << ", momentum " << mom << ", Adam " << adam);
    CHECK(gd > 0.1);       // (1 - 0.039)^100 · 10 = 0.19 along x
    CHECK(mom < gd / 100); // momentum: both directions converge quickly
    CHECK(adam < gd);
}

TEST_CASE("Optimizers step a network's flat parameters and keep the padding at zero", "[optim]") {
    using Net = Sequential<Input<5>, Dense<3>, Tanh, Dense<2>>;
    auto net = std::make_unique<Net>();
    init::xavier_uniform(*net, 3);
    auto g = std::make_unique<Net::gradients>();
    for (std::size_t i = 0; i < Net::param_storage; ++i) g->data[i] = 0;
    std::size_t k = 0;
    net->for_each_param([&](const auto&, const param_info& info, float*) { k += info.size(); });
    Net::for_each_param_in(*g, [&](const auto&, const param_info& info, float* d) {
        for (std::size_t i = 0; i < info.size(); ++i) d[i] = 0.5f;
    });
    const auto before = *net;
    optim::Adam<Net> adam({.lr = 0.01});
    adam.step(*net, *g);
    std::size_t moved = 0;
    net->for_each_param([&](const auto&, const param_info& info, float* d) {
        const std::ptrdiff_t off = d - net->params();
        for (std::size_t i = 0; i < info.size(); ++i) {
            // Adam's first step moves every parameter by lr·sign(g)
            CHECK(d[i] == Approx(before.params()[off + std::ptrdiff_t(i)] - 0.01f).margin(1e-6));
            ++moved;
        }
    });
    CHECK(moved == k);
    CHECK(moved == Net::param_count);
    float padding = 0;
    for (std::size_t i = 0; i < Net::param_storage; ++i) padding += std::abs(net->params()[i]);
    float params = 0;
    net->for_each_param([&](const auto&, const param_info& info, float* d) {
        for (std::size_t i = 0; i < info.size(); ++i) params += std::abs(d[i]);
    });
    CHECK(padding == Approx(params));  // nothing outside the parameter tensors changed
}

TEST_CASE("reset returns an optimizer to its first step, copies carry the state", "[optim]") {
    using P = Tensor<double, 4>;
    P a{1.0, 2.0, 3.0, 4.0}, b = a, g{0.1, -0.2, 0.3, -0.4};
    optim::Adam<P> opt({.lr = 0.1});
    opt.step(a, g);
    opt.step(a, g);
    optim::Adam<P> copy = opt;
    P a2 = a;
    opt.step(a, g);
    copy.step(a2, g);
    CHECK(a == a2);
    CHECK(copy.state(0) != opt.state(0));
    opt.reset();
    CHECK(opt.steps() == 0);
    opt.step(b, g);
    P fresh{1.0, 2.0, 3.0, 4.0};
    optim::Adam<P>({.lr = 0.1}).step(fresh, g);
    CHECK(b == fresh);
}

TEST_CASE("clip_grad_norm scales to the maximum norm and reports the norm it had", "[optim]") {
    Tensor<float, 37> g;
    double sq = 0;
    for (std::size_t i = 0; i < 37; ++i) {
        g.data()[i] = float(grad_at(1, i));
        sq += double(g.data()[i]) * g.data()[i];
    }
    const Tensor<float, 37> orig = g;
    CHECK(optim::clip_grad_norm(g, 100.0) == Approx(std::sqrt(sq)).epsilon(1e-6));
    CHECK(g == orig);  // below the limit: untouched
    const double norm = optim::clip_grad_norm(g, 0.5);
    CHECK(norm == Approx(std::sqrt(sq)).epsilon(1e-6));
    double after = 0;
    for (std::size_t i = 0; i < 37; ++i) {
        after += double(g.data()[i]) * g.data()[i];
        CHECK(g.data()[i] == Approx(orig.data()[i] * 0.5 / (norm + 1e-6)).epsilon(1e-6));
    }
    CHECK(std::sqrt(after) == Approx(0.5).epsilon(1e-5));
}

TEST_CASE("Learning-rate schedules follow torch.optim.lr_scheduler's formulas", "[optim]") {
    CHECK(optim::constant_lr{}(17, 0.1) == 0.1);
    const optim::step_lr s{.step_size = 3, .gamma = 0.5};
    CHECK(s(0, 0.1) == Approx(0.1));
    CHECK(s(2, 0.1) == Approx(0.1));
    CHECK(s(3, 0.1) == Approx(0.05));
    CHECK(s(7, 0.1) == Approx(0.025));
    CHECK(optim::exponential_lr{0.9}(2, 1.0) == Approx(0.81));
    const optim::cosine_lr c{.t_max = 10, .eta_min = 0.001};
    CHECK(c(0, 0.1) == Approx(0.1));
    CHECK(c(5, 0.1) == Approx(0.001 + 0.099 / 2));
    CHECK(c(10, 0.1) == Approx(0.001));
    CHECK(c(20, 0.1) == Approx(0.001));
    const optim::warmup<optim::cosine_lr> w{.steps = 4, .then = {.t_max = 10}};
    CHECK(w(0, 0.1) == Approx(0.025));
    CHECK(w(3, 0.1) == Approx(0.1));
    CHECK(w(4, 0.1) == Approx(0.1));
    CHECK(w(9, 0.1) == Approx(0.05));
    optim::Adam<Tensor<float, 2>> adam({.lr = 0.2});
    optim::apply(s, adam, 3);
    CHECK(adam.config.lr == Approx(0.1));
    CHECK(adam.base_lr() == 0.2);
}
