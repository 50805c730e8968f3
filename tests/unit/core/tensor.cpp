// Tensor and TensorView: storage and its alignment wherever a tensor lives,
// element access, views, reshape, fill/assign, comparison, printing and
// constexpr use.
#include <catch2/catch.hpp>
#include <ctnn/core/tensor.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <sstream>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

using ctnn::Shape;
using ctnn::Tensor;
using ctnn::TensorView;

namespace {

bool aligned64(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 64 == 0; }

// Ranks 1 to 4, odd extents, sizes below, at and above one cache line.
using aligned_types = std::tuple<Tensor<float, 1>, Tensor<double, 1>, Tensor<float, 3>, Tensor<double, 17>,
                                 Tensor<float, 3, 5>, Tensor<double, 7, 3>, Tensor<float, 3, 5, 7>,
                                 Tensor<double, 1, 3, 1>, Tensor<float, 2, 3, 5, 7>, Tensor<double, 1, 3, 1, 5>>;

template <class X>
struct after_char {
    char c;
    X t;
};

template <class X>
struct two_after_chars {
    char c;
    X t;
    char d;
    X u;
};

}  // namespace

TEMPLATE_LIST_TEST_CASE("every tensor's data() is 64-byte aligned wherever it lives", "[core][tensor]", aligned_types) {
    using X = TestType;
    STATIC_REQUIRE(alignof(X) == ctnn::tensor_alignment);
    STATIC_REQUIRE(ctnn::tensor_alignment == 64);
    STATIC_REQUIRE(sizeof(X) % 64 == 0);

    char c = 'x';
    X on_stack;
    char d = 'y';
    X on_stack2;
    CHECK(aligned64(on_stack.data()));
    CHECK(aligned64(on_stack2.data()));
    CHECK(c != d);

    static X as_static;
    CHECK(aligned64(as_static.data()));

    after_char<X> s;
    CHECK(aligned64(s.t.data()));
    two_after_chars<X> s2[3];
    for (auto& e : s2) {
        CHECK(aligned64(e.t.data()));
        CHECK(aligned64(e.u.data()));
    }

    std::vector<X> v(5);
    for (const auto& e : v) CHECK(aligned64(e.data()));
    std::vector<after_char<X>> vs(3);
    for (const auto& e : vs) CHECK(aligned64(e.t.data()));

    auto* p = new X;
    CHECK(aligned64(p->data()));
    delete p;
    auto* arr = new X[3];
    for (int i = 0; i < 3; ++i) CHECK(aligned64(arr[i].data()));
    delete[] arr;
    auto u = std::make_unique<X>();
    CHECK(aligned64(u->data()));
    auto us = std::make_unique<after_char<X>>();
    CHECK(aligned64(us->t.data()));
}

TEMPLATE_LIST_TEST_CASE("a tensor starts zeroed, even on dirty memory", "[core][tensor]", aligned_types) {
    using X = TestType;
    alignas(X) unsigned char buf[sizeof(X)];
    std::memset(buf, 0xAB, sizeof buf);
    X* t = new (buf) X;
    std::size_t nonzero = 0;
    for (auto e : *t) nonzero += e != 0;
    CHECK(nonzero == 0);
    t->~X();
}

TEMPLATE_TEST_CASE("rank, size, shape_type and value_type", "[core][tensor]", float, double) {
    using T = TestType;
    using X = Tensor<T, 2, 3, 5, 7>;
    STATIC_REQUIRE(X::rank == 4);
    STATIC_REQUIRE(X::size == 210);
    STATIC_REQUIRE(std::is_same_v<typename X::shape_type, Shape<2, 3, 5, 7>>);
    STATIC_REQUIRE(std::is_same_v<typename X::value_type, T>);
    STATIC_REQUIRE(Tensor<T, 9>::rank == 1);
    STATIC_REQUIRE(std::is_same_v<typename TensorView<const T, 3>::value_type, T>);
    // The elements are the whole object: no pointer, no size field.
    STATIC_REQUIRE(sizeof(Tensor<T, 16, 16>) == 256 * sizeof(T));
    STATIC_REQUIRE(ctnn::TensorLike<X>);
    STATIC_REQUIRE(ctnn::TensorLike<TensorView<const T, 3>>);
    STATIC_REQUIRE(!ctnn::TensorLike<T*>);
    STATIC_REQUIRE(std::is_same_v<ctnn::tensor_for_t<T, Shape<2, 3, 5, 7>>, X>);
    STATIC_REQUIRE(std::is_same_v<ctnn::tensor_for_t<T, Shape<9>>, Tensor<T, 9>>);
}

TEMPLATE_TEST_CASE("element access is row-major", "[core][tensor]", float, double) {
    using T = TestType;
    Tensor<T, 2, 3> m;
    m(0, 0) = 1;
    m(0, 2) = 3;
    m(1, 0) = 4;
    m(1, 2) = 6;
    CHECK(m[0] == 1);
    CHECK(m[2] == 3);
    CHECK(m[3] == 4);
    CHECK(m[5] == 6);

    Tensor<T, 2, 3, 5, 7> t;
    for (std::size_t i = 0; i < t.size; ++i) t[i] = T(i);
    std::size_t bad = 0;
    for (std::size_t a = 0; a < 2; ++a)
        for (std::size_t b = 0; b < 3; ++b)
            for (std::size_t c = 0; c < 5; ++c)
                for (std::size_t d = 0; d < 7; ++d) bad += t(a, b, c, d) != T(((a * 3 + b) * 5 + c) * 7 + d);
    CHECK(bad == 0);

    Tensor<T, 3, 5, 7> r3;
    for (std::size_t i = 0; i < r3.size; ++i) r3[i] = T(i);
    CHECK(r3(2, 4, 6) == T(104));
    CHECK(r3(1, 0, 3) == T(38));

    // Reads through a const tensor; begin/end walk all elements in order.
    const auto& ct = t;
    CHECK(ct(1, 2, 4, 6) == T(209));
    CHECK(ct.end() - ct.begin() == 210);
    CHECK(*(ct.begin() + 17) == T(17));
}

TEMPLATE_TEST_CASE("initializer list fills row-major, missing elements are zero", "[core][tensor]", float, double) {
    using T = TestType;
    const Tensor<T, 2, 2> full{1, 2, 3, 4};
    CHECK(full(0, 1) == 2);
    CHECK(full(1, 0) == 3);
    const Tensor<T, 5> part{7, 8};
    CHECK(part[0] == 7);
    CHECK(part[1] == 8);
    CHECK(part[2] == 0);
    CHECK(part[4] == 0);
    const Tensor<T, 3> one{T(0.25)};
    CHECK(one == Tensor<T, 3>{T(0.25), 0, 0});
}

TEMPLATE_TEST_CASE("fill, filled and assign", "[core][tensor]", float, double) {
    using T = TestType;
    Tensor<T, 3, 5> t;
    t.fill(T(2.5));
    std::size_t bad = 0;
    for (auto e : t) bad += e != T(2.5);
    CHECK(bad == 0);
    CHECK(t == Tensor<T, 3, 5>::filled(T(2.5)));

    Tensor<T, 3, 5> u;
    u.assign(t);
    CHECK(u == t);
    // From a view of the same shape: one row of a batch.
    Tensor<T, 4, 5> batch;
    for (std::size_t i = 0; i < batch.size; ++i) batch[i] = T(i);
    Tensor<T, 5> row;
    row.assign(batch.row(2));
    CHECK(row == Tensor<T, 5>{10, 11, 12, 13, 14});
    // Into a view: the rest of the tensor is untouched.
    batch.row(0).assign(row);
    CHECK(batch(0, 4) == 14);
    CHECK(batch(1, 0) == 5);
}

TEMPLATE_TEST_CASE("equality compares every element", "[core][tensor]", float, double) {
    using T = TestType;
    Tensor<T, 2, 3> a{1, 2, 3, 4, 5, 6}, b{1, 2, 3, 4, 5, 6};
    CHECK(a == b);
    b(1, 2) = 7;
    CHECK_FALSE(a == b);
    CHECK(a != b);
    // IEEE: NaN differs from itself.
    Tensor<T, 1> n{std::numeric_limits<T>::quiet_NaN()};
    CHECK_FALSE(n == n);
    // Copies are deep.
    Tensor<T, 2, 3> c = a;
    c[0] = 100;
    CHECK(a[0] == 1);
}

TEMPLATE_TEST_CASE("approx_equal is |a - b| <= atol + rtol |b| for every element", "[core][tensor]", float, double) {
    using T = TestType;
    const Tensor<T, 3> ref{1, 100, -2};
    CHECK(ctnn::approx_equal(ref, ref, 0.0));
    CHECK(ctnn::approx_equal(Tensor<T, 3>{T(1.0001), T(100.01), T(-2.0002)}, ref, 1e-3));
    // One element out of tolerance fails the whole tensor.
    CHECK_FALSE(ctnn::approx_equal(Tensor<T, 3>{T(1.0001), T(100.2), T(-2.0002)}, ref, 1e-3));
    // rtol scales with |b|; atol does not.
    CHECK(ctnn::approx_equal(Tensor<T, 3>{1, 101, -2}, ref, 0.011));
    CHECK_FALSE(ctnn::approx_equal(Tensor<T, 3>{2, 100, -2}, ref, 0.011));
    CHECK(ctnn::approx_equal(Tensor<T, 3>{2, 100, -2}, ref, 0.0, 1.0));
    CHECK_FALSE(ctnn::approx_equal(Tensor<T, 3>{T(2.5), 100, -2}, ref, 0.0, 1.0));
    // NaN is never close.
    CHECK_FALSE(ctnn::approx_equal(Tensor<T, 3>{std::numeric_limits<T>::quiet_NaN(), 100, -2}, ref, 1.0, 1.0));
    // Views compare like tensors.
    const Tensor<T, 2, 3> m{1, 100, -2, 0, 0, 0};
    CHECK(ctnn::approx_equal(m.row(0), ref, 0.0));
    CHECK_FALSE(ctnn::approx_equal(m.row(1), ref, 0.1));
}

TEMPLATE_TEST_CASE("row() views share the tensor's storage", "[core][tensor]", float, double) {
    using T = TestType;
    Tensor<T, 3, 4> m;
    auto r = m.row(1);
    STATIC_REQUIRE(std::is_same_v<decltype(r), TensorView<T, 4>>);
    CHECK(r.data() == m.data() + 4);
    r(2) = 9;
    CHECK(m(1, 2) == 9);
    r[3] = 8;
    CHECK(m(1, 3) == 8);

    const auto& cm = m;
    auto cr = cm.row(1);
    STATIC_REQUIRE(std::is_same_v<decltype(cr), TensorView<const T, 4>>);
    CHECK(cr(2) == 9);

    // Rank 4 -> 3 -> 2 -> 1, each a view into the same elements.
    Tensor<T, 2, 3, 5, 7> t;
    for (std::size_t i = 0; i < t.size; ++i) t[i] = T(i);
    auto r3 = t.row(1);
    STATIC_REQUIRE(std::is_same_v<decltype(r3), TensorView<T, 3, 5, 7>>);
    auto r2 = r3.row(2);
    STATIC_REQUIRE(std::is_same_v<decltype(r2), TensorView<T, 5, 7>>);
    auto r1 = r2.row(3);
    STATIC_REQUIRE(std::is_same_v<decltype(r1), TensorView<T, 7>>);
    CHECK(r1(4) == t(1, 2, 3, 4));
    CHECK(r3(2, 3, 4) == t(1, 2, 3, 4));
    r1(4) = -1;
    CHECK(t(1, 2, 3, 4) == -1);
}

TEMPLATE_TEST_CASE("reshape is a view of the same elements", "[core][tensor]", float, double) {
    using T = TestType;
    Tensor<T, 2, 3> m{1, 2, 3, 4, 5, 6};
    auto flat = ctnn::reshape<6>(m);
    STATIC_REQUIRE(std::is_same_v<decltype(flat), TensorView<T, 6>>);
    CHECK(flat.data() == m.data());
    CHECK(flat(4) == 5);
    auto t = ctnn::reshape<3, 2>(m);
    CHECK(t(1, 0) == 3);
    CHECK(t(2, 1) == 6);
    t(0, 1) = 20;
    CHECK(m(0, 1) == 20);
    auto r4 = ctnn::reshape<1, 2, 1, 3>(m);
    CHECK(r4(0, 1, 0, 2) == 6);

    const auto& cm = m;
    auto cflat = ctnn::reshape<6>(cm);
    STATIC_REQUIRE(std::is_same_v<decltype(cflat), TensorView<const T, 6>>);
    CHECK(cflat[1] == 20);
}

TEST_CASE("printing nests rows, one per line", "[core][tensor]") {
    std::ostringstream os;
    const Tensor<float, 2, 3> m{1, 2, 3, 4, 5, 6};
    os << m;
    CHECK(os.str() == "[[1, 2, 3],\n [4, 5, 6]]");

    std::ostringstream v;
    v << Tensor<double, 3>{0.5, -1.25, 0};
    CHECK(v.str() == "[0.5, -1.25, 0]");

    // A view prints like a tensor; print() returns the stream.
    std::ostringstream r;
    ctnn::print(r, m.row(1)) << '!';
    CHECK(r.str() == "[4, 5, 6]!");
    std::ostringstream rv;
    rv << m.row(0);
    CHECK(rv.str() == "[1, 2, 3]");
}

namespace {
constexpr Tensor<float, 2, 2> constant{1, 2, 3, 4};
constexpr auto built = [] {
    Tensor<double, 2, 3> t;
    t(1, 2) = 7;
    t.row(0)(1) = 3;
    ctnn::reshape<6>(t)[3] = 5;
    return t;
}();
}  // namespace

TEST_CASE("tensors work in constant expressions", "[core][tensor]") {
    STATIC_REQUIRE(constant(1, 0) == 3);
    STATIC_REQUIRE(constant[3] == 4);
    STATIC_REQUIRE(constant.row(1)(1) == 4);
    STATIC_REQUIRE(constant == Tensor<float, 2, 2>{1, 2, 3, 4});
    STATIC_REQUIRE(Tensor<double, 3>::filled(2.5)[2] == 2.5);
    STATIC_REQUIRE(Tensor<float, 4>{}[3] == 0);
    STATIC_REQUIRE(built(1, 2) == 7);
    STATIC_REQUIRE(built(0, 1) == 3);
    STATIC_REQUIRE(built(1, 0) == 5);
    STATIC_REQUIRE(built(0, 0) == 0);
    STATIC_REQUIRE(ctnn::approx_equal(constant, Tensor<float, 2, 2>{1, 2, 3, 4.0001f}, 1e-3));
    STATIC_REQUIRE(!ctnn::approx_equal(constant, Tensor<float, 2, 2>{1, 2, 3, 4.0001f}, 0.0));
}

// Checked as traits first so that a regression fails here rather than breaking
// the build of every test (the constructor was once uncallable: its parameter
// was a non-deduced std::conditional_t<..., Tensor<U, Dims...>&>).
TEST_CASE("a TensorView can be made from a whole tensor of the same shape", "[core][tensor]") {
    constexpr bool from_tensor = std::is_constructible_v<TensorView<float, 2, 3>, Tensor<float, 2, 3>&>;
    constexpr bool const_from_tensor =
        std::is_constructible_v<TensorView<const float, 2, 3>, const Tensor<float, 2, 3>&>;
    CHECK(from_tensor);
    CHECK(const_from_tensor);
    // Never from another shape or a const tensor into a mutable view.
    STATIC_REQUIRE(!std::is_constructible_v<TensorView<float, 3, 2>, Tensor<float, 2, 3>&>);
    STATIC_REQUIRE(!std::is_constructible_v<TensorView<float, 2, 3>, const Tensor<float, 2, 3>&>);
    if constexpr (from_tensor && const_from_tensor) {
        Tensor<float, 2, 3> t{1, 2, 3, 4, 5, 6};
        TensorView<float, 2, 3> v(t);
        TensorView<const float, 2, 3> cv(std::as_const(t));
        CHECK(v.data() == t.data());
        CHECK(cv(1, 1) == 5);
    }
}
