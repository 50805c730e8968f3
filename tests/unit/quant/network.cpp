// Quantized<Net, Policy> against its float network: each quantized Dense
// fed the float network's own input to it stays within a bound derived from
// the format (bf16: 2⁻⁸ relative per operand; int8: half a step of each
// scale); the SIMD network equals the portable one bit for bit; forward
// allocates nothing; the per-layer report matches the outputs; all-zero rows,
// clipping and missing calibration data behave as documented.
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
using Net = Sequential<Input<13>, Dense<20>, ReLU, Dense<7>, Tanh, Dense<3>>;
constexpr std::size_t samples = 64;

struct fixture : quant_test::net_and_samples<Net> {
    fixture() : net_and_samples(samples, 3, 11, 1.5f) {}
};

// Checks stage I of q (a Dense In -> Out) on the float network's input to it.
template <std::size_t I, bool Int8, class Q>
void check_stage(const Q& q, const Net& net, const std::vector<float>& in, const std::vector<float>& out) {
    const quant_test::stage_run<I, Q, Net> run(q, net, in);
    constexpr std::size_t In = run.in_size, Out = run.out_size;
    const float *w = run.w, *b = run.b;
    const auto& y = run.y;
    for (std::size_t o = 0; o < Out; ++o) {
        double z = b[o], mag = std::fabs(b[o]), bound = 0;
        for (std::size_t i = 0; i < In; ++i) {
            z += double(w[o * In + i]) * in[i];
            mag += std::fabs(double(w[o * In + i]) * in[i]);
        }
        if constexpr (!Int8) {
            // each operand rounds to bf16 (≤ 2⁻⁸ relative), then FP32 sums
            bound = (0x1p-7 + 0x1p-16 + double(In + 2) * 0x1p-24) * mag;
        } else {
            const auto& st = q.template layer<I>();
            const double sw = st.weight_scale[o], sx = st.input.scale;
            for (std::size_t i = 0; i < In; ++i)  // half a step of each scale (inputs within the calibrated range)
                bound += std::fabs(w[o * In + i]) * sx / 2 + std::fabs(in[i]) * sw / 2 + sw * sx / 4;
            bound = bound * (1 + 1e-6) + 0x1p-22 * mag;
        }
        INFO("stage " << I << " output " << o << " int8 " << Int8);
        // The activation (ReLU, Tanh or none) is 1-Lipschitz: the bound holds after it too.
        CHECK(std::fabs(double(y[o]) - double(out[o])) <= bound + 1e-6 * std::fabs(z) + 1e-30);
    }
}

template <class Policy, bool Int8>
void check_network(const fixture& f) {
    const auto q = quant::quantize<Policy>(f.net, f.rows());
    using Portable = std::conditional_t<std::is_same_v<Policy, quant::bf16_weights>, quant::bf16_policy<true>,
                                        quant::int8_policy<true>>;
    const auto p = quant::quantize<Portable>(f.net, f.rows());
    for (std::size_t s = 0; s < samples; ++s) {
        Net::input_type x;
        std::copy(f.x.begin() + std::ptrdiff_t(s * 13), f.x.begin() + std::ptrdiff_t(s * 13 + 13), x.data());
        const quant_test::float_trace<Net> t(f.net, x.data());
        check_stage<0, Int8>(*q, f.net, t.ins[0], t.outs[0]);
        check_stage<1, Int8>(*q, f.net, t.ins[1], t.outs[1]);
        check_stage<2, Int8>(*q, f.net, t.ins[2], t.outs[2]);
        Net::output_type y, y2;
        q->forward(x, y);
        p->forward(x, y2);
        for (std::size_t k = 0; k < 3; ++k)
            REQUIRE(std::bit_cast<std::uint32_t>(y(k)) == std::bit_cast<std::uint32_t>(y2(k)));
        CHECK(ctnn_test::allocations_during([&] { q->forward(x, y); }) == 0);
    }
    // The report's last stage is the network's output error.
    const auto r = quant::error_report(*q, f.net, f.rows());
    REQUIRE(r.size() == 3);
    double worst = 0;
    for (std::size_t s = 0; s < samples; ++s) {
        Net::input_type x;
        std::copy(f.x.begin() + std::ptrdiff_t(s * 13), f.x.begin() + std::ptrdiff_t(s * 13 + 13), x.data());
        const auto a = q->forward(x);
        const auto b = f.net.forward(x);
        for (std::size_t k = 0; k < 3; ++k) worst = std::max(worst, std::fabs(double(a(k)) - double(b(k))));
    }
    CHECK(r[2].max_abs == Approx(worst).epsilon(1e-6));
    CHECK(r[0].max_abs > 0);
    CHECK(r[2].relative() < (Int8 ? 0.05 : 0.01));  // loose sanity: the per-stage bounds above are the real test
    // A batch is the samples one after another.
    Net::input_batch<4> xs;
    Net::output_batch<4> ys;
    std::copy(f.x.begin(), f.x.begin() + 4 * 13, xs.data());
    CHECK(ctnn_test::allocations_during([&] { q->template forward<4>(xs, ys); }) == 0);
    Net::input_type x3;
    std::copy(f.x.begin() + 3 * 13, f.x.begin() + 4 * 13, x3.data());
    const auto y3 = q->forward(x3);
    for (std::size_t k = 0; k < 3; ++k) CHECK(ys(3, k) == y3(k));
}

}  // namespace

TEST_CASE("bf16 network: per-layer bounds, SIMD = emulation, no allocation", "[quant]") {
    const auto f = std::make_unique<fixture>();
    check_network<quant::bf16_weights, false>(*f);
}

TEST_CASE("int8 network: per-layer bounds, SIMD = emulation, no allocation", "[quant]") {
    const auto f = std::make_unique<fixture>();
    check_network<quant::int8_weights, true>(*f);
}

TEST_CASE("int8: zero rows, clipping at ±127, zero points, missing calibration", "[quant]") {
    auto f = std::make_unique<fixture>();
    float* w0 = f->net.params();  // 0.weight [20, 13]
    for (std::size_t i = 0; i < 13; ++i) w0[2 * 13 + i] = 0.0f;  // row 2 all zero
    const auto q = quant::quantize<quant::int8_weights>(f->net, f->rows());
    const auto& s0 = q->layer<0>();
    CHECK(s0.weight_scale[2] == 0.0f);
    for (std::size_t o = 0; o < 20; ++o) {
        int m = 0;
        for (std::size_t i = 0; i < 13; ++i) m = std::max(m, std::abs(int(s0.weight[simd::quant::int8_at<13>(o, i)])));
        CHECK(m == (o == 2 ? 0 : 127));  // the largest |w| of a row is exactly ±127
    }
    // Inputs: signed data (zero point 128); after ReLU, unsigned (zero point 0).
    CHECK(s0.input.zero_point == 128);
    CHECK(q->layer<1>().input.zero_point == 0);
    CHECK(q->layer<2>().input.zero_point == 128);  // after Tanh
    // A zero row gives the bias (through ReLU) whatever the input, even far outside the calibrated range.
    Net::input_type x;
    for (std::size_t i = 0; i < 13; ++i) x(i) = i % 2 ? 1e6f : -1e6f;
    float y[20];
    s0.forward(x.data(), y);
    const float b2 = f->net.params()[Net::root::child<0>::bias_at<float> + 2];
    CHECK(y[2] == std::max(b2, 0.0f));
    // Clipped inputs: the same output as inputs at the calibrated bound.
    Net::input_type edge;
    for (std::size_t i = 0; i < 13; ++i) edge(i) = (i % 2 ? 127.0f : -127.0f) * s0.input.scale;
    float y_edge[20];
    s0.forward(edge.data(), y_edge);
    for (std::size_t o = 0; o < 20; ++o) CHECK(y[o] == y_edge[o]);
    // int8 without samples is an error that names what it needs.
    CHECK_THROWS_WITH(quant::quantize<quant::int8_weights>(f->net, quant::sample_rows{f->x.data(), 0, 13}),
                      Catch::Contains("int8 calibration"));
    // A percentile below 100 narrows the first input's range.
    const auto q99 = quant::quantize<quant::int8_weights>(f->net, f->rows(), quant::calibration{99.0});
    CHECK(q99->layer<0>().input.scale < s0.input.scale);
}
