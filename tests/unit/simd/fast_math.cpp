// fast_exp, fast_tanh, fast_sigmoid, fast_silu, fast_erf, fast_gelu
// (simd/fast_math.hpp) against double precision std::exp/std::tanh/std::erf over a strided sweep of all 2^32
// float bit patterns, every input of the ranges where the errors peak, and
// the special values; simd::exp and simd::tanh dispatch to them for float.
// With CTNN_FAST_MATH_EXHAUSTIVE=1 in the environment the sweep takes every
// bit pattern and prints the table of fast_math.hpp's doc comment (~2 min).
#include <catch2/catch.hpp>
#include <ctnn/simd/arch.hpp>
#include <ctnn/simd/fast_math.hpp>
#include <ctnn/simd/map.hpp>

#include "kernel_checks.hpp"  // CTNN_TEST_UNDER_ASAN

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

namespace {

using namespace ctnn;

struct error_stats {
    double ulp = 0, rel = 0;       // worst error in ulp and relative error, over normal results
    double sub_ulp = 0;            // worst error in ulp (2^-149) over subnormal results
    double tail_ulp = 0, tail_rel = 0;  // the same over inputs below the `tail_below` of measure()
    double abs = 0, tail_abs = 0;       // worst absolute error (finite results), and below `tail_below`
    float ulp_at = 0, rel_at = 0;  // where
    std::uint64_t checked = 0, wrong_special = 0;
};

/// Float ulp at the exact value r (the spacing of floats around it; results
/// beyond FLT_MAX count as 2^128, i.e. infinity is one ulp past FLT_MAX).
double ulp_at(double r) {
    const double a = std::abs(r);
    if (a < 0x1p-126) return 0x1p-149;
    int e = 0;
    std::frexp(a, &e);  // a = m 2^e, m in [0.5, 1)
    return std::ldexp(1.0, std::min(e, 128) - 24);
}

void account(error_stats& s, float x, float y, double ref) {
    ++s.checked;
    if (std::isnan(ref) || std::isnan(y)) {
        if (!(std::isnan(ref) && std::isnan(y))) ++s.wrong_special;
        return;
    }
    if (std::isinf(ref) && std::isinf(y) && (ref > 0) == (y > 0)) return;
    const double yd = std::isinf(y) ? std::copysign(0x1p128, y) : y;
    const double rd = std::clamp(ref, -0x1p128, 0x1p128);
    const double err = std::abs(yd - rd);
    if (std::abs(rd) < 0x1p128) s.abs = std::max(s.abs, err);
    const double u = err / ulp_at(rd);
    if (std::abs(rd) < 0x1p-126) {
        s.sub_ulp = std::max(s.sub_ulp, u);
        return;
    }
    if (u > s.ulp) s.ulp = u, s.ulp_at = x;
    if (std::abs(rd) < 0x1p128) {
        const double rel = err / std::abs(rd);
        if (rel > s.rel) s.rel = rel, s.rel_at = x;
    }
}

double ref_exp(double x) { return std::exp(x); }
double ref_tanh(double x) { return std::tanh(x); }
double ref_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double ref_silu(double x) { return x / (1.0 + std::exp(-x)); }
double ref_erf(double x) { return std::erf(x); }
// x Φ(x) with Φ from erfc: no cancellation for x < 0; -inf gives the limit 0
double ref_gelu(double x) { return std::isinf(x) && x < 0 ? 0.0 : x * 0.5 * std::erfc(-x * 0.70710678118654752); }

constexpr std::size_t chunk = 4096;

/// Applies the fast function to `n <= chunk` inputs in packs of the best
/// architecture (its tail as map_n resolves it) and accounts every result.
float tail_below = -std::numeric_limits<float>::infinity();

template <class Fast>
void check_chunk(error_stats& s, const float* in, std::size_t n, Fast fast, double (*ref)(double)) {
    alignas(64) float out[chunk];
    simd::map_n<chunk>(fast, out, in);
    for (std::size_t i = 0; i < n; ++i) {
        if (in[i] < tail_below) {  // accounted apart: the tail's worst case
            error_stats t;
            account(t, in[i], out[i], ref(double(in[i])));
            s.tail_ulp = std::max({s.tail_ulp, t.ulp, t.sub_ulp});
            s.tail_rel = std::max(s.tail_rel, t.rel);
            s.tail_abs = std::max(s.tail_abs, t.abs);
            s.wrong_special += t.wrong_special;
            ++s.checked;
        } else {
            account(s, in[i], out[i], ref(double(in[i])));
        }
    }
}

/// Every `stride`-th bit pattern from `first` to `last` (inclusive).
template <class Fast>
error_stats sweep_bits(Fast fast, double (*ref)(double), std::uint64_t first, std::uint64_t last,
                       std::uint64_t stride) {
    error_stats s;
    alignas(64) float in[chunk];
    std::size_t n = 0;
    for (std::uint64_t b = first; b <= last; b += stride) {
        in[n++] = std::bit_cast<float>(static_cast<std::uint32_t>(b));
        if (n == chunk) check_chunk(s, in, n, fast, ref), n = 0;
    }
    if (n) {
        for (std::size_t i = n; i < chunk; ++i) in[i] = 0;
        check_chunk(s, in, n, fast, ref);
    }
    return s;
}

/// Every float in [lo, hi] (same sign).
template <class Fast>
error_stats sweep_range(Fast fast, double (*ref)(double), float lo, float hi) {
    const auto a = std::bit_cast<std::uint32_t>(lo), b = std::bit_cast<std::uint32_t>(hi);
    return sweep_bits(fast, ref, std::min(a, b), std::max(a, b), 1);
}

error_stats merge(error_stats a, const error_stats& b) {
    if (b.ulp > a.ulp) a.ulp = b.ulp, a.ulp_at = b.ulp_at;
    if (b.rel > a.rel) a.rel = b.rel, a.rel_at = b.rel_at;
    a.sub_ulp = std::max(a.sub_ulp, b.sub_ulp);
    a.tail_ulp = std::max(a.tail_ulp, b.tail_ulp);
    a.tail_rel = std::max(a.tail_rel, b.tail_rel);
    a.abs = std::max(a.abs, b.abs);
    a.tail_abs = std::max(a.tail_abs, b.tail_abs);
    a.checked += b.checked;
    a.wrong_special += b.wrong_special;
    return a;
}

bool exhaustive() {
    const char* e = std::getenv("CTNN_FAST_MATH_EXHAUSTIVE");
    return e && e[0] == '1';
}

/// The strided sweep (every bit pattern when exhaustive) plus every float
/// of the dense ranges given, checked against the bounds.
/// Inputs below `tail` are accounted apart (tail_ulp, tail_rel, tail_abs);
/// `sparser` multiplies the stride (not when exhaustive).
template <class Fast>
error_stats measure(const char* name, Fast fast, double (*ref)(double), std::initializer_list<std::pair<float, float>> dense,
                    float tail = -std::numeric_limits<float>::infinity(), std::uint64_t sparser = 1) {
    tail_below = tail;
#if defined(CTNN_TEST_UNDER_ASAN)
    // -O1 with ASan and UBSan is ~30x slower: a sparser sweep, no dense ranges
    constexpr std::uint64_t stride = 9973;
    constexpr bool dense_ranges = false;
#else
    constexpr std::uint64_t stride = 97;
    constexpr bool dense_ranges = true;
#endif
    error_stats s = sweep_bits(fast, ref, 0, 0xffffffffu, exhaustive() ? 1 : stride * sparser);
    if (!exhaustive() && dense_ranges)
        for (auto [lo, hi] : dense) s = merge(s, sweep_range(fast, ref, lo, hi));
    std::printf("%-12s max %.3f ulp (at %.9g), relative %.3g (at %.9g), subnormal results %.3f ulp, %llu inputs%s\n",
                name, s.ulp, double(s.ulp_at), s.rel, double(s.rel_at), s.sub_ulp,
                static_cast<unsigned long long>(s.checked), exhaustive() ? " (exhaustive)" : "");
    if (s.tail_ulp > 0)
        std::printf("%-12s below %.9g: max %.3f ulp, relative %.3g, absolute %.3g\n", name, double(tail), s.tail_ulp,
                    s.tail_rel, s.tail_abs);
    return s;
}

auto exp_f = [](auto v) { return simd::fast_exp(v); };
auto tanh_f = [](auto v) { return simd::fast_tanh(v); };
auto sigmoid_f = [](auto v) { return simd::fast_sigmoid(v); };
auto silu_f = [](auto v) { return simd::fast_silu(v); };
auto erf_f = [](auto v) { return simd::fast_erf(v); };
auto gelu_f = [](auto v) { return simd::fast_gelu(v); };

}  // namespace

// The bounds are the exhaustive maxima of fast_math.hpp's table rounded up;
// without FMA (plain x86-64) tanh rounds a little more (5.90 ulp).
// erf and gelu: the exhaustive maxima with FMA; without FMA the maxima of
// the default sweep (every 97th pattern and every float of [3, 4], [-4, -3],
// [3, 5.7], [-5.7, -3]) rounded up.
#if defined(__FMA__) || defined(__AVX512F__)
constexpr double tanh_max_ulp = 5.6, tanh_max_rel = 3.6e-7;
constexpr double erf_max_ulp = 5.7, gelu_max_ulp = 3.5, erf_max_abs = 3.4e-7, gelu_max_abs_negative = 9.1e-7;
#else
constexpr double erf_max_ulp = 6.5, gelu_max_ulp = 3.7, erf_max_abs = 3.9e-7, gelu_max_abs_negative = 1.1e-6;
constexpr double tanh_max_ulp = 6.0, tanh_max_rel = 3.6e-7;
#endif
TEST_CASE("fast_exp: error over all floats", "[simd][fast_math]") {
    const auto s = measure("fast_exp", exp_f, ref_exp,
                           {{1.0f, 2.0f}, {-2.0f, -1.0f}, {64.0f, 89.0f}, {-104.0f, -64.0f}});
    CHECK(s.wrong_special == 0);
    CHECK(s.ulp <= 1.6);
    CHECK(s.rel <= 1.9e-7);
}

TEST_CASE("fast_tanh: error over all floats", "[simd][fast_math]") {
    const auto s = measure("fast_tanh", tanh_f, ref_tanh,
                           {{4.0f, 8.0f}, {-8.0f, -4.0f}, {0.00025f, 0.0005f}, {0.5f, 1.0f}});
    CHECK(s.wrong_special == 0);
    CHECK(s.ulp <= tanh_max_ulp);
    CHECK(s.rel <= tanh_max_rel);
}

TEST_CASE("fast_sigmoid: error over all floats", "[simd][fast_math]") {
    const auto s = measure("fast_sigmoid", sigmoid_f, ref_sigmoid, {{-32.0f, -16.0f}, {-2.0f, -1.0f}, {1.0f, 2.0f}, {-104.0f, -64.0f}});
    CHECK(s.wrong_special == 0);
    CHECK(s.ulp <= 3.1);
    CHECK(s.rel <= 3e-7);
}

TEST_CASE("fast_silu: error over all floats", "[simd][fast_math]") {
    const auto s = measure("fast_silu", silu_f, ref_silu, {{-32.0f, -16.0f}, {-2.0f, -1.0f}, {1.0f, 2.0f}, {-104.0f, -64.0f}}, -87.33654f);
    CHECK(s.wrong_special == 0);
    CHECK(s.ulp <= 3.3);
    CHECK(s.rel <= 3.6e-7);
    // below -87.34, e^x is subnormal: fewer bits, |result| < 1.1e-36
    CHECK(s.tail_rel <= 6e-6);
}

TEST_CASE("fast_erf: error over all floats", "[simd][fast_math]") {
    const auto s = measure("fast_erf", erf_f, ref_erf, {{3.5f, 3.7f}, {-3.7f, -3.5f}},
                           -std::numeric_limits<float>::infinity(), 4);  // every 388th: the peaks are swept densely
    CHECK(s.wrong_special == 0);
    CHECK(s.ulp <= erf_max_ulp);
    CHECK(s.abs <= erf_max_abs);
}

TEST_CASE("fast_gelu: error over all floats", "[simd][fast_math]") {
    // below 0, 1/2 + (Φ - 1/2) cancels (as in PyTorch's formula): absolute error there
    const auto s = measure("fast_gelu", gelu_f, ref_gelu, {{3.55f, 3.75f}, {-5.6f, -5.4f}}, 0.0f, 4);
    CHECK(s.wrong_special == 0);
    CHECK(s.ulp <= gelu_max_ulp);
    CHECK(s.tail_abs <= gelu_max_abs_negative);
}

TEST_CASE("fast math: special values", "[simd][fast_math]") {
    constexpr float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(simd::fast_exp(0.0f) == 1.0f);
    CHECK(simd::fast_exp(-0.0f) == 1.0f);
    CHECK(simd::fast_exp(inf) == inf);
    CHECK(simd::fast_exp(89.0f) == inf);
    CHECK(simd::fast_exp(-inf) == 0.0f);
    CHECK(simd::fast_exp(-104.0f) == 0.0f);
    CHECK(simd::fast_exp(-103.0f) > 0.0f);  // subnormal, not flushed (FTZ off here)
    CHECK(std::isnan(simd::fast_exp(nan)));
    CHECK(simd::fast_tanh(inf) == 1.0f);
    CHECK(simd::fast_tanh(8.0f) == 1.0f);
    CHECK(simd::fast_tanh(-20.0f) == -1.0f);
    CHECK(simd::fast_tanh(-inf) == -1.0f);
    CHECK(std::signbit(simd::fast_tanh(-0.0f)));
    CHECK(simd::fast_tanh(0.0f) == 0.0f);
    CHECK(std::isnan(simd::fast_tanh(nan)));
    CHECK(simd::fast_sigmoid(inf) == 1.0f);
    CHECK(simd::fast_sigmoid(-inf) == 0.0f);
    CHECK(simd::fast_sigmoid(0.0f) == 0.5f);
    CHECK(std::isnan(simd::fast_sigmoid(nan)));
    CHECK(simd::fast_silu(-inf) != simd::fast_silu(-inf));  // -inf · 0: NaN, as in PyTorch
    CHECK(simd::fast_silu(inf) == inf);
    CHECK(simd::fast_erf(inf) == 1.0f);
    CHECK(simd::fast_erf(-inf) == -1.0f);
    CHECK(std::signbit(simd::fast_erf(-0.0f)));
    CHECK(std::isnan(simd::fast_erf(nan)));
    CHECK(simd::fast_gelu(inf) == inf);
    CHECK(simd::fast_gelu(-inf) == 0.0f);
    CHECK(simd::fast_gelu(-6.0f) == 0.0f);
    CHECK(simd::fast_gelu(6.0f) == 6.0f);
    CHECK(std::isnan(simd::fast_gelu(nan)));
}

TEST_CASE("fast math: plain floats (pack tails) agree with the reference too", "[simd][fast_math]") {
    error_stats e, t;
    for (std::uint64_t b = 0; b <= 0xffffffffu; b += 4099) {
        const float x = std::bit_cast<float>(static_cast<std::uint32_t>(b));
        account(e, x, simd::fast_exp(x), ref_exp(x));
        account(t, x, simd::fast_tanh(x), ref_tanh(x));
    }
    CHECK(e.wrong_special == 0);
    CHECK(t.wrong_special == 0);
    CHECK(e.ulp <= 1.6);
    CHECK(t.ulp <= tanh_max_ulp);
}

TEST_CASE("simd::exp and simd::tanh take the fast versions for float", "[simd][fast_math]") {
    using P = simd::pack<float>;
    const P x(0.3f);
    CHECK(xsimd::all(simd::exp(x) == simd::fast_exp(x)));
    CHECK(xsimd::all(simd::tanh(x) == simd::fast_tanh(x)));
    CHECK(simd::exp(0.3f) == simd::fast_exp(0.3f));
    CHECK(simd::tanh(0.3f) == simd::fast_tanh(0.3f));
    // double keeps xsimd's, constant expressions ctnn::cmath's
    CHECK(simd::exp(1.0) == std::exp(1.0));
    constexpr float c = simd::exp(1.0f);
    STATIC_REQUIRE(c > 2.718f && c < 2.719f);
    constexpr float th = simd::tanh(0.5f);
    STATIC_REQUIRE(th > 0.4621f && th < 0.4622f);
}
