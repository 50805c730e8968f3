// simd/softmax.hpp: the row softmax against the formula in double for sizes
// that leave tails on every architecture, in place, at extreme logits and in
// a constant expression.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include <ctnn/simd/softmax.hpp>

using namespace ctnn;

namespace {
template <std::size_t N>
void check_row() {
    INFO("N = " << N);
    std::vector<double> x(N), y(N);
    for (std::size_t i = 0; i < N; ++i) x[i] = std::sin(double(i) * 1.7) * 5;
    const auto r = simd::softmax_n<N>(x.data(), y.data());
    double m = x[0];
    for (double v : x) m = std::max(m, v);
    double s = 0;
    for (double v : x) s += std::exp(v - m);
    REQUIRE(r.max == m);
    REQUIRE(r.sum == Approx(s).epsilon(1e-14));
    for (std::size_t i = 0; i < N; ++i) REQUIRE(y[i] == Approx(std::exp(x[i] - m) / s).epsilon(1e-14));
    // in place
    simd::softmax_n<N>(x.data(), x.data());
    for (std::size_t i = 0; i < N; ++i) REQUIRE(x[i] == y[i]);
}
}  // namespace

TEST_CASE("softmax_n: values, max and normaliser, in place", "[simd][softmax]") {
    check_row<1>();
    check_row<7>();
    check_row<17>();
    check_row<33>();
}

TEST_CASE("softmax_n: logits of +-1000 and a constant expression", "[simd][softmax]") {
    float x[3] = {1000, 0, -1000}, y[3];
    const auto r = simd::softmax_n<3>(x, y);
    REQUIRE(y[0] == 1.0f);
    REQUIRE(y[1] == 0.0f);
    REQUIRE(y[2] == 0.0f);
    REQUIRE(r.max + std::log(r.sum) == 1000.0f);
    static_assert([] {
        double v[2] = {0.0, 0.0}, p[2] = {};
        simd::softmax_n<2>(v, p);
        return p[0] == 0.5 && p[1] == 0.5;
    }());
}
