// The op table: values and local derivatives for float, double and xsimd
// packs, every derivative against central finite differences, and the
// conventions at the kinks.
#include <catch2/catch.hpp>
#include <ctnn/expr/ops.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ops = ctnn::ops;

namespace {

// ---- constant evaluation ------------------------------------------------------
static_assert(ops::exp_op::value(0.0) == 1.0 && ops::exp_op::d<0>(1.0, 0.0) == 1.0);
static_assert(ops::log_op::d<0>(0.0, 4.0) == 0.25);
static_assert(ops::mul_op::d<0>(6.0, 2.0, 3.0) == 3.0 && ops::mul_op::d<1>(6.0, 2.0, 3.0) == 2.0);
static_assert(ops::div_op::d<1>(ops::div_op::value(1.0, 2.0), 1.0, 2.0) == -0.25);
static_assert(ops::sigmoid_op::value(0.0) == 0.5 && ops::sigmoid_op::d<0>(0.5, 0.0) == 0.25);
static_assert(ops::tanh_op::d<0>(ops::tanh_op::value(0.0f), 0.0f) == 1.0f);
static_assert(ops::sqrt_op::value(16.0) == 4.0 && ops::sqrt_op::d<0>(4.0, 16.0) == 0.125);
static_assert(ops::pow_op::value(2.0, 3.0) == 8.0 && ops::pow_op::d<0>(8.0, 2.0, 3.0) == 12.0);
static_assert(ops::powi_op::value(-2.0, 3) == -8.0 && ops::powi_op::d<0>(-8.0, -2.0, 3) == 12.0);
static_assert(ops::relu_op::d<0>(0.0, 0.0) == 0.0 && ops::abs_op::d<0>(0.0, 0.0) == 0.0);
static_assert(ops::min_op::d<0>(1.0, 1.0, 1.0) == 1.0 && ops::min_op::d<1>(1.0, 1.0, 1.0) == 0.0);
static_assert(ops::max_op::d<0>(1.0, 1.0, 1.0) == 1.0 && ops::max_op::d<1>(1.0, 1.0, 1.0) == 0.0);

template <class V>
V lane(const V& v, std::size_t) {
    return v;
}
template <class T, class A>
T lane(const xsimd::batch<T, A>& v, std::size_t i) {
    alignas(64) T buf[xsimd::batch<T, A>::size];
    v.store_unaligned(buf);
    return buf[i];
}

/// Checks an op's value and partials on V (scalar or pack) against the same
/// op evaluated on scalars of type T, lane by lane.
template <class Op, class V, class T>
void check_pack_matches_scalar(const std::vector<T>& as, const std::vector<T>& bs) {
    constexpr std::size_t w = V::size;
    alignas(64) T a[w], b[w];
    for (std::size_t i = 0; i < w; ++i) a[i] = as[i % as.size()], b[i] = bs[i % bs.size()];
    const V va = V::load_unaligned(a), vb = V::load_unaligned(b);
    for (std::size_t i = 0; i < w; ++i) {
        INFO(Op::name << " lane " << i << ": a = " << a[i] << ", b = " << b[i]);
        if constexpr (Op::arity == 1) {
            const V y = Op::value(va);
            const T ys = Op::value(a[i]);
            CHECK(lane(y, i) == Approx(ys).epsilon(2e-6));
            // tanh' = 1 - y² cancels near |y| = 1: the pack's tanh (≤ 6 ulp, simd/fast_math.hpp) and
            // the number's (≤ 2 ulp) differ by up to 8 ulp(1) = 8·2⁻²⁴, which moves 1 - y² by up to
            // 2|y|·8·2⁻²⁴ ≈ 9.5e-7 in float
            const double margin = std::is_same_v<T, float> && std::string_view(Op::name) == "tanh" ? 1e-6 : 0;
            CHECK(lane(Op::template d<0>(y, va), i) ==
                  Approx(Op::template d<0>(ys, a[i])).epsilon(2e-6).margin(margin));
        } else {
            const V y = Op::value(va, vb);
            const T ys = Op::value(a[i], b[i]);
            CHECK(lane(y, i) == Approx(ys).epsilon(2e-6));
            CHECK(lane(Op::template d<0>(y, va, vb), i) == Approx(Op::template d<0>(ys, a[i], b[i])).epsilon(2e-6));
            CHECK(lane(Op::template d<1>(y, va, vb), i) == Approx(Op::template d<1>(ys, a[i], b[i])).epsilon(2e-6));
        }
    }
}

/// Central finite difference of f at x, step scaled to x.
template <class F>
double central_difference(F f, double x) {
    const double h = 1e-6 * std::max(1.0, std::fabs(x));
    return (f(x + h) - f(x - h)) / (2 * h);
}
/// Relative error with a floor, so that derivatives near 0 compare absolutely.
double rel_error(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::max(std::fabs(a), std::fabs(b))); }

template <class Op>
void check_unary_fd(const std::vector<double>& xs) {
    for (double x : xs) {
        const double y = Op::value(x);
        const double fd = central_difference([](double t) { return Op::value(t); }, x);
        INFO(Op::name << "'(" << x << "): analytic " << Op::template d<0>(y, x) << ", finite difference " << fd);
        CHECK(rel_error(Op::template d<0>(y, x), fd) < 1e-6);
    }
}
template <class Op>
void check_binary_fd(const std::vector<std::pair<double, double>>& points) {
    for (auto [a, b] : points) {
        const double y = Op::value(a, b);
        const double da = central_difference([b = b](double t) { return Op::value(t, b); }, a);
        const double db = central_difference([a = a](double t) { return Op::value(a, t); }, b);
        INFO(Op::name << " at (" << a << ", " << b << "): d/da " << Op::template d<0>(y, a, b) << " vs " << da
                      << ", d/db " << Op::template d<1>(y, a, b) << " vs " << db);
        CHECK(rel_error(Op::template d<0>(y, a, b), da) < 1e-6);
        CHECK(rel_error(Op::template d<1>(y, a, b), db) < 1e-6);
    }
}

}  // namespace

TEMPLATE_TEST_CASE("ops: values and local derivatives on numbers", "[ops]", float, double) {
    using T = TestType;
    CHECK(ops::add_op::value(T(2), T(3)) == T(5));
    CHECK(ops::add_op::d<0>(T(5), T(2), T(3)) == T(1));
    CHECK(ops::add_op::d<1>(T(5), T(2), T(3)) == T(1));
    CHECK(ops::sub_op::value(T(2), T(3)) == T(-1));
    CHECK(ops::sub_op::d<0>(T(-1), T(2), T(3)) == T(1));
    CHECK(ops::sub_op::d<1>(T(-1), T(2), T(3)) == T(-1));
    CHECK(ops::mul_op::value(T(2), T(3)) == T(6));
    CHECK(ops::mul_op::d<0>(T(6), T(2), T(3)) == T(3));
    CHECK(ops::mul_op::d<1>(T(6), T(2), T(3)) == T(2));
    CHECK(ops::div_op::value(T(3), T(2)) == T(1.5));
    CHECK(ops::div_op::d<0>(T(1.5), T(3), T(2)) == T(0.5));
    CHECK(ops::div_op::d<1>(T(1.5), T(3), T(2)) == T(-0.75));
    CHECK(ops::neg_op::value(T(2)) == T(-2));
    CHECK(ops::neg_op::d<0>(T(-2), T(2)) == T(-1));
    CHECK(ops::exp_op::value(T(1)) == Approx(2.718281828459045));
    CHECK(ops::exp_op::d<0>(T(7), T(1)) == T(7));
    CHECK(ops::log_op::value(T(1)) == T(0));
    CHECK(ops::log_op::d<0>(T(0), T(4)) == T(0.25));
    CHECK(ops::log1p_op::value(T(0)) == T(0));
    CHECK(ops::log1p_op::d<0>(T(0), T(3)) == T(0.25));
    CHECK(ops::sqrt_op::value(T(9)) == T(3));
    CHECK(ops::sqrt_op::d<0>(T(3), T(9)) == Approx(1.0 / 6));
    CHECK(ops::pow_op::value(T(2), T(0.5)) == Approx(std::sqrt(2.0)));
    CHECK(ops::pow_op::d<0>(T(8), T(2), T(3)) == T(12));
    CHECK(ops::pow_op::d<1>(T(8), T(2), T(3)) == Approx(8 * std::log(2.0)));
    CHECK(ops::pow_op::d<1>(T(0), T(0), T(3)) == T(0));  // y = 0: no gradient to the exponent
    CHECK(ops::pow_op::d<0>(T(0), T(0), T(2)) == T(0));  // b a^(b-1) is right at a = 0
    CHECK(ops::powi_op::value(T(-2), 3) == T(-8));
    CHECK(ops::powi_op::d<0>(T(-8), T(-2), 3) == T(12));
    CHECK(ops::powi_op::d<0>(T(1), T(5), 0) == T(0));
    CHECK(ops::powi_op::value(T(2), -2) == T(0.25));
    CHECK(ops::powi_op::d<0>(T(0.25), T(2), -2) == T(-0.25));
    CHECK(ops::tanh_op::value(T(0)) == T(0));
    CHECK(ops::tanh_op::d<0>(T(0.5), T(0)) == T(0.75));
    CHECK(ops::sigmoid_op::value(T(0)) == T(0.5));
    CHECK(ops::sigmoid_op::value(T(1000)) == T(1));
    CHECK(ops::sigmoid_op::value(T(-1000)) == T(0));
    CHECK(ops::sigmoid_op::d<0>(T(0.5), T(0)) == T(0.25));
    CHECK(ops::square_op::value(T(-3)) == T(9));
    CHECK(ops::square_op::d<0>(T(9), T(-3)) == T(-6));

    // kinks: relu'(0) = 0, abs'(0) = 0
    CHECK(ops::relu_op::value(T(-2)) == T(0));
    CHECK(ops::relu_op::value(T(2)) == T(2));
    CHECK(ops::relu_op::d<0>(T(0), T(0)) == T(0));
    CHECK(ops::relu_op::d<0>(T(2), T(2)) == T(1));
    CHECK(ops::relu_op::d<0>(T(0), T(-2)) == T(0));
    CHECK(std::isnan(ops::relu_op::value(std::numeric_limits<T>::quiet_NaN())));
    CHECK(ops::abs_op::value(T(-2)) == T(2));
    CHECK(ops::abs_op::d<0>(T(2), T(-2)) == T(-1));
    CHECK(ops::abs_op::d<0>(T(2), T(2)) == T(1));
    CHECK(ops::abs_op::d<0>(T(0), T(0)) == T(0));

    // min/max: the gradient goes to the operand returned, to the first on a tie
    CHECK(ops::min_op::value(T(1), T(2)) == T(1));
    CHECK(ops::min_op::d<0>(T(1), T(1), T(2)) == T(1));
    CHECK(ops::min_op::d<1>(T(1), T(1), T(2)) == T(0));
    CHECK(ops::min_op::d<0>(T(1), T(2), T(1)) == T(0));
    CHECK(ops::min_op::d<1>(T(1), T(2), T(1)) == T(1));
    CHECK(ops::min_op::d<0>(T(3), T(3), T(3)) == T(1));
    CHECK(ops::min_op::d<1>(T(3), T(3), T(3)) == T(0));
    CHECK(ops::max_op::value(T(1), T(2)) == T(2));
    CHECK(ops::max_op::d<0>(T(2), T(1), T(2)) == T(0));
    CHECK(ops::max_op::d<1>(T(2), T(1), T(2)) == T(1));
    CHECK(ops::max_op::d<0>(T(3), T(3), T(3)) == T(1));
    CHECK(ops::max_op::d<1>(T(3), T(3), T(3)) == T(0));
}

TEMPLATE_TEST_CASE("ops: xsimd packs agree with numbers lane by lane", "[ops]", float, double) {
    using T = TestType;
    using V = xsimd::batch<T, ctnn::simd::best_arch>;
    const std::vector<T> pos = {T(0.25), T(1), T(2.5), T(7), T(0.5), T(3)};
    const std::vector<T> any = {T(-2), T(0), T(1.5), T(-0.25), T(3), T(2.5), T(-1), T(0)};
    const std::vector<T> other = {T(1), T(0), T(-0.5), T(-0.25), T(2), T(3), T(-2), T(1)};  // ties in lanes 1, 3
    check_pack_matches_scalar<ops::add_op, V>(any, other);
    check_pack_matches_scalar<ops::sub_op, V>(any, other);
    check_pack_matches_scalar<ops::mul_op, V>(any, other);
    check_pack_matches_scalar<ops::div_op, V>(any, pos);
    check_pack_matches_scalar<ops::neg_op, V>(any, any);
    check_pack_matches_scalar<ops::exp_op, V>(any, any);
    check_pack_matches_scalar<ops::log_op, V>(pos, pos);
    check_pack_matches_scalar<ops::log1p_op, V>(pos, pos);
    check_pack_matches_scalar<ops::sqrt_op, V>(pos, pos);
    check_pack_matches_scalar<ops::pow_op, V>(pos, any);
    check_pack_matches_scalar<ops::tanh_op, V>(any, any);
    check_pack_matches_scalar<ops::sigmoid_op, V>(any, any);
    check_pack_matches_scalar<ops::relu_op, V>(any, any);
    check_pack_matches_scalar<ops::abs_op, V>(any, any);
    check_pack_matches_scalar<ops::min_op, V>(any, other);
    check_pack_matches_scalar<ops::max_op, V>(any, other);
    check_pack_matches_scalar<ops::square_op, V>(any, any);

    // integer powers on a pack
    alignas(64) T a[V::size];
    for (std::size_t i = 0; i < V::size; ++i) a[i] = any[i % any.size()];
    const V va = V::load_unaligned(a);
    const V y = ops::powi_op::value(va, 3);
    const V dy = ops::powi_op::d<0>(y, va, 3);
    for (std::size_t i = 0; i < V::size; ++i) {
        CHECK(lane(y, i) == Approx(a[i] * a[i] * a[i]));
        CHECK(lane(dy, i) == Approx(3 * a[i] * a[i]));
    }
    // sigmoid saturates without NaN on packs too
    const V s = ops::sigmoid_op::value(V(T(-1000)));
    const V s2 = ops::sigmoid_op::value(V(T(1000)));
    CHECK(lane(s, 0) == T(0));
    CHECK(lane(s2, 0) == T(1));
}

TEST_CASE("ops: every derivative matches central finite differences (double)", "[ops]") {
    const std::vector<double> any = {-2.3, -0.7, -0.1, 0.3, 1.1, 2.9};
    const std::vector<double> pos = {0.05, 0.4, 1.0, 2.2, 7.5};
    const std::vector<std::pair<double, double>> pairs = {{-2.3, 0.7}, {0.4, -1.9}, {1.5, 2.5}, {3.1, -0.6}};
    const std::vector<std::pair<double, double>> pos_base = {{0.4, -1.9}, {1.5, 2.5}, {3.1, -0.6}, {0.9, 0.5}};

    check_unary_fd<ops::neg_op>(any);
    check_unary_fd<ops::exp_op>(any);
    check_unary_fd<ops::log_op>(pos);
    check_unary_fd<ops::log1p_op>({-0.6, -0.1, 0.3, 2.2, 40.0});
    check_unary_fd<ops::sqrt_op>(pos);
    check_unary_fd<ops::tanh_op>(any);
    check_unary_fd<ops::sigmoid_op>(any);
    check_unary_fd<ops::relu_op>(any);  // away from the kink
    check_unary_fd<ops::abs_op>(any);
    check_unary_fd<ops::square_op>(any);

    check_binary_fd<ops::add_op>(pairs);
    check_binary_fd<ops::sub_op>(pairs);
    check_binary_fd<ops::mul_op>(pairs);
    check_binary_fd<ops::div_op>(pairs);
    check_binary_fd<ops::pow_op>(pos_base);
    check_binary_fd<ops::min_op>(pairs);  // away from ties
    check_binary_fd<ops::max_op>(pairs);

    for (int n : {-3, -1, 1, 2, 5}) {
        for (double x : any) {
            const double y = ops::powi_op::value(x, n);
            const double fd = central_difference([n](double t) { return ops::powi_op::value(t, n); }, x);
            INFO("pow(" << x << ", " << n << ")'");
            CHECK(rel_error(ops::powi_op::d<0>(y, x, n), fd) < 1e-6);
        }
    }
}
