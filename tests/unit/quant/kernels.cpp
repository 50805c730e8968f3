// The bf16 and int8 GEMV kernels (simd/quant.hpp) against scalar references
// over odd sizes (In 1, 7, 13, 50, 200, 784; Out 1, 5, 40, 80, 128), and the SIMD path
// against the portable emulation bit for bit (on a target without the
// instructions both calls run the emulation, and the references still hold).
#include <catch2/catch.hpp>
#include <ctnn/simd/quant.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace {

namespace q = ctnn::simd::quant;

template <class T>
struct aligned_buffer {
    std::vector<T> v;
    T* p;
    explicit aligned_buffer(std::size_t n) : v(n + 64 / sizeof(T), T{}) {
        void* raw = v.data();
        std::size_t space = v.size() * sizeof(T);
        p = static_cast<T*>(std::align(64, n * sizeof(T), raw, space));
    }
};

bool same_bits(float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }

// The kernels of one shape behind function pointers: the checks are compiled once.
struct shape_kernels {
    std::size_t out, in, out_p, bf_in, i8_in, i8_w;
    std::size_t (*i8_at)(std::size_t, std::size_t);  // where int8 w[o, i] lives
    void (*bf16_x[2])(const float*, std::uint16_t*);
    void (*bf16[2])(const std::uint16_t*, const std::uint16_t*, const float*, float*);
    void (*u8_x[2])(const float*, const q::u8_input&, std::uint8_t*);
    void (*int8[2])(const std::int8_t*, const std::uint8_t*, const std::int32_t*, const float*, const float*, float*);
};
template <std::size_t Out, std::size_t In>
shape_kernels kernels_for() {
    return {Out,
            In,
            q::padded_rows<Out>,
            q::bf16_in<In>,
            q::int8_in<In>,
            q::int8_weight_bytes<Out, In>,
            &q::int8_at<In>,
            {&q::to_bf16_n<In, false>, &q::to_bf16_n<In, true>},
            {&q::gemv_bf16<Out, In, false>, &q::gemv_bf16<Out, In, true>},
            {&q::to_u8_n<In, false>, &q::to_u8_n<In, true>},
            {&q::gemv_int8<Out, In, false>, &q::gemv_int8<Out, In, true>}};
}

void check_bf16(const shape_kernels& k, std::mt19937& rng) {
    std::uniform_real_distribution<float> u(-1, 1);
    aligned_buffer<std::uint16_t> w(k.out_p * k.bf_in), xb(k.bf_in), xb2(k.bf_in);
    aligned_buffer<float> bias(k.out_p);
    std::vector<float> wf(k.out * k.in), x(k.in), y(k.out + 1, 99.f), y2(k.out + 1, 99.f);
    for (std::size_t o = 0; o < k.out; ++o) {
        for (std::size_t i = 0; i < k.in; ++i) {
            wf[o * k.in + i] = u(rng);
            w.p[o * k.bf_in + i] = q::to_bf16(wf[o * k.in + i]);
        }
        bias.p[o] = u(rng);
    }
    for (auto& v : x) v = 4 * u(rng);
    k.bf16_x[0](x.data(), xb.p);
    k.bf16_x[1](x.data(), xb2.p);
    for (std::size_t i = 0; i < k.bf_in; ++i) REQUIRE(xb.p[i] == xb2.p[i]);
    k.bf16[0](w.p, xb.p, bias.p, y.data());
    k.bf16[1](w.p, xb.p, bias.p, y2.data());
    CHECK(y[k.out] == 99.f);  // nothing written past Out
    CHECK(y2[k.out] == 99.f);
    for (std::size_t o = 0; o < k.out; ++o) {
        INFO("out " << k.out << " in " << k.in << " row " << o);
        REQUIRE(same_bits(y[o], y2[o]));
        // Against the bf16 operands in double: products are exact in f32, so only
        // the In - 1 + 1 additions (and the bias add) round: |err| <= (In + 1)·2⁻²⁴·Σ|terms|.
        double exact = bias.p[o], mag = std::fabs(bias.p[o]), unrounded = bias.p[o];
        for (std::size_t i = 0; i < k.in; ++i) {
            const double t = double(q::from_bf16(w.p[o * k.bf_in + i])) * q::from_bf16(xb.p[i]);
            exact += t;
            mag += std::fabs(t);
            unrounded += double(wf[o * k.in + i]) * x[i];
        }
        CHECK(std::fabs(y[o] - exact) <= double(k.in + 1) * 0x1p-24 * mag);
        // Against the float operands: each of w and x is within 2⁻⁸ relative of its bf16.
        CHECK(std::fabs(y[o] - unrounded) <= (0x1p-7 + 0x1p-16 + double(k.in + 1) * 0x1p-24) * mag);
    }
}

void check_int8(const shape_kernels& k, std::mt19937& rng, std::int32_t zero_point) {
    std::uniform_int_distribution<int> wd(-127, 127);
    std::uniform_real_distribution<float> u(-1, 1);
    aligned_buffer<std::int8_t> w(k.i8_w);
    aligned_buffer<std::uint8_t> xq(k.i8_in), xq2(k.i8_in);
    aligned_buffer<float> scale(k.out_p), bias(k.out_p);
    aligned_buffer<std::int32_t> corr(k.out_p);
    std::vector<float> x(k.in), y(k.out + 1, 99.f), y2(k.out + 1, 99.f);
    const q::u8_input in{0.01f, 100.0f, zero_point};
    for (std::size_t o = 0; o < k.out; ++o) {
        std::int32_t sum = 0;
        for (std::size_t i = 0; i < k.in; ++i) sum += w.p[k.i8_at(o, i)] = std::int8_t(wd(rng));
        if (o == 0) {  // the extremes: every product at its largest
            sum = 0;
            for (std::size_t i = 0; i < k.in; ++i) sum += w.p[k.i8_at(0, i)] = std::int8_t(i % 2 ? -127 : 127);
        }
        corr.p[o] = zero_point * sum;
        scale.p[o] = 0.001f * u(rng);
        bias.p[o] = u(rng);
    }
    for (std::size_t i = 0; i < k.in; ++i) x[i] = (zero_point ? 1.5f : 3.0f) * u(rng) + (zero_point ? 0.f : 1.f);
    x[0] = zero_point ? -9.f : 9.f;  // saturates
    k.u8_x[0](x.data(), in, xq.p);
    k.u8_x[1](x.data(), in, xq2.p);
    for (std::size_t i = 0; i < k.i8_in; ++i) {
        INFO("element " << i);
        REQUIRE(xq.p[i] == xq2.p[i]);
        // Independent reference: round half to even of x/scale, clipped.
        const double lo = zero_point ? -127 : 0, hi = zero_point ? 127 : 255;
        const double v = i < k.in ? std::nearbyint(std::fmin(std::fmax(double(x[i] * 100.0f), lo), hi)) : 0.0;
        REQUIRE(int(xq.p[i]) == int(v) + zero_point);
    }
    CHECK(int(xq.p[0]) == (zero_point ? 1 : 255));
    k.int8[0](w.p, xq.p, corr.p, scale.p, bias.p, y.data());
    k.int8[1](w.p, xq.p, corr.p, scale.p, bias.p, y2.data());
    CHECK(y[k.out] == 99.f);
    CHECK(y2[k.out] == 99.f);
    for (std::size_t o = 0; o < k.out; ++o) {
        INFO("out " << k.out << " in " << k.in << " row " << o);
        std::int64_t acc = 0;  // Σ (q - zero point)·w in 64 bits
        for (std::size_t i = 0; i < k.in; ++i)
            acc += (std::int64_t(xq.p[i]) - zero_point) * std::int64_t(w.p[k.i8_at(o, i)]);
        REQUIRE(same_bits(y[o], y2[o]));
        REQUIRE(same_bits(y[o], std::fma(float(acc), scale.p[o], bias.p[o])));
    }
}

}  // namespace

TEST_CASE("bf16 rounding is round-to-nearest-even and matches vcvtneps2bf16", "[quant]") {
    CHECK(q::to_bf16(1.0f) == 0x3f80);
    CHECK(q::to_bf16(std::bit_cast<float>(0x3f808000u)) == 0x3f80);  // tie to even (down)
    CHECK(q::to_bf16(std::bit_cast<float>(0x3f818000u)) == 0x3f82);  // tie to even (up)
    CHECK(q::to_bf16(std::bit_cast<float>(0x3f808001u)) == 0x3f81);  // above the tie
    CHECK(q::to_bf16(-0.0f) == 0x8000);
    CHECK(q::to_bf16(std::numeric_limits<float>::infinity()) == 0x7f80);
    CHECK(q::to_bf16(std::numeric_limits<float>::max()) == 0x7f80);  // rounds up to infinity
    CHECK(q::to_bf16(-1e-40f) == 0x8000);                            // subnormal: signed zero
    CHECK((q::to_bf16(std::numeric_limits<float>::quiet_NaN()) & 0x7fc0) == 0x7fc0);
    CHECK(q::from_bf16(0x3f81) == 1.0078125f);
    // Every rounding lands within 2⁻⁸ relative, and the SIMD conversion agrees
    // on odd patterns (ties, subnormals, infinities, large values).
    std::vector<float> x(40);
    const std::uint32_t bits[] = {0x3f808000u, 0x3f818000u, 0x00000001u, 0x807fffffu, 0x7f800000u,
                                  0xff7fffffu, 0x3f7fffffu, 0x00800000u, 0x80800000u, 0x4b7fff80u};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::bit_cast<float>(bits[i % 10] + std::uint32_t(i / 10));
    aligned_buffer<std::uint16_t> a(64), b(64);
    q::to_bf16_n<40, false>(x.data(), a.p);
    q::to_bf16_n<40, true>(x.data(), b.p);
    for (std::size_t i = 0; i < 64; ++i) {
        INFO("element " << i);
        CHECK(a.p[i] == b.p[i]);
        if (i >= 40) CHECK(a.p[i] == 0);
        else if (std::isfinite(x[i]) && std::fabs(x[i]) >= 0x1p-126f && std::fabs(x[i]) < 1e38f)
            CHECK(std::fabs(q::from_bf16(a.p[i]) - x[i]) <= 0x1p-8 * std::fabs(x[i]));
    }
}

TEST_CASE("bf16 and int8 GEMV against scalar references, SIMD against emulation bit for bit", "[quant]") {
    INFO("bf16 instructions: " << q::have_bf16_dot << ", VNNI: " << q::have_vnni);
    std::mt19937 rng(5);
    const shape_kernels shapes[] = {kernels_for<1, 1>(),  kernels_for<5, 7>(),   kernels_for<128, 13>(),
                                    kernels_for<1, 784>(), kernels_for<5, 784>(), kernels_for<128, 784>(),
                                    kernels_for<128, 1>(), kernels_for<5, 13>(),  kernels_for<1, 7>(),
                                    kernels_for<80, 50>(), kernels_for<40, 200>()};  // int8: 4 + 1 and 3 tiles, quad tails
    for (const auto& k : shapes) {
        check_bf16(k, rng);
        check_int8(k, rng, 0);
        check_int8(k, rng, 128);
    }
}

TEST_CASE("int8 GEMV: all-zero rows and zero scales give the bias exactly", "[quant]") {
    aligned_buffer<std::int8_t> w(q::int8_weight_bytes<3, 13>);
    aligned_buffer<std::uint8_t> x(64);
    aligned_buffer<float> scale(16), bias(16);
    aligned_buffer<std::int32_t> corr(16);
    for (std::size_t i = 0; i < 64; ++i) x.p[i] = std::uint8_t(255 - i);
    for (std::size_t i = 0; i < 13; ++i) w.p[q::int8_at<13>(1, i)] = 127;  // row 1: nonzero weights, scale 0
    for (std::size_t o = 0; o < 3; ++o) bias.p[o] = 0.25f * float(o + 1);
    float y[3], y2[3];
    q::gemv_int8<3, 13, false>(w.p, x.p, corr.p, scale.p, bias.p, y);
    q::gemv_int8<3, 13, true>(w.p, x.p, corr.p, scale.p, bias.p, y2);
    for (std::size_t o = 0; o < 3; ++o) {
        CHECK(y[o] == bias.p[o]);
        CHECK(y2[o] == bias.p[o]);
    }
}
