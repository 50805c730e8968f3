// loss/bce_logits.hpp: BCEWithLogits (mean) and BCEWithLogitsSum against
// the formula in double, stability at extreme logits, the gradient against
// central differences, and zero gradient for rows past a partial batch.
#include <catch2/catch.hpp>

#include <cmath>

#include <ctnn/autodiff/gradcheck.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/loss/bce_logits.hpp>

using namespace ctnn;

TEST_CASE("BCE with logits is finite and exact at +-1000", "[loss]") {
    Tensor<float, 1, 4> x{1000, -1000, 1000, -1000}, t{1, 0, 0, 1}, g;
    // correct with certainty: 0; wrong with certainty: 1000 each
    const float l = BCEWithLogits::compute(x, t, g);
    REQUIRE(std::isfinite(l));
    REQUIRE(l == Approx(2000.0f / 4));
    REQUIRE(g(0, 0) == 0.0f);
    REQUIRE(g(0, 2) == Approx(0.25f));
    REQUIRE(g(0, 3) == Approx(-0.25f));
    Tensor<double, 1, 3> xs{0.5, -1.25, 2}, ts{0.2, 0.9, 0.5}, gs;
    double ref = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        const double s = 1 / (1 + std::exp(-xs(0, i)));
        ref -= ts(0, i) * std::log(s) + (1 - ts(0, i)) * std::log(1 - s);
    }
    REQUIRE(BCEWithLogits::compute(xs, ts, gs) == Approx(ref / 3).epsilon(1e-14));
}

namespace {
/// Σ over the first n rows of -[t log σ(x) + (1 - t) log(1 - σ(x))], in double.
template <class X>
double bce_sum_reference(const X& x, const X& t, std::size_t n) {
    double s = 0;
    for (std::size_t i = 0; i < n * (X::size / X::shape_type::dims[0]); ++i) {
        const double p = 1 / (1 + std::exp(-double(x.data()[i])));
        s -= double(t.data()[i]) * std::log(p) + (1 - double(t.data()[i])) * std::log(1 - p);
    }
    return s;
}
}  // namespace

TEST_CASE("BCE with logits, sum reduction: the sum of the terms, and mean x count", "[loss]") {
    STATIC_REQUIRE(std::is_same_v<BCEWithLogits, BasicBCEWithLogits<reduction::mean>>);
    REQUIRE(BCEWithLogitsSum::name() == "BCEWithLogitsSum");
    REQUIRE(BCEWithLogits::name() == "BCEWithLogits");
    // 3 x 19: tails on every architecture
    Tensor<double, 3, 19> x, t, g_sum, g_mean;
    Rng r(5);
    for (auto& v : x) v = r.uniform(-4, 4);
    for (auto& v : t) v = r.uniform(0, 1);
    const double sum = BCEWithLogitsSum::compute(x, t, g_sum);
    REQUIRE(sum == Approx(bce_sum_reference(x, t, 3)).epsilon(1e-13));
    const double mean = BCEWithLogits::compute(x, t, g_mean);
    REQUIRE(sum == Approx(mean * 57).epsilon(1e-14));
    for (std::size_t i = 0; i < x.size; ++i) REQUIRE(g_sum.data()[i] == Approx(g_mean.data()[i] * 57).epsilon(1e-14));
    // finite and exact at +-1000: wrong with certainty costs 1000 each, summed
    Tensor<float, 1, 4> xf{1000, -1000, 1000, -1000}, tf{1, 0, 0, 1}, gf;
    REQUIRE(BCEWithLogitsSum::compute(xf, tf, gf) == Approx(2000.0f));
    REQUIRE(gf(0, 2) == 1.0f);
    REQUIRE(gf(0, 3) == -1.0f);
    // a partial batch: two rows count, the third gets a zero gradient
    const double part = BCEWithLogitsSum::compute(x, t, g_sum, 2);
    REQUIRE(part == Approx(bce_sum_reference(x, t, 2)).epsilon(1e-13));
    for (std::size_t c = 0; c < 19; ++c) REQUIRE(g_sum(2, c) == 0.0);
}

TEMPLATE_TEST_CASE("BCE with logits, mean and sum: gradient against central differences", "[loss][grad]",
                   BCEWithLogits, BCEWithLogitsSum) {
    Tensor<double, 4, 7> x, t, g, scratch;
    Rng r(11);
    for (auto& v : x) v = r.uniform(-3, 3);
    for (auto& v : t) v = r.uniform(0, 1);
    for (const std::size_t n : {std::size_t(4), std::size_t(3)}) {
        TestType::compute(x, t, g, n);
        gradcheck_report report;
        gradcheck_tensor([&] { return TestType::compute(x, t, scratch, n); }, x, g, report, 0);
        INFO(report);
        REQUIRE(report.max_rel_error < 1e-6);
    }
}
