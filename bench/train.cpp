/// \file train.cpp
/// `ctnn_bench_train`: training (issue 5) against hand-written Eigen, in the
/// same run, on the same data and the same starting parameters.
///
/// | workload | what is timed |
/// |---|---|
/// | `seed_train_step/64x1000x100x10` | the lecture's numpy program, one iteration: forward, sum of squares, backward, SGD update (rate 1e-4) |
/// | `fmnist_step/batch64` | 784 → 128 ReLU → 10, softmax cross-entropy, Adam (1e-3): one step on a gathered batch |
/// | `fmnist_epoch` | the same, one epoch: 937 shuffled batches of 64 (59,968 samples; the partial batch dropped on both sides), gathered from Fashion-MNIST |
/// | `fmnist_step`, `fmnist_epoch` `/libtorch` | the same recipe in LibTorch (one thread), when CMake finds Debian's libtorch-dev |
/// | `adam_step/1048576` | Adam over 2²⁰ parameters; `copy` is memcpy of the same four buffers (θ, g, m, v) once: the memory-bound floor |
///
/// Counters: `GFLOP/s` and `pct_peak` (matrix and element-wise flops of
/// forward and backward; the update is not counted), `samples/s` for the
/// training workloads, `GB/s` for the Adam step (7 buffer passes: θ, g, m, v
/// read, θ, m, v written; the copy moves 8). Before timing, each pair takes
/// one step from the same start and their updated parameters must agree.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train.hpp>

#include "common.hpp"
#include "eigen_peers.hpp"
#if CTNN_BENCH_LIBTORCH
#include "libtorch_peer.hpp"
#endif

namespace {

using namespace ctnn_bench;
using ctnn::Dense;
using ctnn::Input;

/// Relative difference of two networks' parameters.
template <class Net>
double param_error(const Net& a, const Net& b) {
    return rel_error(a.params(), b.params(), Net::param_storage);
}

// ---- seed_train_step: the lecture's numpy program with its update --------------
struct SeedStep {
    static constexpr int N = 64, Din = 1000, H = 100, Dout = 10;
    using Net = ctnn::Sequential<Input<Din>, Dense<H, false>, ctnn::Sigmoid, Dense<Dout, false>>;
    static constexpr double flops = double(N) * train_flops_per_sample<Net>();
    static constexpr double samples = N;
    static constexpr float lr = 1e-4f;
    template <int R, int C>
    using M = Eigen::Matrix<float, R, C>;

    std::unique_ptr<Net> net = std::make_unique<Net>(), peer = std::make_unique<Net>();
    std::unique_ptr<Net::workspace<N>> ws = std::make_unique<Net::workspace<N>>();
    std::unique_ptr<Net::gradients> g = std::make_unique<Net::gradients>(), g_peer = std::make_unique<Net::gradients>();
    std::unique_ptr<Net::input_batch<N>> x = std::make_unique<Net::input_batch<N>>();
    std::unique_ptr<Net::output_batch<N>> t = std::make_unique<Net::output_batch<N>>();
    ctnn::optim::SGD<Net> sgd{{.lr = lr}};
    float loss_ctnn = 0, loss_eigen = 0;

    // the peer: the numpy program in Eigen's column-major layout
    std::unique_ptr<ctnn::Tensor<float, N * Din>> xcm = std::make_unique<ctnn::Tensor<float, N * Din>>();
    ctnn::Tensor<float, N * Dout> tcm;
    Eigen::Map<const M<N, Din>, Eigen::Aligned64> ex{xcm->data()};
    Eigen::Map<const M<N, Dout>, Eigen::Aligned64> ey{tcm.data()};
    Eigen::Map<M<Din, H>, Eigen::Aligned64> w1{weight_in<Net, 0>(peer->params())};
    Eigen::Map<M<H, Dout>, Eigen::Aligned64> w2{weight_in<Net, 1>(peer->params())};
    Eigen::Map<M<Din, H>, Eigen::Aligned64> grad_w1{weight_in<Net, 0>(g_peer->data)};
    Eigen::Map<M<H, Dout>, Eigen::Aligned64> grad_w2{weight_in<Net, 1>(g_peer->data)};
    std::unique_ptr<M<N, H>> h = std::make_unique<M<N, H>>(), grad_h = std::make_unique<M<N, H>>();
    M<N, Dout> y_pred, grad_y_pred;

    explicit SeedStep(std::mt19937& rng) {
        // numpy's randn for x, y, w1, w2
        fill_normal(x->data(), N * Din, rng);
        fill_normal(t->data(), N * Dout, rng);
        fill_normal(weight_in<Net, 0>(net->params()), H * Din, rng);
        fill_normal(weight_in<Net, 1>(net->params()), Dout * H, rng);
        *peer = *net;
        Eigen::Map<M<N, Din>, Eigen::Aligned64>(xcm->data()) =
            Eigen::Map<const Eigen::Matrix<float, N, Din, Eigen::RowMajor>, Eigen::Aligned64>(x->data());
        Eigen::Map<M<N, Dout>, Eigen::Aligned64>(tcm.data()) =
            Eigen::Map<const Eigen::Matrix<float, N, Dout, Eigen::RowMajor>, Eigen::Aligned64>(t->data());
    }
    void run_ctnn() noexcept { loss_ctnn = ctnn::train::step<ctnn::SumSquares>(*net, *ws, *g, sgd, *x, *t); }
    void run_eigen() noexcept {
        loss_eigen = seed_forward_backward(ex, ey, w1, w2, *h, *grad_h, y_pred, grad_y_pred, grad_w1, grad_w2);
        w1 -= lr * grad_w1;
        w2 -= lr * grad_w2;
    }
    double error() const { return std::max(rel_error(loss_ctnn, loss_eigen), param_error(*net, *peer)); }
};

// ---- Fashion-MNIST: 784 -> 128 ReLU -> 10 with Adam ------------------------------
using FmNet = ctnn::Sequential<Input<784>, Dense<128>, ctnn::ReLU, Dense<10>>;
using FmData = ctnn::train::Dataset<float, ctnn::Shape<784>>;
constexpr std::size_t fm_batch = 64;

/// The Fashion-MNIST training set, or (without the Debian package) 60,000
/// random images of the same size: the timing does not depend on the pixels.
std::shared_ptr<FmData> fashion_mnist(std::mt19937& rng) {
    const std::string dir = "/usr/share/datasets/fashion-mnist/";
    if (std::filesystem::exists(dir + "train-images-idx3-ubyte.gz")) {
        benchmark::AddCustomContext("fmnist_data", dir);
        return std::make_shared<FmData>(ctnn::train::load_idx<FmData>(dir + "train-images-idx3-ubyte.gz",
                                                                      dir + "train-labels-idx1-ubyte.gz"));
    }
    benchmark::AddCustomContext("fmnist_data", "random (dataset-fashion-mnist not installed)");
    auto ds = std::make_shared<FmData>(60000);
    std::uniform_int_distribution<int> cls(0, 9);
    for (std::size_t i = 0; i < ds->size(); ++i) {
        fill_uniform(ds->input(i), 784, rng, 0.0f, 1.0f);
        ds->label(i) = cls(rng);
    }
    return ds;
}

/// Adam written with Eigen arrays over a flat buffer (three fused passes).
struct EigenAdam {
    std::unique_ptr<float[]> m, v;
    std::size_t n;
    std::size_t t = 0;
    explicit EigenAdam(std::size_t size) : m(new float[size]()), v(new float[size]()), n(size) {}
    void step(float* params, const float* grads, float lr) {
        using A = Eigen::Map<Eigen::ArrayXf>;
        ++t;
        const float bc1 = 1 - std::pow(0.9f, float(t)), bc2 = 1 - std::pow(0.999f, float(t));
        A p(params, Eigen::Index(n)), mm(m.get(), Eigen::Index(n)), vv(v.get(), Eigen::Index(n));
        Eigen::Map<const Eigen::ArrayXf> g(grads, Eigen::Index(n));
        mm = 0.9f * mm + 0.1f * g;
        vv = 0.999f * vv + 0.001f * g.square();
        p -= (lr / bc1) * mm / (vv.sqrt() * (1 / std::sqrt(bc2)) + 1e-8f);
    }
};

/// Both sides' networks, optimizers and batch buffers over the same data.
struct Fmnist {
    static constexpr double flops_per_sample = train_flops_per_sample<FmNet>();
    std::shared_ptr<const FmData> data;
    ctnn::train::Sampler sampler, sampler_peer;  // the same seed: the same batches
    std::unique_ptr<FmNet> net = std::make_unique<FmNet>(), peer = std::make_unique<FmNet>();
    std::unique_ptr<FmNet::workspace<fm_batch>> ws = std::make_unique<FmNet::workspace<fm_batch>>();
    std::unique_ptr<FmNet::gradients> g = std::make_unique<FmNet::gradients>(),
                                      g_peer = std::make_unique<FmNet::gradients>();
    std::unique_ptr<FmNet::input_batch<fm_batch>> x = std::make_unique<FmNet::input_batch<fm_batch>>();
    ctnn::Labels<fm_batch> labels{};
    std::unique_ptr<ctnn::optim::Adam<FmNet>> adam = std::make_unique<ctnn::optim::Adam<FmNet>>();
    // the peer's own batch buffers and optimizer
    std::unique_ptr<ctnn::Tensor<float, fm_batch * 784>> xp = std::make_unique<ctnn::Tensor<float, fm_batch * 784>>();
    ctnn::Labels<fm_batch> labels_peer{};
    std::unique_ptr<MnistScratch<int(fm_batch)>> scratch = std::make_unique<MnistScratch<int(fm_batch)>>();
    EigenAdam peer_adam{FmNet::param_storage};
    float loss_ctnn = 0, loss_eigen = 0;
    std::size_t next_ctnn = 0, next_peer = 0;
#if CTNN_BENCH_LIBTORCH
    ctnn::train::Sampler sampler_torch{1, 1, 0};  // set to the peer's in the constructor
    std::unique_ptr<LibtorchMlp> torch_net;
    std::unique_ptr<ctnn::Tensor<float, fm_batch * 784>> xt = std::make_unique<ctnn::Tensor<float, fm_batch * 784>>();
    std::int64_t labels_torch[fm_batch] = {};
    float loss_torch = 0;
    std::size_t next_torch = 0;
    void step_torch(std::size_t k) {
        const auto idx = sampler_torch.batch(k);
        for (std::size_t r = 0; r < fm_batch; ++r) {
            std::memcpy(xt->data() + r * 784, data->input(idx[r]), 784 * sizeof(float));
            labels_torch[r] = data->label(idx[r]);
        }
        loss_torch = torch_net->step(xt->data(), labels_torch);
    }
    /// LibTorch's parameters against ctnn's (after both took the same steps).
    double torch_error() const {
        auto theirs = std::make_unique<FmNet>();
        float* p = theirs->params();
        torch_net->parameters(weight_in<FmNet, 0>(p), bias_in<FmNet, 0>(p), weight_in<FmNet, 1>(p),
                              bias_in<FmNet, 1>(p));
        return param_error(*net, *theirs);
    }
#endif

    Fmnist(std::shared_ptr<const FmData> d, std::uint64_t seed)
        : data(std::move(d)), sampler(data->size(), fm_batch, seed, true, true),
          sampler_peer(data->size(), fm_batch, seed, true, true) {
        ctnn::init::torch_default(*net, seed);
        *peer = *net;
        sampler.new_epoch();
        sampler_peer.new_epoch();
#if CTNN_BENCH_LIBTORCH
        sampler_torch = sampler_peer;
        float* p = net->params();
        torch_net = std::make_unique<LibtorchMlp>(weight_in<FmNet, 0>(p), bias_in<FmNet, 0>(p),
                                                  weight_in<FmNet, 1>(p), bias_in<FmNet, 1>(p));
#endif
    }

    void step_ctnn(std::size_t k) noexcept {
        const std::size_t n = ctnn::train::gather(*data, sampler.batch(k), *x, labels);
        loss_ctnn = ctnn::train::step<ctnn::SoftmaxCrossEntropy>(*net, *ws, *g, *adam, *x, labels, n);
    }
    void step_eigen(std::size_t k) noexcept {
        const auto idx = sampler_peer.batch(k);
        for (std::size_t r = 0; r < fm_batch; ++r) {
            std::memcpy(xp->data() + r * 784, data->input(idx[r]), 784 * sizeof(float));
            labels_peer[r] = data->label(idx[r]);
        }
        const Eigen::Map<const Eigen::Matrix<float, int(fm_batch), 784, Eigen::RowMajor>, Eigen::Aligned64> ex(
            xp->data());
        MnistMaps<FmNet, const float> p(peer->params());
        MnistMaps<FmNet, float> grads(g_peer->data);
        loss_eigen = mnist_forward_backward<int(fm_batch)>(ex, p, grads, labels_peer, *scratch);
        peer_adam.step(peer->params(), g_peer->data, 1e-3f);
    }
};

/// One training step on the next batch.
struct FmnistStep : Fmnist {
    static constexpr double flops = fm_batch * flops_per_sample;
    static constexpr double samples = fm_batch;
    using Fmnist::Fmnist;
    /// Step `step` on batch `next` of `s`, then move `next` on (wrapping).
    template <class Step>
    static void advance(std::size_t& next, const ctnn::train::Sampler& s, Step step) {
        step(next);
        next = (next + 1) % s.batches();
    }
    void run_ctnn() noexcept {
        advance(next_ctnn, sampler, [this](std::size_t k) { step_ctnn(k); });
    }
    void run_eigen() noexcept {
        advance(next_peer, sampler_peer, [this](std::size_t k) { step_eigen(k); });
    }
    double error() const { return std::max(rel_error(loss_ctnn, loss_eigen), param_error(*net, *peer)); }
#if CTNN_BENCH_LIBTORCH
    void run_torch() {
        advance(next_torch, sampler_torch, [this](std::size_t k) { step_torch(k); });
    }
    double error_torch() const { return std::max(rel_error(loss_ctnn, loss_torch), torch_error()); }
#endif
};

/// One epoch: a reshuffle and every full batch.
struct FmnistEpoch : Fmnist {
    static constexpr double samples = 937 * fm_batch;
    static constexpr double flops = samples * flops_per_sample;
    using Fmnist::Fmnist;
    double mean_ctnn = 0, mean_eigen = 0, mean_torch = 0;  // mean training loss of the last epoch

    /// One epoch of `step` over `s`'s batches; the mean of `loss` after each.
    template <class Step>
    static double epoch(ctnn::train::Sampler& s, Step step, const float& loss) {
        s.new_epoch();
        double sum = 0;
        for (std::size_t k = 0; k < s.batches(); ++k) {
            step(k);
            sum += loss;
        }
        return sum / double(s.batches());
    }
    /// 937 Adam steps amplify rounding differences (one step agrees to
    /// ~1e-5, see fmnist_step), so the epoch's check is that two sides
    /// learn alike: their mean training losses agree within 1%.
    static double learn_alike(double a, double b) {
        const double e = rel_error(a, b);
        return e < 1e-2 ? 0.0 : e;
    }
    void run_ctnn() noexcept {
        mean_ctnn = epoch(sampler, [this](std::size_t k) { step_ctnn(k); }, loss_ctnn);
    }
    void run_eigen() noexcept {
        mean_eigen = epoch(sampler_peer, [this](std::size_t k) { step_eigen(k); }, loss_eigen);
    }
    double error() const { return learn_alike(mean_ctnn, mean_eigen); }
#if CTNN_BENCH_LIBTORCH
    void run_torch() {
        mean_torch = epoch(sampler_torch, [this](std::size_t k) { step_torch(k); }, loss_torch);
    }
    double error_torch() const { return learn_alike(mean_ctnn, mean_torch); }
#endif
};

// ---- adam_step: memory bound ----------------------------------------------------
constexpr std::size_t adam_n = std::size_t(1) << 20;
using AdamParams = ctnn::Tensor<float, adam_n>;

struct AdamBench {
    std::unique_ptr<AdamParams> p = std::make_unique<AdamParams>(), g = std::make_unique<AdamParams>();
    std::unique_ptr<ctnn::optim::Adam<AdamParams>> adam = std::make_unique<ctnn::optim::Adam<AdamParams>>();
    std::unique_ptr<AdamParams> dst[4] = {std::make_unique<AdamParams>(), std::make_unique<AdamParams>(),
                                          std::make_unique<AdamParams>(), std::make_unique<AdamParams>()};
    EigenAdam peer{adam_n};
    std::unique_ptr<AdamParams> peer_p = std::make_unique<AdamParams>();
    explicit AdamBench(std::mt19937& rng) {
        fill_uniform(p->data(), adam_n, rng);
        fill_uniform(g->data(), adam_n, rng, -1e-2f, 1e-2f);
        *peer_p = *p;
    }
    void copy() noexcept {
        const float* src[4] = {p->data(), g->data(), adam->state(0), adam->state(1)};
        for (int k = 0; k < 4; ++k) std::memcpy(dst[k]->data(), src[k], adam_n * sizeof(float));
    }
};

void add_adam(std::mt19937& rng) {
    auto a = std::make_shared<AdamBench>(rng);
    checks().push_back({"adam_step/1048576", [a] {
                            a->adam->step(*a->p, *a->g);
                            a->peer.step(a->peer_p->data(), a->g->data(), 1e-3f);
                            return rel_error(a->p->data(), a->peer_p->data(), adam_n);
                        }});
    constexpr double bytes = 4.0 * adam_n;
    benchmark::RegisterBenchmark("adam_step/1048576/ctnn", [a](benchmark::State& s) {
        time_loop(s, [&] { a->adam->step(*a->p, *a->g); }, 0, adam_n, 7 * bytes);
    });
    benchmark::RegisterBenchmark("adam_step/1048576/eigen", [a](benchmark::State& s) {
        time_loop(s, [&] { a->peer.step(a->peer_p->data(), a->g->data(), 1e-3f); }, 0, adam_n, 7 * bytes);
    });
    benchmark::RegisterBenchmark("adam_step/1048576/copy", [a](benchmark::State& s) {
        time_loop(s, [&] { a->copy(); }, 0, adam_n, 8 * bytes);
    });
}

/// `<name>/libtorch` beside a pair, with its own agreement check (it runs
/// after the pair's, so ctnn has taken the same steps by then).
template <class W>
void add_libtorch([[maybe_unused]] const std::string& name, [[maybe_unused]] std::shared_ptr<W> w) {
#if CTNN_BENCH_LIBTORCH
    checks().push_back({name + "/libtorch", [w] {
                            w->run_torch();
                            return w->error_torch();
                        }});
    benchmark::RegisterBenchmark((name + "/libtorch").c_str(), [w](benchmark::State& s) {
        time_loop(s, [&] { w->run_torch(); }, W::flops);
        s.counters["samples/s"] = benchmark::Counter(W::samples, benchmark::Counter::kIsIterationInvariantRate);
    });
#endif
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_train", argc, argv, [] {
        std::mt19937 rng(20241125);
        add_pair("seed_train_step/64x1000x100x10", std::make_shared<SeedStep>(rng));
        auto data = fashion_mnist(rng);
        auto step = std::make_shared<FmnistStep>(data, 1);
        add_pair("fmnist_step/batch64", step);
        add_libtorch("fmnist_step/batch64", step);
        auto epoch = std::make_shared<FmnistEpoch>(data, 2);
        add_pair("fmnist_epoch", epoch);
        add_libtorch("fmnist_epoch", epoch);
#if CTNN_BENCH_LIBTORCH
        benchmark::AddCustomContext("libtorch_peer", "on (one thread)");
#else
        benchmark::AddCustomContext("libtorch_peer", "off (libtorch-dev not found at configure time)");
#endif
        add_adam(rng);
    });
}
