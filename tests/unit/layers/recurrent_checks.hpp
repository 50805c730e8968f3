#pragma once
// Shared by tests/unit/layers/gru.cpp and lstm.cpp: every check of a
// recurrent layer (layers/recurrent.hpp) written once over the spec template
// `Rnn` (ctnn::GRU or ctnn::LSTM):
//  - the protocol's concepts and PyTorch's parameter table;
//  - finite differences in double: sequence mode (both Returns, stacked),
//    with a non-zero initial state, and the one-step binding;
//  - PyTorch parity (tests/fixtures/make_recurrent_fixtures.py): output, loss,
//    every gradient incl. the input's, 20 Adam steps; one fixture from a given
//    initial state (h0, c0);
//  - streaming (one step per call) against the sequence call, two windows
//    against one long window;
//  - no allocation in forward, training forward, backward, streaming step;
//  - io::parse_net_spec reads the same parameter table.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include <ctnn/ctnn.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"
#include "../parity_checks.hpp"

namespace recurrent_checks {
using namespace ctnn;

template <template <std::size_t, std::size_t, Returns> class Rnn>
inline constexpr bool is_lstm = std::is_same_v<Rnn<1, 1, Returns::sequence>, LSTM<1, 1, Returns::sequence>>;

/// The recurrent layer's state inside a network's state (the layer is child 0).
template <class S>
auto& rnn_state(S& s) {
    return std::get<0>(s.parts);
}

template <template <std::size_t, std::size_t, Returns> class Rnn>
void check_concepts() {
    constexpr std::size_t G = is_lstm<Rnn> ? 4 : 3;
    using Seq = typename layers::binding<Rnn<13, 2, Returns::sequence>>::template type<Shape<37, 3>>;
    using Last = typename layers::binding<Rnn<13, 1, Returns::last>>::template type<Shape<37, 3>>;
    using Step = typename layers::binding<Rnn<13, 2, Returns::sequence>>::template type<Shape<3>>;
    STATIC_REQUIRE(Layer<Seq>);
    STATIC_REQUIRE(Layer<Last>);
    STATIC_REQUIRE(Layer<Step>);
    STATIC_REQUIRE(StatefulLayer<Seq>);
    STATIC_REQUIRE(StatefulLayer<Step>);
    STATIC_REQUIRE(std::is_same_v<typename Seq::out_shape, Shape<37, 13>>);
    STATIC_REQUIRE(std::is_same_v<typename Last::out_shape, Shape<13>>);
    STATIC_REQUIRE(std::is_same_v<typename Step::in_shape, Shape<3>>);
    STATIC_REQUIRE(std::is_same_v<typename Step::out_shape, Shape<13>>);
    // PyTorch's count: G·H·(F + H + 2) for layer 0, G·H·(2H + 2) above
    STATIC_REQUIRE(Seq::param_count == G * 13 * (3 + 13 + 2) + G * 13 * (13 + 13 + 2));
    STATIC_REQUIRE(Seq::param_count == Step::param_count);
    STATIC_REQUIRE(Seq::template storage<float> == Step::template storage<float>);
    using Net = Sequential<Input<37, 3>, Rnn<13, 2, Returns::last>, Dense<2>>;
    STATIC_REQUIRE(Net::stateful);
    STATIC_REQUIRE(Net::param_table[0].name == "0.weight_ih_l0");
    STATIC_REQUIRE(Net::param_table[1].name == "0.weight_hh_l0");
    STATIC_REQUIRE(Net::param_table[2].name == "0.bias_ih_l0");
    STATIC_REQUIRE(Net::param_table[3].name == "0.bias_hh_l0");
    STATIC_REQUIRE(Net::param_table[4].name == "0.weight_ih_l1");
    STATIC_REQUIRE(Net::param_table[4].dims[0] == G * 13 && Net::param_table[4].dims[1] == 13);
    STATIC_REQUIRE(Net::param_table[0].dims[0] == G * 13 && Net::param_table[0].dims[1] == 3);
    STATIC_REQUIRE(Net::param_table[0].fan_in == 3 && Net::param_table[0].fan_out == G * 13);
    STATIC_REQUIRE(Net::param_table[1].init.kind == init_rule::uniform_inv_sqrt && Net::param_table[1].init.value == 13);
    STATIC_REQUIRE(Net::param_table[2].role == param_role::bias);
    // the rank-3 input is refused
    STATIC_REQUIRE(!layers::binding<Rnn<4, 1, Returns::sequence>>::template accepts<Shape<2, 3, 4>>);
}

/// Finite differences in double for `Net` (batch 3), from a non-zero initial
/// state in the workspace (restored before each evaluation) or from zero.
template <class Net>
void check_gradients(bool initial_state, std::uint64_t seed = 3) {
    net_checks::problem<Net, MSE, 3, typename Net::template output_batch<3>> p;
    init::torch_default(p.net, seed);
    net_checks::fill(p.x, seed + 1, -1.5, 1.5);
    net_checks::fill(p.targets, seed + 2);
    auto& s = rnn_state(p.ws->state);
    Rng r(seed + 3);
    if (initial_state) {
        for (auto& v : s.h) v = r.uniform(-0.8, 0.8);
        if constexpr (requires { s.c; })
            for (auto& v : s.c) v = r.uniform(-0.8, 0.8);
    }
    const auto saved = s;
    auto g = std::make_unique<typename Net::gradients>();
    auto dx = std::make_unique<typename Net::template input_batch<3>>();
    auto loss = [&] {
        s = saved;
        return p.loss();
    };
    s = saved;
    p.analytic(*g, *dx);
    gradcheck_report report;
    TensorView<double, Net::param_storage> params(p.net.params());
    TensorView<double, Net::param_storage> grads(g->data);
    gradcheck_tensor(loss, params, grads, report, 0);
    gradcheck_tensor(loss, p.x, *dx, report, 1);
    INFO(report);
    REQUIRE(report.max_rel_error < net_checks::limit);
}

template <template <std::size_t, std::size_t, Returns> class Rnn>
void check_all_gradients() {
    SECTION("sequence, from zero") {
        check_gradients<BasicSequential<double, Input<5, 3>, Rnn<4, 1, Returns::sequence>, Flatten, Dense<2>>>(false);
    }
    SECTION("sequence, from a given state") {
        check_gradients<BasicSequential<double, Input<5, 3>, Rnn<4, 1, Returns::sequence>, Tanh, Flatten, Dense<2>>>(
            true);
    }
    SECTION("stacked, last step, from a given state") {
        check_gradients<BasicSequential<double, Input<6, 2>, Rnn<5, 2, Returns::last>, Dense<3>>>(true);
    }
    SECTION("stacked, whole sequence, three layers") {
        check_gradients<BasicSequential<double, Input<4, 3>, Rnn<3, 3, Returns::sequence>, Flatten, Dense<2>>>(true);
    }
    SECTION("one step (the streaming binding), stacked, from a given state") {
        check_gradients<BasicSequential<double, Input<3>, Rnn<5, 2, Returns::sequence>, Dense<2>>>(true);
    }
}

/// io::parse_net_spec reads the recurrent layers' parameters (names, shapes)
/// as the network type has them, and the output shape after them.
template <template <std::size_t, std::size_t, Returns> class Rnn>
void check_net_spec(const std::string& name) {
    auto same = [](const io::net_spec& s, const auto& table) {
        REQUIRE(s.params.size() == table.size());
        for (std::size_t i = 0; i < table.size(); ++i) {
            INFO(table[i].name);
            CHECK(s.params[i].name == std::string(table[i].name));
            REQUIRE(s.params[i].shape.size() == table[i].rank);
            for (std::size_t d = 0; d < table[i].rank; ++d) CHECK(s.params[i].shape[d] == table[i].dims[d]);
        }
    };
    using A = Sequential<Input<37, 3>, Rnn<13, 2, Returns::last>, Dense<2>>;
    same(io::parse_net_spec("Sequential<Input<37, 3>, " + name + "<13, 2, Returns::last>, Dense<2>>"), A::param_table);
    using B = Sequential<Input<37, 3>, Rnn<13, 1, Returns::sequence>, Flatten, Dense<2>>;
    same(io::parse_net_spec("Sequential<Input<37, 3>, ctnn::" + name + "<13>, Flatten, Dense<2>>"), B::param_table);
    using C = Sequential<Input<3>, Rnn<16, 3, Returns::sequence>, Dense<1>>;
    same(io::parse_net_spec("Sequential<Input<3>, " + name + "<16, 3>, Dense<1>>"), C::param_table);
    CHECK_THROWS_WITH(io::parse_net_spec("Sequential<Input<2, 3, 4>, " + name + "<8>>"),
                      Catch::Contains("takes a sequence [T, F] or one step [F], it gets"));
    CHECK_THROWS_WITH(io::parse_net_spec("Sequential<Input<5, 3>, " + name + "<8, 1, Returns::first>>"),
                      Catch::Contains("third argument is Returns::sequence or Returns::last"));
}

// ---- PyTorch parity ------------------------------------------------------------

/// Before every forward of a parity run: the recurrent state from zero, or
/// the fixture's h0 (and c0) when it has them.
struct given_state {
    template <class Workspace>
    void operator()(const io::safetensors_view& file, Workspace& ws) const {
        ws.state.reset();
        if (file.find("h0") == nullptr) return;
        auto& s = rnn_state(ws.state);
        using T = std::remove_cvref_t<decltype(s.h[0])>;
        const std::vector<double> h0 = parity_checks::tensor(file, "h0");
        REQUIRE(h0.size() == std::size(s.h));
        for (std::size_t i = 0; i < h0.size(); ++i) s.h[i] = T(h0[i]);
        if constexpr (requires { s.c; }) {
            const std::vector<double> c0 = parity_checks::tensor(file, "c0");
            REQUIRE(c0.size() == std::size(s.c));
            for (std::size_t i = 0; i < c0.size(); ++i) s.c[i] = T(c0[i]);
        }
    }
};

template <template <class> class NetOf, std::size_t B>
void check_parity(const std::string& fixture) {
    parity_checks::check_fixture<NetOf, B, MSE>(fixture, given_state{});
}

template <template <std::size_t, std::size_t, Returns> class Rnn>
struct parity_nets {
    template <class T>
    using sequence = BasicSequential<T, Input<37, 3>, Rnn<13, 1, Returns::sequence>, Flatten, Dense<2>>;
    template <class T>
    using stacked_last = BasicSequential<T, Input<37, 3>, Rnn<13, 2, Returns::last>, Dense<2>>;
    template <class T>
    using initial_state = BasicSequential<T, Input<37, 3>, Rnn<13, 2, Returns::sequence>>;
};

template <template <std::size_t, std::size_t, Returns> class Rnn>
void check_all_parity(const std::string& tag) {
    using N = parity_nets<Rnn>;
    check_parity<N::template sequence, 5>(tag + "_sequence");
    check_parity<N::template stacked_last, 5>(tag + "_stacked_last");
    check_parity<N::template initial_state, 5>(tag + "_initial_state");
}

// ---- streaming and windows -------------------------------------------------------

/// Largest |a - b| / max(1, |b|) over `n` values.
template <class T>
double max_diff(const T* a, const T* b, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i)
        m = std::max(m, std::abs(double(a[i]) - double(b[i])) / std::max(1.0, std::abs(double(b[i]))));
    return m;
}

/// The one-step binding fed the T steps of a sequence one by one (with a
/// state) gives the sequence call's outputs and final state, and a batch of
/// B streams gives each stream's single-stream result. Hidden sizes that are
/// whole packs (16, 32) take simd/recurrent.hpp's streaming step kernels at
/// batch 1, others (13) the sequence code with T = 1.
template <template <std::size_t, std::size_t, Returns> class Rnn, class T, std::size_t H, std::size_t F, std::size_t L>
void check_streaming() {
    INFO((sizeof(T) == 4 ? "float" : "double") << ", H " << H << ", F " << F << ", layers " << L);
    constexpr std::size_t steps = 37;
    using Seq = BasicSequential<T, Input<steps, F>, Rnn<H, L, Returns::sequence>>;
    using Step = BasicSequential<T, Input<F>, Rnn<H, L, Returns::sequence>>;
    static_assert(Seq::param_storage == Step::param_storage);
    auto seq = std::make_unique<Seq>();
    auto step = std::make_unique<Step>();
    init::torch_default(*seq, 11);
    std::memcpy(step->params(), seq->params(), sizeof(T) * Seq::param_storage);
    auto x = std::make_unique<Tensor<T, steps, F>>();
    net_checks::fill(*x, 12, -2, 2);
    typename Seq::state_type s_seq;
    typename Step::state_type s_step;
    // a non-zero starting state, the same for both
    Rng r(13);
    for (auto& v : rnn_state(s_seq).h) v = T(r.uniform(-0.5, 0.5));
    if constexpr (requires { rnn_state(s_seq).c; })
        for (auto& v : rnn_state(s_seq).c) v = T(r.uniform(-0.5, 0.5));
    s_step = s_seq;
    const auto y = seq->forward(*x, s_seq);
    double worst = 0;
    for (std::size_t t = 0; t < steps; ++t) {
        Tensor<T, F> xt;
        for (std::size_t f = 0; f < F; ++f) xt(f) = (*x)(t, f);
        const auto yt = step->forward(xt, s_step);
        worst = std::max(worst, max_diff(yt.data(), y.data() + t * H, H));
    }
    const auto& a = rnn_state(s_step);
    const auto& b = rnn_state(s_seq);
    worst = std::max(worst, max_diff(a.h, b.h, std::size(a.h)));
    if constexpr (requires { a.c; }) worst = std::max(worst, max_diff(a.c, b.c, std::size(a.c)));
    INFO("largest difference streaming vs sequence: " << worst);
    // the same arithmetic but for the order of the products' sums (a few
    // roundings per step, 37 steps)
    CHECK(worst <= (sizeof(T) == 4 ? 2e-6 : 1e-14));

    // B = 4 streams side by side: each row equals its own single-stream run
    auto ws = std::make_unique<typename Step::template workspace<4>>();
    typename Step::template input_batch<4> xb;
    typename Step::state_type single[4];
    double batch_worst = 0;
    for (int k = 0; k < 5; ++k) {
        net_checks::fill(xb, 14 + std::uint64_t(k), -2, 2);
        step->forward(xb, *ws);
        for (std::size_t row = 0; row < 4; ++row) {
            Tensor<T, F> xr;
            for (std::size_t f = 0; f < F; ++f) xr(f) = xb(row, f);
            const auto yr = step->forward(xr, single[row]);
            batch_worst = std::max(batch_worst, max_diff(yr.data(), ws->output().data() + row * H, H));
        }
    }
    INFO("largest difference batch of streams vs single streams: " << batch_worst);
    CHECK(batch_worst <= (sizeof(T) == 4 ? 2e-6 : 1e-14));
}

template <template <std::size_t, std::size_t, Returns> class Rnn>
void check_all_streaming() {
    check_streaming<Rnn, float, 13, 3, 2>();
    check_streaming<Rnn, float, 16, 1, 1>();  // the benchmark's shape
    check_streaming<Rnn, float, 16, 3, 2>();
    check_streaming<Rnn, float, 32, 3, 2>();
    check_streaming<Rnn, double, 16, 3, 2>();
    check_streaming<Rnn, double, 13, 1, 1>();
}

/// A stream cut into two windows (state carried) equals one long window.
template <template <std::size_t, std::size_t, Returns> class Rnn>
void check_windows() {
    using Long = BasicSequential<double, Input<37, 3>, Rnn<13, 2, Returns::sequence>>;
    using First = BasicSequential<double, Input<20, 3>, Rnn<13, 2, Returns::sequence>>;
    using Second = BasicSequential<double, Input<17, 3>, Rnn<13, 2, Returns::sequence>>;
    auto whole = std::make_unique<Long>();
    auto a = std::make_unique<First>();
    auto b = std::make_unique<Second>();
    init::torch_default(*whole, 21);
    std::memcpy(a->params(), whole->params(), sizeof(double) * Long::param_storage);
    std::memcpy(b->params(), whole->params(), sizeof(double) * Long::param_storage);
    auto x = std::make_unique<Tensor<double, 37, 3>>();
    net_checks::fill(*x, 22);
    Tensor<double, 20, 3> x1;
    Tensor<double, 17, 3> x2;
    std::memcpy(x1.data(), x->data(), sizeof(double) * 60);
    std::memcpy(x2.data(), x->data() + 60, sizeof(double) * 51);
    typename Long::state_type s_long;
    typename First::state_type s_win;
    const auto y = whole->forward(*x, s_long);
    const auto y1 = a->forward(x1, s_win);
    const auto y2 = b->forward(x2, s_win);
    CHECK(max_diff(y1.data(), y.data(), 20 * 13) <= 1e-14);
    CHECK(max_diff(y2.data(), y.data() + 20 * 13, 17 * 13) <= 1e-14);
    CHECK(max_diff(rnn_state(s_win).h, rnn_state(s_long).h, 2 * 13) <= 1e-14);
    // reset() starts over: the first window again gives its first output
    s_win.reset();
    const auto again = a->forward(x1, s_win);
    CHECK(max_diff(again.data(), y1.data(), 20 * 13) == 0);
}

template <template <std::size_t, std::size_t, Returns> class Rnn>
void check_no_allocation() {
    using Net = Sequential<Input<37, 3>, Rnn<13, 2, Returns::last>, Dense<2>>;
    using Step = Sequential<Input<1>, Rnn<16, 1, Returns::sequence>, Dense<1>>;
    auto net = std::make_unique<Net>();
    auto step = std::make_unique<Step>();
    init::torch_default(*net, 1);
    init::torch_default(*step, 2);
    auto ws = std::make_unique<typename Net::template workspace<5>>();
    auto g = std::make_unique<typename Net::gradients>();
    auto x = std::make_unique<typename Net::template input_batch<5>>();
    auto x1 = std::make_unique<Tensor<float, 37, 3>>();
    net_checks::fill(*x, 1);
    typename Net::state_type s;
    typename Step::state_type ss;
    Tensor<float, 1> xs;
    xs(0) = 0.25f;
    float sink = 0;
    CHECK(ctnn_test::allocations_during([&] { net->forward(*x, *ws); }) == 0);
    CHECK(ctnn_test::allocations_during([&] { sink += net->forward(*x1, s)(0); }) == 0);
    CHECK(ctnn_test::allocations_during([&] { net->template forward<true>(*x, *ws); }) == 0);
    CHECK(ctnn_test::allocations_during([&] { net->backward(*x, *ws, *g); }) == 0);
    CHECK(ctnn_test::allocations_during([&] {
              for (int k = 0; k < 100; ++k) sink += step->forward(xs, ss)(0);
          }) == 0);
    CHECK(std::isfinite(sink));
}

}  // namespace recurrent_checks
