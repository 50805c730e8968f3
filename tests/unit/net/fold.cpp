// net/fold.hpp: Folded<Net> (BatchNorm after a linear layer folded into it,
// the activation then fused into the layer's epilogue) and fold_batchnorm
// (its parameters from a trained network): the folded network's forward
// equals the original's eval forward, float and double, batch 1 and B.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string_view>
#include <type_traits>

#include <ctnn/io/embed.hpp>
#include <ctnn/net.hpp>
#include <ctnn/net/fold.hpp>

#include "../alloc_count.hpp"

using namespace ctnn;

namespace {

// ---- the type transform ----------------------------------------------------------

using Mlp = Sequential<Input<5>, Dense<7>, BatchNorm1D, ReLU, Dense<3>>;
static_assert(std::is_same_v<Folded<Mlp>, Sequential<Input<5>, Dense<7>, ReLU, Dense<3>>>);
// the ReLU is the folded Dense's epilogue: one unit
static_assert(Folded<Mlp>::root::count == 2);
static_assert(std::is_same_v<Folded<Mlp>::root::unit<0>::activation_spec, ReLU>);
// a Dense without bias gets one; a BatchNorm after an activation or a second one stays
static_assert(std::is_same_v<Folded<Sequential<Input<4>, Dense<6, false>, BatchNorm1D, BatchNorm1D, Tanh>>,
                             Sequential<Input<4>, Dense<6, true>, BatchNorm1D, Tanh>>);
static_assert(std::is_same_v<Folded<Sequential<Input<4>, BatchNorm1D, Dense<6>, ReLU, BatchNorm1D>>,
                             Sequential<Input<4>, BatchNorm1D, Dense<6>, ReLU, BatchNorm1D>>);
// inside residual bodies and nested chains
static_assert(std::is_same_v<
              Folded<Sequential<Input<3, 9>, Residual<Conv1D<3, 3, 1, 1, 1, Same>, BatchNorm1D, SiLU>,
                                Sequential<Conv1D<4, 2>, BatchNorm1D>, Flatten, Dense<2>>>,
              Sequential<Input<3, 9>, Residual<Conv1D<3, 3, 1, 1, 1, Same>, SiLU>, Sequential<Conv1D<4, 2>>, Flatten,
                         Dense<2>>>);
// nothing to fold: the same type
static_assert(std::is_same_v<Folded<Sequential<Input<4>, Dense<6>, ReLU>>, Sequential<Input<4>, Dense<6>, ReLU>>);

// ---- the values ---------------------------------------------------------------------

/// Every parameter drawn at random, BatchNorm's running variance in
/// [0.3, 2] and its mean and affine far from 0 and 1, so a wrong formula shows.
template <class Net>
void randomize(Net& net, std::uint64_t seed) {
    Rng rng(seed);
    net.for_each_param([&](const std::string& name, const param_info& info, auto* data) {
        using T = std::remove_pointer_t<decltype(data)>;
        const std::string_view n(name);
        const bool var = n.ends_with("running_var");
        for (std::size_t i = 0; i < info.size(); ++i)
            data[i] = T(var ? rng.uniform(0.3, 2.0) : rng.uniform(-1.0, 1.0));
        if (n.ends_with("num_batches_tracked")) data[0] = T(3);
    });
}

/// max |a − b| / (1 + |b|) over a batch of B random inputs, and at batch 1.
template <class Net, std::size_t B>
double folded_error(std::uint64_t seed) {
    using T = typename Net::value_type;
    using F = Folded<Net>;
    auto net = std::make_unique<Net>();
    randomize(*net, seed);
    auto fast = std::make_unique<F>();
    fold_batchnorm(*net, *fast);
    auto x = std::make_unique<typename Net::template input_batch<B>>();
    Rng rng(seed + 1);
    for (std::size_t i = 0; i < x->size; ++i) x->data()[i] = T(rng.uniform(-2.0, 2.0));
    auto ws = std::make_unique<typename Net::template workspace<B>>();
    auto fws = std::make_unique<typename F::template workspace<B>>();
    net->forward(*x, *ws);
    REQUIRE(ctnn_test::allocations_during([&] { fast->forward(*x, *fws); }) == 0);
    double err = 0;
    constexpr std::size_t n = B * Net::out_shape::size;
    for (std::size_t i = 0; i < n; ++i) {
        const double a = double(fws->output().data()[i]), b = double(ws->output().data()[i]);
        err = std::max(err, std::abs(a - b) / (1 + std::abs(b)));
    }
    // batch 1 (the GEMV path) against the batch's first row
    typename Net::input_type x1;
    for (std::size_t i = 0; i < x1.size; ++i) x1.data()[i] = x->data()[i];
    const auto y1 = fast->forward(x1);
    for (std::size_t i = 0; i < Net::out_shape::size; ++i) {
        const double b = double(ws->output().data()[i]);
        err = std::max(err, std::abs(double(y1.data()[i]) - b) / (1 + std::abs(b)));
    }
    return err;
}

template <class T>
using MlpT = BasicSequential<T, Input<13>, Dense<17>, BatchNorm1D, ReLU, Dense<5, false>, BatchNorm1D, Dense<3>>;
template <class T>
using ConvT = BasicSequential<T, Input<3, 19>, Conv1D<5, 3, 2>, BatchNorm1D, ReLU, Conv1D<4, 3, 1, 2, 1, Same>,
                              BatchNorm1D, Tanh, Flatten, Dense<3>>;
template <class T>
using Conv2T = BasicSequential<T, Input<2, 7, 6>, Conv2D<5, 3, 2, 1, 1, 1, Pad<1>>, BatchNorm2D, ReLU,
                               Conv2D<4, 3, 3, 2>, BatchNorm2D, Flatten, Dense<3>>;
template <class T>
using ResT = BasicSequential<T, Input<2, 11>, Conv1D<4, 1>, Residual<Conv1D<4, 3, 1, 1, 2, Same>, BatchNorm1D, SiLU>,
                             BatchNorm1D, Flatten, Dense<6, false>, BatchNorm1D, Sigmoid>;

}  // namespace

TEST_CASE("fold_batchnorm: Dense -> BatchNorm1D, float and double", "[net][fold]") {
    CHECK(folded_error<MlpT<float>, 9>(11) < 2e-6);
    CHECK(folded_error<MlpT<double>, 9>(11) < 1e-13);
    // the second pair's Dense had no bias: the folded one has −s·mean + β
    STATIC_REQUIRE(Folded<MlpT<float>>::param_table.size() == 6);
}

TEST_CASE("fold_batchnorm: Conv1D -> BatchNorm1D -> activation, float and double", "[net][fold]") {
    CHECK(folded_error<ConvT<float>, 7>(21) < 2e-6);
    CHECK(folded_error<ConvT<double>, 7>(21) < 1e-13);
}

TEST_CASE("fold_batchnorm: Conv2D -> BatchNorm2D (-> activation), float and double", "[net][fold]") {
    STATIC_REQUIRE(std::is_same_v<Folded<Conv2T<float>>,
                                  BasicSequential<float, Input<2, 7, 6>, Conv2D<5, 3, 2, 1, 1, 1, Pad<1>>, ReLU,
                                                  Conv2D<4, 3, 3, 2>, Flatten, Dense<3>>>);
    CHECK(folded_error<Conv2T<float>, 3>(41) < 2e-6);
    CHECK(folded_error<Conv2T<double>, 3>(41) < 1e-13);
}

TEST_CASE("fold_batchnorm: inside a residual body; a BatchNorm after the residual stays", "[net][fold]") {
    using F = Folded<ResT<double>>;
    STATIC_REQUIRE(F::param_table.size() == 11);  // 0.w,b  1.body.0.w,b  2.(5)  4.w,b
    CHECK(folded_error<ResT<float>, 5>(31) < 2e-6);
    CHECK(folded_error<ResT<double>, 5>(31) < 1e-13);
}

TEST_CASE("fold_batchnorm: the folded parameters by hand", "[net][fold]") {
    using Net = BasicSequential<double, Input<2>, Dense<2>, BatchNorm1D>;
    Net net;
    auto w = net.param<"0.weight">();
    auto b = net.param<"0.bias">();
    w(0, 0) = 1, w(0, 1) = 2, w(1, 0) = 3, w(1, 1) = 4, b(0) = 0.5, b(1) = -1;
    net.param<"1.weight">()(0) = 2, net.param<"1.weight">()(1) = -1;
    net.param<"1.bias">()(0) = 0.25, net.param<"1.bias">()(1) = 3;
    net.param<"1.running_mean">()(0) = 1.5, net.param<"1.running_mean">()(1) = -2;
    net.param<"1.running_var">()(0) = 4 - 1e-5, net.param<"1.running_var">()(1) = 0.25 - 1e-5;  // σ = 2, 0.5
    const auto f = fold_batchnorm(net);
    const auto fw = f.param<"0.weight">();
    const auto fb = f.param<"0.bias">();
    // s = γ/σ = 1, −2
    CHECK(fw(0, 0) == Approx(1).epsilon(1e-12));
    CHECK(fw(0, 1) == Approx(2).epsilon(1e-12));
    CHECK(fw(1, 0) == Approx(-6).epsilon(1e-12));
    CHECK(fw(1, 1) == Approx(-8).epsilon(1e-12));
    CHECK(fb(0) == Approx(1 * (0.5 - 1.5) + 0.25).epsilon(1e-12));
    CHECK(fb(1) == Approx(-2 * (-1 + 2) + 3).epsilon(1e-12));
}

namespace {
// Compile time: an embedded network folded and run by the compiler.
using Small = BasicSequential<double, Input<2>, Dense<2>, BatchNorm1D, ReLU>;
constexpr double sw[4] = {1, 2, 3, 4}, sb[2] = {0.5, -1}, g[2] = {2, -1}, be[2] = {0.25, 3}, mu[2] = {1.5, -2},
                 var[2] = {4 - 1e-5, 0.25 - 1e-5};
constexpr embed::tensor<double> small_tensors[] = {{"0.weight", {2, 2}, sw},     {"0.bias", {2}, sb},
                                                   {"1.weight", {2}, g},         {"1.bias", {2}, be},
                                                   {"1.running_mean", {2}, mu}, {"1.running_var", {2}, var}};
constexpr Small small = embed::bind<Small>(small_tensors);
constexpr auto small_folded = fold_batchnorm(small);
// x = (1, 1): z = (3.5, 6); BN: (2·(3.5 − 1.5)/2 + 0.25, −(6 + 2)/0.5 + 3) = (2.25, −13); ReLU: (2.25, 0)
constexpr auto small_y = small_folded.forward(Tensor<double, 2>{1.0, 1.0});
static_assert(small_y(0) > 2.25 - 1e-12 && small_y(0) < 2.25 + 1e-12 && small_y(1) == 0);
}  // namespace

TEST_CASE("fold_batchnorm: at compile time, equal to the run-time eval forward", "[net][fold]") {
    const auto y = small.forward(Tensor<double, 2>{1.0, 1.0});
    CHECK(y(0) == Approx(small_y(0)).epsilon(1e-14));
    CHECK(y(1) == small_y(1));
}
