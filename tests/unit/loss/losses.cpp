// Loss values against their formulas in double, stability at extreme
// logits, and zero gradient for rows past a partial batch.
#include <catch2/catch.hpp>

#include <cmath>

#include <ctnn/loss.hpp>

using namespace ctnn;

TEST_CASE("MSE and SumSquares", "[loss]") {
    Tensor<double, 2, 3> y{1, 2, 3, 4, 5, 6}, t{1, 1, 1, 1, 1, 1}, g;
    REQUIRE(SumSquares::compute(y, t, g) == 0 + 1 + 4 + 9 + 16 + 25);
    REQUIRE(g == Tensor<double, 2, 3>{0, 2, 4, 6, 8, 10});
    REQUIRE(MSE::compute(y, t, g) == Approx(55.0 / 6).epsilon(1e-15));
    REQUIRE(g(1, 2) == Approx(2.0 * 5 / 6).epsilon(1e-15));
    // a partial batch of one row
    REQUIRE(MSE::compute(y, t, g, 1) == Approx(5.0 / 3).epsilon(1e-15));
    REQUIRE(g(1, 0) == 0.0);
    REQUIRE(g(1, 2) == 0.0);
}

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

TEST_CASE("softmax cross-entropy: labels and probabilities, stable for large logits", "[loss]") {
    Tensor<double, 2, 3> x{1, 2, 3, 1000, 0, -1000}, g;
    Labels<2> labels{2, 0};
    const double lse0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    REQUIRE(SoftmaxCrossEntropy::compute(x, labels, g) == Approx((lse0 - 3 + 0.0) / 2).epsilon(1e-14));
    REQUIRE(std::isfinite(g(1, 2)));
    REQUIRE(g(0, 2) == Approx((std::exp(3 - lse0) - 1) / 2).epsilon(1e-14));
    Tensor<double, 2, 3> t{0, 0, 1, 1, 0, 0}, g2;
    REQUIRE(SoftmaxCrossEntropy::compute(x, t, g2) == Approx((lse0 - 3) / 2).epsilon(1e-14));
    REQUIRE(approx_equal(g, g2, 1e-14, 1e-15));
    // the gradient of each row sums to zero
    REQUIRE(g(0, 0) + g(0, 1) + g(0, 2) == Approx(0).margin(1e-15));
}
