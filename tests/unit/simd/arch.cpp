// Packs, the chain of narrower architectures, for_each_pack and reduce_packs
// (whose lane order works around xsimd 8.1's AVX-512 haddp) on every
// architecture the build can use.
#include <catch2/catch.hpp>
#include <ctnn/simd/arch.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace ctnn;

using all_sizes = std::index_sequence<1, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, 784>;

template <class A>
inline constexpr bool is_scalar_arch = std::is_same_v<A, simd::scalar_arch>;

// Calls f.template operator()<A>() for A = From, narrower_t<From>, ... scalar_arch.
template <class From, class F>
void for_each_arch(F&& f) {
    f.template operator()<From>();
    if constexpr (!is_scalar_arch<From>) for_each_arch<simd::narrower_t<From>>(f);
}

// One visit of for_each_pack: offset and lane count.
struct visit {
    std::size_t offset, lanes;
};

template <class T, std::size_t N>
std::vector<visit> visits() {
    std::vector<visit> out;
    simd::for_each_pack<T, N>([&]<class A>(std::size_t i) { out.push_back({i, simd::width<T, A>}); });
    return out;
}

// Packs in order, back to back, never wider than the previous one, covering
// [0, N) exactly: full packs of the widest architecture, then the tail.
template <class T, std::size_t N>
void check_for_each_pack() {
    const auto v = visits<T, N>();
    INFO("N = " << N);
    std::size_t next = 0, widest = simd::width<T>;
    bool ordered = true;
    for (const auto& p : v) {
        ordered = ordered && p.offset == next && p.lanes <= widest;
        next = p.offset + p.lanes;
        widest = p.lanes;
    }
    CHECK(ordered);
    CHECK(next == N);
    std::size_t wide = 0;
    while (wide < v.size() && v[wide].lanes == simd::width<T>) ++wide;
    CHECK(wide == N / simd::width<T>);
}

template <class T, std::size_t... N>
void for_each_pack_sizes(std::index_sequence<N...>) {
    (check_for_each_pack<T, N>(), ...);
}

// Lane i of reduce_packs(rows) is Σ rows[i]; rows[i][j] = 100*i + j makes
// every lane's sum distinct (and exact).
template <class T, class A>
void check_reduce_packs() {
    using B = xsimd::batch<T, A>;
    constexpr std::size_t w = B::size;
    INFO(A::name() << ", " << w << " lanes");
    B rows[w];
    for (std::size_t i = 0; i < w; ++i) {
        alignas(64) T v[w];
        for (std::size_t j = 0; j < w; ++j) v[j] = T(100 * i + j);
        rows[i] = B::load_unaligned(v);
    }
    alignas(64) T got[w];
    simd::reduce_packs(rows).store_unaligned(got);
    std::vector<T> expected(w), actual(got, got + w);
    for (std::size_t i = 0; i < w; ++i) expected[i] = T(100 * i * w + w * (w - 1) / 2);
    CHECK(actual == expected);
}

}  // namespace

TEMPLATE_TEST_CASE("pack widths: the best architecture's batch, one lane for scalar_arch", "[simd][arch]", float,
                   double) {
    using T = TestType;
    STATIC_REQUIRE(simd::width<T> == xsimd::batch<T, simd::best_arch>::size);
    STATIC_REQUIRE(std::is_same_v<simd::pack<T>, xsimd::batch<T, simd::best_arch>>);
    STATIC_REQUIRE(simd::width<T, simd::scalar_arch> == 1);
    STATIC_REQUIRE(std::is_same_v<simd::pack<T, simd::scalar_arch>, T>);
    // A 64-byte tensor alignment covers the widest pack.
    STATIC_REQUIRE(simd::width<T> * sizeof(T) <= 64);
}

TEMPLATE_TEST_CASE("narrower_t steps down to ever narrower supported architectures and ends at scalar_arch",
                   "[simd][arch]", float, double) {
    using T = TestType;
    std::vector<std::size_t> widths;
    std::vector<std::string> names;
    bool all_supported = true;
    for_each_arch<simd::best_arch>([&]<class A>() {
        all_supported = all_supported && A::supported();
        widths.push_back(simd::width<T, A>);
        names.push_back(A::name());
    });
    INFO("chain of " << widths.size() << " architectures, from " << names.front());
    CHECK(all_supported);
    CHECK(widths.back() == 1);
    CHECK(names.back() == "scalar");
    for (std::size_t i = 1; i < widths.size(); ++i) CHECK(widths[i] < widths[i - 1]);
    // The end of the chain is a fixed point.
    STATIC_REQUIRE(std::is_same_v<simd::narrower_t<simd::scalar_arch>, simd::scalar_arch>);
}

TEMPLATE_TEST_CASE("for_each_pack covers 0 to N-1 once, widest packs first", "[simd][arch]", float, double) {
    for_each_pack_sizes<TestType>(all_sizes{});
    for_each_pack_sizes<TestType>(std::index_sequence<2, 4, 5, 8, 9, 24, 32, 48>{});
}

TEMPLATE_TEST_CASE("pack_traits load, store, splat, fma and sum on every architecture", "[simd][arch]", float, double) {
    using T = TestType;
    for_each_arch<simd::best_arch>([]<class A>() {
        using P = simd::pack_traits<T, A>;
        constexpr std::size_t w = P::width;
        INFO(A::name());
        // Unaligned on purpose: the kernels never assume alignment.
        alignas(64) T in[w + 1], out[w + 1] = {};
        for (std::size_t j = 0; j < w + 1; ++j) in[j] = T(j + 1);
        const auto v = P::load(in + 1);
        P::store(out + 1, P::fma(v, P::splat(T(2)), P::splat(T(0.5))));
        bool ok = out[0] == T(0);
        for (std::size_t j = 0; j < w; ++j) ok = ok && out[j + 1] == T(2 * (j + 2)) + T(0.5);
        CHECK(ok);
        // Σ_{j<w} (j + 2) = w(w + 3)/2
        CHECK(P::sum(v) == T(w * (w + 3) / 2));
    });
}

TEMPLATE_TEST_CASE("load_like loads a pack of the same kind, or one scalar", "[simd][arch]", float, double) {
    using T = TestType;
    alignas(64) T data[17];
    for (std::size_t j = 0; j < 17; ++j) data[j] = T(j);
    const T s = simd::load_like(T(0), data + 3);
    CHECK(s == T(3));
    using B = simd::pack<T>;
    const B b = simd::load_like(B(T(0)), data + 1);
    alignas(64) T got[B::size];
    b.store_unaligned(got);
    bool ok = true;
    for (std::size_t j = 0; j < B::size; ++j) ok = ok && got[j] == T(j + 1);
    CHECK(ok);
}

TEMPLATE_TEST_CASE("arch_of_t names a pack's architecture", "[simd][arch]", float, double) {
    using T = TestType;
    STATIC_REQUIRE(std::is_same_v<simd::arch_of_t<simd::pack<T>>, simd::best_arch>);
    STATIC_REQUIRE(std::is_same_v<simd::arch_of_t<T>, simd::scalar_arch>);
    for_each_arch<simd::best_arch>(
        []<class A>() { STATIC_REQUIRE(std::is_same_v<simd::arch_of_t<simd::pack<T, A>>, A>); });
}

TEMPLATE_TEST_CASE("select picks lane by lane, on packs and scalars", "[simd][arch]", float, double) {
    using T = TestType;
    CHECK(simd::select(true, T(1), T(2)) == T(1));
    CHECK(simd::select(false, T(1), T(2)) == T(2));
    for_each_arch<simd::best_arch>([]<class A>() {
        if constexpr (!is_scalar_arch<A>) {
            using B = xsimd::batch<T, A>;
            INFO(A::name());
            alignas(64) T iota[B::size], odd[B::size], got[B::size];
            for (std::size_t j = 0; j < B::size; ++j) {
                iota[j] = T(j);
                odd[j] = T(j % 2);
            }
            const B v = B::load_unaligned(iota);
            // Even lanes from v, odd lanes from -v.
            simd::select(B::load_unaligned(odd) == B(T(0)), v, -v).store_unaligned(got);
            bool ok = true;
            for (std::size_t j = 0; j < B::size; ++j) ok = ok && got[j] == (j % 2 ? -T(j) : T(j));
            CHECK(ok);
        }
    });
}

// xsimd 8.1's AVX-512 float haddp swaps lanes 2-5 and 10-13 pairwise;
// reduce_packs must hide that on every architecture the kernels reach (the
// dot tiles reduce on narrower architectures for short rows).
TEMPLATE_TEST_CASE("reduce_packs puts the sum of row i in lane i", "[simd][arch]", float, double) {
    using T = TestType;
    check_reduce_packs<T, simd::best_arch>();
    for_each_arch<simd::narrower_t<simd::best_arch>>([]<class A>() {
        if constexpr (!is_scalar_arch<A>) check_reduce_packs<T, A>();
    });
}
