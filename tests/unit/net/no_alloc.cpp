// Forward, backward and the loss never touch the heap: the global
// allocation functions are replaced by counting ones for this test binary.
#include <catch2/catch.hpp>

#include <memory>

#include <ctnn/ctnn.hpp>
#include <ctnn/train/step.hpp>

#include "../alloc_count.hpp"

// The counting global allocation functions, once for this test binary (the
// benchmark kit's: a benchmark program includes the same header).
#include <ctnn/bench/count_allocations.hpp>

std::size_t ctnn_test::allocation_count() noexcept { return ctnn::bench::alloc_detail::read(); }

using namespace ctnn;

namespace {
using ctnn_test::allocations_during;

using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dropout<0.1f>, Dense<10>>;

template <std::size_t B>
void check_batch() {
    auto net = std::make_unique<Mlp>();
    init::he_uniform(*net, 1);
    auto x = std::make_unique<Mlp::input_batch<B>>();
    auto ws = std::make_unique<Mlp::workspace<B>>();
    auto g = std::make_unique<Mlp::gradients>();
    Labels<B> labels{};
    for (std::size_t i = 0; i < B; ++i) labels[i] = std::int32_t(i % 10);
    REQUIRE(allocations_during([&] { net->forward(*x, *ws); }) == 0);
    REQUIRE(allocations_during([&] { net->template forward<true>(*x, *ws); }) == 0);
    REQUIRE(allocations_during([&] { SoftmaxCrossEntropy::compute(ws->output(), labels, ws->output_grad()); }) == 0);
    REQUIRE(allocations_during([&] { net->backward(*x, *ws, *g); }) == 0);
}
}  // namespace

TEST_CASE("the counting allocator sees an allocation (the harness works)", "[net][alloc]") {
    REQUIRE(allocations_during([] {
                int* p = new int(3);
                asm volatile("" : : "r"(p) : "memory");  // escapes: the allocation cannot be elided
                delete p;
            }) == 1);
}

TEST_CASE("no allocation in forward, loss and backward at batch 1 and 64", "[net][alloc]") {
    check_batch<1>();
    check_batch<64>();
    auto net = std::make_unique<Mlp>();
    Tensor<float, 784> x;
    REQUIRE(allocations_during([&] { auto y = net->forward(x); (void)y; }) == 0);
}

TEST_CASE("no allocation in tensor expressions, grad and the kernels", "[expr][alloc]") {
    auto W = std::make_unique<Tensor<float, 100, 1000>>();
    auto dW = std::make_unique<Tensor<float, 100, 1000>>();
    Tensor<float, 1000> x;
    Tensor<float, 100> b, db, h;
    REQUIRE(allocations_during([&] { assign(h, sigmoid(matmul(*W, x) + b)); }) == 0);
    REQUIRE(allocations_during([&] { grad_into(sum(sigmoid(matmul(*W, x) + b)), wrt(*W, b), *dW, db); }) == 0);
}

namespace {
template <template <class> class Opt>
void check_optimizer(const char* name) {
    INFO(name);
    auto net = std::make_unique<Mlp>();
    init::he_uniform(*net, 2);
    auto g = std::make_unique<Mlp::gradients>();
    for (std::size_t i = 0; i < Mlp::param_storage; ++i) g->data[i] = 1e-3f * float(i % 7);
    auto opt = std::make_unique<Opt<Mlp>>();
    REQUIRE(allocations_during([&] { opt->step(*net, *g); }) == 0);
    REQUIRE(allocations_during([&] { opt->step(*net, *g); }) == 0);
}
}  // namespace

TEST_CASE("no allocation in any optimizer's step, clipping or the training step", "[optim][alloc]") {
    check_optimizer<optim::SGD>("SGD");
    check_optimizer<optim::Momentum>("Momentum");
    check_optimizer<optim::Nesterov>("Nesterov");
    check_optimizer<optim::Adam>("Adam");
    check_optimizer<optim::AdamW>("AdamW");
    check_optimizer<optim::RMSProp>("RMSProp");
    check_optimizer<optim::Adagrad>("Adagrad");
    auto net = std::make_unique<Mlp>();
    init::he_uniform(*net, 3);
    auto x = std::make_unique<Mlp::input_batch<64>>();
    auto ws = std::make_unique<Mlp::workspace<64>>();
    auto g = std::make_unique<Mlp::gradients>();
    auto adam = std::make_unique<optim::Adam<Mlp>>();
    Labels<64> labels{};
    for (std::size_t i = 0; i < 64; ++i) labels[i] = std::int32_t(i % 10);
    REQUIRE(allocations_during([&] { train::step<SoftmaxCrossEntropy>(*net, *ws, *g, *adam, *x, labels, 50); }) == 0);
    REQUIRE(allocations_during([&] { optim::clip_grad_norm(*g, 0.1); }) == 0);
    CHECK(adam->steps() == 1);
}

#include "../../../examples/one_pole.hpp"

TEST_CASE("no allocation in residual, concat and add networks, nor in a streaming step", "[net][alloc]") {
    using Graph = Sequential<Input<12>, Dense<16>, Tanh, Residual<Dense<16>, ReLU, Dense<16>>,
                             Concat<Sequential<Dense<8>, SiLU>, Dense<4>>, Add<Dense<6>, Sequential<Dense<6>, Tanh>>,
                             examples::OnePole, Dense<3>>;
    auto net = std::make_unique<Graph>();
    init::torch_default(*net, 1);
    auto x = std::make_unique<Graph::input_batch<32>>();
    for (std::size_t i = 0; i < x->size; ++i) x->data()[i] = float(i % 7) / 7;
    auto ws = std::make_unique<Graph::workspace<32>>();
    auto g = std::make_unique<Graph::gradients>();
    auto t = std::make_unique<Graph::output_batch<32>>();
    auto adam = std::make_unique<optim::Adam<Graph>>();
    REQUIRE(allocations_during([&] { net->forward(*x, *ws); }) == 0);
    REQUIRE(allocations_during([&] { net->forward<true>(*x, *ws); }) == 0);
    REQUIRE(allocations_during([&] { MSE::compute(ws->output(), *t, ws->output_grad()); }) == 0);
    REQUIRE(allocations_during([&] { net->backward(*x, *ws, *g); }) == 0);
    REQUIRE(allocations_during([&] { train::step<MSE>(*net, *ws, *g, *adam, *x, *t); }) == 0);
    // the streaming step of one voice
    Graph::state_type voice;
    const Tensor<float, 12> s{};
    REQUIRE(allocations_during([&] {
                for (int i = 0; i < 16; ++i) (void)net->forward(s, voice);
            }) == 0);
    REQUIRE(allocations_during([&] { voice.reset(); }) == 0);
}
