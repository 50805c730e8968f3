// simd/pool.hpp: the SIMD pooling kernels (through layers/pool.hpp's
// forward and backward) against the layer's scalar window scan, on values
// with ties, -inf and NaN, padding and strides, every path of the kernels
// (column pairs of the whole plane, row by row, with and without winners).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <ctnn/layers/pool.hpp>

using namespace ctnn;

namespace {
/// The SIMD passes of pooling layer `L` (bound) against its scalar scan, on
/// values with ties (a small integer grid), −∞ and NaNs: equal outputs
/// (max: bitwise, winners' indices too; average: to rounding) and input
/// gradients, for a training and an inference forward.
template <class L, class T, std::size_t B>
void kernels_match_scan(std::uint64_t seed) {
    constexpr std::size_t n_in = B * L::in_shape::size, n_out = B * L::out_shape::size;
    const std::size_t scratch = layers::scratch_size_of<L, T, B> + 1;
    std::vector<T> x(n_in), y(n_out), y_ref(n_out), idx(layers::saved_size_of<L, T, B> + 1),
        idx_ref(idx.size()), dy(n_out), dx(n_in, T(7)), dx_ref(n_in, T(-7)), work(scratch);
    Rng rng(seed);
    for (T& v : x) v = T(std::floor(rng.uniform(-3.0, 3.0)));  // many ties
    x[n_in / 3] = -std::numeric_limits<T>::infinity();
    if (seed % 2) x[n_in / 2] = x[n_in / 2 + 1] = std::numeric_limits<T>::quiet_NaN();
    for (T& v : dy) v = T(rng.uniform(-1.0, 1.0));
    const auto same = [](T a, T b) { return (a != a && b != b) || a == b; };
    forward_context<T, B, true, no_state> train{nullptr, x.data(), y.data(), idx.data(), work.data(), nullptr, nullptr};
    forward_context<T, B, true, no_state> train_ref{nullptr, x.data(), y_ref.data(), idx_ref.data(), work.data(),
                                                    nullptr, nullptr};
    L::forward(train);
    L::forward_scalar(train_ref);
    for (std::size_t i = 0; i < n_out; ++i) {
        INFO("output " << i << " of " << L::in_shape::str() << " seed " << seed << " " << sizeof(T));
        if (layers::saved_size_of<L, T, B> > 0) REQUIRE(idx[i] == idx_ref[i]);  // max: the same winners
        if (same(y[i], y_ref[i])) continue;
        REQUIRE(double(y[i]) == Approx(double(y_ref[i])).epsilon(std::is_same_v<T, float> ? 1e-6 : 1e-14));
    }
    forward_context<T, B, false, no_state> infer{nullptr, x.data(), y.data(), nullptr, work.data(), nullptr, nullptr};
    L::forward(infer);
    for (std::size_t i = 0; i < n_out; ++i)
        if (!same(y[i], y_ref[i]))
            REQUIRE(double(y[i]) == Approx(double(y_ref[i])).epsilon(std::is_same_v<T, float> ? 1e-6 : 1e-14));
    backward_context<T, B, no_state> back{nullptr, x.data(), y.data(), idx.data(), dy.data(), dx.data(), nullptr,
                                          work.data(), nullptr};
    backward_context<T, B, no_state> back_ref{nullptr, x.data(), y_ref.data(), idx_ref.data(), dy.data(),
                                              dx_ref.data(), nullptr, work.data(), nullptr};
    L::backward(back);
    L::backward_scalar(back_ref);
    for (std::size_t i = 0; i < n_in; ++i) {
        INFO("input " << i);
        REQUIRE(double(dx[i]) == Approx(double(dx_ref[i])).margin(std::is_same_v<T, float> ? 1e-6 : 1e-14));
    }
}

template <class Spec, class In, class T, std::size_t B>
void kernels_match(std::uint64_t seed) {
    kernels_match_scan<typename layers::binding<Spec>::template type<In>, T, B>(seed);
}
}  // namespace

TEST_CASE("pooling: the SIMD kernels equal the scalar scan (ties, -inf, NaN, padding, strides)", "[layers][pool]") {
    for (std::uint64_t seed : {1, 2, 3, 4}) {
        kernels_match<MaxPool2D<2, 2>, Shape<3, 28, 28>, float, 2>(seed);
        kernels_match<MaxPool2D<3, 3, 2, 2, 1, 1>, Shape<2, 13, 21>, float, 3>(seed);
        kernels_match<MaxPool2D<3, 2, 1, 1, 1, 1>, Shape<2, 9, 19>, double, 2>(seed);
        kernels_match<MaxPool2D<2, 3, 3, 2, 0, 1>, Shape<3, 11, 37>, double, 1>(seed);
        kernels_match<MaxPool2D<3, 2, 3, 2, 1, 0>, Shape<2, 13, 18>, float, 2>(seed);  // column pairs, padded rows
        kernels_match<MaxPool2D<2, 2>, Shape<3, 7, 10>, double, 2>(seed);             // an odd row left over
        kernels_match<MaxPool1D<2>, Shape<3, 42>, float, 2>(seed);
        kernels_match<MaxPool1D<3, 2, 1>, Shape<3, 41>, float, 2>(seed);
        kernels_match<MaxPool1D<5, 1, 2>, Shape<2, 19>, double, 2>(seed);
        kernels_match<AvgPool2D<2, 2>, Shape<3, 28, 28>, float, 2>(seed);
        kernels_match<AvgPool2D<3, 3, 2, 2, 1, 1>, Shape<2, 13, 21>, float, 3>(seed);
        kernels_match<AvgPool2D<2, 3, 1, 2, 1, 1>, Shape<2, 9, 19>, double, 2>(seed);
        kernels_match<AvgPool2D<3, 2, 3, 2, 1, 0>, Shape<2, 13, 18>, double, 2>(seed);
        kernels_match<AvgPool2D<2, 2>, Shape<3, 7, 10>, float, 3>(seed);
        kernels_match<AvgPool1D<2>, Shape<3, 42>, double, 2>(seed);
        kernels_match<AvgPool1D<4, 3, 2>, Shape<3, 37>, float, 2>(seed);
        kernels_match<AvgPool1D<3, 1, 1>, Shape<2, 23>, double, 1>(seed);
    }
}
