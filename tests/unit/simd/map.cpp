// map_n and the tensor map: one, two and three inputs, in place, and
// broadcasting along leading dimensions, over sizes that hit every pack tail.
// The functions are single IEEE operations, so SIMD and scalar lanes must
// agree bit for bit with a scalar loop.
#include <catch2/catch.hpp>
#include <ctnn/simd/map.hpp>

#include "kernel_checks.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>
#include <utility>
#include <vector>

namespace {

using namespace ctnn;

using namespace kernel_test;  // sizes, inputs

// Written once over packs (and the scalars of the last lanes). Not a * b + c:
// the compiler may contract it into an FMA in scalar code only, and xsimd
// 8.1 emulates FMA on the 4-lane SSE tail when AVX is on, so lanes would
// differ in the last bit.
inline constexpr auto twice = [](auto v) { return v + v; };
inline constexpr auto times = [](auto a, auto b) { return a * b; };
inline constexpr auto sum_times = [](auto a, auto b, auto c) { return (a + b) * c; };

template <class T, std::size_t N>
void check_map_n() {
    INFO("N = " << N);
    constexpr std::size_t front = 3, back = 29;
    const T canary = T(-1234.5);
    const auto a = random_values<T>(N, N), b = random_values<T>(N, N + 1), c = random_values<T>(N, N + 2);
    std::vector<T> out(front + N + back, canary);
    T* y = out.data() + front;  // unaligned on purpose
    auto canaries_intact = [&] {
        return std::count(out.begin(), out.begin() + front, canary) == std::ptrdiff_t(front) &&
               std::count(out.end() - back, out.end(), canary) == std::ptrdiff_t(back);
    };
    auto all = [&](auto expected) {
        std::size_t bad = 0;
        for (std::size_t i = 0; i < N; ++i) bad += !(y[i] == expected(i));
        return bad;
    };

    simd::map_n<N>(twice, y, a.data());
    CHECK(all([&](std::size_t i) { return a[i] + a[i]; }) == 0);
    CHECK(canaries_intact());

    simd::map_n<N>(times, y, a.data(), b.data());
    CHECK(all([&](std::size_t i) { return a[i] * b[i]; }) == 0);
    CHECK(canaries_intact());

    simd::map_n<N>(sum_times, y, a.data(), b.data(), c.data());
    CHECK(all([&](std::size_t i) { return (a[i] + b[i]) * c[i]; }) == 0);
    CHECK(canaries_intact());

    // In place: the output is the first input.
    std::copy(a.begin(), a.end(), y);
    simd::map_n<N>(times, y, y, b.data());
    CHECK(all([&](std::size_t i) { return a[i] * b[i]; }) == 0);
    CHECK(canaries_intact());
}

// out[B, N] = in[B, N] * row[N], and (in[B, N] + row[N]) * scale[1, N].
template <class T, std::size_t N>
void check_map_broadcast() {
    INFO("N = " << N);
    constexpr std::size_t B = 3;
    auto in = std::make_unique<Tensor<T, B, N>>();
    auto out = std::make_unique<Tensor<T, B, N>>();
    Tensor<T, N> row;
    Tensor<T, 1, N> scale;
    const auto vi = random_values<T>(B * N, N), vr = random_values<T>(N, N + 1), vb = random_values<T>(N, N + 2);
    std::copy(vi.begin(), vi.end(), in->begin());
    std::copy(vr.begin(), vr.end(), row.begin());
    std::copy(vb.begin(), vb.end(), scale.begin());

    simd::map(times, *out, *in, row);
    std::size_t bad = 0;
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t n = 0; n < N; ++n) bad += !((*out)(b, n) == (*in)(b, n) * row(n));
    CHECK(bad == 0);

    simd::map(sum_times, *out, *in, row, scale);
    bad = 0;
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t n = 0; n < N; ++n) bad += !((*out)(b, n) == ((*in)(b, n) + row(n)) * scale(0, n));
    CHECK(bad == 0);

    // In place, the broadcast input second: x += row.
    auto x = std::make_unique<Tensor<T, B, N>>(*in);
    simd::map([](auto p, auto q) { return p + q; }, *x, *x, row);
    bad = 0;
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t n = 0; n < N; ++n) bad += !((*x)(b, n) == (*in)(b, n) + row(n));
    CHECK(bad == 0);
}

template <class T, std::size_t... N>
void map_n_sizes(std::index_sequence<N...>) {
    (check_map_n<T, N>(), ...);
}
template <class T, std::size_t... N>
void broadcast_sizes(std::index_sequence<N...>) {
    (check_map_broadcast<T, N>(), ...);
}

}  // namespace

TEMPLATE_TEST_CASE("map_n with one, two and three inputs, and in place", "[simd][map]", float, double) {
    map_n_sizes<TestType>(all_sizes{});
}

TEMPLATE_TEST_CASE("map broadcasts N and 1xN inputs over a BxN output", "[simd][map]", float, double) {
    broadcast_sizes<TestType>(all_sizes{});
}

TEMPLATE_TEST_CASE("map over tensors of the same shape and of rank 3", "[simd][map]", float, double) {
    using T = TestType;
    const Tensor<T, 2, 3> a{1, 2, 3, 4, 5, 6}, b{6, 5, 4, 3, 2, 1};
    Tensor<T, 2, 3> out;
    simd::map([](auto p, auto q) { return p - q; }, out, a, b);
    CHECK(out == Tensor<T, 2, 3>{-5, -3, -1, 1, 3, 5});

    // [2, 3, 5] output, a [3, 5] and a [5] input.
    Tensor<T, 2, 3, 5> big, res;
    Tensor<T, 3, 5> mid;
    Tensor<T, 5> small{1, 2, 3, 4, 5};
    for (std::size_t i = 0; i < big.size; ++i) big[i] = T(i);
    for (std::size_t i = 0; i < mid.size; ++i) mid[i] = T(100 * i);
    simd::map([](auto p, auto q, auto r) { return p + q * r; }, res, big, mid, small);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            for (std::size_t k = 0; k < 5; ++k) bad += !(res(i, j, k) == big(i, j, k) + mid(j, k) * small(k));
    CHECK(bad == 0);
}

TEMPLATE_TEST_CASE("map writes through a view and reads views", "[simd][map]", float, double) {
    using T = TestType;
    Tensor<T, 3, 4> t;
    const Tensor<T, 4> v{1, 2, 3, 4};
    auto r = t.row(1);
    simd::map([](auto p) { return p * decltype(p)(-1); }, r, v);
    CHECK(t == Tensor<T, 3, 4>{0, 0, 0, 0, -1, -2, -3, -4, 0, 0, 0, 0});
    // A reshaped view as input: [12] -> [3, 4].
    Tensor<T, 12> flat;
    for (std::size_t i = 0; i < 12; ++i) flat[i] = T(i);
    simd::map([](auto p) { return p; }, t, reshape<3, 4>(flat));
    CHECK(t(2, 3) == T(11));
    CHECK(t(1, 0) == T(4));
}
