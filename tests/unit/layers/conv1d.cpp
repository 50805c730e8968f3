// Conv1D (layers/conv1d.hpp): the protocol's clauses, outputs against a
// plain reference convolution (every padding rule, stride, dilation,
// groups), gradients against finite differences in double, the streaming
// form against the sequence form (also a dilated stack), windows that
// continue each other through the state, and no allocation.
// PyTorch parity: conv1d_parity.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"

using namespace ctnn;

namespace {

/// y[o, t] = b[o] + Σ_{c in o's group, k} w[o, c, k] · xpad[c, t·S + k·D], in double.
template <std::size_t C, std::size_t L, std::size_t Out, std::size_t K, std::size_t S, std::size_t D, std::size_t G,
          class Pad, class T>
std::vector<double> reference(const T* w, const T* b, const T* x) {
    using A = layers::padded_axis<L, K, S, D, Pad>;
    constexpr std::size_t Cg = C / G, Og = Out / G;
    std::vector<double> y(Out * A::out);
    for (std::size_t o = 0; o < Out; ++o)
        for (std::size_t t = 0; t < A::out; ++t) {
            double s = double(b[o]);
            const std::size_t g = o / Og;
            for (std::size_t j = 0; j < Cg; ++j)
                for (std::size_t k = 0; k < K; ++k) {
                    const long p = long(t * S + k * D) - long(A::before);
                    if (p >= 0 && p < long(L)) s += double(w[(o * Cg + j) * K + k]) * double(x[(g * Cg + j) * L + p]);
                }
            y[o * A::out + t] = s;
        }
    return y;
}

/// One Conv1D in a double network against the reference, at batch 3 (no state) and batch 1.
template <std::size_t C, std::size_t L, std::size_t Out, std::size_t K, std::size_t S, std::size_t D, std::size_t G,
          class Pad>
void check_against_reference(std::uint64_t seed) {
    using Net = BasicSequential<double, Input<C, L>, Conv1D<Out, K, S, D, G, Pad>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, seed);
    auto bias = net->template param<"0.bias">();
    for (std::size_t o = 0; o < Out; ++o) bias(o) = 0.1 * double(o) - 0.3;
    auto x = std::make_unique<typename Net::template input_batch<3>>();
    net_checks::fill(*x, seed + 1);
    auto ws = std::make_unique<typename Net::template workspace<3>>();
    net->forward(*x, *ws);
    constexpr std::size_t n = Net::out_shape::size;
    for (std::size_t r = 0; r < 3; ++r) {
        const auto ref = reference<C, L, Out, K, S, D, G, Pad>(net->template param<"0.weight">().data(), bias.data(),
                                                               x->data() + r * C * L);
        REQUIRE(ref.size() == n);
        for (std::size_t i = 0; i < n; ++i) REQUIRE(ws->output().data()[r * n + i] == Approx(ref[i]).margin(1e-12));
    }
}

}  // namespace

TEST_CASE("Conv1D: bound forms, shapes and parameter table", "[layers][conv1d]") {
    using Seq = layers::binding<Conv1D<5, 5, 2, 3, 1, Pad<2>>>::type<Shape<3, 37>>;
    STATIC_REQUIRE(Layer<Seq>);
    STATIC_REQUIRE(!StatefulLayer<Seq>);
    // L_out = ⌊(37 + 4 - 13) / 2⌋ + 1 = 15
    STATIC_REQUIRE(std::is_same_v<Seq::out_shape, Shape<5, 15>>);
    STATIC_REQUIRE(Seq::params<float>[0].name == "weight");
    STATIC_REQUIRE(Seq::params<float>[0].dims[0] == 5 && Seq::params<float>[0].dims[1] == 3 &&
                   Seq::params<float>[0].dims[2] == 5);
    STATIC_REQUIRE(Seq::params<float>[1].name == "bias");
    STATIC_REQUIRE(Seq::params<float>[0].init.value == 15.0);  // U(±1/√(C/G·K))
    STATIC_REQUIRE(Seq::param_count == 5 * 3 * 5 + 5);

    using Causal7 = layers::binding<Conv1D<5, 5, 1, 7, 1, Causal>>::type<Shape<3, 37>>;
    STATIC_REQUIRE(Layer<Causal7> && StatefulLayer<Causal7>);
    STATIC_REQUIRE(std::is_same_v<Causal7::out_shape, Shape<5, 37>>);
    using SameOdd = layers::binding<Conv1D<4, 4, 1, 3, 1, Same>>::type<Shape<3, 11>>;
    STATIC_REQUIRE(std::is_same_v<SameOdd::out_shape, Shape<4, 11>>);
    STATIC_REQUIRE(SameOdd::PL == 4);  // total 9: 4 before, 5 after (PyTorch)
    using Grouped = layers::binding<Conv1D<6, 3, 1, 1, 3>>::type<Shape<9, 10>>;
    STATIC_REQUIRE(Grouped::params<float>[0].dims[1] == 3);
    STATIC_REQUIRE(std::is_same_v<Grouped::out_shape, Shape<6, 8>>);

    using Step = layers::binding<Conv1D<5, 5, 1, 7, 1, Causal>>::type<Shape<3>>;
    STATIC_REQUIRE(Layer<Step> && StatefulLayer<Step>);
    STATIC_REQUIRE(std::is_same_v<Step::out_shape, Shape<5>>);
    using Pointwise = layers::binding<Conv1D<5, 1>>::type<Shape<3>>;  // K = 1: any padding that adds nothing
    STATIC_REQUIRE(Layer<Pointwise> && !StatefulLayer<Pointwise>);

    // what the binding refuses
    STATIC_REQUIRE(!layers::binding<Conv1D<5, 5>>::accepts<Shape<3, 4>>);                     // kernel longer
    STATIC_REQUIRE(layers::binding<Conv1D<5, 5, 1, 1, 1, Pad<1>>>::accepts<Shape<3, 3>>);     // padded: fits
    STATIC_REQUIRE(!layers::binding<Conv1D<6, 3, 1, 1, 2>>::accepts<Shape<3, 10>>);            // 3 % 2
    STATIC_REQUIRE(!layers::binding<Conv1D<6, 3, 2, 1, 1, Same>>::accepts<Shape<3, 10>>);      // same, stride 2
    STATIC_REQUIRE(!layers::binding<Conv1D<6, 3>>::accepts<Shape<3>>);                         // step, not causal
    STATIC_REQUIRE(!layers::binding<Conv1D<6, 3, 2, 1, 1, Causal>>::accepts<Shape<3>>);        // step, stride 2
    STATIC_REQUIRE(!layers::binding<Conv1D<6, 3>>::accepts<Shape<3, 4, 5>>);                   // rank 3

    // a following activation fuses
    using Net = Sequential<Input<3, 20>, Conv1D<4, 3>, Tanh, Conv1D<2, 1>>;
    STATIC_REQUIRE(std::is_same_v<Net::root::child<0>::activation, Tanh>);
    STATIC_REQUIRE(Net::param_table[2].name == "2.weight");
}

TEST_CASE("Conv1D: outputs against a reference convolution", "[layers][conv1d]") {
    check_against_reference<3, 37, 5, 5, 1, 1, 1, Valid>(1);
    check_against_reference<3, 37, 5, 5, 2, 1, 1, Valid>(2);
    check_against_reference<3, 37, 5, 5, 1, 7, 1, Causal>(3);
    check_against_reference<3, 37, 5, 5, 1, 3, 1, Same>(4);
    check_against_reference<4, 12, 5, 4, 1, 1, 1, Same>(5);  // odd total: one more zero after
    check_against_reference<3, 37, 5, 5, 2, 3, 1, Pad<2>>(6);
    check_against_reference<6, 19, 9, 3, 3, 2, 3, Pad<1>>(7);
    check_against_reference<3, 17, 5, 1, 1, 1, 1, Valid>(8);  // 1x1: the input is its own patch matrix
    check_against_reference<3, 17, 5, 1, 2, 1, 1, Valid>(9);
}

namespace {

/// Finite differences of a network whose state (if any) is restored before
/// every evaluation: filled with `context` values first, so a causal
/// sequence convolution reads a non-zero left context (a constant to backward).
template <class Net, std::size_t B = 3>
void check_gradients(std::uint64_t seed, bool context = true) {
    net_checks::problem<Net, MSE, B, typename Net::template output_batch<B>> p;
    init::xavier_uniform(p.net, seed);
    p.net.for_each_param([&](const auto&, const param_info& info, double* d) {
        Rng r(seed + info.size());
        if (info.role == param_role::bias)
            for (std::size_t i = 0; i < info.size(); ++i) d[i] = r.uniform(-0.5, 0.5);
    });
    net_checks::fill(p.x, seed + 1, -1.5, 1.5);
    net_checks::fill(p.targets, seed + 2);
    if constexpr (Net::stateful) {
        if (context) {
            // the state earlier calls leave: two windows (or steps) of other inputs
            auto before = std::make_unique<typename Net::template input_batch<B>>();
            for (std::uint64_t k = 0; k < 2; ++k) {
                net_checks::fill(*before, seed + 10 + k);
                p.net.forward(*before, *p.ws);
            }
        }
    }
    const auto saved = p.ws->state;
    auto loss = [&] {
        p.ws->state = saved;
        return p.loss();
    };
    auto g = std::make_unique<typename Net::gradients>();
    auto dx = std::make_unique<typename Net::template input_batch<B>>();
    p.ws->state = saved;
    p.analytic(*g, *dx);
    gradcheck_report report;
    TensorView<double, Net::param_storage> params(p.net.params());
    TensorView<double, Net::param_storage> grads(g->data);
    gradcheck_tensor(loss, params, grads, report, 0);
    gradcheck_tensor(loss, p.x, *dx, report, 1);
    INFO(report);
    REQUIRE(report.max_rel_error < net_checks::limit);
}

}  // namespace

TEST_CASE("Conv1D: gradients against finite differences", "[layers][conv1d][grad]") {
    // sequence form: every padding rule, stride, dilation, groups, fused activations
    check_gradients<BasicSequential<double, Input<3, 11>, Conv1D<5, 3>, Tanh, Flatten, Dense<2>>>(1);
    check_gradients<BasicSequential<double, Input<3, 13>, Conv1D<4, 3, 2, 2, 1, Pad<2>>, SiLU>>(2);
    check_gradients<BasicSequential<double, Input<4, 9>, Conv1D<6, 4, 1, 1, 2, Same>, GELU, Conv1D<3, 1>>>(3);
    check_gradients<BasicSequential<double, Input<3, 10>, Conv1D<5, 3, 1, 3, 1, Causal>, Tanh, Conv1D<2, 2, 1, 1, 1, Causal>>>(4);
    check_gradients<BasicSequential<double, Input<3, 10>, Conv1D<5, 3, 1, 3, 1, Causal>, Sigmoid>>(5, false);
    check_gradients<BasicSequential<double, Input<3, 4>, Conv1D<2, 3, 1, 3, 1, Causal>>, 1>(6);  // L < (K-1)·D
    check_gradients<BasicSequential<double, Input<6, 7>, Conv1D<3, 1, 2, 1, 3>, ReLU>>(7);
    // streaming form: the taps of the past are constants, the newest one has a gradient
    check_gradients<BasicSequential<double, Input<3>, Conv1D<5, 3, 1, 2, 1, Causal>, Tanh, Conv1D<2, 2, 1, 1, 1, Causal>>>(8);
    check_gradients<BasicSequential<double, Input<4>, Conv1D<6, 3, 1, 1, 2, Causal>, GELU, Conv1D<2, 1>>, 1>(9);
    check_gradients<BasicSequential<double, Input<3>, Conv1D<4, 1>, Tanh>>(10);
}

namespace {

/// Runs `Seq` (bound to [C, L]) over `W` consecutive windows of B streams,
/// and `Step` (the same specs bound to [C]) over their W·L steps with the
/// same parameters; the outputs must agree step by step.
template <class T, template <class, class> class NetOf, std::size_t C, std::size_t L, std::size_t W, std::size_t B>
double streaming_vs_sequence(std::uint64_t seed) {
    using Seq = NetOf<T, Input<C, L>>;
    using Step = NetOf<T, Input<C>>;
    static_assert(Seq::param_storage == Step::param_storage);
    auto seq = std::make_unique<Seq>();
    auto step = std::make_unique<Step>();
    init::torch_default(*seq, seed);
    for (std::size_t i = 0; i < Seq::param_storage; ++i) step->params()[i] = seq->params()[i];
    constexpr std::size_t Out = Seq::out_shape::dims[0];
    static_assert(Seq::out_shape::dims[1] == L && Step::out_shape::dims[0] == Out);

    auto ws = std::make_unique<typename Seq::template workspace<B>>();
    auto sws = std::make_unique<typename Step::template workspace<B>>();
    auto x = std::make_unique<typename Seq::template input_batch<B>>();
    typename Step::template input_batch<B> xs;
    Rng r(seed + 1);
    double err = 0, scale = 0;
    for (std::size_t w = 0; w < W; ++w) {
        for (auto& v : *x) v = T(r.uniform(-1, 1));
        seq->forward(*x, *ws);
        for (std::size_t t = 0; t < L; ++t) {
            for (std::size_t b = 0; b < B; ++b)
                for (std::size_t c = 0; c < C; ++c) xs(b, c) = (*x)(b, c, t);
            step->forward(xs, *sws);
            for (std::size_t b = 0; b < B; ++b)
                for (std::size_t o = 0; o < Out; ++o) {
                    const double a = double(ws->output()(b, o, t)), s = double(sws->output()(b, o));
                    err = std::max(err, std::abs(a - s));
                    scale = std::max(scale, std::abs(a));
                }
        }
    }
    REQUIRE(scale > 0.05);  // the outputs are not trivially zero
    if (std::getenv("CTNN_CONV_REPORT")) std::printf("streaming vs sequence: %s max |diff| %.2e\n", sizeof(T) == 4 ? "float" : "double", err);
    return err;
}

template <class T, class In>
using DilatedStack = BasicSequential<T, In, Conv1D<4, 3, 1, 1, 1, Causal>, Tanh, Conv1D<4, 3, 1, 2, 1, Causal>, Tanh,
                                     Conv1D<4, 3, 1, 4, 1, Causal>, Tanh, Conv1D<6, 2, 1, 8, 2, Causal>, SiLU,
                                     Conv1D<2, 1>>;
template <class T, class In>
using Parity = BasicSequential<T, In, Conv1D<5, 5, 1, 7, 1, Causal>>;
/// WaveNet layers on [residual 3 + skip 2, L]: x_res += 1x1(tanh(conv(x_res))), skip += 1x1_s(same).
template <std::size_t D>
using WaveNetLayer = Residual<Slice<0, 3>, Conv1D<3, 3, 1, D, 1, Causal>, Tanh, Concat<Conv1D<3, 1>, Conv1D<2, 1>>>;
template <class T, class In>
using WaveNetStack = BasicSequential<T, In, WaveNetLayer<1>, WaveNetLayer<2>, WaveNetLayer<4>, Slice<3, 5>>;

}  // namespace

TEST_CASE("Conv1D: streaming equals the sequence call, windows continue each other", "[layers][conv1d][stream]") {
    // The step's GEMV sums the taps in another order than the sequence's GEMM:
    // equal within rounding (measured: double ~1e-16, float ~2e-7 absolute on outputs of order 1).
    CHECK(streaming_vs_sequence<double, Parity, 3, 37, 3, 5>(1) < 1e-13);
    CHECK(streaming_vs_sequence<float, Parity, 3, 37, 3, 5>(1) < 2e-6);
    CHECK(streaming_vs_sequence<double, DilatedStack, 3, 19, 4, 2>(2) < 1e-13);
    CHECK(streaming_vs_sequence<float, DilatedStack, 3, 19, 4, 1>(2) < 2e-6);
    CHECK(streaming_vs_sequence<double, WaveNetStack, 5, 23, 3, 3>(3) < 1e-13);
    CHECK(streaming_vs_sequence<float, WaveNetStack, 5, 23, 3, 1>(3) < 2e-6);
}

TEST_CASE("Conv1D: a causal call without state starts from zeros and keeps nothing", "[layers][conv1d][stream]") {
    using L = layers::binding<Conv1D<4, 3, 1, 2, 1, Causal>>::type<Shape<3, 9>>;
    using St = L::state<float, 1>;
    alignas(64) float params[L::storage<float>]{};
    Rng r(5);
    for (float& v : params) v = float(r.uniform(-1, 1));
    float x[27], y0[36], y1[36], y2[36];
    for (float& v : x) v = float(r.uniform(-1, 1));
    alignas(64) float scratch[layers::scratch_size_of<L, float, 1>];
    St st;
    L::forward(forward_context<float, 1, false, St>{params, x, y0, nullptr, scratch, nullptr, nullptr});
    L::forward(forward_context<float, 1, false, St>{params, x, y1, nullptr, scratch, &st, nullptr});
    for (std::size_t i = 0; i < 36; ++i) REQUIRE(y0[i] == y1[i]);  // reset state = no state
    L::forward(forward_context<float, 1, false, St>{params, x, y2, nullptr, scratch, &st, nullptr});
    bool differs = false;  // the second window sees the first's last inputs
    for (std::size_t i = 0; i < 36; ++i) differs |= y2[i] != y1[i];
    REQUIRE(differs);
    for (std::size_t i = 0; i < 36; ++i)
        if (i % 9 >= 4) REQUIRE(y2[i] == y1[i]);  // from t = (K-1)·D on only the window counts
    st.reset();
    L::forward(forward_context<float, 1, false, St>{params, x, y2, nullptr, scratch, &st, nullptr});
    for (std::size_t i = 0; i < 36; ++i) REQUIRE(y2[i] == y0[i]);
}

TEST_CASE("Conv1D: a step without state sees only its input", "[layers][conv1d][stream]") {
    // the small kernel (batch 1) and the gather + GEMM one (batch 2)
    using Small = layers::binding<Conv1D<4, 3, 1, 2, 1, Causal>>::type<Shape<3>, Tanh>;
    using Large = layers::binding<Conv1D<16, 15, 1, 2, 1, Causal>>::type<Shape<16>, Tanh>;
    auto check = []<class L, std::size_t B>(std::type_identity<L>, std::integral_constant<std::size_t, B>) {
        using St = typename L::template state<float, B>;
        constexpr std::size_t C = L::in_shape::size, O = L::out_shape::size;
        alignas(64) float params[L::template storage<float>]{};
        Rng r(9);
        for (float& v : params) v = float(r.uniform(-0.3, 0.3));
        float x[B * C], y0[B * O], y1[B * O], y2[B * O];
        for (float& v : x) v = float(r.uniform(-1, 1));
        alignas(64) float scratch[layers::scratch_size_of<L, float, B> + 1];
        auto st = std::make_unique<St>();
        L::forward(forward_context<float, B, false, St>{params, x, y0, nullptr, scratch, nullptr, nullptr});
        L::forward(forward_context<float, B, false, St>{params, x, y1, nullptr, scratch, nullptr, nullptr});
        L::forward(forward_context<float, B, false, St>{params, x, y2, nullptr, scratch, st.get(), nullptr});
        for (std::size_t i = 0; i < B * O; ++i) {
            REQUIRE(y0[i] == y1[i]);                          // nothing kept
            REQUIRE(y2[i] == Approx(y0[i]).margin(1e-6));     // = the first step of a fresh stream
        }
        // steps 1 and 2: with dilation 2, step 2 is the first whose taps reach back to step 0
        L::forward(forward_context<float, B, false, St>{params, x, y2, nullptr, scratch, st.get(), nullptr});
        for (std::size_t i = 0; i < B * O; ++i) REQUIRE(y2[i] == Approx(y0[i]).margin(1e-6));
        L::forward(forward_context<float, B, false, St>{params, x, y2, nullptr, scratch, st.get(), nullptr});
        bool differs = false;
        for (std::size_t i = 0; i < B * O; ++i) differs |= y2[i] != y0[i];
        REQUIRE(differs);
    };
    check(std::type_identity<Small>{}, std::integral_constant<std::size_t, 1>{});
    check(std::type_identity<Large>{}, std::integral_constant<std::size_t, 1>{});
    check(std::type_identity<Large>{}, std::integral_constant<std::size_t, 2>{});
}

TEST_CASE("Conv1D: forward, backward and streaming steps allocate nothing", "[layers][conv1d][alloc]") {
    using Net = Sequential<Input<5, 37>, WaveNetLayer<1>, WaveNetLayer<2>, Conv1D<4, 5, 2, 3, 1, Pad<2>>, Tanh>;
    using StepNet = Sequential<Input<5>, WaveNetLayer<1>, WaveNetLayer<2>, Slice<3, 5>, Conv1D<2, 3, 1, 2, 1, Causal>>;
    auto net = std::make_unique<Net>();
    auto step = std::make_unique<StepNet>();
    init::torch_default(*net, 1);
    init::torch_default(*step, 1);
    auto ws = std::make_unique<Net::workspace<4>>();
    auto sws = std::make_unique<StepNet::workspace<4>>();
    auto g = std::make_unique<Net::gradients>();
    auto sg = std::make_unique<StepNet::gradients>();
    auto x = std::make_unique<Net::input_batch<4>>();
    auto dx = std::make_unique<Net::input_batch<4>>();
    net_checks::fill(*x, 2);
    StepNet::input_batch<4> xs;
    net_checks::fill(xs, 3);
    StepNet::state_type st;
    const Tensor<float, 5> one{{0.1f, -0.2f, 0.3f, 0.4f, -0.5f}};
    const std::size_t n = ctnn_test::allocations_during([&] {
        net->forward(*x, *ws);
        net->forward<true>(*x, *ws);
        net->backward(*x, *ws, *g, dx.get());
        step->forward<true>(xs, *sws);
        step->backward(xs, *sws, *sg);
        for (int t = 0; t < 10; ++t) (void)step->forward(one, st);
    });
    REQUIRE(n == 0);
}
