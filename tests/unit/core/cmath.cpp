// ctnn::cmath against the standard library (and a long double reference) in
// ulps, over wide sampled ranges and the edges; plus constant evaluation.
#include <catch2/catch.hpp>
#include <ctnn/core/cmath.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace cm = ctnn::cmath;

namespace {

constexpr double dinf = std::numeric_limits<double>::infinity();
constexpr double dnan = std::numeric_limits<double>::quiet_NaN();
constexpr double dmin = std::numeric_limits<double>::min();         // smallest normal
constexpr double dden = std::numeric_limits<double>::denorm_min();  // smallest subnormal
constexpr double dmax = std::numeric_limits<double>::max();
constexpr float finf = std::numeric_limits<float>::infinity();
constexpr float fnan = std::numeric_limits<float>::quiet_NaN();

// ---- constant evaluation ------------------------------------------------------
static_assert(cm::exp(0.0) == 1.0);
static_assert(cm::exp(1.0) == 2.718281828459045);
static_assert(cm::exp(1000.0) == dinf && cm::exp(-1000.0) == 0.0);
static_assert(cm::exp(709.782712893384) == 1.7976931348622732e308);
static_assert(cm::exp(-745.1332191019411) == dden && cm::exp(-745.1332191019412) == 0.0);
static_assert(cm::exp(100.0f) == finf && cm::exp(-200.0f) == 0.0f && cm::exp(88.7f) < finf);
static_assert(cm::expm1(1e-10) == 1.00000000005e-10 && cm::expm1(-50.0) == -1.0);
static_assert(cm::log(1.0) == 0.0 && cm::log(2.0) == 0.6931471805599453);
static_assert(cm::log(0.0) == -dinf && cm::log(dinf) == dinf);
static_assert(cm::log(-1.0) != cm::log(-1.0));  // NaN
static_assert(cm::log(dden) == -744.4400719213812);
static_assert(cm::log1p(-1.0) == -dinf && cm::log1p(1e-300) == 1e-300);
static_assert(cm::sqrt(2.0) == 1.4142135623730951 && cm::sqrt(dden) == 2.2227587494850775e-162);
static_assert(cm::sqrt(2.0f) == 1.41421354f);
static_assert(cm::pow(2.0, 10) == 1024.0 && cm::pow(2.0, -1074) == dden && cm::pow(2.0, 1024) == dinf);
static_assert(cm::pow(-2.0, 3.0) == -8.0 && cm::pow(8.0, 1.0 / 3) == 2.0 && cm::pow(0.0, -1.0) == dinf);
static_assert(cm::pow(10.0f, 2.0f) == 100.0f && cm::pow(3.0f, 2) == 9.0f);
static_assert(cm::tanh(30.0) == 1.0 && cm::tanh(-30.0) == -1.0 && cm::tanh(1e-300) == 1e-300);
static_assert(cm::tanh(0.5) == 0.46211715726000974);
static_assert(cm::sigmoid(1000.0) == 1.0 && cm::sigmoid(-1000.0) == 0.0 && cm::sigmoid(0.0) == 0.5);
static_assert(cm::sigmoid(1000.0f) == 1.0f && cm::sigmoid(-1000.0f) == 0.0f);
static_assert(cm::abs(-0.0) == 0.0 && cm::abs(-3.5f) == 3.5f);

// ---- ulp distances ------------------------------------------------------------
/// Position of x on the line of all doubles (monotonic, +0 and -0 together).
std::int64_t ordinal(double x) {
    std::int64_t i;
    std::memcpy(&i, &x, sizeof i);
    return i < 0 ? std::numeric_limits<std::int64_t>::min() - i : i;
}
std::int32_t ordinal(float x) {
    std::int32_t i;
    std::memcpy(&i, &x, sizeof i);
    return i < 0 ? std::numeric_limits<std::int32_t>::min() - i : i;
}
/// Representable numbers between a and b (0 for equal values or two NaNs).
template <class T>
double ulps(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : 1e30;
    if (a == b) return 0;
    if (std::isinf(a) || std::isinf(b)) return 1e30;
    // long double holds every int64 exactly (a double would round the ordinals to multiples of 512)
    return static_cast<double>(std::fabs(static_cast<long double>(ordinal(a)) - static_cast<long double>(ordinal(b))));
}
/// |a - ref| in ulps of the double nearest ref (fractional).
double ulp_error(double a, long double ref) {
    if (std::isnan(a) || std::isnan(ref)) return std::isnan(a) && std::isnan(ref) ? 0 : 1e30;
    if (ref > dmax) return a == dinf ? 0 : 1e30;
    if (ref < -dmax) return a == -dinf ? 0 : 1e30;
    if (static_cast<long double>(a) == ref) return 0;
    const double r = std::fabs(static_cast<double>(ref));
    const double ulp = r < dmin ? dden : std::nextafter(r, dinf) - r;
    return static_cast<double>(std::fabs(static_cast<long double>(a) - ref) / ulp);
}

struct worst {
    double ulps = 0, at = 0, at2 = 0;
    void add(double u, double x, double x2 = 0) {
        if (u > ulps) ulps = u, at = x, at2 = x2;
    }
};

template <class Gen, class Mine, class Std>
worst max_ulps(int n, std::uint64_t seed, Gen gen, Mine mine, Std ref) {
    std::mt19937_64 rng(seed);
    worst w;
    for (int i = 0; i < n; ++i) {
        const auto x = gen(rng);
        w.add(ulps(mine(x), ref(x)), static_cast<double>(x));
    }
    return w;
}
template <class Gen, class Mine, class Ref>
worst max_error(int n, std::uint64_t seed, Gen gen, Mine mine, Ref ref) {
    std::mt19937_64 rng(seed);
    worst w;
    for (int i = 0; i < n; ++i) {
        const double x = gen(rng);
        w.add(ulp_error(mine(x), ref(x)), x);
    }
    return w;
}

constexpr int samples = 200'000;

auto uniform(double lo, double hi) {
    return [=](std::mt19937_64& r) { return std::uniform_real_distribution<double>(lo, hi)(r); };
}
auto uniform_f(float lo, float hi) {
    return [=](std::mt19937_64& r) { return std::uniform_real_distribution<float>(lo, hi)(r); };
}
/// ±2^e, e uniform in [lo, hi): every scale of small (or large) numbers.
auto log_uniform(double lo, double hi, bool both_signs = true) {
    return [=](std::mt19937_64& r) {
        const double e = std::uniform_real_distribution<double>(lo, hi)(r);
        return (both_signs && (r() & 1) ? -1.0 : 1.0) * std::exp2(e);
    };
}
/// Any positive finite double, subnormals included (random bit patterns).
double any_positive(std::mt19937_64& r) {
    const std::uint64_t b = r() % 0x7ff0000000000000u;
    double x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}
float any_positive_f(std::mt19937_64& r) {
    const std::uint32_t b = static_cast<std::uint32_t>(r() % 0x7f800000u);
    float x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}

#define CHECK_WORST(w, bound)                                               \
    do {                                                                    \
        const worst w_ = (w);                                               \
        INFO("max " << w_.ulps << " ulp at x = " << w_.at << " (" << w_.at2 << ")"); \
        CHECK(w_.ulps <= (bound));                                          \
    } while (0)

}  // namespace

// Measured with glibc 2.36 (g++ and clang++, with and without FMA): exp, expm1,
// log, log1p, pow within 1 ulp of glibc, tanh within 2 (glibc's own tanh is
// off by up to ~1.5 ulp; ours is < 0.6 ulp from the long double reference).

TEST_CASE("cmath::exp agrees with std::exp", "[cmath]") {
    CHECK_WORST(max_ulps(samples, 1, uniform(-746, 710), [](double x) { return cm::exp(x); },
                         [](double x) { return std::exp(x); }),
                1);
    CHECK_WORST(max_ulps(samples, 2, log_uniform(-60, 3), [](double x) { return cm::exp(x); },
                         [](double x) { return std::exp(x); }),
                1);
    CHECK_WORST(max_error(samples, 3, uniform(-746, 710), [](double x) { return cm::exp(x); },
                          [](double x) { return std::exp(static_cast<long double>(x)); }),
                0.8);
    CHECK_WORST(max_ulps(samples, 4, uniform_f(-105, 89), [](float x) { return cm::exp(x); },
                         [](float x) { return std::exp(x); }),
                1);
}

TEST_CASE("cmath::expm1 agrees with std::expm1", "[cmath]") {
    CHECK_WORST(max_ulps(samples, 5, uniform(-40, 710), [](double x) { return cm::expm1(x); },
                         [](double x) { return std::expm1(x); }),
                1);
    CHECK_WORST(max_ulps(samples, 6, log_uniform(-70, 2), [](double x) { return cm::expm1(x); },
                         [](double x) { return std::expm1(x); }),
                1);
    CHECK_WORST(max_error(samples, 7, log_uniform(-70, 2), [](double x) { return cm::expm1(x); },
                          [](double x) { return std::expm1(static_cast<long double>(x)); }),
                0.8);
    CHECK_WORST(max_ulps(samples, 8, uniform_f(-20, 89), [](float x) { return cm::expm1(x); },
                         [](float x) { return std::expm1(x); }),
                1);
}

TEST_CASE("cmath::log agrees with std::log", "[cmath]") {
    CHECK_WORST(max_ulps(samples, 9, any_positive, [](double x) { return cm::log(x); },
                         [](double x) { return std::log(x); }),
                1);
    CHECK_WORST(max_ulps(samples, 10, uniform(0.5, 2), [](double x) { return cm::log(x); },
                         [](double x) { return std::log(x); }),
                1);
    CHECK_WORST(max_error(samples, 11, any_positive, [](double x) { return cm::log(x); },
                          [](double x) { return std::log(static_cast<long double>(x)); }),
                0.51);
    CHECK_WORST(max_ulps(samples, 12, any_positive_f, [](float x) { return cm::log(x); },
                         [](float x) { return std::log(x); }),
                1);
}

TEST_CASE("cmath::log1p agrees with std::log1p", "[cmath]") {
    CHECK_WORST(max_ulps(samples, 13, any_positive, [](double x) { return cm::log1p(x); },
                         [](double x) { return std::log1p(x); }),
                1);
    CHECK_WORST(max_ulps(samples, 14, log_uniform(-70, 0), [](double x) { return cm::log1p(x); },
                         [](double x) { return std::log1p(x); }),
                1);
    // near -1: x = -1 + 2^-e
    CHECK_WORST(max_ulps(samples, 15, [](std::mt19937_64& r) { return -1 + log_uniform(-53, -1, false)(r); },
                         [](double x) { return cm::log1p(x); }, [](double x) { return std::log1p(x); }),
                1);
    CHECK_WORST(max_error(samples, 16, log_uniform(-70, 10), [](double x) { return cm::log1p(x); },
                          [](double x) { return std::log1p(static_cast<long double>(x)); }),
                0.75);
    CHECK_WORST(max_ulps(samples, 17, uniform_f(-1, 10), [](float x) { return cm::log1p(x); },
                         [](float x) { return std::log1p(x); }),
                1);
}

TEST_CASE("cmath::sqrt is correctly rounded", "[cmath]") {
    CHECK_WORST(max_ulps(samples, 18, any_positive, [](double x) { return cm::sqrt(x); },
                         [](double x) { return std::sqrt(x); }),
                0);
    CHECK_WORST(max_ulps(samples, 19, any_positive_f, [](float x) { return cm::sqrt(x); },
                         [](float x) { return std::sqrt(x); }),
                0);
}

TEST_CASE("cmath::tanh agrees with std::tanh", "[cmath]") {
    CHECK_WORST(max_ulps(samples, 20, uniform(-25, 25), [](double x) { return cm::tanh(x); },
                         [](double x) { return std::tanh(x); }),
                2);
    CHECK_WORST(max_ulps(samples, 21, log_uniform(-70, 5), [](double x) { return cm::tanh(x); },
                         [](double x) { return std::tanh(x); }),
                2);
    CHECK_WORST(max_error(samples, 22, log_uniform(-70, 5), [](double x) { return cm::tanh(x); },
                          [](double x) { return std::tanh(static_cast<long double>(x)); }),
                0.7);
    CHECK_WORST(max_ulps(samples, 23, uniform_f(-12, 12), [](float x) { return cm::tanh(x); },
                         [](float x) { return std::tanh(x); }),
                2);
}

TEST_CASE("cmath::sigmoid agrees with a long double reference", "[cmath]") {
    const auto ref = [](double x) { return 1.0L / (1.0L + std::exp(-static_cast<long double>(x))); };
    CHECK_WORST(max_error(samples, 24, uniform(-800, 50), [](double x) { return cm::sigmoid(x); }, ref), 0.8);
    CHECK_WORST(max_error(samples, 25, uniform(-40, 40), [](double x) { return cm::sigmoid(x); }, ref), 0.8);
    CHECK_WORST(max_ulps(samples, 26, uniform_f(-110, 20), [](float x) { return cm::sigmoid(x); },
                         [&](float x) { return static_cast<float>(ref(x)); }),
                1);
}

TEST_CASE("cmath::pow agrees with std::pow", "[cmath]") {
    // |y log x| up to 700: the whole range of finite results, where an error
    // in y log x shows up magnified
    std::mt19937_64 rng(27);
    worst vs_std, vs_ref, vs_std_f;
    for (int i = 0; i < samples; ++i) {
        const double x = std::exp(std::uniform_real_distribution<double>(-700, 700)(rng));
        const double y = i % 4 == 0 ? std::uniform_real_distribution<double>(-5, 5)(rng)
                                    : std::uniform_real_distribution<double>(-1, 1)(rng) * 700 / std::fabs(std::log(x));
        const double p = cm::pow(x, y);
        vs_std.add(ulps(p, std::pow(x, y)), x, y);
        vs_ref.add(ulp_error(p, std::pow(static_cast<long double>(x), static_cast<long double>(y))), x, y);
        const float xf = std::uniform_real_distribution<float>(0, 50)(rng);
        const float yf = std::uniform_real_distribution<float>(-20, 20)(rng);
        vs_std_f.add(ulps(cm::pow(xf, yf), std::pow(xf, yf)), xf, yf);
    }
    CHECK_WORST(vs_std, 1);
    CHECK_WORST(vs_ref, 0.8);
    CHECK_WORST(vs_std_f, 1);
}

TEST_CASE("cmath::pow with an integer exponent", "[cmath]") {
    std::mt19937_64 rng(28);
    worst vs_std, vs_ref;
    for (int i = 0; i < samples; ++i) {
        const double x = std::uniform_real_distribution<double>(-3, 3)(rng);
        const int n = static_cast<int>(rng() % 201) - 100;
        const double p = cm::pow(x, n);
        vs_std.add(ulps(p, std::pow(x, static_cast<double>(n))), x, n);
        vs_ref.add(ulp_error(p, std::pow(static_cast<long double>(x), n)), x, n);
    }
    CHECK_WORST(vs_std, 1);
    CHECK_WORST(vs_ref, 0.55);
    // exact where the result is representable
    CHECK(cm::pow(3.0, 2) == 9.0);
    CHECK(cm::pow(-3.0, 3) == -27.0);
    CHECK(cm::pow(1.5, 20) == 3325.256730079651);
    CHECK(cm::pow(2.0, -3) == 0.125);
    CHECK(cm::pow(-2.0, 1023) == -0x1p1023);
    CHECK(cm::pow(10.0, 22) == 1e22);
    CHECK(cm::pow(2.0f, 10) == 1024.0f);
    CHECK(cm::pow(2.0, std::int64_t{1} << 50) == dinf);
    CHECK(cm::pow(-1.0, std::int64_t{1} << 50) == 1.0);
    CHECK(cm::pow(0.5, 2000u) == 0.0);
}

TEST_CASE("cmath::pow special cases follow C99 Annex F like std::pow", "[cmath]") {
    const std::vector<double> values = {0.0,  -0.0, 1.0,   -1.0,  0.5,  -0.5, 2.0,  -2.0, 3.0,  -3.0, 2.5,
                                        -2.5, dinf, -dinf, dnan,  dden, -dden, dmax, -dmax, 1e-300, 1e300,
                                        0x1p52, -0x1p52, 0x1p53 + 2, 1 + 0x1p-52, 1 - 0x1p-53, 1e10, -1e10};
    for (double x : values) {
        for (double y : values) {
            const double mine = cm::pow(x, y), ref = std::pow(x, y);
            INFO("pow(" << x << ", " << y << ") = " << mine << ", std: " << ref);
            CHECK(ulps(mine, ref) <= 1);
            if (mine == 0 || std::isinf(mine)) CHECK(std::signbit(mine) == std::signbit(ref));
        }
    }
}

TEST_CASE("cmath edge cases match std", "[cmath]") {
    const std::vector<double> xs = {0.0,        -0.0,       dden,     -dden,    dmin,       -dmin,        1e-300,
                                    -1e-300,    1e-20,      -1e-20,   0x1p-54,  -0x1p-54,   0x1p-28,      -0x1p-28,
                                    0.5,        -0.5,       1.0,      -1.0,     2.0,        -2.0,         20.0,
                                    -20.0,      37.0,       -37.0,    40.0,     -40.0,      88.72,        -88.72,
                                    709.78,     709.782712893384, 709.7827128933841, 710.0, -708.0,   -709.0,
                                    -744.0,     -745.0,     -745.1332191019411,    -745.1332191019412, -746.0,
                                    -1000.0,    1000.0,     dmax,     -dmax,    dinf,       -dinf,        dnan,
                                    -1 + 0x1p-53, -0.9999999, 1e300,  0x1p1023};
    for (double x : xs) {
        INFO("x = " << x);
        CHECK(ulps(cm::exp(x), std::exp(x)) <= 1);
        CHECK(ulps(cm::expm1(x), std::expm1(x)) <= 1);
        CHECK(ulps(cm::log(x), std::log(x)) <= 1);
        CHECK(ulps(cm::log1p(x), std::log1p(x)) <= 1);
        CHECK(ulps(cm::sqrt(x), std::sqrt(x)) == 0);
        CHECK(ulps(cm::tanh(x), std::tanh(x)) <= 1);
        // signs of zeros and infinities (a NaN's sign means nothing)
        if (!std::isnan(x)) CHECK(std::signbit(cm::tanh(x)) == std::signbit(std::tanh(x)));
        if (x >= 0) CHECK(std::signbit(cm::sqrt(x)) == std::signbit(std::sqrt(x)));
        if (!std::isnan(x)) CHECK(std::signbit(cm::expm1(x)) == std::signbit(std::expm1(x)));
        if (x >= -1) CHECK(std::signbit(cm::log1p(x)) == std::signbit(std::log1p(x)));
        const auto s = cm::sigmoid(x);
        CHECK(ulp_error(s, 1.0L / (1.0L + std::exp(-static_cast<long double>(x)))) <= 0.8);
        const auto f = static_cast<float>(x);
        CHECK(ulps(cm::exp(f), std::exp(f)) <= 1);
        CHECK(ulps(cm::log(f), std::log(f)) <= 1);
        CHECK(ulps(cm::log1p(f), std::log1p(f)) <= 1);
        CHECK(ulps(cm::expm1(f), std::expm1(f)) <= 1);
        CHECK(ulps(cm::sqrt(f), std::sqrt(f)) == 0);
        CHECK(ulps(cm::tanh(f), std::tanh(f)) <= 1);
    }
    // the named edges
    CHECK(cm::exp(709.782712893384) == std::exp(709.782712893384));
    CHECK(cm::exp(709.7827128933841) == dinf);
    CHECK(cm::exp(88.72283172607421875f) == std::exp(88.72283172607421875f));
    CHECK(cm::exp(88.72283935546875f) == finf);
    CHECK(cm::exp(-745.0) == std::exp(-745.0));  // subnormal
    CHECK(cm::exp(-103.9f) == std::exp(-103.9f));  // float subnormal
    CHECK(cm::log(0.0) == -dinf);
    CHECK(cm::log(-0.0) == -dinf);
    CHECK(std::isnan(cm::log(-1e-300)));
    CHECK(std::isnan(cm::log(-dinf)));
    CHECK(std::isnan(cm::log(fnan)));
    CHECK(cm::log(dden) == std::log(dden));
    CHECK(cm::log1p(-1.0) == -dinf);
    CHECK(std::isnan(cm::log1p(-1.5)));
    CHECK(cm::tanh(1e300) == 1.0);
    CHECK(cm::tanh(-dinf) == -1.0);
    CHECK(cm::tanh(1e-310) == 1e-310);
    CHECK(cm::sigmoid(1000.0) == 1.0);
    CHECK(cm::sigmoid(-1000.0) == 0.0);
    CHECK(cm::sigmoid(dinf) == 1.0);
    CHECK(cm::sigmoid(-dinf) == 0.0);
    CHECK(std::isnan(cm::sigmoid(dnan)));
    CHECK(cm::sigmoid(-1000.0f) == 0.0f);
    CHECK(cm::sigmoid(1000.0f) == 1.0f);
    CHECK(std::isnan(cm::sqrt(-1.0f)));
}
