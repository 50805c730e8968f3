/// \file dispatch_model.cpp
/// mlp_mnist at batch 64, forward and training step, behind the Model
/// interface of dispatch_model.hpp. Compiled per dispatch level by
/// ctnn_add_dispatch and once with -march=native -DCTNN_BENCH_NATIVE
/// (bench/CMakeLists.txt).

#include "dispatch_model.hpp"

#include <memory>
#include <random>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train/step.hpp>

#if defined(CTNN_BENCH_NATIVE)
#define CTNN_BENCH_MODEL_NAMESPACE native
#else
#define CTNN_BENCH_MODEL_NAMESPACE CTNN_DISPATCH_NAMESPACE
#endif

namespace ctnn_bench_dispatch::CTNN_BENCH_MODEL_NAMESPACE {

namespace {
using Probabilities = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
using Logits = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10>>;

class Mlp final : public Model {
    std::unique_ptr<Probabilities> net = std::make_unique<Probabilities>();
    std::unique_ptr<Probabilities::workspace<batch>> ws = std::make_unique<Probabilities::workspace<batch>>();
    std::unique_ptr<Logits> train_net = std::make_unique<Logits>();
    std::unique_ptr<Logits::workspace<batch>> train_ws = std::make_unique<Logits::workspace<batch>>();
    std::unique_ptr<Logits::gradients> g = std::make_unique<Logits::gradients>();
    std::unique_ptr<ctnn::optim::Adam<Logits>> adam = std::make_unique<ctnn::optim::Adam<Logits>>();
    std::unique_ptr<Probabilities::input_batch<batch>> x = std::make_unique<Probabilities::input_batch<batch>>();
    ctnn::Labels<batch> labels{};

public:
    explicit Mlp(std::uint64_t seed) {
        ctnn::init::torch_default(*net, seed);
        ctnn::init::torch_default(*train_net, seed);
        std::mt19937 rng(static_cast<std::uint32_t>(seed));
        std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
        for (std::size_t i = 0; i < batch * 784; ++i) x->data()[i] = pixel(rng);
        for (std::size_t r = 0; r < batch; ++r) labels[r] = static_cast<std::int32_t>(rng() % 10);
    }
    void forward() noexcept override { net->forward(*x, *ws); }
    float train_step() noexcept override {
        return ctnn::train::step<ctnn::SoftmaxCrossEntropy>(*train_net, *train_ws, *g, *adam, *x, labels);
    }
    double checksum() const noexcept override {
        double s = 0;
        for (std::size_t i = 0; i < batch * 10; ++i) s += ws->output().data()[i] * double(i % 7 + 1);
        for (std::size_t i = 0; i < Logits::param_storage; ++i) s += train_net->params()[i];
        return s;
    }
    const char* arch() const noexcept override { return ctnn::simd::best_arch::name(); }
};
}  // namespace

std::unique_ptr<Model> make_model(std::uint64_t seed) { return std::make_unique<Mlp>(seed); }

}  // namespace ctnn_bench_dispatch::CTNN_BENCH_MODEL_NAMESPACE
