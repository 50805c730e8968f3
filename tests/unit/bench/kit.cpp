// The benchmark kit's parts that do not time anything (include/ctnn/bench/):
// flop and byte counts of each case on tiny networks (exact, derived by hand
// below), the roofline's classification, the reference pass catching a
// network that is wrong only when batched, only in float, or only in its
// backward pass, the machine probes' kernels, and the allocation hook.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

#include <ctnn/bench/allocations.hpp>
#include <ctnn/bench/check.hpp>
#include <ctnn/bench/costs.hpp>
#include <ctnn/bench/machine.hpp>
#include <ctnn/bench/roofline.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/simd/probe.hpp>

#include "../../../examples/one_pole.hpp"
#include "../alloc_count.hpp"

using namespace ctnn;

namespace kit_test {

/// A layer that is y = x, except where `Mode` makes it wrong:
/// 1 in batches of more than one sample, 2 in float, 3 in float's backward.
template <int Mode>
struct Faulty {
    static std::string name() { return "Faulty"; }
};

template <int Mode, std::size_t F>
struct faulty {
    using in_shape = Shape<F>;
    using out_shape = Shape<F>;
    static constexpr std::size_t flops_forward = F;
    static constexpr std::size_t flops_backward = F;

    template <class T, std::size_t B, bool Train, class S>
    static constexpr void forward(const forward_context<T, B, Train, S>& c) noexcept {
        T k = T(1);
        if constexpr (Mode == 1 && B > 1) k = T(1.01);
        if constexpr (Mode == 2 && std::is_same_v<T, float>) k = T(1.01);
        for (std::size_t i = 0; i < B * F; ++i) c.out[i] = k * c.in[i];
    }
    template <class T, std::size_t B, class S>
    static void backward(const backward_context<T, B, S>& c) noexcept {
        T k = T(1);
        if constexpr (Mode == 3 && std::is_same_v<T, float>) k = T(1.01);
        if (c.din)
            for (std::size_t i = 0; i < B * F; ++i) c.din[i] = k * c.dout[i];
    }
};

template <class T, std::size_t N>
void fill(T* p, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> d(-1, 1);
    for (std::size_t i = 0; i < N; ++i) p[i] = T(d(rng));
}

}  // namespace kit_test

template <int Mode>
struct ctnn::layers::binding<kit_test::Faulty<Mode>> {
    template <class In>
    static constexpr bool accepts = In::rank == 1;
    template <class In, class Where>
    using diagnosis = require_flat<In::rank != 1, Where, In>;
    template <class In>
    using type = kit_test::faulty<Mode, In::size>;
};

namespace {

// 3 -> 5 (ReLU fused into the Dense) -> 2: 15 + 5 + 10 + 2 = 32 parameters.
using Tiny = Sequential<Input<3>, Dense<5>, ReLU, Dense<2>>;

TEST_CASE("kit: flop counts of each case are exact", "[bench][kit]") {
    // forward: Dense 2·3·5 + 5 bias = 35, Dense 2·5·2 + 2 = 22 (a ReLU fused
    // into the Dense's epilogue counts no flops of its own: dense.hpp)
    // backward: Dense 4·3·5 + 5 = 65, Dense 4·5·2 + 2 = 42
    STATIC_REQUIRE(Tiny::flops_forward == 57);
    STATIC_REQUIRE(Tiny::flops_backward == 107);
    constexpr auto one = bench::infer_one_costs<Tiny>();
    STATIC_REQUIRE(one.flops == 57.0);
    STATIC_REQUIRE(one.samples == 1);
    constexpr auto batch = bench::infer_batch_costs<Tiny, 4>();
    STATIC_REQUIRE(batch.flops == 4.0 * 57);
    STATIC_REQUIRE(batch.samples == 4);
    constexpr auto train = bench::train_costs<Tiny, 4, 2, Labels<4>>();
    STATIC_REQUIRE(train.flops == 4.0 * (57 + 107));
    // the Fashion-MNIST MLP: 2·784·128 + 128 + 2·128·10 + 10 per sample
    using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
    STATIC_REQUIRE(bench::infer_batch_costs<Mlp, 64>().flops == 64.0 * (200'704 + 128 + 2'560 + 10));
    // an activation that no Dense precedes is its own layer and counts:
    // Sigmoid on 3 values, 3 flops forward and 6 backward
    using Act = Sequential<Input<3>, Sigmoid, Dense<2>>;
    STATIC_REQUIRE(bench::infer_one_costs<Act>().flops == 3.0 + 2 * 3 * 2 + 2);
    STATIC_REQUIRE(bench::train_costs<Act, 2, 0, Act::output_batch<2>>().flops == 2.0 * (3 + 14 + 6 + 4 * 3 * 2 + 2));
}

TEST_CASE("kit: byte counts of each case are exact", "[bench][kit]") {
    // Workspace areas (float, 16 per 64-byte line): a ping-pong buffer holds
    // the widest intermediate (5 a sample), the fused Dense+ReLU keeps its
    // pre-activation in scratch; batch 1: 2·16 + 16 = 48, batch 4:
    // 2·aligned(20) + aligned(20) = 96. Training keeps the hidden output: 32.
    STATIC_REQUIRE(Tiny::workspace<1>::scratch_size == 48);
    STATIC_REQUIRE(Tiny::workspace<4>::scratch_size == 96);
    STATIC_REQUIRE(Tiny::workspace<4>::saved_size == 32);
    // padded parameter buffer: 15, 5, 10, 2 each rounded up to 16
    STATIC_REQUIRE(Tiny::param_storage == 64);

    constexpr auto one = bench::infer_one_costs<Tiny>();
    STATIC_REQUIRE(one.weight_bytes == 32 * 4);
    STATIC_REQUIRE(one.activation_bytes == (3 + 2 + 48) * 4);
    STATIC_REQUIRE(one.bytes() == 128 + 212);
    REQUIRE(one.intensity() == Approx(57.0 / 340.0).epsilon(1e-15));

    constexpr auto batch = bench::infer_batch_costs<Tiny, 4>();
    STATIC_REQUIRE(batch.weight_bytes == 128);
    STATIC_REQUIRE(batch.activation_bytes == (4 * (3 + 2) + 96) * 4);

    // Adam: θ, g, m, v over the padded buffer; labels 4 bytes each; inputs,
    // outputs and their gradient, saved and scratch
    constexpr auto adam = bench::train_costs<Tiny, 4, 2, Labels<4>>();
    STATIC_REQUIRE(adam.weight_bytes == 64 * 4 * 4);
    STATIC_REQUIRE(adam.activation_bytes == (4 * (3 + 2 * 2) + 32 + 96) * 4 + 4 * 4);
    STATIC_REQUIRE(optim::Adam<Tiny>::state_count == 2);
    // SGD keeps no state; MSE's targets are a float tensor of the outputs
    constexpr auto sgd = bench::train_costs<Tiny, 4, 0, Tiny::output_batch<4>>();
    STATIC_REQUIRE(sgd.weight_bytes == 64 * 4 * 2);
    STATIC_REQUIRE(sgd.activation_bytes == (4 * (3 + 2 * 2) + 32 + 96) * 4 + 4 * 2 * 4);

    // in double: 8 a line, so the padding differs
    using TinyD = BasicSequential<double, Input<3>, Dense<5>, ReLU, Dense<2>>;
    STATIC_REQUIRE(TinyD::workspace<1>::scratch_size == 2 * 8 + 8);
    STATIC_REQUIRE(bench::infer_one_costs<TinyD>().activation_bytes == (3 + 2 + 24) * 8);
    STATIC_REQUIRE(bench::infer_one_costs<TinyD>().weight_bytes == 32 * 8);
}

TEST_CASE("kit: a stateful network's cases count its state", "[bench][kit]") {
    using Net = Sequential<Input<3>, Dense<5>, examples::OnePole, Dense<2>>;
    STATIC_REQUIRE(bench::is_stateful<Net>);
    STATIC_REQUIRE(!bench::is_stateful<Tiny>);
    // one stream keeps y_{t-1} of 5 features, 4 streams 20 (in the chain's
    // state object, which may add a few bytes: the state is counted by its size)
    STATIC_REQUIRE(sizeof(Net::state_type) >= 5 * 4);
    STATIC_REQUIRE(sizeof(Net::batch_state<4>) >= 20 * 4);
    STATIC_REQUIRE(bench::infer_one_costs<Net>().activation_bytes ==
                   (3 + 2 + Net::workspace<1>::scratch_size) * 4 + sizeof(Net::state_type));
    STATIC_REQUIRE(bench::infer_batch_costs<Net, 4>().activation_bytes ==
                   (4 * 5 + Net::workspace<4>::scratch_size) * 4 + sizeof(Net::batch_state<4>));
    // 15 + 5 + 5 + 10 + 2 parameters
    STATIC_REQUIRE(bench::infer_one_costs<Net>().weight_bytes == 37 * 4);
    STATIC_REQUIRE(bench::infer_one_costs<Net>().flops == 35.0 + 4 * 5 + 22);  // OnePole: 4 a feature
}

TEST_CASE("kit: the default training loss follows the output", "[bench][kit]") {
    STATIC_REQUIRE(std::is_same_v<bench::loss_for<Tiny, bench::auto_loss, 4>::type, SoftmaxCrossEntropy>);
    STATIC_REQUIRE(std::is_same_v<bench::loss_for<Tiny, bench::auto_loss, 4>::targets, Labels<4>>);
    using Reg = Sequential<Input<3>, Dense<1>>;
    STATIC_REQUIRE(std::is_same_v<bench::loss_for<Reg, bench::auto_loss, 4>::type, MSE>);
    STATIC_REQUIRE(std::is_same_v<bench::loss_for<Reg, bench::auto_loss, 4>::targets, Reg::output_batch<4>>);
    STATIC_REQUIRE(std::is_same_v<bench::loss_for<Tiny, MSE, 4>::type, MSE>);
    STATIC_REQUIRE(bench::target_bytes<Labels<7>> == 28);
    STATIC_REQUIRE(bench::target_bytes<Reg::output_batch<7>> == 28);
}

TEST_CASE("kit: the roofline places a working set and names the bound", "[bench][kit]") {
    bench::machine_limits m;
    m.caches = {32 * 1024, 1024 * 1024, 0};  // no L3: DRAM follows L2
    m.peak_gflops_float = 100;
    m.peak_gflops_double = 50;
    m.bandwidth_gbs = {400, 200, 0, 20};
    CHECK(bench::level_of(32 * 1024, m.caches) == bench::memory_level::l1);
    CHECK(bench::level_of(32 * 1024 + 1, m.caches) == bench::memory_level::l2);
    CHECK(bench::level_of(1024 * 1024 + 1, m.caches) == bench::memory_level::dram);

    // 10 flops a byte from L1: 4000 GFLOP/s of bandwidth, the peak is the roof
    auto p = bench::classify<float>(1000, 100, m);
    CHECK(p.intensity == 10.0);
    CHECK(p.compute_bound);
    CHECK(p.attainable_gflops == 100.0);
    CHECK(p.bound() == "compute");
    // 2 flops a byte from L2 (500 KB): 400 GFLOP/s of bandwidth, still compute bound
    p = bench::classify<float>(1e6, 2'000'000 / 4, m);
    CHECK(p.level == bench::memory_level::l2);
    CHECK(p.intensity == 2.0);
    CHECK(p.compute_bound);
    // 0.125 flop a byte from L2: 25 GFLOP/s of bandwidth under double's peak of 50
    p = bench::classify<double>(1e5, 800'000, m);
    CHECK(p.intensity == 0.125);
    CHECK(!p.compute_bound);
    CHECK(p.attainable_gflops == 25.0);
    CHECK(p.peak_gflops == 50.0);
    CHECK(p.bound() == "memory (L2)");
    // 4 MB: DRAM
    p = bench::classify<float>(4e6, 4u << 20, m);
    CHECK(p.level == bench::memory_level::dram);
    CHECK(p.attainable_gflops == Approx(20.0 * 4e6 / double(4u << 20)).epsilon(1e-15));
    CHECK(p.bound() == "memory (DRAM)");
}

template <class Net>
struct inputs {
    static constexpr std::size_t n = 5;
    std::vector<typename Net::input_type> one = std::vector<typename Net::input_type>(n);
    std::vector<typename Net::template input_batch<4>> batch = std::vector<typename Net::template input_batch<4>>(3);
    inputs() {
        for (std::size_t i = 0; i < n; ++i) kit_test::fill<float, Net::in_shape::size>(one[i].data(), 10 + i);
        for (std::size_t i = 0; i < 3; ++i) kit_test::fill<float, 4 * Net::in_shape::size>(batch[i].data(), 20 + i);
    }
};

template <int Mode>
using FaultyNet = Sequential<Input<6>, Dense<7>, Tanh, kit_test::Faulty<Mode>, Dense<3>>;

TEST_CASE("kit: the reference pass accepts correct networks", "[bench][kit]") {
    using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
    auto net = std::make_unique<Mlp>();
    init::torch_default(*net, 3);
    inputs<Mlp> in;
    const auto one = bench::check_infer_one(*net, in.one.data(), in.n, 1e-4);
    CHECK(one.ok);
    CHECK(one.error > 0.0);  // float against double: not bit-identical, but close
    CHECK(one.error < 1e-5);
    const auto batch = bench::check_infer_batch<Mlp, 4>(*net, in.batch.data(), 3, 1e-4);
    CHECK(batch.ok);
    CHECK(batch.error < 1e-5);
    Labels<4> labels{1, 9, 0, 4};
    const auto grads = bench::check_gradients<SoftmaxCrossEntropy, Mlp, 4>(*net, in.batch[0], labels, 1e-4);
    CHECK(grads.ok);
    CHECK(grads.error > 0.0);
    CHECK(grads.error < 1e-4);

    auto ok = std::make_unique<FaultyNet<0>>();
    init::torch_default(*ok, 4);
    inputs<FaultyNet<0>> fin;
    CHECK(bench::check_infer_one(*ok, fin.one.data(), fin.n, 1e-4).ok);
    CHECK(bench::check_infer_batch<FaultyNet<0>, 4>(*ok, fin.batch.data(), 3, 1e-4).ok);
    FaultyNet<0>::output_batch<4> t;
    kit_test::fill<float, 12>(t.data(), 5);
    CHECK(bench::check_gradients<MSE, FaultyNet<0>, 4>(*ok, fin.batch[0], t, 1e-4).ok);
}

TEST_CASE("kit: the reference pass catches a wrong output", "[bench][kit]") {
    inputs<FaultyNet<0>> in;
    FaultyNet<0>::output_batch<4> t;
    kit_test::fill<float, 12>(t.data(), 5);
    {  // right one sample at a time, wrong in batches
        auto net = std::make_unique<FaultyNet<1>>();
        init::torch_default(*net, 4);
        CHECK(bench::check_infer_one(*net, in.one.data(), in.n, 1e-4).ok);
        const auto r = bench::check_infer_batch<FaultyNet<1>, 4>(*net, in.batch.data(), 3, 1e-4);
        CHECK(!r.ok);
        CHECK(r.error > 1e-3);
        CHECK_THAT(r.what, Catch::Matchers::StartsWith("ctnn: batch-4 forward differs from the reference pass"));
    }
    {  // wrong in float, in every case
        auto net = std::make_unique<FaultyNet<2>>();
        init::torch_default(*net, 4);
        const auto r = bench::check_infer_one(*net, in.one.data(), in.n, 1e-4);
        CHECK(!r.ok);
        CHECK_THAT(r.what, Catch::Matchers::StartsWith("ctnn: batch-1 forward differs"));
        CHECK(!bench::check_infer_batch<FaultyNet<2>, 4>(*net, in.batch.data(), 3, 1e-4).ok);
        CHECK(!bench::check_gradients<MSE, FaultyNet<2>, 4>(*net, in.batch[0], t, 1e-4).ok);
        // a single output left by a timed loop
        const auto y = net->forward(in.one[0]);
        CHECK(!bench::check_output(*net, in.one[0].data(), y.data(), 1e-4, "x").ok);
    }
    {  // forward right, backward wrong: only the training check sees it
        auto net = std::make_unique<FaultyNet<3>>();
        init::torch_default(*net, 4);
        CHECK(bench::check_infer_one(*net, in.one.data(), in.n, 1e-4).ok);
        CHECK(bench::check_infer_batch<FaultyNet<3>, 4>(*net, in.batch.data(), 3, 1e-4).ok);
        const auto r = bench::check_gradients<MSE, FaultyNet<3>, 4>(*net, in.batch[0], t, 1e-4);
        CHECK(!r.ok);
        CHECK_THAT(r.what, Catch::Matchers::StartsWith("ctnn: the gradient of 0.weight differs"));
    }
    {  // a NaN never passes
        bench::check_result r;
        r.merge(NAN, 1.0, "nan");
        CHECK(!r.ok);
    }
}

TEST_CASE("kit: the reference pass follows a stateful network's streams", "[bench][kit]") {
    using Net = Sequential<Input<6>, Dense<7>, examples::OnePole, Dense<3>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 8);
    inputs<Net> in;
    const auto one = bench::check_infer_one(*net, in.one.data(), in.n, 1e-4);
    CHECK(one.ok);
    CHECK(one.error < 1e-5);
    const auto batch = bench::check_infer_batch<Net, 4>(*net, in.batch.data(), 3, 1e-4);
    CHECK(batch.ok);
    CHECK(batch.error < 1e-5);
    // the stream's later steps depend on its state: a reference without it disagrees
    auto y0 = net->forward(in.one[0], *std::make_unique<Net::state_type>());
    auto st = std::make_unique<Net::state_type>();
    (void)net->forward(in.one[1], *st);
    auto y1 = net->forward(in.one[0], *st);
    CHECK(bench::rel_error(y1.data(), y0.data(), 3) > 1e-3);
}

TEST_CASE("kit: the probes' kernels", "[bench][kit][simd]") {
    float acc[simd::fma_chains];
    for (std::size_t k = 0; k < simd::fma_chains; ++k) acc[k] = float(k);
    const double flops = simd::fma_throughput<float>(acc, 1000);
    CHECK(flops == 2.0 * double(simd::pack_traits<float, simd::best_arch>::width) * double(simd::fma_chains) * 1000);
    // every lane of chain k ran x ← fma(x, 0.999999, 1e-7) a thousand times
    // from k, with the pack's fma: one rounding a step where the target has
    // the instruction, a multiply and an add where it does not (plain SSE2);
    // the reference runs the same pack operation on one value
    using P = simd::pack_traits<float, simd::best_arch>;
    const float w = float(P::width);
    for (std::size_t k = 0; k < simd::fma_chains; ++k) {
        auto x = P::splat(float(k));
        for (int r = 0; r < 1000; ++r) x = P::fma(x, P::splat(0.999999f), P::splat(1e-7f));
        alignas(64) float lanes[P::width];
        P::store(lanes, x);
        CHECK(acc[k] == Approx(w * lanes[0]).epsilon(1e-6));
    }
    std::vector<float> src(1003), dst(1003, -1.0f);
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = float(i) * 0.5f;
    simd::copy(dst.data(), src.data(), 1001);
    for (std::size_t i = 0; i < 1001; ++i) REQUIRE(dst[i] == src[i]);
    CHECK(dst[1001] == -1.0f);
    // the read probe sums every element once, whatever the tail: 0.5·(0 + … + n-1)
    for (std::size_t n : {std::size_t(1003), std::size_t(7), std::size_t(512)})
        CHECK(simd::read(src.data(), n) == Approx(0.25 * double(n) * double(n - 1)).epsilon(1e-6));
}

TEST_CASE("kit: the machine's limits", "[bench][kit]") {
    const auto c = bench::read_cache_sizes();
    CHECK(c.l1 >= 4096);
    CHECK(c.l2 >= c.l1);
    CHECK(bench::machine_detail::parse_size("48K") == 48 * 1024);
    CHECK(bench::machine_detail::parse_size("2048K") == 2048 * 1024);
    CHECK(bench::machine_detail::parse_size("16M") == 16u << 20);
    CHECK(bench::machine_detail::parse_size("") == 0);
    const bench::machine_limits& m = bench::limits();
    CHECK(&m == &bench::limits());  // measured once
    CHECK(m.peak_gflops_float > 0.1);
    CHECK(m.peak_gflops_double > 0.05);
    for (double b : m.bandwidth_gbs) CHECK(b > 0.1);
    for (double b : m.copy_gbs) CHECK(b > 0.1);
    CHECK(!bench::cpu_model().empty());
    CHECK(!bench::compiler().empty());
}

TEST_CASE("kit: the allocation hook counts the checks and not the hot paths", "[bench][kit]") {
    // this binary's counting operator new (net/no_alloc.cpp) installed the hook: take it out, then in again
    const auto installed = bench::allocation_counter;
    bench::allocation_counter = nullptr;
    REQUIRE(!bench::counting_allocations());
    CHECK(bench::allocations_so_far() == 0);
    bench::allocation_counter = &ctnn_test::allocation_count;
    REQUIRE(bench::counting_allocations());
    auto net = std::make_unique<Tiny>();
    init::torch_default(*net, 1);
    inputs<Tiny> in;
    auto ws = std::make_unique<Tiny::workspace<4>>();
    Tiny::input_type x0;
    std::copy(in.batch[0].data(), in.batch[0].data() + 3, x0.data());
    std::size_t before = bench::allocations_so_far();
    (void)bench::check_infer_one(*net, in.one.data(), in.n, 1e-4);  // the reference pass allocates
    CHECK(bench::allocations_so_far() > before);
    before = bench::allocations_so_far();
    auto y = net->forward(x0);
    net->forward(in.batch[0], *ws);
    CHECK(bench::allocations_so_far() == before);
    CHECK(bench::rel_error(y.data(), ws->output().data(), 2) < 1e-6);  // the two paths agree on row 0
    bench::allocation_counter = installed;
}

}  // namespace
