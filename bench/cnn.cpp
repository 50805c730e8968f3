/// \file cnn.cpp
/// `ctnn_bench_cnn`: the whole Fashion-MNIST CNN of examples/fashion_cnn.cpp
/// (issue 12) against LibTorch, one thread, in one binary:
///
///   [1, 28, 28] -> Conv 3x3 16, BatchNorm, ReLU, MaxPool 2 -> Conv 3x3 32, BatchNorm, ReLU, MaxPool 2
///               -> residual (Conv 3x3 32, BatchNorm, ReLU, Conv 3x3 32, BatchNorm) -> ReLU
///               -> Flatten -> Dense 128 -> ReLU -> Dropout 0.3 -> Dense 10
///
/// | workload | what is timed |
/// |---|---|
/// | `cnn/train_step/batch64` | `train::step<SoftmaxCrossEntropy>` with `optim::Adam` (1e-3): training forward (batch statistics, dropout), loss, backward, update, on the next of 8 batches of 64 |
/// | `cnn/infer/batch1` | `net.forward(x)` on one image (eval mode: running statistics, no dropout), the next of 64 |
/// | `cnn/infer/batch64` | `net.forward(X, ws)` on a batch of 64 in eval mode |
/// | `cnn/infer/batch1_bn_folded` | ctnn only: batch 1 through `fold_batchnorm(net)` (BatchNorm folded into the convolutions, ReLU into their epilogue); checked against `net.forward(x)` |
///
/// Implementations: `ctnn`, and `libtorch` (when CMake finds Debian's
/// libtorch-dev: the same network in torch C++, libtorch_cnn_peer.cpp,
/// `torch::set_num_threads(1)`, `train()` for the step, `eval()` and
/// `NoGradGuard` for inference, CrossEntropyLoss, `torch::optim::Adam(1e-3)`).
///
/// Counters: `samples/s`; `GFLOP/s` and `pct_peak` from the multiply-adds of
/// the convolutions and the Dense layer ×2 (forward), and for the training
/// step ×3 (forward, weight gradients, input gradients) except the first
/// convolution's input gradient, which nobody computes; `allocs` (heap
/// allocations per iteration, counted by replacing `operator new`; ctnn's
/// cases fail with any).
///
/// Before timing: ctnn takes 5 training steps (so the BatchNorm running
/// statistics are not their initial values), LibTorch starts from the
/// resulting parameters and buffers, and ctnn's eval logits must equal
/// LibTorch's within 1e-4 (norm-wise relative) at batch 1 and at batch 64,
/// else every case fails with SkipWithError. ctnn's batch-64 inference must
/// equal 64 batch-1 forwards, and the folded network the network (checks run
/// before anything is timed). Dropout draws different masks on the two sides, so the training
/// steps are not compared.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctnn/bench/count_allocations.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train.hpp>

#include "common.hpp"
#ifndef CTNN_BENCH_LIBTORCH
#define CTNN_BENCH_LIBTORCH 0
#endif
#if CTNN_BENCH_LIBTORCH
#include "libtorch_cnn_peer.hpp"
#endif

namespace {

using namespace ctnn_bench;

// ---- the network: examples/fashion_cnn.cpp's Net ----------------------------------
template <std::size_t Out>
using Conv3x3 = ctnn::Conv2D<Out, 3, 3, 1, 1, 1, ctnn::Pad<1>>;
using ctnn::BatchNorm2D;
using ctnn::ReLU;
using Net = ctnn::Sequential<ctnn::Input<1, 28, 28>,                                              //
                             Conv3x3<16>, BatchNorm2D, ReLU, ctnn::MaxPool2D<2, 2>,              // [16, 14, 14]
                             Conv3x3<32>, BatchNorm2D, ReLU, ctnn::MaxPool2D<2, 2>,              // [32, 7, 7]
                             ctnn::Residual<Conv3x3<32>, BatchNorm2D, ReLU, Conv3x3<32>, BatchNorm2D>, ReLU,
                             ctnn::Flatten, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dropout<0.3>,
                             ctnn::Dense<10>>;
using Images = ctnn::train::Dataset<float, ctnn::Shape<1, 28, 28>>;
constexpr std::size_t batch = 64, batches = 8, image = 28 * 28, classes = 10;

/// Multiply-adds of a 3x3 convolution, per sample.
constexpr double conv3x3_macs(double out, double in, double positions) { return out * in * 9 * positions; }
constexpr double first_conv_macs = conv3x3_macs(16, 1, 28 * 28);
constexpr double macs_per_sample = first_conv_macs + conv3x3_macs(32, 16, 14 * 14) +
                                   2 * conv3x3_macs(32, 32, 7 * 7) + 128.0 * 32 * 7 * 7 + double(classes) * 128;
constexpr double infer_flops_per_sample = 2 * macs_per_sample;
/// Forward, weight gradients and input gradients, less the first layer's input gradient.
constexpr double train_flops_per_sample = 3 * infer_flops_per_sample - 2 * first_conv_macs;

/// The first `batches` batches of Fashion-MNIST's training set, or random
/// images when Debian's dataset-fashion-mnist is not installed (the timing
/// does not depend on the pixels).
Images some_images(std::mt19937& rng) {
    const std::string dir = "/usr/share/datasets/fashion-mnist/";
    if (std::filesystem::exists(dir + "train-images-idx3-ubyte.gz")) {
        benchmark::AddCustomContext("fmnist_data", dir);
        auto all = ctnn::train::load_idx<Images>(dir + "train-images-idx3-ubyte.gz", dir + "train-labels-idx1-ubyte.gz");
        return ctnn::train::split_at(all, batches * batch).first;
    }
    benchmark::AddCustomContext("fmnist_data", "random (dataset-fashion-mnist not installed)");
    Images ds(batches * batch);
    std::uniform_int_distribution<int> cls(0, int(classes) - 1);
    for (std::size_t i = 0; i < ds.size(); ++i) {
        fill_uniform(ds.input(i), image, rng, 0.0f, 1.0f);
        ds.label(i) = cls(rng);
    }
    return ds;
}

/// Both sides, their data and the agreement found before timing.
struct Cnn {
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<Net::workspace<batch>> ws = std::make_unique<Net::workspace<batch>>();
    std::unique_ptr<Net::gradients> g = std::make_unique<Net::gradients>();
    /// The network with every BatchNorm folded into the convolution before it
    /// (`fold_batchnorm`, made after the 5 steps): ctnn's inference recipe.
    std::unique_ptr<ctnn::Folded<Net>> folded = std::make_unique<ctnn::Folded<Net>>();
    std::unique_ptr<ctnn::optim::Adam<Net>> adam =
        std::make_unique<ctnn::optim::Adam<Net>>(ctnn::optim::adam_config<false>{.lr = 1e-3});
    std::vector<std::unique_ptr<Net::input_batch<batch>>> x;  // the batches
    std::vector<ctnn::Labels<batch>> labels;
    std::vector<std::array<std::int64_t, batch>> labels64;  // the same, as LibTorch's int64
    std::vector<ctnn::Tensor<float, 1, 28, 28>> one;        // batch 0's images one by one
    std::size_t next_batch = 0, next_image = 0;
    float loss = 0, torch_loss = 0;  // the last training losses
    /// Agreement with LibTorch's eval logits (norm-wise relative error), -1 when not compared.
    double torch_error_b1 = -1, torch_error_b64 = -1;

    explicit Cnn(const Images& data) {
        ctnn::init::torch_default(*net, 1);
        for (std::size_t b = 0; b < batches; ++b) {
            x.push_back(std::make_unique<Net::input_batch<batch>>());
            labels.emplace_back();
            std::vector<std::size_t> idx(batch);
            for (std::size_t r = 0; r < batch; ++r) idx[r] = b * batch + r;
            ctnn::train::gather(data, std::span<const std::size_t>(idx), *x.back(), labels.back());
            labels64.emplace_back();
            for (std::size_t r = 0; r < batch; ++r) labels64.back()[r] = labels.back()[r];
        }
        one.resize(batch);
        for (std::size_t r = 0; r < batch; ++r) std::copy_n(x[0]->data() + r * image, image, one[r].data());
        // a few steps: trained parameters and running statistics, not the initial ones
        for (int k = 0; k < 5; ++k) train_ctnn();
        ctnn::fold_batchnorm(*net, *folded);
    }

    void train_ctnn() noexcept {
        loss = ctnn::train::step<ctnn::SoftmaxCrossEntropy>(*net, *ws, *g, *adam, *x[next_batch], labels[next_batch]);
        next_batch = (next_batch + 1) % batches;
    }
    auto infer1_ctnn() noexcept {
        const auto y = net->forward(one[next_image]);
        next_image = (next_image + 1) % batch;
        return y;
    }
    void infer64_ctnn() noexcept { net->forward(*x[next_batch], *ws); }
    auto infer1_folded() noexcept {
        const auto y = folded->forward(one[next_image]);
        next_image = (next_image + 1) % batch;
        return y;
    }

    /// ctnn's batch-64 inference on batch 0 against 64 batch-1 forwards.
    double batch_consistency() {
        net->forward(*x[0], *ws);
        std::vector<float> rows(batch * classes);
        for (std::size_t r = 0; r < batch; ++r) {
            const auto y = net->forward(one[r]);
            std::copy_n(y.data(), classes, rows.data() + r * classes);
        }
        return rel_error(ws->output().data(), rows.data(), batch * classes);
    }
    /// The folded network's batch-1 logits against the network's, on batch 0.
    double folded_error() {
        std::vector<float> a(batch * classes), b(batch * classes);
        for (std::size_t r = 0; r < batch; ++r) {
            std::copy_n(net->forward(one[r]).data(), classes, a.data() + r * classes);
            std::copy_n(folded->forward(one[r]).data(), classes, b.data() + r * classes);
        }
        return rel_error(b.data(), a.data(), batch * classes);
    }

#if CTNN_BENCH_LIBTORCH
    std::unique_ptr<LibtorchCnn> torch_net;
    std::size_t torch_next_batch = 0, torch_next_image = 0;
    std::vector<float> torch_logits = std::vector<float>(batch * classes);

    /// LibTorch from ctnn's current parameters and buffers (by name), then
    /// both sides' eval logits compared at batch 1 and 64.
    void start_torch() {
        std::vector<LibtorchCnn::named_values> values;
        std::as_const(*net).for_each_param([&](const std::string& name, const auto& info, const float* data) {
            values.push_back({name, data, info.size()});
        });
        torch_net = std::make_unique<LibtorchCnn>(values);
        const auto y1 = net->forward(one[0]);
        torch_net->infer(one[0].data(), 1, torch_logits.data());
        torch_error_b1 = rel_error(y1.data(), torch_logits.data(), classes);
        net->forward(*x[0], *ws);
        torch_net->infer(x[0]->data(), batch, torch_logits.data());
        torch_error_b64 = rel_error(ws->output().data(), torch_logits.data(), batch * classes);
    }
    void train_torch() {
        torch_loss = torch_net->train_step(x[torch_next_batch]->data(), labels64[torch_next_batch].data());
        torch_next_batch = (torch_next_batch + 1) % batches;
    }
    void infer1_torch() {
        torch_net->infer(one[torch_next_image].data(), 1, torch_logits.data());
        torch_next_image = (torch_next_image + 1) % batch;
    }
    void infer64_torch() { torch_net->infer(x[torch_next_batch]->data(), batch, torch_logits.data()); }
#endif

    enum kind { train, infer1, infer64, infer1_bn_folded };
    /// One call of a timed workload, on ctnn or on LibTorch.
    void run(kind k, [[maybe_unused]] bool torch) {
#if CTNN_BENCH_LIBTORCH
        if (torch) return k == train ? train_torch() : k == infer1 ? infer1_torch() : infer64_torch();
#endif
        if (k == train) train_ctnn();
        else if (k == infer1) benchmark::DoNotOptimize(infer1_ctnn());
        else if (k == infer64) infer64_ctnn();
        else benchmark::DoNotOptimize(infer1_folded());
    }
};

/// The timed workloads, their samples and flops per call.
struct Workload {
    const char* name;
    Cnn::kind kind;
    double samples, flops_per_sample;
    bool libtorch;  // whether LibTorch runs it too
};
constexpr Workload workloads[] = {
    {"cnn/train_step/batch64", Cnn::train, batch, train_flops_per_sample, true},
    {"cnn/infer/batch1", Cnn::infer1, 1, infer_flops_per_sample, true},
    {"cnn/infer/batch64", Cnn::infer64, batch, infer_flops_per_sample, true},
    // ctnn only: not the same network as LibTorch's (no BatchNorm layers left); the same multiply-adds counted
    {"cnn/infer/batch1_bn_folded", Cnn::infer1_bn_folded, 1, infer_flops_per_sample, false}};

/// Registers `<workload>/<impl>` (impl `ctnn` or `libtorch`): times one
/// call a iteration, sets the counters, and fails the case when the eval
/// logits disagreed with LibTorch's (`*error` >= 1e-4) or, for ctnn, when
/// the loop allocated or the training loss is not finite.
void add_case(const Workload& wl, bool torch, std::shared_ptr<Cnn> w, const double* error) {
    const std::string name = std::string(wl.name) + (torch ? "/libtorch" : "/ctnn");
    benchmark::RegisterBenchmark(name.c_str(), [wl, torch, w, error](benchmark::State& s) {
        if (*error >= max_rel_error) {
            char msg[160];
            std::snprintf(msg, sizeof msg, "ctnn: eval logits differ from LibTorch's (relative error %.3g >= %.0e)",
                          *error, max_rel_error);
            return s.SkipWithError(msg);
        }
        const std::size_t allocs_before = ctnn::bench::allocations_so_far();
        for (auto _ : s) {
            w->run(wl.kind, torch);
            benchmark::ClobberMemory();
        }
        const double allocs = double(ctnn::bench::allocations_so_far() - allocs_before) / double(s.iterations());
        if (!torch && allocs > 0) return s.SkipWithError("ctnn: heap allocations in the timed loop");
        if (!std::isfinite(torch ? w->torch_loss : w->loss)) return s.SkipWithError("ctnn: the training loss is not finite");
        set_counters(s, wl.samples * wl.flops_per_sample);
        s.counters["samples/s"] = benchmark::Counter(wl.samples, benchmark::Counter::kIsIterationInvariantRate);
        s.counters["allocs"] = allocs;
    });
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_cnn", argc, argv, [] {
        std::mt19937 rng(20261128);
        const Images data = some_images(rng);
        auto w = std::make_shared<Cnn>(data);
        checks().push_back({"cnn/infer/batch64 vs 64 x batch1 (ctnn)", [w] { return w->batch_consistency(); }});
        checks().push_back({"cnn/infer/batch1_bn_folded vs batch1 (ctnn)", [w] { return w->folded_error(); }});
        // the worse of the two comparisons gates every case (0: LibTorch not built in)
        static double error = 0;
#if CTNN_BENCH_LIBTORCH
        w->start_torch();
        error = std::max(w->torch_error_b1, w->torch_error_b64);
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "LibTorch %s, one thread; eval logits vs ctnn: relative error %.2e at batch 1, %.2e at batch 64",
                      LibtorchCnn::version().c_str(), w->torch_error_b1, w->torch_error_b64);
        std::fprintf(stderr, "ctnn_bench_cnn: %s\n", buf);
        benchmark::AddCustomContext("libtorch_peer", buf);
#else
        benchmark::AddCustomContext("libtorch_peer", "off (libtorch-dev not found at configure time)");
#endif
        for (const Workload& wl : workloads) {
            add_case(wl, false, w, &error);
            if (CTNN_BENCH_LIBTORCH && wl.libtorch) add_case(wl, true, w, &error);
        }
    });
}
