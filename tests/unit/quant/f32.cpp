// Quantized<Net, quant::f32_weights>, the FP32 deployment form: each Dense
// fed the float network's own input to it equals the float layer to the
// rounding of two FP32 sums of the same terms in different orders (stated
// below); a row-major stage (In above the threshold, or few outputs) runs the
// float Dense's own kernel and equals it bit for bit; the layouts are the
// documented ones; forward allocates nothing.
#include <catch2/catch.hpp>
#include <ctnn/net.hpp>
#include <ctnn/quant.hpp>

#include "../alloc_count.hpp"
#include "quant_fixture.hpp"

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using namespace ctnn;
// Dense 0: In 160 (> 128): row-major; Dense 1: 48 -> 64: column-major; Dense 2: 10 outputs: row-major.
using Net = Sequential<Input<160>, Dense<48>, ReLU, Dense<64>, Tanh, Dense<10>>;
using ColumnMajor = quant::f32_policy<quant::f32_layout::column_major>;  // every Dense (tails: 48 and 10 outputs)
constexpr std::size_t samples = 32;

struct fixture : quant_test::net_and_samples<Net> {
    fixture() : net_and_samples(samples, 5, 17, 1.0f) {
        std::mt19937 rng(19);
        std::normal_distribution<float> d(0.0f, 1.0f);
        net.for_each_param([&](const std::string&, const param_info& info, float* p) {  // biases too
            if (info.rank == 1)
                for (std::size_t i = 0; i < info.size(); ++i) p[i] = 0.1f * d(rng);
        });
    }
};

// Stage I of q against the float child's output on the same input. Both sum
// the same In + 1 terms (bias included) in FP32, so each is within
// (In + 1)·2⁻²⁴·Σ|terms| of the exact sum (first-order bound, doubled for two
// sums); ReLU and identity are 1-Lipschitz, the fast tanh is too, up to its
// own rounding (2⁻²² absolute).
template <std::size_t I, class Q>
void check_stage(const Q& q, const Net& net, const std::vector<float>& in, const std::vector<float>& out) {
    const quant_test::stage_run<I, Q, Net> run(q, net, in);
    using S = typename decltype(run)::stage;
    constexpr std::size_t In = run.in_size, Out = run.out_size;
    const float *w = run.w, *b = run.b;
    const auto& y = run.y;
    for (std::size_t o = 0; o < Out; ++o) {
        double mag = std::fabs(b[o]);
        for (std::size_t i = 0; i < In; ++i) mag += std::fabs(double(w[o * In + i]) * in[i]);
        const double bound = 2.0 * double(In + 1) * 0x1p-24 * mag + (I == 1 ? 0x1p-22 : 0.0);
        INFO("stage " << I << " output " << o << " column-major " << S::column_major);
        if (!S::column_major)
            CHECK(std::bit_cast<std::uint32_t>(y[o]) == std::bit_cast<std::uint32_t>(out[o]));
        else
            CHECK(std::fabs(double(y[o]) - double(out[o])) <= bound);
    }
}

template <class Policy>
void check_network(const fixture& f) {
    const auto q = quant::quantize<Policy>(f.net);
    double worst = 0;
    for (std::size_t s = 0; s < samples; ++s) {
        Net::input_type x;
        std::copy(f.x.begin() + std::ptrdiff_t(s * 160), f.x.begin() + std::ptrdiff_t(s * 160 + 160), x.data());
        const quant_test::float_trace<Net> t(f.net, x.data());
        check_stage<0>(*q, f.net, t.ins[0], t.outs[0]);
        check_stage<1>(*q, f.net, t.ins[1], t.outs[1]);
        check_stage<2>(*q, f.net, t.ins[2], t.outs[2]);
        Net::output_type y;
        CHECK(ctnn_test::allocations_during([&] { q->forward(x, y); }) == 0);
        const auto ref = f.net.forward(x);
        for (std::size_t k = 0; k < 10; ++k) worst = std::max(worst, std::fabs(double(y(k)) - double(ref(k))));
    }
    CHECK(worst < 1e-5);  // the whole network: roundings only (outputs of magnitude ~1)
}

}  // namespace

TEST_CASE("f32 deployment form: layouts by input width and output count", "[quant]") {
    using Q = Quantized<Net, quant::f32_weights>;
    STATIC_REQUIRE(!Q::stage<0>::column_major);  // In 160 > f32_column_major_max_in
    STATIC_REQUIRE(Q::stage<1>::column_major);   // In 48, Out 64
    STATIC_REQUIRE(!Q::stage<2>::column_major);  // Out 10 < f32_column_major_min_out
    STATIC_REQUIRE(Quantized<Net, ColumnMajor>::stage<0>::column_major);
    const auto f = std::make_unique<fixture>();
    const auto q = quant::quantize<quant::f32_weights>(f->net);
    // W transposed, zero-padded to whole packs: wt[i·stride + o] = w[o, i].
    const auto& l1 = q->layer<1>();
    const float* w1 = f->net.params() + Net::root::param_offsets<float>[1];
    bool same = true;
    for (std::size_t o = 0; o < 64; ++o)
        for (std::size_t i = 0; i < 48; ++i) same = same && l1.weight[i * l1.stride + o] == w1[o * 48 + i];
    CHECK(same);
}

TEST_CASE("f32 deployment form: each Dense equals the float one to rounding, no allocation", "[quant]") {
    const auto f = std::make_unique<fixture>();
    check_network<quant::f32_weights>(*f);
    check_network<ColumnMajor>(*f);
}
