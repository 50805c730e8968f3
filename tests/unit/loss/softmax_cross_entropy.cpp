// loss/softmax_cross_entropy.hpp: values against the formula in double,
// labels and probability targets, stability at extreme logits.
#include <catch2/catch.hpp>

#include <cmath>

#include <ctnn/loss/softmax_cross_entropy.hpp>

using namespace ctnn;

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
