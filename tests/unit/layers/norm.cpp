// LayerNorm, BatchNorm1D and BatchNorm2D: the protocol, by hand, finite
// differences (train-mode BatchNorm included), buffers (running statistics)
// through the optimizers, clipping and safetensors, no allocation.
// PyTorch parity: norm_pool_parity.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/embed.hpp>
#include <ctnn/io/net_spec.hpp>
#include <ctnn/train/step.hpp>

#include "../alloc_count.hpp"
#include "../net/net_checks.hpp"

using namespace ctnn;
using net_checks::check_net;

TEST_CASE("norm layers follow the layer protocol", "[layers][norm]") {
    using LN = layers::binding<LayerNorm<>>::type<Shape<3, 7>>;
    STATIC_REQUIRE(Layer<LN>);
    STATIC_REQUIRE(std::is_same_v<LN::out_shape, Shape<3, 7>>);
    STATIC_REQUIRE(LN::param_count == 14);
    using LN2 = layers::binding<LayerNorm<2>>::type<Shape<2, 3, 5>>;
    STATIC_REQUIRE(Layer<LN2>);
    STATIC_REQUIRE(LN2::params<float>[0].rank == 2);
    STATIC_REQUIRE(LN2::params<float>[0].dims[0] == 3);
    STATIC_REQUIRE(LN2::params<float>[0].dims[1] == 5);
    using BN1 = layers::binding<BatchNorm1D>::type<Shape<3, 37>>;
    using BN0 = layers::binding<BatchNorm1D>::type<Shape<6>>;
    using BN2 = layers::binding<BatchNorm2D>::type<Shape<3, 9, 11>>;
    STATIC_REQUIRE(Layer<BN1>);
    STATIC_REQUIRE(Layer<BN0>);
    STATIC_REQUIRE(Layer<BN2>);
    STATIC_REQUIRE(BN2::param_count == 6);  // as PyTorch's parameters(): buffers not counted
    STATIC_REQUIRE(BN2::params<float>.size() == 5);
    STATIC_REQUIRE(BN2::params<float>[2].name == "running_mean");
    STATIC_REQUIRE(BN2::params<float>[3].role == param_role::buffer);
    STATIC_REQUIRE(BN2::params<float>[4].name == "num_batches_tracked");
    STATIC_REQUIRE(BN2::params<float>[4].rank == 0);
    STATIC_REQUIRE(!layers::binding<BatchNorm2D>::accepts<Shape<3, 7>>);
    STATIC_REQUIRE(!layers::binding<BatchNorm1D>::accepts<Shape<3, 7, 2>>);
    STATIC_REQUIRE(!layers::binding<LayerNorm<3>>::accepts<Shape<3, 7>>);
}

TEST_CASE("BatchNorm: names, counts and initial values as torch", "[layers][norm]") {
    using Net = Sequential<Input<3, 9, 11>, BatchNorm2D, Flatten, Dense<4>>;
    STATIC_REQUIRE(Net::param_count == 6 + 3 * 9 * 11 * 4 + 4);
    STATIC_REQUIRE(Net::param_table[0].name == "0.weight");
    STATIC_REQUIRE(Net::param_table[4].name == "0.num_batches_tracked");
    auto net = std::make_unique<Net>();
    init::he_uniform(*net, 3);  // buffers and norm weights keep their rule under every initialiser
    for (std::size_t c = 0; c < 3; ++c) {
        CHECK(net->param<"0.weight">()(c) == 1.f);
        CHECK(net->param<"0.bias">()(c) == 0.f);
        CHECK(net->param<"0.running_mean">()(c) == 0.f);
        CHECK(net->param<"0.running_var">()(c) == 1.f);
    }
    CHECK(net->params()[Net::param_table[4].offset] == 0.f);
}

TEST_CASE("LayerNorm and BatchNorm by hand", "[layers][norm]") {
    // LayerNorm of [1, 2, 3, 6]: mean 3, biased variance 3.5
    using LN = Sequential<Input<4>, LayerNorm<>>;
    LN ln;
    init::torch_default(ln, 1);  // weight ones, bias zeros
    ln.param<"0.weight">()(1) = 2.f;
    ln.param<"0.bias">()(2) = 0.5f;
    const auto y = ln.forward(Tensor<float, 4>{{1.f, 2.f, 3.f, 6.f}});
    const float s = 1.f / std::sqrt(3.5f + 1e-5f);
    CHECK(y(0) == Approx(-2 * s).epsilon(1e-6));
    CHECK(y(1) == Approx(-2 * s).epsilon(1e-6));
    CHECK(y(2) == Approx(0.5f).epsilon(1e-6));
    CHECK(y(3) == Approx(3 * s).epsilon(1e-6));

    // BatchNorm1D: training uses the batch's statistics, inference the running ones
    using BN = Sequential<Input<2>, BatchNorm1D>;
    auto bn = std::make_unique<BN>();
    init::torch_default(*bn, 1);
    bn->param<"0.running_mean">()(0) = 1.f;
    bn->param<"0.running_var">()(0) = 4.f;
    const auto e = bn->forward(Tensor<float, 2>{{3.f, 5.f}});
    CHECK(e(0) == Approx(2.f / std::sqrt(4.f + 1e-5f)).epsilon(1e-6));
    CHECK(e(1) == Approx(5.f / std::sqrt(1.f + 1e-5f)).epsilon(1e-6));
    Tensor<float, 3, 2> x{1.f, 0.f, 2.f, 0.f, 6.f, 3.f};
    auto ws = std::make_unique<BN::workspace<3>>();
    bn->forward<true>(x, *ws);
    // channel 0: mean 3, biased var 14/3, unbiased 7
    CHECK(ws->output()(0, 0) == Approx(-2.f / std::sqrt(14.f / 3 + 1e-5f)).epsilon(1e-6));
    auto g = std::make_unique<BN::gradients>();
    for (auto& v : ws->output_grad()) v = 0.f;
    bn->backward(x, *ws, *g);
    // the new running statistics wait in the buffers' gradient slots (unbiased variance 7)
    CHECK(BN::param_in<"0.running_mean">(*g)(0) == Approx(0.9f * 1 + 0.1f * 3).epsilon(1e-6));
    CHECK(BN::param_in<"0.running_var">(*g)(0) == Approx(0.9f * 4 + 0.1f * 7).epsilon(1e-6));
    CHECK(BN::param_in<"0.running_var">(*g)(1) == Approx(0.9f * 1 + 0.1f * 3).epsilon(1e-6));
    CHECK(g->data[BN::param_table[4].offset] == 1.f);
    CHECK(bn->param<"0.running_mean">()(0) == 1.f);  // the network did not change
    // the optimizer copies them: no step, no weight decay, no moments
    optim::Adam<BN> adam(optim::adam_config<false>{.lr = 0.1, .weight_decay = 0.5});
    adam.step(*bn, *g);
    CHECK(bn->param<"0.running_mean">()(0) == Approx(1.2f).epsilon(1e-6));
    CHECK(bn->param<"0.running_var">()(0) == Approx(4.3f).epsilon(1e-6));
    CHECK(bn->params()[BN::param_table[4].offset] == 1.f);
    CHECK(bn->param<"0.weight">()(0) != 1.f);  // weight decay on a zero gradient still moved the weight
    optim::SGD<BN> sgd({.lr = 0.1});
    bn->forward<true>(x, *ws);
    bn->backward(x, *ws, *g);
    sgd.step(*bn, *g);
    CHECK(bn->params()[BN::param_table[4].offset] == 2.f);
    CHECK(bn->param<"0.running_mean">()(0) == Approx(0.9f * 1.2f + 0.1f * 3).epsilon(1e-6));
}

TEST_CASE("norm layers: gradients against finite differences", "[layers][norm][grad]") {
    check_net<BasicSequential<double, Input<7>, Dense<5>, LayerNorm<>, Tanh, Dense<3>>>();
    check_net<BasicSequential<double, Input<3, 5>, LayerNorm<>, Flatten, Dense<2>>, MSE, 3>();
    check_net<BasicSequential<double, Input<2, 3, 5>, LayerNorm<2>, Flatten, Dense<2>>, MSE, 2>();
    // training-mode BatchNorm: the batch's statistics depend on every row
    check_net<BasicSequential<double, Input<5>, Dense<4>, BatchNorm1D, Tanh, Dense<3>>, MSE, 5>();
    check_net<BasicSequential<double, Input<3, 7>, BatchNorm1D, Flatten, Dense<2>>, MSE, 3>();
    check_net<BasicSequential<double, Input<3, 4, 5>, BatchNorm2D, Tanh, Flatten, Dense<2>>, MSE, 2>();
    // one value per channel in a [C, L] batch of 1: still a valid training batch over L
    check_net<BasicSequential<double, Input<2, 6>, BatchNorm1D, Flatten, Dense<2>>, MSE, 1>();
}

namespace {
/// Gradients that name their network, as `clip_grad_norm(g, c)` looks for.
template <class Net>
struct named_gradients {
    using network = Net;
    alignas(64) float data[Net::param_storage]{};
};
}  // namespace

TEST_CASE("buffers: clipping leaves them out, gradient slots untouched", "[layers][norm][optim]") {
    using Net = Sequential<Input<3>, Dense<4>, BatchNorm1D, Dense<2>>;
    auto g = std::make_unique<Net::gradients>();
    double sq = 0;
    for (const param_info& p : Net::param_table)
        for (std::size_t i = 0; i < p.size(); ++i) {
            const float v = p.role == param_role::buffer ? 100.f : 0.5f + float(i % 3);
            g->data[p.offset + i] = v;
            if (p.role != param_role::buffer) sq += double(v) * v;
        }
    const double norm = optim::clip_grad_norm<Net>(*g, 1.0);
    CHECK(norm == Approx(std::sqrt(sq)).epsilon(1e-6));
    double after = 0;
    for (const param_info& p : Net::param_table)
        for (std::size_t i = 0; i < p.size(); ++i) {
            const float v = g->data[p.offset + i];
            if (p.role == param_role::buffer) CHECK(v == 100.f);
            else after += double(v) * v;
        }
    CHECK(std::sqrt(after) == Approx(1.0).epsilon(1e-5));
    // the plain clip_grad_norm(g, c) does the same when the gradients name their network
    auto ng = std::make_unique<named_gradients<Net>>();
    for (const param_info& p : Net::param_table)
        for (std::size_t i = 0; i < p.size(); ++i)
            ng->data[p.offset + i] = p.role == param_role::buffer ? 100.f : 0.5f + float(i % 3);
    CHECK(optim::clip_grad_norm(*ng, 1.0) == Approx(std::sqrt(sq)).epsilon(1e-6));
    for (const param_info& p : Net::param_table)
        for (std::size_t i = 0; i < p.size(); ++i)
            if (p.role == param_role::buffer) CHECK(ng->data[p.offset + i] == 100.f);
    // a network without buffers: the same as the plain version
    using Plain = Sequential<Input<3>, Dense<4>, Dense<2>>;
    STATIC_REQUIRE(!optim::has_buffers<Plain>);
    STATIC_REQUIRE(optim::has_buffers<Net>);
    Plain::gradients a, b;
    for (std::size_t i = 0; i < Plain::param_storage; ++i) a.data[i] = b.data[i] = float(i % 5) - 2;
    CHECK(optim::clip_grad_norm<Plain>(a, 0.5) == optim::clip_grad_norm(b, 0.5));
    for (std::size_t i = 0; i < Plain::param_storage; ++i) CHECK(a.data[i] == b.data[i]);
}

TEST_CASE("BatchNorm: save and load with torch's names; num_batches_tracked as int64", "[layers][norm][io]") {
    using Net = Sequential<Input<3, 9, 11>, BatchNorm2D, Flatten, Dense<2>>;
    auto a = std::make_unique<Net>();
    init::torch_default(*a, 5);
    for (std::size_t c = 0; c < 3; ++c) {
        a->param<"0.running_mean">()(c) = 0.25f * float(c) - 0.1f;
        a->param<"0.running_var">()(c) = 1.5f + float(c);
        a->param<"0.weight">()(c) = 0.5f + float(c);
    }
    a->params()[Net::param_table[4].offset] = 41.f;
    const std::string path = "/tmp/ctnn_norm_test_" + std::to_string(::getpid()) + ".safetensors";
    io::save_safetensors(*a, path);
    auto b = std::make_unique<Net>();
    io::load_safetensors(*b, path);
    for (std::size_t i = 0; i < Net::param_storage; ++i) REQUIRE(a->params()[i] == b->params()[i]);
    std::remove(path.c_str());

    // as PyTorch writes it: num_batches_tracked is I64 of shape []
    std::vector<io::tensor_out> ts;
    const std::int64_t count = 41;
    std::as_const(*a).for_each_param([&](const std::string& name, const param_info& info, const float* d) {
        const std::vector<std::size_t> shape(info.dims.begin(), info.dims.begin() + info.rank);
        if (info.rank == 0) ts.push_back({name, shape, &count, io::dtype::i64});
        else ts.push_back({name, shape, d, io::dtype::f32});
    });
    io::write_safetensors(ts, path);
    auto c = std::make_unique<Net>();
    io::load_safetensors(*c, path);
    CHECK(c->params()[Net::param_table[4].offset] == 41.f);
    for (std::size_t i = 0; i < Net::param_storage; ++i) REQUIRE(a->params()[i] == c->params()[i]);
    std::remove(path.c_str());
}

TEST_CASE("norm layers: no allocation in forward, backward and the optimizer step", "[layers][norm][alloc]") {
    using Net = Sequential<Input<3, 9, 11>, BatchNorm2D, ReLU, LayerNorm<2>, Flatten, Dense<4>>;
    auto net = std::make_unique<Net>();
    init::torch_default(*net, 2);
    auto x = std::make_unique<Net::input_batch<5>>();
    net_checks::fill(*x, 3);
    auto ws = std::make_unique<Net::workspace<5>>();
    auto g = std::make_unique<Net::gradients>();
    auto adam = std::make_unique<optim::Adam<Net>>();
    auto one = std::make_unique<Net::input_type>();
    REQUIRE(ctnn_test::allocations_during([&] {
                net->forward<true>(*x, *ws);
                net->backward(*x, *ws, *g);
                adam->step(*net, *g);
                optim::clip_grad_norm<Net>(*g, 1.0);
                net->forward(*x, *ws);
                (void)net->forward(*one);
            }) == 0);
}

TEST_CASE("parse_net_spec knows the norm, embedding and pooling layers", "[layers][norm][io]") {
    using Net = Sequential<Input<3, 9, 11>, BatchNorm2D, MaxPool2D<3, 2, 2, 2, 1, 1>, AvgPool2D<2, 3, 1, 2, 1, 1>,
                           LayerNorm<2>, Flatten, Dense<5>, BatchNorm1D, Dense<6>, Embedding<7, 4>, LayerNorm<>,
                           GlobalAvgPool, Dense<2>>;
    const io::net_spec s = io::parse_net_spec(
        "Sequential<Input<3, 9, 11>, BatchNorm2D, MaxPool2D<3, 2, 2, 2, 1, 1>, AvgPool2D<2, 3, 1, 2, 1, 1>, "
        "LayerNorm<2>, Flatten, Dense<5>, BatchNorm1D, Dense<6>, Embedding<7, 4>, LayerNorm<>, GlobalAvgPool, Dense<2>>");
    std::vector<io::expected_tensor> want;
    std::make_unique<Net>()->for_each_param([&](const std::string& name, const param_info& info, auto*) {
        want.push_back({name, {info.dims.begin(), info.dims.begin() + info.rank}});
    });
    REQUIRE(s.params.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(s.params[i].name == want[i].name);
        CHECK(s.params[i].shape == want[i].shape);
    }
    using P1 = Sequential<Input<3, 37>, MaxPool1D<3, 2, 1>, AvgPool1D<4, 3, 2>, Flatten, Dense<2>>;
    const io::net_spec s1 =
        io::parse_net_spec("Sequential<Input<3, 37>, MaxPool1D<3, 2, 1>, AvgPool1D<4, 3, 2>, Flatten, Dense<2>>");
    REQUIRE(s1.params.size() == 2);
    CHECK(s1.params[0].shape == std::vector<std::size_t>{2, P1::param_table[0].dims[1]});
    CHECK_THROWS_WITH(io::parse_net_spec("Sequential<Input<3, 9>, AvgPool1D<3, 1, 2>>"),
                      Catch::Contains("padding must be at most half its kernel"));
    CHECK_THROWS_WITH(io::parse_net_spec("Sequential<Input<3, 4, 6>, MaxPool2D<5, 5>>"),
                      Catch::Contains("window is larger than its padded input"));
    CHECK_THROWS_WITH(io::parse_net_spec("Sequential<Input<4>, BatchNorm2D>"), Catch::Contains("BatchNorm2D takes"));
}

namespace embedded_bn {
// A BatchNorm model baked into the binary as ctnn-embed writes it: the buffers are tensors
// like any other, num_batches_tracked of rank 0.
using net_type = Sequential<Input<2>, BatchNorm1D, Dense<1>>;
alignas(64) inline constexpr float t0[2] = {1.f, 2.f};
alignas(64) inline constexpr float t1[2] = {0.f, 0.5f};
alignas(64) inline constexpr float t2[2] = {0.1f, 0.2f};
alignas(64) inline constexpr float t3[2] = {1.5f, 2.5f};
alignas(64) inline constexpr float t4[1] = {7.f};
alignas(64) inline constexpr float t5[2] = {0.3f, -0.3f};
alignas(64) inline constexpr float t6[1] = {0.1f};
inline constexpr embed::tensor<float> tensors[] = {
    {"0.weight", {2}, t0},       {"0.bias", {2}, t1},  {"0.running_mean", {2}, t2}, {"0.running_var", {2}, t3},
    {"0.num_batches_tracked", {}, t4}, {"1.weight", {1, 2}, t5}, {"1.bias", {1}, t6}};
CTNN_EMBED_CHECK(net_type, "0.num_batches_tracked");
CTNN_EMBED_CHECK(net_type, "0.running_var", 2);
inline constexpr net_type net = embed::bind<net_type, tensors>();
}  // namespace embedded_bn

TEST_CASE("BatchNorm: an embedded model keeps its running statistics", "[layers][norm][io]") {
    const auto y = embedded_bn::net.forward(Tensor<float, 2>{1.f, 1.f});
    const double a = 0.9 / std::sqrt(1.5 + 1e-5), b = 0.8 / std::sqrt(2.5 + 1e-5) * 2 + 0.5;
    CHECK(y(0) == Approx(0.3 * a - 0.3 * b + 0.1).epsilon(1e-6));
    CHECK(embedded_bn::net.params()[embedded_bn::net_type::param_table[4].offset] == 7.f);
}
