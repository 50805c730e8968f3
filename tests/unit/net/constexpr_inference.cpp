// Inference at compile time: Dense + every activation whose math has a
// constexpr version (core/cmath.hpp) runs inside static_assert, against
// golden values computed in double by Python (tests' comments give the
// script's formula); then the same networks at run time agree with the
// compile-time results (different kernels and exp: to a few ulp).
#include <catch2/catch.hpp>

#include <cmath>
#include <string_view>

#include <ctnn/io/embed.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/net.hpp>

using namespace ctnn;

namespace {

// Multiples of 1/8 (exact in float): the first layer is exact, so the
// golden values differ from the float results only by the activation's and
// the second layer's roundings.
//   z = W1 x + b1 = [1.5625, 3.25, -0.5, -1.5]
//   y = W2 f(z) + b2, computed with Python's math module in double.
template <class T>
struct weights {
    static constexpr T w1[12] = {0.125, -0.25, 0.5, 1.0, -1.0, 0.75, 0.25, 0.0, -0.5, 0.375, 0.625, -0.125};
    static constexpr T b1[4] = {0.125, -0.25, 0.375, -0.5};
    static constexpr T w2[8] = {1.0, -1.0, 0.5, 0.25, -0.5, 0.5, 1.5, -2.0};
    static constexpr T b2[2] = {0.0625, -0.125};
    static constexpr T prelu[1] = {0.25};
};

/// Input<3> -> Dense<4> (unit "0") -> f -> Dense<2> (unit `second`), parameters
/// set by name; a PReLU in between takes `mid`'s weight.
template <class Net>
constexpr Net make(std::string_view w0, std::string_view b0, std::string_view w2, std::string_view b2,
                   std::string_view mid = "none") {
    using T = typename Net::value_type;
    using W = weights<T>;
    const embed::tensor<T> ts[] = {{w0, {4, 3}, W::w1}, {b0, {4}, W::b1}, {w2, {2, 4}, W::w2},
                                   {b2, {2}, W::b2},   {mid, {1}, W::prelu}};
    return embed::bind<Net>(ts);
}
template <class Net>
constexpr Net make_fused() {
    return make<Net>("0.weight", "0.bias", "2.weight", "2.bias");
}

template <class T>
constexpr Tensor<T, 3> x_of{0.5, -1.5, 2.0};

/// |a - b| <= tol (1 + |b|).
template <class T>
constexpr bool near(T a, double b, double tol) {
    const double d = double(a) - b;
    return (d < 0 ? -d : d) <= tol * (1 + (b < 0 ? -b : b));
}
template <class Net>
constexpr bool golden(const Net& net, double y0, double y1, double tol = 1e-6) {
    const auto y = net.forward(x_of<typename Net::value_type>);
    return near(y(0), y0, tol) && near(y(1), y1, tol);
}

using NetIdentity = Sequential<Input<3>, Dense<4>, Dense<2>>;
using NetReLU = Sequential<Input<3>, Dense<4>, ReLU, Dense<2>>;
using NetLeaky = Sequential<Input<3>, Dense<4>, LeakyReLU<0.1>, Dense<2>>;
using NetTanh = Sequential<Input<3>, Dense<4>, Tanh, Dense<2>>;
using NetSigmoid = Sequential<Input<3>, Dense<4>, Sigmoid, Dense<2>>;
using NetELU = Sequential<Input<3>, Dense<4>, ELU<>, Dense<2>>;
using NetSiLU = Sequential<Input<3>, Dense<4>, SiLU, Dense<2>>;
using NetSoftplus = Sequential<Input<3>, Dense<4>, Softplus, Dense<2>>;
inline constexpr auto square = [](const auto& v) { return v * v; };
using NetSquare = Sequential<Input<3>, Dense<4>, Activation<decltype(square)>, Dense<2>>;
using NetSoftmax = Sequential<Input<3>, Dense<4>, Tanh, Dense<2>, Softmax>;
using NetPReLU = Sequential<Input<3>, Dense<4>, PReLU, Dense<2>>;
using NetDropout = Sequential<Input<3>, Dense<4>, Tanh, Dropout<0.5>, Dense<2>>;
using NetDouble = BasicSequential<double, Input<3>, Dense<4>, Tanh, Dense<2>>;
// An activation with no Dense before it: the element-wise layer, then Flatten.
using NetTanhFirst = Sequential<Input<1, 3>, Flatten, Tanh, Dense<4>>;

constexpr NetIdentity net_identity = make<NetIdentity>("0.weight", "0.bias", "1.weight", "1.bias");
constexpr NetReLU net_relu = make_fused<NetReLU>();
constexpr NetLeaky net_leaky = make_fused<NetLeaky>();
constexpr NetTanh net_tanh = make_fused<NetTanh>();
constexpr NetSigmoid net_sigmoid = make_fused<NetSigmoid>();
constexpr NetELU net_elu = make_fused<NetELU>();
constexpr NetSiLU net_silu = make_fused<NetSiLU>();
constexpr NetSoftplus net_softplus = make_fused<NetSoftplus>();
constexpr NetSquare net_square = make_fused<NetSquare>();
constexpr NetSoftmax net_softmax = make_fused<NetSoftmax>();
constexpr NetPReLU net_prelu = make<NetPReLU>("0.weight", "0.bias", "2.weight", "2.bias", "1.weight");
constexpr NetDropout net_dropout = make<NetDropout>("0.weight", "0.bias", "3.weight", "3.bias");
constexpr NetDouble net_double = make_fused<NetDouble>();
constexpr NetTanhFirst net_tanh_first = [] {
    NetTanhFirst n;
    // By hand, through the layout (weight at the unit's start, bias at bias_at).
    float* p = n.param<"2.weight">().data();
    for (std::size_t i = 0; i < 12; ++i) p[i] = weights<float>::w1[i];
    for (std::size_t i = 0; i < 4; ++i) n.param<"2.bias">()(i) = weights<float>::b1[i];
    return n;
}();

// ---- the golden tests: evaluated by the compiler ---------------------------
static_assert(golden(net_identity, -2.25, 2.96875, 0));  // exact: every value is a multiple of 2^-5
static_assert(golden(net_relu, -1.625, 0.71875, 0));
static_assert(golden(net_leaky, -1.6875, 0.94375000000000009));
static_assert(golden(net_tanh, -0.47601873335898515, 1.0327073170586001));
static_assert(golden(net_sigmoid, 0.16091539676546457, 0.14444061487710402));
static_assert(golden(net_elu, -2.0159521301065761, 1.6822856692720904));
static_assert(golden(net_silu, -1.9372451765230725, 1.0575962887685364));
static_assert(golden(net_softplus, -1.1853504197224858, 0.95091003595876877));
static_assert(golden(net_square, -7.37109375, -0.189453125, 0));
static_assert(golden(net_softmax, 0.18112766915831269, 0.81887233084168731));
static_assert(golden(net_prelu, -1.78125, 1.28125, 0));
static_assert(golden(net_dropout, -0.47601873335898515, 1.0327073170586001));  // inference: identity
static_assert(golden(net_double, -0.47601873335898515, 1.0327073170586001, 1e-15));
static_assert([] {
    const auto y = net_tanh_first.forward(Tensor<float, 1, 3>{0.5f, -1.5f, 2.0f});
    return near(y(0), 0.89106549810662627, 1e-6) && near(y(1), 1.8402860959617389, 1e-6) &&
           near(y(2), 0.0085154992770939963, 1e-6) && near(y(3), -1.012927172065015, 1e-6);
}());
// The binding is checked: a wrong shape is skipped (the buffer stays zero).
static_assert(make<NetReLU>("0.weight", "0.bias", "2.bias", "2.weight").forward(x_of<float>)(0) == 0.0f);

/// The run-time forward (SIMD kernels, xsimd's exp) against the compile-time one.
template <const auto& Net>
void same_as_constant(double tol) {
    constexpr auto at_compile_time = Net.forward(x_of<typename std::remove_cvref_t<decltype(Net)>::value_type>);
    const auto at_run_time = Net.forward(x_of<typename std::remove_cvref_t<decltype(Net)>::value_type>);
    for (std::size_t i = 0; i < at_run_time.size; ++i) {
        INFO("output " << i << ": compile time " << at_compile_time.data()[i] << ", run time " << at_run_time.data()[i]);
        CHECK(std::abs(double(at_run_time.data()[i]) - double(at_compile_time.data()[i])) <=
              tol * (1 + std::abs(double(at_compile_time.data()[i]))));
    }
}

}  // namespace

TEST_CASE("a small network runs at compile time and agrees with the run-time forward", "[net][constexpr]") {
    // A few float ulp: the kernels sum in another order and xsimd's exp/tanh
    // are not cmath's.
    constexpr double tol = 1e-6;
    same_as_constant<net_identity>(0);
    same_as_constant<net_relu>(0);
    same_as_constant<net_leaky>(tol);
    same_as_constant<net_tanh>(tol);
    same_as_constant<net_sigmoid>(tol);
    same_as_constant<net_elu>(tol);
    same_as_constant<net_silu>(tol);
    same_as_constant<net_softplus>(tol);
    same_as_constant<net_square>(0);
    same_as_constant<net_softmax>(tol);
    same_as_constant<net_prelu>(0);
    same_as_constant<net_dropout>(tol);
    same_as_constant<net_double>(1e-14);
}

TEST_CASE("a constexpr network is a constant: its parameters are the bound values", "[net][constexpr]") {
    STATIC_REQUIRE(net_relu.param<"0.weight">()(1, 2) == 0.75f);
    STATIC_REQUIRE(net_relu.param<"0.bias">()(3) == -0.5f);
    STATIC_REQUIRE(net_relu.param<"2.weight">()(1, 3) == -2.0f);
    // Padding between tensors stays zero.
    STATIC_REQUIRE(net_relu.params()[12] == 0.0f);
}
