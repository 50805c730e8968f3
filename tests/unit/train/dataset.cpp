// train::Dataset, Sampler, gather, split, split_at.
#include <catch2/catch.hpp>
#include <ctnn/core/tensor.hpp>
#include <ctnn/train/dataset.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <set>
#include <type_traits>
#include <vector>

using namespace ctnn;
using train::Dataset;
using train::Sampler;

namespace {
template <class D>
concept has_label = requires(D d) { d.label(0); };
template <class D>
concept has_target = requires(D d) { d.target(0); };

using Cls = Dataset<float, Shape<2, 3>>;
using Reg = Dataset<double, Shape<4>, Shape<2>>;

/// A classification dataset whose sample i holds i*10 + j and label i % 5.
Cls make_cls(std::size_t n) {
    Cls d;
    for (std::size_t i = 0; i < n; ++i) {
        float x[6];
        for (int j = 0; j < 6; ++j) x[j] = float(i * 10 + j);
        d.push_back(x, std::int32_t(i % 5));
    }
    return d;
}

std::vector<std::size_t> epoch_order(Sampler& s) {
    std::vector<std::size_t> all;
    for (std::size_t k = 0; k < s.batches(); ++k)
        for (std::size_t i : s.batch(k)) all.push_back(i);
    return all;
}
}  // namespace

TEST_CASE("Dataset types and sizes", "[train][dataset]") {
    STATIC_REQUIRE(Cls::classification);
    STATIC_REQUIRE(Cls::sample_size == 6);
    STATIC_REQUIRE(Cls::target_size == 1);
    STATIC_REQUIRE(std::is_same_v<Cls::value_type, float>);
    STATIC_REQUIRE(std::is_same_v<Cls::sample_shape, Shape<2, 3>>);
    STATIC_REQUIRE(std::is_same_v<Cls::target_type, std::int32_t>);
    STATIC_REQUIRE(!Reg::classification);
    STATIC_REQUIRE(Reg::sample_size == 4);
    STATIC_REQUIRE(Reg::target_size == 2);
    // label() only for classification, target() only for regression.
    STATIC_REQUIRE(has_label<Cls>);
    STATIC_REQUIRE(!has_target<Cls>);
    STATIC_REQUIRE(has_target<Reg>);
    STATIC_REQUIRE(!has_label<Reg>);
}

TEST_CASE("Dataset of n zeroed samples", "[train][dataset]") {
    Cls d(7);
    REQUIRE(d.size() == 7);
    REQUIRE(!d.empty());
    for (std::size_t i = 0; i < 7; ++i) {
        CHECK(d.label(i) == 0);
        for (std::size_t j = 0; j < 6; ++j) CHECK(d.input(i)[j] == 0.0f);
    }
    Reg r(3);
    for (std::size_t i = 0; i < 3; ++i) CHECK((r.target(i)[0] == 0.0 && r.target(i)[1] == 0.0));
    CHECK(Cls{}.empty());
    CHECK(Cls{}.size() == 0);
}

TEST_CASE("Dataset push_back, indexing and one aligned contiguous input block", "[train][dataset]") {
    Cls d;
    d.reserve(50);
    const float* block = nullptr;
    for (std::size_t i = 0; i < 50; ++i) {
        float x[6];
        for (int j = 0; j < 6; ++j) x[j] = float(i * 10 + j);
        d.push_back(x, std::int32_t(i % 5));
        if (i == 0) block = d.input(0);
    }
    REQUIRE(d.size() == 50);
    CHECK(d.input(0) == block);  // reserved: no reallocation while filling
    CHECK(reinterpret_cast<std::uintptr_t>(d.input(0)) % 64 == 0);
    for (std::size_t i = 0; i < 50; ++i) {
        CHECK(d.input(i) == d.input(0) + i * 6);  // contiguous
        CHECK(d.input(i)[0] == float(i * 10));
        CHECK(d.input(i)[5] == float(i * 10 + 5));
        CHECK(d.label(i) == std::int32_t(i % 5));
    }
    d.label(3) = 9;
    CHECK(std::as_const(d).label(3) == 9);

    Reg r;
    for (int i = 0; i < 33; ++i) {  // grows through several reallocations
        const double x[4] = {double(i), i + 0.25, i + 0.5, i + 0.75};
        const double t[2] = {-double(i), 2.0 * i};
        r.push_back(x, t);
        CHECK(reinterpret_cast<std::uintptr_t>(r.input(0)) % 64 == 0);
        CHECK(reinterpret_cast<std::uintptr_t>(r.target(0)) % 64 == 0);
    }
    REQUIRE(r.size() == 33);
    CHECK(r.input(32)[3] == 32.75);
    CHECK(r.target(32)[0] == -32.0);
    CHECK(r.target(32)[1] == 64.0);
    CHECK(r.target(1) == r.target(0) + 2);
}

TEST_CASE("Sampler covers every index once per epoch", "[train][sampler]") {
    for (std::size_t n : {1u, 9u, 10u, 64u, 101u}) {
        Sampler s(n, 10, 7);
        for (int e = 0; e < 3; ++e) {
            s.new_epoch();
            auto all = epoch_order(s);
            REQUIRE(all.size() == n);
            std::sort(all.begin(), all.end());
            for (std::size_t i = 0; i < n; ++i) REQUIRE(all[i] == i);
        }
        CHECK(s.epoch() == 3);
    }
}

TEST_CASE("Sampler keeps or drops the last partial batch", "[train][sampler]") {
    Sampler keep(23, 5, 1);
    keep.new_epoch();
    REQUIRE(keep.batches() == 5);
    for (std::size_t k = 0; k < 4; ++k) CHECK(keep.batch(k).size() == 5);
    CHECK(keep.batch(4).size() == 3);

    Sampler drop(23, 5, 1, true, true);
    drop.new_epoch();
    REQUIRE(drop.batches() == 4);
    std::set<std::size_t> seen;
    for (std::size_t k = 0; k < 4; ++k) {
        CHECK(drop.batch(k).size() == 5);
        for (auto i : drop.batch(k)) seen.insert(i);
    }
    CHECK(seen.size() == 20);  // distinct indices, 3 left out

    Sampler exact(20, 5, 1, true, true);
    CHECK(exact.batches() == 4);
    Sampler small(3, 5, 1, true, true);
    CHECK(small.batches() == 0);
    Sampler empty(0, 5, 1);
    CHECK(empty.batches() == 0);
    REQUIRE_THROWS_WITH(Sampler(10, 0, 1), Catch::Contains("batch size must be positive"));
}

TEST_CASE("Sampler order depends only on the seed and the epoch", "[train][sampler]") {
    Sampler a(100, 16, 42), b(100, 16, 42), c(100, 16, 43);
    a.new_epoch();
    b.new_epoch();
    c.new_epoch();
    const auto a0 = epoch_order(a);
    CHECK(a0 == epoch_order(b));
    CHECK(a0 != epoch_order(c));
    std::vector<std::size_t> identity(100);
    std::iota(identity.begin(), identity.end(), std::size_t{0});
    CHECK(a0 != identity);

    a.new_epoch();
    const auto a1 = epoch_order(a);
    CHECK(a1 != a0);  // a new order every epoch
    b.new_epoch();
    CHECK(epoch_order(b) == a1);

    // Replaying from a saved Rng state gives the same epoch (checkpoints).
    Sampler d(100, 16, 42);
    d.new_epoch();
    const Rng saved = d.rng();
    d.new_epoch();
    const auto d1 = epoch_order(d);
    CHECK(d1 == a1);
    Sampler e(100, 16, 999);
    e.rng() = saved;
    e.new_epoch();
    CHECK(epoch_order(e) == d1);
}

TEST_CASE("Sampler without shuffling is in order", "[train][sampler]") {
    Sampler s(7, 3, 5, false);
    s.new_epoch();
    REQUIRE(s.batches() == 3);
    CHECK(std::vector<std::size_t>(s.batch(0).begin(), s.batch(0).end()) == std::vector<std::size_t>{0, 1, 2});
    CHECK(std::vector<std::size_t>(s.batch(2).begin(), s.batch(2).end()) == std::vector<std::size_t>{6});
}

TEST_CASE("gather copies rows and labels and zeroes the tail", "[train][gather]") {
    const Cls d = make_cls(10);
    Tensor<float, 4, 2, 3> X = Tensor<float, 4, 2, 3>::filled(-1.0f);
    Labels<4> y{7, 7, 7, 7};

    const std::size_t idx_full[] = {9, 0, 4, 2};
    REQUIRE(train::gather(d, std::span<const std::size_t>(idx_full), X, y) == 4);
    for (std::size_t r = 0; r < 4; ++r) {
        for (std::size_t j = 0; j < 6; ++j) CHECK(X.row(r)[j] == float(idx_full[r] * 10 + j));
        CHECK(y[r] == std::int32_t(idx_full[r] % 5));
    }

    X.fill(-1.0f);
    y = {7, 7, 7, 7};
    const std::size_t idx_part[] = {3, 8};
    REQUIRE(train::gather(d, std::span<const std::size_t>(idx_part), X, y) == 2);
    CHECK(X(0, 0, 0) == 30.0f);
    CHECK(X(1, 1, 2) == 85.0f);
    CHECK(y[0] == 3);
    CHECK(y[1] == 3);
    for (std::size_t r = 2; r < 4; ++r) {
        for (std::size_t j = 0; j < 6; ++j) CHECK(X.row(r)[j] == 0.0f);
        CHECK(y[r] == 0);
    }

    // A flat [B, 6] batch works as well as [B, 2, 3].
    Tensor<float, 4, 6> F = Tensor<float, 4, 6>::filled(5.0f);
    REQUIRE(train::gather(d, std::span<const std::size_t>(idx_part), F, y) == 2);
    CHECK(F(1, 5) == 85.0f);
    CHECK(F(3, 5) == 0.0f);
}

TEST_CASE("gather of regression targets", "[train][gather]") {
    Reg r;
    for (int i = 0; i < 5; ++i) {
        const double x[4] = {double(i), 0, 0, 1};
        const double t[2] = {i + 0.5, -i - 0.5};
        r.push_back(x, t);
    }
    auto X = std::make_unique<Tensor<double, 3, 4>>(Tensor<double, 3, 4>::filled(9));
    auto T = std::make_unique<Tensor<double, 3, 2>>(Tensor<double, 3, 2>::filled(9));
    const std::size_t idx[] = {4, 1};
    REQUIRE(train::gather(r, std::span<const std::size_t>(idx), *X, *T) == 2);
    CHECK((*X)(0, 0) == 4.0);
    CHECK((*X)(1, 3) == 1.0);
    CHECK((*T)(0, 0) == 4.5);
    CHECK((*T)(1, 1) == -1.5);
    for (std::size_t j = 0; j < 4; ++j) CHECK((*X)(2, j) == 0.0);
    CHECK(((*T)(2, 0) == 0.0 && (*T)(2, 1) == 0.0));
}

TEST_CASE("split sizes, disjoint parts and their union", "[train][split]") {
    const Cls d = make_cls(101);
    for (double f : {0.0, 0.1, 0.25, 0.5, 0.99}) {
        auto [tr, va] = train::split(d, f, 3);
        const auto n_val = static_cast<std::size_t>(std::llround(f * 101));
        REQUIRE(va.size() == n_val);
        REQUIRE(tr.size() == 101 - n_val);
        // Sample i is identified by its first value i*10.
        std::vector<std::size_t> ids;
        for (std::size_t i = 0; i < tr.size(); ++i) ids.push_back(std::size_t(tr.input(i)[0]) / 10);
        for (std::size_t i = 0; i < va.size(); ++i) ids.push_back(std::size_t(va.input(i)[0]) / 10);
        // Targets travel with their samples.
        for (std::size_t i = 0; i < va.size(); ++i)
            CHECK(va.label(i) == std::int32_t((std::size_t(va.input(i)[0]) / 10) % 5));
        std::sort(ids.begin(), ids.end());
        REQUIRE(ids.size() == 101);
        for (std::size_t i = 0; i < 101; ++i) REQUIRE(ids[i] == i);
    }
    // Seeded: same seed, same split; another seed, another one.
    auto [t1, v1] = train::split(d, 0.2, 11);
    auto [t2, v2] = train::split(d, 0.2, 11);
    auto [t3, v3] = train::split(d, 0.2, 12);
    auto firsts = [](const Cls& c) {
        std::vector<float> v;
        for (std::size_t i = 0; i < c.size(); ++i) v.push_back(c.input(i)[0]);
        return v;
    };
    CHECK(firsts(v1) == firsts(v2));
    CHECK(firsts(v1) != firsts(v3));
    // Not simply the last 20%.
    CHECK(firsts(v1).front() < 80 * 10);

    REQUIRE_THROWS_WITH(train::split(d, 1.0, 1), Catch::Contains("validation fraction must be in [0, 1)"));
    REQUIRE_THROWS_WITH(train::split(d, -0.1, 1), Catch::Contains("validation fraction must be in [0, 1)"));
    REQUIRE_THROWS_AS(train::split(d, std::nan(""), 1), ctnn::error);
}

TEST_CASE("split_at takes the first samples and the rest in order", "[train][split]") {
    const Cls d = make_cls(10);
    auto [a, b] = train::split_at(d, 3);
    REQUIRE(a.size() == 3);
    REQUIRE(b.size() == 7);
    CHECK(a.input(2)[0] == 20.0f);
    CHECK(b.input(0)[0] == 30.0f);
    CHECK(b.label(6) == 4);
    auto [all, none] = train::split_at(d, 10);
    CHECK(all.size() == 10);
    CHECK(none.empty());
    REQUIRE_THROWS_WITH(train::split_at(d, 11), Catch::Contains("first 11 samples of a dataset of 10"));
}
