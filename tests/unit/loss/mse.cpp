// loss/mse.hpp: MSE and SumSquares against their formulas, and zero
// gradient for rows past a partial batch.
#include <catch2/catch.hpp>

#include <ctnn/loss/mse.hpp>

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
