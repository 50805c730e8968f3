// The epilogues called directly, on plain scalars and on packs of every
// width the kernels use, with the (row, col) they are given.
#include <catch2/catch.hpp>
#include <ctnn/simd/epilogue.hpp>

#include <cstddef>
#include <type_traits>
#include <vector>

namespace {

using namespace ctnn;
namespace epi = ctnn::simd::epilogue;

template <class From, class F>
void for_each_arch(F&& f) {
    f.template operator()<From>();
    if constexpr (!std::is_same_v<From, simd::scalar_arch>) for_each_arch<simd::narrower_t<From>>(f);
}

// Works on every pack: xsimd::max has scalar overloads.
inline constexpr auto relu = [](auto v) { return xsimd::max(v, decltype(v)(0)); };

// Applies `e` to the pack holding outputs (row, col..col+w) with values
// v[j] = start + j, and returns the lanes.
template <class T, class A, class E>
std::vector<T> run(const E& e, T start, std::size_t row, std::size_t col) {
    using P = simd::pack_traits<T, A>;
    alignas(64) T in[P::width], out[P::width];
    for (std::size_t j = 0; j < P::width; ++j) in[j] = start + T(j);
    P::store(out, e(P::load(in), row, col));
    return std::vector<T>(out, out + P::width);
}

}  // namespace

TEMPLATE_TEST_CASE("epilogue::none stores the tile unchanged", "[simd][epilogue]", float, double) {
    using T = TestType;
    for_each_arch<simd::best_arch>([]<class A>() {
        INFO(A::name());
        const auto got = run<T, A>(epi::none{}, T(-2.5), 3, 5);
        bool ok = true;
        for (std::size_t j = 0; j < got.size(); ++j) ok = ok && got[j] == T(-2.5) + T(j);
        CHECK(ok);
    });
}

TEMPLATE_TEST_CASE("epilogue::bias adds the bias at col + lane whatever the row", "[simd][epilogue]", float, double) {
    using T = TestType;
    T b[64];
    for (std::size_t j = 0; j < 64; ++j) b[j] = T(1000 * j);
    for_each_arch<simd::best_arch>([&]<class A>() {
        INFO(A::name());
        for (std::size_t row : {std::size_t(0), std::size_t(7)}) {
            const auto got = run<T, A>(epi::bias<T>{b}, T(1), row, 9);
            bool ok = true;
            for (std::size_t j = 0; j < got.size(); ++j) ok = ok && got[j] == T(1 + j) + b[9 + j];
            CHECK(ok);
        }
    });
}

TEMPLATE_TEST_CASE("epilogue::bias_then applies f after the bias", "[simd][epilogue]", float, double) {
    using T = TestType;
    T b[64];
    for (std::size_t j = 0; j < 64; ++j) b[j] = T(j % 2 ? 100 : -100);
    for_each_arch<simd::best_arch>([&]<class A>() {
        INFO(A::name());
        // v + b is -100 + v or +100 + v; ReLU keeps only the second.
        const auto got = run<T, A>(epi::bias_then{b, relu}, T(3), 4, 2);
        bool ok = true;
        for (std::size_t j = 0; j < got.size(); ++j) ok = ok && got[j] == (j % 2 ? T(103 + j) : T(0));
        CHECK(ok);
        // Any callable over packs: a scale.
        const auto scaled = run<T, A>(epi::bias_then{b, [](auto v) { return v * decltype(v)(2); }}, T(0), 0, 1);
        ok = true;
        for (std::size_t j = 0; j < scaled.size(); ++j) ok = ok && scaled[j] == T(2) * (T(j) + b[1 + j]);
        CHECK(ok);
    });
}

TEMPLATE_TEST_CASE("epilogue::apply applies f element-wise", "[simd][epilogue]", float, double) {
    using T = TestType;
    for_each_arch<simd::best_arch>([]<class A>() {
        INFO(A::name());
        // Values -3, -2, ...: ReLU zeroes the first three.
        const auto got = run<T, A>(epi::apply{relu}, T(-3), 1, 1);
        bool ok = true;
        for (std::size_t j = 0; j < got.size(); ++j) ok = ok && got[j] == (j < 3 ? T(0) : T(j) - T(3));
        CHECK(ok);
    });
}

TEMPLATE_TEST_CASE("epilogue::accumulate adds dst at row * ld + col + lane", "[simd][epilogue]", float, double) {
    using T = TestType;
    T dst[4 * 40];
    for (std::size_t j = 0; j < 4 * 40; ++j) dst[j] = T(1000 * j);
    for_each_arch<simd::best_arch>([&]<class A>() {
        INFO(A::name());
        const auto got = run<T, A>(epi::accumulate<T>{dst, 40}, T(1), 2, 5);
        bool ok = true;
        for (std::size_t j = 0; j < got.size(); ++j) ok = ok && got[j] == T(1 + j) + dst[2 * 40 + 5 + j];
        CHECK(ok);
    });
}

TEMPLATE_TEST_CASE("epilogues are cheap value types usable on scalars directly", "[simd][epilogue]", float, double) {
    using T = TestType;
    const T b[3] = {1, 2, 3};
    STATIC_REQUIRE(std::is_trivially_copyable_v<epi::none>);
    STATIC_REQUIRE(std::is_trivially_copyable_v<epi::bias<T>>);
    CHECK(epi::none{}(T(4), 0, 0) == T(4));
    CHECK(epi::bias<T>{b}(T(4), 0, 2) == T(7));
    CHECK(epi::bias_then{b, relu}(T(-4), 0, 1) == T(0));
    CHECK(epi::bias_then{b, relu}(T(4), 0, 1) == T(6));
    CHECK(epi::apply{relu}(T(-0.5), 0, 0) == T(0));
    CHECK(epi::accumulate<T>{b, 2}(T(4), 1, 0) == T(7));
}
