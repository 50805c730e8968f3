// layers/activation.hpp: GELU's tanh approximation against PyTorch's formula
// and its derivative against central differences (double), on numbers and on
// packs; the activations the op table defines (ReLU, Tanh, Sigmoid) agree
// with it, NaN included; GELU on float packs is fast_math.hpp's fast_gelu,
// and GELU, Sigmoid, SiLU on float packs are near the exact values. (Whole networks with every activation:
// tests/unit/net/gradients.cpp and the PyTorch parity tests.)
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numbers>

#include <ctnn/layers/activation.hpp>

using namespace ctnn;

namespace {
/// torch.nn.functional.gelu(z, approximate="tanh"), in long double.
double gelu_tanh_reference(double z) {
    const long double c = std::sqrt(2.0L / std::numbers::pi_v<long double>);
    const long double zl = z;
    return double(0.5L * zl * (1 + std::tanh(c * (zl + 0.044715L * zl * zl * zl))));
}

/// max over z of |f'(z) - central difference| / max(1, |f'(z)|).
template <class Act>
double derivative_error(double lo, double hi) {
    double worst = 0;
    for (int k = 0; k <= 400; ++k) {
        const double z = lo + (hi - lo) * k / 400 + 1e-3;  // off the grid's round numbers
        const double h = 1e-5;
        const double fd = (Act::f(z + h) - Act::f(z - h)) / (2 * h);
        const double d = Act::df(z, Act::f(z));
        worst = std::max(worst, std::abs(d - fd) / std::max(1.0, std::abs(d)));
    }
    return worst;
}
}  // namespace

TEST_CASE("GELUTanh: PyTorch's tanh approximation, and its derivative", "[layers][activation]") {
    STATIC_REQUIRE(std::is_same_v<GELUTanh, BasicGELU<gelu_approximation::tanh>>);
    STATIC_REQUIRE(std::is_same_v<GELU, BasicGELU<gelu_approximation::none>>);
    STATIC_REQUIRE(ElementwiseActivation<GELUTanh>);
    REQUIRE(GELUTanh::name() == "GELUTanh");
    REQUIRE(GELU::name() == "GELU");
    for (int k = -80; k <= 80; ++k) {
        const double z = k / 10.0;
        INFO("z = " << z);
        REQUIRE(GELUTanh::f(z) == Approx(gelu_tanh_reference(z)).epsilon(1e-14).margin(1e-15));  // 1 + tanh cancels far left
        // the approximation stays within 1e-3 of the exact GELU
        REQUIRE(std::abs(GELUTanh::f(z) - GELU::f(z)) < 1e-3);
    }
    REQUIRE(derivative_error<GELUTanh>(-8, 8) < 1e-6);
    REQUIRE(derivative_error<GELU>(-8, 8) < 1e-6);
    // without erf it is a constant expression too
    static_assert(GELUTanh::f(0.0) == 0.0);
    static_assert(GELUTanh::f(1.0) > 0.841 && GELUTanh::f(1.0) < 0.842);
}

TEST_CASE("GELUTanh on packs equals it on numbers, lane by lane", "[layers][activation]") {
    using P = simd::pack<float>;
    constexpr std::size_t w = simd::width<float>;
    alignas(64) float z[w], y[w], d[w];
    for (std::size_t i = 0; i < w; ++i) z[i] = -3.0f + 0.37f * float(i);
    const P zp = P::load_unaligned(z);
    GELUTanh::f(zp).store_unaligned(y);
    GELUTanh::df(zp, GELUTanh::f(zp)).store_unaligned(d);
    // The packs' tanh (≤ 6 ulp, simd/fast_math.hpp) and the numbers' (≤ 2 ulp) differ by up to
    // Δt = 8·2⁻²⁴ ≈ 4.8e-7; y = z(1 + t)/2 moves by |z|Δt/2 ≤ 7.2e-7 for |z| ≤ 3, and
    // y' = (1 + t)/2 + z(1 - t²)u'/2 by Δt(1/2 + |z|u') ≤ 5.8Δt ≈ 2.8e-6 (u' ≤ 1.76 there).
    for (std::size_t i = 0; i < w; ++i) {
        REQUIRE(y[i] == Approx(GELUTanh::f(z[i])).epsilon(1e-6).margin(8e-7));
        REQUIRE(d[i] == Approx(GELUTanh::df(z[i], GELUTanh::f(z[i]))).epsilon(1e-6).margin(3e-6));
    }
}

TEST_CASE("ReLU, Tanh, Sigmoid are the op table's, NaN stays NaN through ReLU", "[layers][activation]") {
    for (int k = -30; k <= 30; ++k) {
        const double z = k / 7.0;
        REQUIRE(ReLU::f(z) == ops::relu_op::value(z));
        REQUIRE(ReLU::df(z, ReLU::f(z)) == (z > 0 ? 1.0 : 0.0));
        REQUIRE(Tanh::f(z) == ops::tanh_op::value(z));
        REQUIRE(Sigmoid::f(z) == ops::sigmoid_op::value(z));
    }
    REQUIRE(derivative_error<Tanh>(-5, 5) < 1e-6);
    REQUIRE(derivative_error<Sigmoid>(-5, 5) < 1e-6);
    REQUIRE(std::isnan(ReLU::f(std::numeric_limits<double>::quiet_NaN())));
    using P = simd::pack<float>;
    REQUIRE(std::isnan(ReLU::f(P(std::numeric_limits<float>::quiet_NaN())).get(0)));
    static_assert(ReLU::f(-2.0) == 0.0 && ReLU::f(3.0) == 3.0 && ReLU::df(3.0, 3.0) == 1.0);
}

TEST_CASE("activation parameters print as written", "[layers][activation]") {
    // the shortest decimal that reads back the same, not std::to_string's six digits
    REQUIRE(LeakyReLU<>::name() == "LeakyReLU<0.01>");
    REQUIRE(LeakyReLU<0.2f>::name() == "LeakyReLU<0.2>");
    REQUIRE(ELU<0.125>::name() == "ELU<0.125>");
    REQUIRE(ELU<>::name() == "ELU<1>");
}

TEST_CASE("GELU on float packs is fast_gelu; GELU, Sigmoid, SiLU on float packs stay near the exact values",
          "[layers][activation]") {
    using P = simd::pack<float>;
    constexpr std::size_t w = simd::width<float>;
    alignas(64) float z[w], g[w], s[w], u[w], dg[w];
    for (int start = -40; start <= 40; start += int(w)) {
        for (std::size_t i = 0; i < w; ++i) z[i] = float(start + int(i)) * 0.25f - 0.013f;
        const P zp = P::load_unaligned(z);
        GELU::f(zp).store_unaligned(g);
        Sigmoid::f(zp).store_unaligned(s);
        SiLU::f(zp).store_unaligned(u);
        GELU::df(zp, GELU::f(zp)).store_unaligned(dg);
        REQUIRE(xsimd::all(GELU::f(zp) == simd::fast_gelu(zp)));
        for (std::size_t i = 0; i < w; ++i) {
            const double x = z[i];
            const double phi = 0.5 * std::erfc(-x / std::numbers::sqrt2);
            const double sig = 1 / (1 + std::exp(-x));
            // fast_gelu's bounds: 3.5 ulp (x >= 0) or 9.1e-7 absolute; sigmoid and
            // silu are 1/(1 + e^-x) on fast_exp (1 ulp): e^-x's error shrinks by
            // e/(1 + e), the sum and the division add 1 rounding each
            REQUIRE(std::abs(g[i] - x * phi) <= (x >= 0 ? 3.5 * 0x1p-23 * x * phi : 9.1e-7));
            REQUIRE(s[i] == Approx(sig).epsilon(3.6e-7).margin(0));
            REQUIRE(u[i] == Approx(x * sig).epsilon(4.2e-7).margin(1e-30));
            // GELU' = Φ + x φ, with fast_erf (5.7 ulp) in Φ and fast_exp in φ
            const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi);
            REQUIRE(dg[i] == Approx(phi + x * pdf).epsilon(1e-6).margin(1e-6));
        }
    }
}
