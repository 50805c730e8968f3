#pragma once
// Shared by the network tests: a network's backward against central finite
// differences in double, for its parameters and its input.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/autodiff/gradcheck.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

namespace net_checks {
using namespace ctnn;

// Central differences (h = 1e-5) against a floor of 1e-4·max(1, |L|), as in
// gradcheck.hpp: rounding and truncation stay near 1e-7, a wrong derivative
// is off by O(1).
constexpr double limit = 1e-6;

struct target_values {};

/// Loss of `net` on (X, targets) for the first n rows; `Loss` with tensor targets.
template <class Net, class Loss, std::size_t B, class Targets>
struct problem {
    Net net;
    typename Net::template input_batch<B> x;
    Targets targets;
    std::unique_ptr<typename Net::template workspace<B>> ws = std::make_unique<typename Net::template workspace<B>>();
    std::size_t n = B;

    double loss() {
        ws->rng.reseed(7);  // dropout masks: the same at every evaluation
        net.template forward<true>(x, *ws);
        return double(Loss::compute(ws->output(), targets, ws->output_grad(), n));
    }
    // analytic gradients of the parameters and of the input
    void analytic(typename Net::gradients& g, typename Net::template input_batch<B>& dx) {
        loss();
        net.backward(x, *ws, g, &dx);
    }
};

template <class X>
void fill(X& x, std::uint64_t seed, double lo = -1, double hi = 1) {
    Rng r(seed);
    for (auto& v : x) v = typename X::value_type(r.uniform(lo, hi));
}

template <class P>
void check_problem(P& p) {
    using Net = decltype(p.net);
    auto g = std::make_unique<typename Net::gradients>();
    auto dx = std::make_unique<std::remove_cvref_t<decltype(p.x)>>();
    p.analytic(*g, *dx);
    // Buffers (running statistics) are not trained: their slots hold new
    // values, and a training forward does not read them (a difference of 0).
    for (const param_info& info : Net::param_table)
        if (info.role == param_role::buffer)
            for (std::size_t i = 0; i < info.size(); ++i) g->data[info.offset + i] = 0;
    gradcheck_report report;
    TensorView<double, Net::param_storage> params(p.net.params());
    TensorView<double, Net::param_storage> grads(g->data);
    gradcheck_tensor([&] { return p.loss(); }, params, grads, report, 0);
    gradcheck_tensor([&] { return p.loss(); }, p.x, *dx, report, 1);
    INFO(report);
    REQUIRE(report.max_rel_error < limit);
}

template <class Net, class Loss = MSE, std::size_t B = 4>
void check_net(std::uint64_t seed = 1) {
    using Targets = typename Net::template output_batch<B>;
    problem<Net, Loss, B, Targets> p;
    init::xavier_uniform(p.net, seed);
    // biases and PReLU slopes too, so no gradient is trivially zero
    p.net.for_each_param([&](const auto&, const param_info& info, double* d) {
        Rng r(seed + info.size());
        if (info.role == param_role::bias)
            for (std::size_t i = 0; i < info.size(); ++i) d[i] = r.uniform(-0.5, 0.5);
    });
    fill(p.x, seed + 1, -1.5, 1.5);
    if constexpr (std::is_same_v<Loss, BCEWithLogits> || std::is_same_v<Loss, BCEWithLogitsSum>)
        fill(p.targets, seed + 2, 0, 1);
    else
        fill(p.targets, seed + 2);
    check_problem(p);
}

}  // namespace net_checks
