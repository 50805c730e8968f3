#pragma once
/// \file check.hpp
/// The reference pass of every benchmark case, without Google Benchmark: a
/// case's outputs (or gradients) are compared with the same network
/// evaluated one sample at a time in double precision (its *twin*:
/// `BasicSequential<double, ...>` of a `BasicSequential<float, ...>`, with
/// the same parameters). A wrong batched kernel, a wrong fused epilogue or a
/// state carried wrongly shows as a relative error above the tolerance.
/// A network type without a twin is checked against its own batch-1 path
/// in its own precision.
///
/// The error is norm-wise: max |a - b| / max |b| over a whole output (or
/// gradient buffer), so values that cancel to near zero do not fail.
/// Everything here allocates (the reference's buffers): call it before and
/// after timing, never inside.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "../net/network.hpp"
#include "../net/sequential.hpp"
#include "../train/step.hpp"
#include "costs.hpp"

namespace ctnn::bench {

/// The outcome of a check: the worst relative error seen and whether it is
/// within the tolerance (a NaN or infinity never is).
struct check_result {
    double error = 0;
    bool ok = true;
    std::string what;  ///< why it failed, for SkipWithError

    void merge(double e, double tol, const std::string& where) {
        const bool good = std::isfinite(e) && e <= tol;
        if (!good && ok) {
            ok = false;
            char buf[200];
            std::snprintf(buf, sizeof buf, "ctnn: %s differs from the reference pass (relative error %.3g > %.1g)",
                          where.c_str(), e, tol);
            what = buf;
        }
        if (!(e <= error)) error = e;
    }
};

/// Norm-wise relative error of `n` values of `a` against the reference `b`.
template <class A, class B>
[[nodiscard]] double rel_error(const A* a, const B* b, std::size_t n) noexcept {
    double diff = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = double(a[i]), y = double(b[i]);
        if (!std::isfinite(x) || !std::isfinite(y)) return INFINITY;
        diff = std::max(diff, std::abs(x - y));
        scale = std::max(scale, std::abs(y));
    }
    return scale > 0.0 ? diff / scale : diff;
}

/// The twin of a network in double precision (`void` when it has none).
template <class Net>
struct twin {
    using type = void;
};
template <class... Specs>
struct twin<BasicSequential<float, Specs...>> {
    using type = BasicSequential<double, Specs...>;
};
template <class... Specs>
struct twin<BasicSequential<double, Specs...>> {
    using type = BasicSequential<double, Specs...>;
};
template <class Net>
using twin_t = typename twin<Net>::type;

/// Copies the parameters of `from` into `to` tensor by tensor (the two may
/// differ in element type, so in padding).
template <class From, class To>
void copy_params(const From& from, To& to) {
    std::vector<const typename From::value_type*> src;
    from.for_each_param([&](const std::string&, const param_info&, const typename From::value_type* p) { src.push_back(p); });
    std::size_t k = 0;
    to.for_each_param([&](const std::string&, const param_info& info, typename To::value_type* p) {
        for (std::size_t i = 0; i < info.size(); ++i) p[i] = typename To::value_type(src[k][i]);
        ++k;
    });
}

namespace check_detail {
/// Runs the reference over a sequence of `steps` samples of `streams`
/// streams: `in(s, r)` is stream r's input at step s, `out(s, r)` the
/// output to compare with it. Stateful references keep one state a stream.
template <class Net, class In, class Out>
check_result against_reference(const Net& net, std::size_t steps, std::size_t streams, In in, Out out, double tol,
                               const std::string& where) {
    using Ref = std::conditional_t<std::is_void_v<twin_t<Net>>, Net, twin_t<Net>>;
    using R = typename Ref::value_type;
    auto ref = std::make_unique<Ref>();
    if constexpr (std::is_same_v<Ref, Net>)
        *ref = net;
    else
        copy_params(net, *ref);
    constexpr std::size_t n_in = Net::in_shape::size, n_out = Net::out_shape::size;
    auto x = std::make_unique<typename Ref::input_type>();
    std::vector<typename Ref::output_type> ys(streams);
    check_result res;
    if constexpr (is_stateful<Net>) {
        std::vector<typename Ref::state_type> states(streams);
        for (auto& s : states) s.reset();
        for (std::size_t s = 0; s < steps; ++s)
            for (std::size_t r = 0; r < streams; ++r) {
                const auto* xi = in(s, r);
                for (std::size_t i = 0; i < n_in; ++i) x->data()[i] = R(xi[i]);
                ys[r] = ref->forward(*x, states[r]);
                if (const auto* o = out(s, r)) res.merge(rel_error(o, ys[r].data(), n_out), tol, where);
            }
    } else {
        for (std::size_t s = 0; s < steps; ++s)
            for (std::size_t r = 0; r < streams; ++r) {
                const auto* o = out(s, r);
                if (!o) continue;
                const auto* xi = in(s, r);
                for (std::size_t i = 0; i < n_in; ++i) x->data()[i] = R(xi[i]);
                ys[r] = ref->forward(*x);
                res.merge(rel_error(o, ys[r].data(), n_out), tol, where);
            }
    }
    return res;
}
}  // namespace check_detail

/// Checks `forward(x)` (a stateful network: `forward(x, state)` from a reset
/// state, one stream through `xs` in order) on `n` samples.
template <Network Net>
[[nodiscard]] check_result check_infer_one(const Net& net, const typename Net::input_type* xs, std::size_t n,
                                           double tol) {
    using T = typename Net::value_type;
    constexpr std::size_t n_out = Net::out_shape::size;
    std::vector<T> outs(n * n_out);
    if constexpr (is_stateful<Net>) {
        auto st = std::make_unique<typename Net::state_type>();
        st->reset();
        for (std::size_t s = 0; s < n; ++s) {
            const auto y = net.forward(xs[s], *st);
            std::copy(y.data(), y.data() + n_out, outs.data() + s * n_out);
        }
    } else {
        for (std::size_t s = 0; s < n; ++s) {
            const auto y = net.forward(xs[s]);
            std::copy(y.data(), y.data() + n_out, outs.data() + s * n_out);
        }
    }
    return check_detail::against_reference(
        net, n, 1, [&](std::size_t s, std::size_t) { return xs[s].data(); },
        [&](std::size_t s, std::size_t) { return outs.data() + s * n_out; }, tol, "batch-1 forward");
}

/// Checks `forward(X, ws)` on `n` batches of `B` in order (a stateful
/// network: `B` streams from a reset state, batch s is step s).
template <Network Net, std::size_t B>
[[nodiscard]] check_result check_infer_batch(const Net& net, const typename Net::template input_batch<B>* xs,
                                             std::size_t n, double tol) {
    using T = typename Net::value_type;
    constexpr std::size_t n_in = Net::in_shape::size, n_out = Net::out_shape::size;
    auto ws = std::make_unique<typename Net::template workspace<B>>();
    if constexpr (is_stateful<Net>) ws->state.reset();
    std::vector<T> outs(n * B * n_out);
    for (std::size_t s = 0; s < n; ++s) {
        net.forward(xs[s], *ws);
        const T* y = ws->output().data();
        std::copy(y, y + B * n_out, outs.data() + s * B * n_out);
    }
    return check_detail::against_reference(
        net, n, B, [&](std::size_t s, std::size_t r) { return xs[s].data() + r * n_in; },
        [&](std::size_t s, std::size_t r) { return outs.data() + (s * B + r) * n_out; }, tol,
        "batch-" + std::to_string(B) + " forward");
}

/// Checks one output row `y` (of the sample `x`, a network without state)
/// against the reference: the output a timed loop left behind.
template <Network Net>
[[nodiscard]] check_result check_output(const Net& net, const typename Net::value_type* x,
                                        const typename Net::value_type* y, double tol, const std::string& where) {
    return check_detail::against_reference(
        net, 1, 1, [&](std::size_t, std::size_t) { return x; }, [&](std::size_t, std::size_t) { return y; }, tol,
        where);
}

/// Checks the loss and ∂loss/∂parameters of a training step on a batch of
/// `B` (`train::gradients<Loss>`) against the twin's, from the same
/// parameters. Without a twin, only that they are finite.
template <class Loss, Network Net, std::size_t B, class Targets>
[[nodiscard]] check_result check_gradients(const Net& net, const typename Net::template input_batch<B>& x,
                                           const Targets& t, double tol) {
    using T = typename Net::value_type;
    auto ws = std::make_unique<typename Net::template workspace<B>>();
    auto g = std::make_unique<typename Net::gradients>();
    if constexpr (is_stateful<Net>) ws->state.reset();
    const double loss = double(train::gradients<Loss>(net, *ws, *g, x, t));
    check_result res;
    if constexpr (std::is_void_v<twin_t<Net>>) {
        res.merge(std::isfinite(loss) ? 0.0 : INFINITY, tol, "the training loss");
        res.merge(rel_error(g->data, g->data, Net::param_storage), tol, "the gradients");
    } else {
        using Ref = twin_t<Net>;
        using R = typename Ref::value_type;
        auto ref = std::make_unique<Ref>();
        copy_params(net, *ref);
        auto rx = std::make_unique<typename Ref::template input_batch<B>>();
        for (std::size_t i = 0; i < B * Net::in_shape::size; ++i) rx->data()[i] = R(x.data()[i]);
        auto rws = std::make_unique<typename Ref::template workspace<B>>();
        auto rg = std::make_unique<typename Ref::gradients>();
        if constexpr (is_stateful<Net>) rws->state.reset();
        double rloss = 0;
        if constexpr (requires { t.data(); typename Targets::shape_type; }) {
            auto rt = std::make_unique<typename Ref::template output_batch<B>>();
            for (std::size_t i = 0; i < B * Net::out_shape::size; ++i) rt->data()[i] = R(t.data()[i]);
            rloss = double(train::gradients<Loss>(*ref, *rws, *rg, *rx, *rt));
        } else {
            rloss = double(train::gradients<Loss>(*ref, *rws, *rg, *rx, t));
        }
        res.merge(std::isfinite(loss) && std::isfinite(rloss)
                      ? std::abs(loss - rloss) / std::max(std::abs(rloss), 1e-30)
                      : INFINITY,
                  tol, "the training loss");
        // tensor by tensor: the two buffers pad differently
        std::vector<const R*> refs;
        Ref::for_each_param_in(*rg, [&](const std::string&, const param_info&, R* p) { refs.push_back(p); });
        std::size_t k = 0;
        Net::for_each_param_in(*g, [&](const std::string& name, const param_info& info, T* p) {
            res.merge(rel_error(p, refs[k++], info.size()), tol, "the gradient of " + name);
        });
    }
    return res;
}

}  // namespace ctnn::bench
