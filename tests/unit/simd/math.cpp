// simd/math.hpp: the pack traits, and each function on a pack against the
// standard library lane by lane, on numbers at run time and in constant
// expressions.
#include <catch2/catch.hpp>

#include <cmath>

#include <ctnn/simd/math.hpp>

using namespace ctnn;

static_assert(simd::is_pack_v<simd::pack<float>> && simd::is_pack_v<simd::pack<double>>);
static_assert(!simd::is_pack_v<float> && !simd::is_pack_v<int>);
static_assert(std::is_same_v<simd::lane_t<simd::pack<double>>, double> && std::is_same_v<simd::lane_t<float>, float>);
static_assert(simd::Numeric<float> && simd::Numeric<simd::pack<float>> && !simd::Numeric<int>);
static_assert(simd::sqrt(4.0) == 2.0 && simd::log(1.0) == 0.0 && simd::powi(-2.0, 3) == -8.0);
static_assert(simd::pow(4.0, 0.5) == 2.0);

TEMPLATE_TEST_CASE("simd math on packs equals the standard library, lane by lane", "[simd][math]", float, double) {
    using T = TestType;
    using P = simd::pack<T>;
    constexpr std::size_t w = simd::width<T>;
    T x[w], out[w];
    for (std::size_t i = 0; i < w; ++i) x[i] = T(0.3) + T(0.71) * T(i);
    const P p = P::load_unaligned(x);
    const T tol = std::is_same_v<T, float> ? T(1e-6) : T(1e-14);
    auto check = [&](auto pack_fn, auto scalar_fn) {
        pack_fn(p).store_unaligned(out);
        for (std::size_t i = 0; i < w; ++i) REQUIRE(out[i] == Approx(scalar_fn(x[i])).epsilon(tol));
    };
    check([](P v) { return simd::erf(v); }, [](T v) { return std::erf(v); });
    check([](P v) { return simd::log(v); }, [](T v) { return std::log(v); });
    check([](P v) { return simd::sqrt(v); }, [](T v) { return std::sqrt(v); });
    check([](P v) { return simd::pow(v, P(T(1.5))); }, [](T v) { return std::pow(v, T(1.5)); });
    check([](P v) { return simd::powi(v, 3); }, [](T v) { return v * v * v; });
    // numbers at run time: float takes fast_erf (5.68 ulp at most, fast_math.hpp), double the standard library's
    if constexpr (std::is_same_v<T, float>) {
        REQUIRE(simd::erf(0.5f) == simd::fast_erf(0.5f));
        REQUIRE(std::abs(double(simd::erf(0.5f)) - std::erf(0.5)) <= 5.68 * 0x1p-24);  // ulp(0.52) = 2^-24
    } else {
        REQUIRE(simd::erf(T(0.5)) == std::erf(T(0.5)));
    }
    REQUIRE(simd::log(T(3)) == std::log(T(3)));
}
