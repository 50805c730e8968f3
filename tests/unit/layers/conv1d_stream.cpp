// Conv1D (layers/conv1d.hpp), the streaming form: against the sequence form
// (also a dilated stack and WaveNet layers), windows that continue each other
// through the state, a call without state, and no allocation. (Split from
// conv1d.cpp so that the two halves build in parallel.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <ctnn/ctnn.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"

using namespace ctnn;

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
