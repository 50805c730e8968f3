/// \file net.cpp
/// `ctnn_bench_net`: whole networks (`Sequential`) against the same networks
/// written by hand with Eigen (issue 4's benchmarks).
///
/// | workload | network | what is timed |
/// |---|---|---|
/// | `mlp_tiny/batch1` | 1 → 8 tanh → 8 tanh → 1 | `net.forward(x)` |
/// | `mlp_small/batch1` | 16 → 64 ReLU → 64 ReLU → 16 | `net.forward(x)` |
/// | `mlp_mnist/batch1` | 784 → 128 ReLU → 10 softmax | `net.forward(x)` |
/// | `mlp_mnist/batch64` | the same | `net.forward(X, ws)` |
/// | `mlp_mnist_train/batch64` | 784 → 128 ReLU → 10, softmax cross-entropy | forward, loss, backward |
/// | `gemv/128x784` | mlp_mnist's first layer alone: `gemv_n<128, 784>` + bias | the GEMV, `GB/s` = bytes of W, b and x read |
/// | `l2_read/401KB`, `l2_copy/401KB` | a sum over (a copy of) a buffer the size of that W, in L2 | `GB/s` = bytes read |
/// | `seed_fwd_bwd/64x1000x100x10` | the lecture's numpy program: 1000 → 100 sigmoid → 10, no biases, sum of squares | forward, loss, backward |
///
/// Batch-1 workloads also run as `Quantized<Net, quant::f32_weights>`
/// (`.../ctnn_f32`: FP32, small-input Dense layers column-major) and with
/// every Dense column-major (`.../ctnn_f32_colmajor`).
///
/// Batch-1 workloads are timed twice: independent calls on the same input
/// (throughput), and `.../batch1_chained`, where each input depends on the
/// last output (`x[0] = x0 + 1e-3 · y[0]`: latency). `seed_fwd_bwd_noftz` is
/// `seed_fwd_bwd` with flush-to-zero and denormals-are-zero off; the context
/// line `seed_fwd_bwd_subnormals` counts the subnormal values such a step
/// produces, and `denormal_fma/4096/*` times arithmetic on subnormals
/// directly (FTZ on and off).
///
/// Eigen peers: `eigen` is Eigen's natural layout (column-major; batch-1
/// networks as `W x + b` on fixed-size matrices, batched ones as the numpy
/// program `X·W + b` with X [batch, in], W [in, out]); `eigen_rowmajor`
/// (batch 1) reads ctnn's own `[out, in]` row-major parameters through
/// fixed-size maps. Parameters are the same values on every side; before
/// anything is timed each side runs once and its outputs (and loss and
/// gradients) are compared with ctnn's.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/quant.hpp>
#include <ctnn/simd/probe.hpp>

#include "common.hpp"
#include "eigen_peers.hpp"

namespace {

using namespace ctnn_bench;
using Eigen::ColMajor;
using Eigen::RowMajor;

// ---- the networks --------------------------------------------------------------
using ctnn::Dense;
using ctnn::Input;
using TinyNet = ctnn::Sequential<Input<1>, Dense<8>, ctnn::Tanh, Dense<8>, ctnn::Tanh, Dense<1>>;
using SmallNet = ctnn::Sequential<Input<16>, Dense<64>, ctnn::ReLU, Dense<64>, ctnn::ReLU, Dense<16>>;
using MnistNet = ctnn::Sequential<Input<784>, Dense<128>, ctnn::ReLU, Dense<10>, ctnn::Softmax>;
using MnistLogits = ctnn::Sequential<Input<784>, Dense<128>, ctnn::ReLU, Dense<10>>;
using SeedNet = ctnn::Sequential<Input<1000>, Dense<100, false>, ctnn::Sigmoid, Dense<10, false>>;

/// Random parameters: He-uniform weights, biases uniform in [-0.1, 0.1].
template <class Net>
void init_params(Net& net, std::uint64_t seed) {
    ctnn::init::he_uniform(net, seed);
    std::mt19937 rng{static_cast<unsigned>(seed)};
    net.for_each_param([&](const auto&, const ctnn::param_info& info, float* data) {
        if (info.rank == 1) fill_uniform(data, info.size(), rng, -0.1f, 0.1f);
    });
}

/// The Eigen matrix type for weights [O, I] in storage order `Order`
/// (Eigen has no row-major column vector).
template <int O, int I, int Order>
using EMat = Eigen::Matrix<float, O, I, (I == 1 && O != 1) ? ColMajor : (O == 1 && I != 1 ? RowMajor : Order)>;
template <int N>
using EVec = Eigen::Matrix<float, N, 1>;

/// One Dense layer's parameters for an Eigen peer: the weights [O, I] in
/// `Order`, seen through a fixed-size map: column-major over an aligned copy
/// of its own, row-major over ctnn's buffer (the same data).
template <int O, int I, int Order>
struct EDense {
    using Mat = EMat<O, I, Order>;
    std::unique_ptr<ctnn::Tensor<float, std::size_t(O) * I>> own = std::make_unique<ctnn::Tensor<float, std::size_t(O) * I>>();
    ctnn::Tensor<float, std::size_t(O)> bias_copy;
    const float* w = nullptr;

    /// From ctnn's row-major [O, I] weights and its bias (null: none).
    void load(const float* w_rowmajor, const float* bias) {
        if constexpr (Order == RowMajor) {
            w = w_rowmajor;
        } else {
            Eigen::Map<Mat, Eigen::Aligned64>(own->data()) = Eigen::Map<const EMat<O, I, RowMajor>>(w_rowmajor);
            w = own->data();
        }
        for (int i = 0; i < O; ++i) bias_copy[std::size_t(i)] = bias ? bias[i] : 0.0f;
    }
    auto W() const noexcept { return Eigen::Map<const Mat, Eigen::Aligned64>(w); }
    auto b() const noexcept { return Eigen::Map<const EVec<O>, Eigen::Aligned64>(bias_copy.data()); }
};

/// The parts every batch-1 workload shares: ctnn's network and its input
/// and output on the heap, the chained-call driver, and the registration.
template <class Net>
struct Batch1 {
    static constexpr std::size_t in = Net::in_shape::size;
    static constexpr std::size_t out = Net::out_shape::size;
    static constexpr double flops = double(Net::flops_forward);
    std::unique_ptr<Net> net = std::make_unique<Net>();
    // The FP32 deployment forms (quant::f32_weights): each Dense in the layout
    // the policy picks, and every Dense column-major (to check the threshold).
    std::unique_ptr<ctnn::Quantized<Net, ctnn::quant::f32_weights>> f32;
    std::unique_ptr<ctnn::Quantized<Net, ctnn::quant::f32_policy<ctnn::quant::f32_layout::column_major>>> f32_cm;
    typename Net::input_type x;
    typename Net::output_type y_ctnn, y_eigen, y_eigen_rm, y_f32, y_f32_cm;
    float x0 = 0;  // x[0] at rest: the chained calls feed x[0] = x0 + 1e-3 y[0]

    Batch1(std::uint64_t seed, std::mt19937& rng) {
        init_params(*net, seed);
        f32 = ctnn::quant::quantize<ctnn::quant::f32_weights>(*net);
        f32_cm = ctnn::quant::quantize<ctnn::quant::f32_policy<ctnn::quant::f32_layout::column_major>>(*net);
        fill_uniform(x.data(), in, rng);
        x0 = x[0];
    }
    void run_ctnn() noexcept { y_ctnn = net->forward(x); }
    void chain_ctnn() noexcept {
        x[0] = x0 + 1e-3f * y_ctnn[0];
        y_ctnn = net->forward(x);
    }
};

/// Registers `<name>/batch1[_chained]/<impl>` for ctnn and both Eigen peers
/// of a batch-1 workload W (with `eigen(x, y)` templated on the storage order).
template <class W>
void add_batch1(const std::string& name, std::shared_ptr<W> w) {
    constexpr std::size_t out = W::out;
    checks().push_back({name + "/batch1 (eigen)", [w] {
                            w->run_ctnn();
                            w->template eigen<ColMajor>(w->x, w->y_eigen);
                            return rel_error(w->y_ctnn.data(), w->y_eigen.data(), out);
                        }});
    checks().push_back({name + "/batch1 (eigen_rowmajor)", [w] {
                            w->run_ctnn();
                            w->template eigen<RowMajor>(w->x, w->y_eigen_rm);
                            return rel_error(w->y_ctnn.data(), w->y_eigen_rm.data(), out);
                        }});
    checks().push_back({name + "/batch1 (ctnn_f32)", [w] {
                            w->run_ctnn();
                            w->f32->forward(w->x, w->y_f32);
                            return rel_error(w->y_ctnn.data(), w->y_f32.data(), out);
                        }});
    checks().push_back({name + "/batch1 (ctnn_f32_colmajor)", [w] {
                            w->run_ctnn();
                            w->f32_cm->forward(w->x, w->y_f32_cm);
                            return rel_error(w->y_ctnn.data(), w->y_f32_cm.data(), out);
                        }});
    auto reg = [&](const std::string& full, auto run) {
        benchmark::RegisterBenchmark(full.c_str(), [w, run](benchmark::State& s) {
            w->x[0] = w->x0;
            time_loop(s, [&] { run(*w); }, W::flops);
        });
    };
    reg(name + "/batch1/ctnn", [](W& v) { v.run_ctnn(); });
    reg(name + "/batch1/ctnn_f32", [](W& v) { v.f32->forward(v.x, v.y_f32); });
    reg(name + "/batch1/ctnn_f32_colmajor", [](W& v) { v.f32_cm->forward(v.x, v.y_f32_cm); });
    reg(name + "/batch1/eigen", [](W& v) { v.template eigen<ColMajor>(v.x, v.y_eigen); });
    reg(name + "/batch1/eigen_rowmajor", [](W& v) { v.template eigen<RowMajor>(v.x, v.y_eigen_rm); });
    reg(name + "/batch1_chained/ctnn", [](W& v) { v.chain_ctnn(); });
    reg(name + "/batch1_chained/ctnn_f32", [](W& v) {
        v.x[0] = v.x0 + 1e-3f * v.y_f32[0];
        v.f32->forward(v.x, v.y_f32);
    });
    reg(name + "/batch1_chained/eigen", [](W& v) {
        v.x[0] = v.x0 + 1e-3f * v.y_eigen[0];
        v.template eigen<ColMajor>(v.x, v.y_eigen);
    });
    reg(name + "/batch1_chained/eigen_rowmajor", [](W& v) {
        v.x[0] = v.x0 + 1e-3f * v.y_eigen_rm[0];
        v.template eigen<RowMajor>(v.x, v.y_eigen_rm);
    });
}

// ---- mlp_tiny: 1 -> 8 tanh -> 8 tanh -> 1 ----------------------------------------
struct Tiny : Batch1<TinyNet> {
    template <int Order>
    struct Peer {
        EDense<8, 1, Order> l1;
        EDense<8, 8, Order> l2;
        EDense<1, 8, Order> l3;
    };
    Peer<ColMajor> cm;
    Peer<RowMajor> rm;

    Tiny(std::uint64_t seed, std::mt19937& rng) : Batch1(seed, rng) {
        float* p = net->params();
        auto load = [&](auto& peer) {
            peer.l1.load(weight_in<TinyNet, 0>(p), bias_in<TinyNet, 0>(p));
            peer.l2.load(weight_in<TinyNet, 1>(p), bias_in<TinyNet, 1>(p));
            peer.l3.load(weight_in<TinyNet, 2>(p), bias_in<TinyNet, 2>(p));
        };
        load(cm);
        load(rm);
    }

    template <int Order>
    void eigen(const TinyNet::input_type& xin, TinyNet::output_type& yout) noexcept {
        auto& e = [&]() -> Peer<Order>& {
            if constexpr (Order == ColMajor) return cm; else return rm;
        }();
        const Eigen::Map<const EVec<1>> xv(xin.data());
        const EVec<8> h1 = (e.l1.W() * xv + e.l1.b()).array().tanh().matrix();
        const EVec<8> h2 = (e.l2.W() * h1 + e.l2.b()).array().tanh().matrix();
        Eigen::Map<EVec<1>>(yout.data()) = e.l3.W() * h2 + e.l3.b();
    }
};

// ---- mlp_small: 16 -> 64 ReLU -> 64 ReLU -> 16 -----------------------------------
struct Small : Batch1<SmallNet> {
    template <int Order>
    struct Peer {
        EDense<64, 16, Order> l1;
        EDense<64, 64, Order> l2;
        EDense<16, 64, Order> l3;
    };
    Peer<ColMajor> cm;
    Peer<RowMajor> rm;

    Small(std::uint64_t seed, std::mt19937& rng) : Batch1(seed, rng) {
        float* p = net->params();
        auto load = [&](auto& peer) {
            peer.l1.load(weight_in<SmallNet, 0>(p), bias_in<SmallNet, 0>(p));
            peer.l2.load(weight_in<SmallNet, 1>(p), bias_in<SmallNet, 1>(p));
            peer.l3.load(weight_in<SmallNet, 2>(p), bias_in<SmallNet, 2>(p));
        };
        load(cm);
        load(rm);
    }

    template <int Order>
    void eigen(const SmallNet::input_type& xin, SmallNet::output_type& yout) noexcept {
        auto& e = [&]() -> Peer<Order>& {
            if constexpr (Order == ColMajor) return cm; else return rm;
        }();
        const Eigen::Map<const EVec<16>, Eigen::Aligned64> xv(xin.data());
        const EVec<64> h1 = (e.l1.W() * xv + e.l1.b()).cwiseMax(0.0f);
        const EVec<64> h2 = (e.l2.W() * h1 + e.l2.b()).cwiseMax(0.0f);
        Eigen::Map<EVec<16>, Eigen::Aligned64>(yout.data()) = e.l3.W() * h2 + e.l3.b();
    }
};

// ---- mlp_mnist: 784 -> 128 ReLU -> 10 softmax ---------------------------------
struct Mnist1 : Batch1<MnistNet> {
    template <int Order>
    struct Peer {
        EDense<128, 784, Order> l1;
        EDense<10, 128, Order> l2;
    };
    Peer<ColMajor> cm;
    Peer<RowMajor> rm;

    Mnist1(std::uint64_t seed, std::mt19937& rng) : Batch1(seed, rng) {
        float* p = net->params();
        auto load = [&](auto& peer) {
            peer.l1.load(weight_in<MnistNet, 0>(p), bias_in<MnistNet, 0>(p));
            peer.l2.load(weight_in<MnistNet, 1>(p), bias_in<MnistNet, 1>(p));
        };
        load(cm);
        load(rm);
    }

    template <int Order>
    void eigen(const MnistNet::input_type& xin, MnistNet::output_type& yout) noexcept {
        auto& e = [&]() -> Peer<Order>& {
            if constexpr (Order == ColMajor) return cm; else return rm;
        }();
        const Eigen::Map<const EVec<784>, Eigen::Aligned64> xv(xin.data());
        const EVec<128> h = (e.l1.W() * xv + e.l1.b()).cwiseMax(0.0f);
        const EVec<10> z = e.l2.W() * h + e.l2.b();
        Eigen::Map<EVec<10>, Eigen::Aligned64> y(yout.data());
        y = (z.array() - z.maxCoeff()).exp().matrix();
        y /= y.sum();
    }
};

// ---- mlp_mnist at batch 64, forward --------------------------------------------
// Eigen as the numpy program would be written: X [B, 784], W1 [784, 128],
// W2 [128, 10], column-major. A column-major [in, out] matrix has the bytes
// of ctnn's row-major [out, in] weights, so the peer maps ctnn's buffer.
template <std::size_t B>
struct MnistBatch {
    static constexpr double flops = double(B) * double(MnistNet::flops_forward);
    using Ws = MnistNet::workspace<B>;
    std::unique_ptr<MnistNet> net = std::make_unique<MnistNet>();
    std::unique_ptr<Ws> ws = std::make_unique<Ws>();
    std::unique_ptr<MnistNet::input_batch<B>> x = std::make_unique<MnistNet::input_batch<B>>();
    std::unique_ptr<MnistNet::output_batch<B>> y_eigen = std::make_unique<MnistNet::output_batch<B>>();

    using XMat = Eigen::Matrix<float, B, 784>;  // column-major: the peer's own copy of X
    std::unique_ptr<ctnn::Tensor<float, B * 784>> xcm = std::make_unique<ctnn::Tensor<float, B * 784>>();
    Eigen::Map<const XMat, Eigen::Aligned64> ex{xcm->data()};
    Eigen::Map<const Eigen::Matrix<float, 784, 128>, Eigen::Aligned64> w1{weight_in<MnistNet, 0>(net->params())};
    Eigen::Map<const Eigen::Matrix<float, 1, 128>, Eigen::Aligned64> b1{bias_in<MnistNet, 0>(net->params())};
    Eigen::Map<const Eigen::Matrix<float, 128, 10>, Eigen::Aligned64> w2{weight_in<MnistNet, 1>(net->params())};
    Eigen::Map<const Eigen::Matrix<float, 1, 10>, Eigen::Aligned64> b2{bias_in<MnistNet, 1>(net->params())};
    std::unique_ptr<Eigen::Matrix<float, B, 128>> h = std::make_unique<Eigen::Matrix<float, B, 128>>();
    Eigen::Matrix<float, B, 10> z;

    explicit MnistBatch(std::uint64_t seed, std::mt19937& rng) {
        init_params(*net, seed);
        fill_uniform(x->data(), B * 784, rng, 0.0f, 1.0f);  // pixel intensities
        Eigen::Map<XMat, Eigen::Aligned64>(xcm->data()) =
            Eigen::Map<const Eigen::Matrix<float, B, 784, RowMajor>, Eigen::Aligned64>(x->data());
    }

    void run_ctnn() noexcept { net->forward(*x, *ws); }
    void run_eigen() noexcept {
        h->noalias() = ex * w1;
        *h = (h->rowwise() + b1).cwiseMax(0.0f);
        z.noalias() = *h * w2;
        z.rowwise() += b2;
        z = (z.colwise() - z.rowwise().maxCoeff()).array().exp().matrix();
        z.array().colwise() /= z.rowwise().sum().array();
        Eigen::Map<Eigen::Matrix<float, B, 10, RowMajor>, Eigen::Aligned64>(y_eigen->data()) = z;
    }
    double error() const { return rel_error(ws->output().data(), y_eigen->data(), B * 10); }
};

// ---- mlp_mnist training step at batch 64 -------------------------------------
// 784 -> 128 ReLU -> 10 logits, softmax cross-entropy (mean over the batch)
// with class labels: forward, loss and ∂loss/∂logits, backward.
template <std::size_t B>
struct MnistTrain {
    static constexpr double flops = double(B) * train_flops_per_sample<MnistLogits>();
    using Ws = MnistLogits::workspace<B>;
    using Net = MnistLogits;
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<Ws> ws = std::make_unique<Ws>();
    std::unique_ptr<Net::gradients> g = std::make_unique<Net::gradients>();
    std::unique_ptr<Net::gradients> g_eigen = std::make_unique<Net::gradients>();  // the peer's, same layout
    std::unique_ptr<Net::input_batch<B>> x = std::make_unique<Net::input_batch<B>>();
    ctnn::Labels<B> labels{};
    float loss_ctnn = 0, loss_eigen = 0;

    using XMat = Eigen::Matrix<float, B, 784>;
    std::unique_ptr<ctnn::Tensor<float, B * 784>> xcm = std::make_unique<ctnn::Tensor<float, B * 784>>();
    Eigen::Map<const XMat, Eigen::Aligned64> ex{xcm->data()};
    std::unique_ptr<MnistScratch<int(B)>> scratch = std::make_unique<MnistScratch<int(B)>>();

    explicit MnistTrain(std::uint64_t seed, std::mt19937& rng) {
        init_params(*net, seed);
        fill_uniform(x->data(), B * 784, rng, 0.0f, 1.0f);
        std::uniform_int_distribution<int> cls(0, 9);
        for (auto& l : labels) l = cls(rng);
        Eigen::Map<XMat, Eigen::Aligned64>(xcm->data()) =
            Eigen::Map<const Eigen::Matrix<float, B, 784, RowMajor>, Eigen::Aligned64>(x->data());
    }

    void run_ctnn() noexcept {
        net->template forward<true>(*x, *ws);
        loss_ctnn = ctnn::SoftmaxCrossEntropy::compute(ws->output(), labels, ws->output_grad());
        net->backward(*x, *ws, *g);
    }
    void run_eigen() noexcept {
        MnistMaps<Net, const float> p(net->params());
        MnistMaps<Net, float> grads(g_eigen->data);
        loss_eigen = mnist_forward_backward<int(B)>(ex, p, grads, labels, *scratch);
    }
    double error() const {
        double e = rel_error(loss_ctnn, loss_eigen);
        float* gc = g->data;
        float* ge = g_eigen->data;
        e = std::max(e, rel_error(weight_in<Net, 0>(gc), weight_in<Net, 0>(ge), 128 * 784));
        e = std::max(e, rel_error(bias_in<Net, 0>(gc), bias_in<Net, 0>(ge), 128));
        e = std::max(e, rel_error(weight_in<Net, 1>(gc), weight_in<Net, 1>(ge), 10 * 128));
        e = std::max(e, rel_error(bias_in<Net, 1>(gc), bias_in<Net, 1>(ge), 10));
        return e;
    }
};

// ---- seed_fwd_bwd: the lecture's numpy program ---------------------------------
// N, D_in, H, D_out = 64, 1000, 100, 10; x, y = randn(N, D_in), randn(N, D_out);
// w1, w2 = randn(D_in, H), randn(H, D_out); one iteration without the update:
// h = sigmoid(x·w1), y_pred = h·w2, loss = Σ (y_pred - y)², and the gradients.
// Standard normal inputs and weights make x·w1 of standard deviation ~32, so
// most sigmoids saturate: the workload the FTZ measurement is about.
template <std::size_t N, std::size_t Din, std::size_t H, std::size_t Dout>
struct Seed {
    using Net = ctnn::Sequential<Input<Din>, Dense<H, false>, ctnn::Sigmoid, Dense<Dout, false>>;
    static constexpr double flops = double(N) * train_flops_per_sample<Net>();
    static std::string shape() {
        return std::to_string(N) + "x" + std::to_string(Din) + "x" + std::to_string(H) + "x" + std::to_string(Dout);
    }
    using Ws = typename Net::template workspace<N>;
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<Ws> ws = std::make_unique<Ws>();
    std::unique_ptr<typename Net::gradients> g = std::make_unique<typename Net::gradients>();
    std::unique_ptr<typename Net::gradients> g_eigen = std::make_unique<typename Net::gradients>();
    std::unique_ptr<typename Net::template input_batch<N>> x = std::make_unique<typename Net::template input_batch<N>>();
    std::unique_ptr<typename Net::template output_batch<N>> t = std::make_unique<typename Net::template output_batch<N>>();
    float loss_ctnn = 0, loss_eigen = 0;

    // Eigen: the numpy program, column-major (Eigen's default). w1 [D_in, H]
    // and w2 [H, D_out] column-major are ctnn's [out, in] row-major bytes.
    template <int R, int C>
    using M = Eigen::Matrix<float, R, C>;
    std::unique_ptr<ctnn::Tensor<float, N * Din>> xbuf = std::make_unique<ctnn::Tensor<float, N * Din>>();
    ctnn::Tensor<float, N * Dout> tbuf;
    Eigen::Map<const M<N, Din>, Eigen::Aligned64> ex{xbuf->data()};
    Eigen::Map<const M<N, Dout>, Eigen::Aligned64> ey{tbuf.data()};
    Eigen::Map<const M<Din, H>, Eigen::Aligned64> w1{weight_in<Net, 0>(net->params())};
    Eigen::Map<const M<H, Dout>, Eigen::Aligned64> w2{weight_in<Net, 1>(net->params())};
    Eigen::Map<M<Din, H>, Eigen::Aligned64> grad_w1{weight_in<Net, 0>(g_eigen->data)};
    Eigen::Map<M<H, Dout>, Eigen::Aligned64> grad_w2{weight_in<Net, 1>(g_eigen->data)};
    std::unique_ptr<M<N, H>> h = std::make_unique<M<N, H>>();
    std::unique_ptr<M<N, H>> grad_h = std::make_unique<M<N, H>>();
    M<N, Dout> y_pred, grad_y_pred;

    explicit Seed(std::mt19937& rng) {
        fill_normal(x->data(), N * Din, rng);
        fill_normal(t->data(), N * Dout, rng);
        fill_normal(weight_in<Net, 0>(net->params()), H * Din, rng);
        fill_normal(weight_in<Net, 1>(net->params()), Dout * H, rng);
        Eigen::Map<M<N, Din>, Eigen::Aligned64>(xbuf->data()) =
            Eigen::Map<const Eigen::Matrix<float, N, Din, RowMajor>, Eigen::Aligned64>(x->data());
        Eigen::Map<M<N, Dout>, Eigen::Aligned64>(tbuf.data()) =
            Eigen::Map<const Eigen::Matrix<float, N, Dout, RowMajor>, Eigen::Aligned64>(t->data());
    }

    void run_ctnn() noexcept {
        net->template forward<true>(*x, *ws);
        loss_ctnn = ctnn::SumSquares::compute(ws->output(), *t, ws->output_grad());
        net->backward(*x, *ws, *g);
    }
    void run_eigen() noexcept {
        loss_eigen = seed_forward_backward(ex, ey, w1, w2, *h, *grad_h, y_pred, grad_y_pred, grad_w1, grad_w2);
    }
    /// How many values of one ctnn step are subnormal with FTZ/DAZ off
    /// (activations and gradients flowing back, parameter gradients).
    std::string subnormals() {
        {
            KeepDenormals guard;
            run_ctnn();
        }
        auto count = [](const float* p, std::size_t n) {
            std::size_t k = 0;
            for (std::size_t i = 0; i < n; ++i) k += std::fpclassify(p[i]) == FP_SUBNORMAL;
            return k;
        };
        const std::size_t sat = [&] {
            std::size_t k = 0;
            const float* h = ws->saved_ptr();  // the first layer's output, kept for backward
            for (std::size_t i = 0; i < N * H; ++i) k += h[i] < 1e-6f || h[i] > 1.0f - 1e-6f;
            return k;
        }();
        return std::to_string(count(ws->data, Ws::total)) + " of " + std::to_string(Ws::total) +
               " workspace values and " + std::to_string(count(g->data, Net::param_storage)) + " of " +
               std::to_string(Net::param_storage) + " gradients subnormal with FTZ off; " + std::to_string(sat) +
               " of " + std::to_string(N * H) + " sigmoids within 1e-6 of 0 or 1";
    }
    double error() const {
        double e = rel_error(loss_ctnn, loss_eigen);
        float* gc = g->data;
        float* ge = g_eigen->data;
        e = std::max(e, rel_error(weight_in<Net, 0>(gc), weight_in<Net, 0>(ge), H * Din));
        e = std::max(e, rel_error(weight_in<Net, 1>(gc), weight_in<Net, 1>(ge), Dout * H));
        return e;
    }
};

// ---- gemv 128x784 against the L2 bandwidth --------------------------------------
// mlp_mnist's first layer alone, W [128, 784] (401 KB, more than L1 holds,
// well inside L2), and two loops over a buffer of the same size: a read-only
// sum (what a GEMV must at least do; simd/probe.hpp's, as the bench kit's
// context measures it) and a copy (read + write). All three
// report GB/s of bytes read, so the GEMV's figure is a share of L2's.
struct Gemv784 {
    static constexpr std::size_t O = 128, I = 784, bytes = (O * I + O + I) * sizeof(float);
    static constexpr double flops = 2.0 * O * I;
    std::unique_ptr<ctnn::Tensor<float, O * I>> w = std::make_unique<ctnn::Tensor<float, O * I>>();
    std::unique_ptr<ctnn::Tensor<float, O * I>> w_cm = std::make_unique<ctnn::Tensor<float, O * I>>();
    std::unique_ptr<ctnn::Tensor<float, O * I>> dst = std::make_unique<ctnn::Tensor<float, O * I>>();
    ctnn::Tensor<float, I> x;
    ctnn::Tensor<float, O> b, y, y_eigen;
    float sum = 0;
    explicit Gemv784(std::mt19937& rng) {
        fill_uniform(w->data(), O * I, rng);
        fill_uniform(x.data(), I, rng);
        fill_uniform(b.data(), O, rng);
        Eigen::Map<Eigen::Matrix<float, int(O), int(I)>, Eigen::Aligned64>(w_cm->data()) =
            Eigen::Map<const Eigen::Matrix<float, int(O), int(I), RowMajor>>(w->data());
    }
    void run_ctnn() noexcept { ctnn::simd::gemv_n<O, I>(w->data(), x.data(), y.data(), ctnn::simd::epilogue::bias<float>{b.data()}); }
    void run_eigen() noexcept {
        Eigen::Map<EVec<int(O)>, Eigen::Aligned64>(y_eigen.data()).noalias() =
            Eigen::Map<const Eigen::Matrix<float, int(O), int(I)>, Eigen::Aligned64>(w_cm->data()) *
                Eigen::Map<const EVec<int(I)>, Eigen::Aligned64>(x.data()) +
            Eigen::Map<const EVec<int(O)>, Eigen::Aligned64>(b.data());
    }
    void read() noexcept { sum = ctnn::simd::read(w->data(), O * I); }  // 8 streams, an accumulator each
    void copy() noexcept {
        std::size_t n = O * I;
        benchmark::DoNotOptimize(n);  // a run-time count: g++ flags copy's scalar tail loop otherwise
        ctnn::simd::copy(dst->data(), w->data(), n);
    }
};

void add_gemv_l2(std::mt19937& rng) {
    auto g = std::make_shared<Gemv784>(rng);
    checks().push_back({"gemv/128x784 (eigen)", [g] {
                            g->run_ctnn();
                            g->run_eigen();
                            return rel_error(g->y.data(), g->y_eigen.data(), Gemv784::O);
                        }});
    auto reg = [&](const char* name, auto run, double flops, double bytes) {
        benchmark::RegisterBenchmark(name, [g, run, flops, bytes](benchmark::State& s) {
            time_loop(s, [&] { run(*g); }, flops, 0, bytes);
        });
    };
    constexpr double w_bytes = double(Gemv784::O * Gemv784::I * sizeof(float));
    reg("gemv/128x784/ctnn", [](Gemv784& v) { v.run_ctnn(); }, Gemv784::flops, Gemv784::bytes);
    reg("gemv/128x784/eigen", [](Gemv784& v) { v.run_eigen(); }, Gemv784::flops, Gemv784::bytes);
    reg("l2_read/401KB", [](Gemv784& v) { v.read(); }, 0, w_bytes);
    reg("l2_copy/401KB", [](Gemv784& v) { v.copy(); }, 0, w_bytes);
}

// ---- denormal_fma: does this core slow down on subnormal floats? ------------
// a <- 0.5 a + c over 4096 floats with ctnn's fused map; c = 1e-30 keeps
// every value normal, c = 1e-39 keeps every operand and result subnormal.
// With FTZ/DAZ on, subnormals are read and written as zero; with them off,
// the core computes them (a microcode assist on cores that need one).
struct DenormalFma {
    static constexpr std::size_t n = 4096;
    ctnn::Tensor<float, n> a, c;
    void reset(float value) {
        for (std::size_t i = 0; i < n; ++i) a[i] = c[i] = value;
    }
    void run() noexcept {
        ctnn::simd::map_n<n>([](auto av, auto cv) CTNN_INLINE_LAMBDA { return av * decltype(av)(0.5f) + cv; }, a.data(),
                             a.data(), c.data());
    }
};

void add_denormal_fma() {
    auto d = std::make_shared<DenormalFma>();
    auto reg = [&](const char* name, float value, bool ftz) {
        benchmark::RegisterBenchmark(name, [d, value, ftz](benchmark::State& s) {
            d->reset(value);
            auto loop = [&] { time_loop(s, [&] { d->run(); }, 2.0 * DenormalFma::n); };
            if (ftz) {
                loop();
            } else {
                KeepDenormals guard;
                loop();
            }
        });
    };
    reg("denormal_fma/4096/normal", 1e-30f, true);
    reg("denormal_fma/4096/subnormal_ftz", 1e-39f, true);
    reg("denormal_fma/4096/subnormal_noftz", 1e-39f, false);
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_net", argc, argv, [] {
        unsigned seed = 20240801;
        {
            std::mt19937 rng(seed);
            add_batch1("mlp_tiny", std::make_shared<Tiny>(seed++, rng));
        }
        {
            std::mt19937 rng(seed);
            add_batch1("mlp_small", std::make_shared<Small>(seed++, rng));
        }
        {
            std::mt19937 rng(seed);
            add_batch1("mlp_mnist", std::make_shared<Mnist1>(seed++, rng));
        }
        {
            std::mt19937 rng(seed);
            add_pair("mlp_mnist/batch64", std::make_shared<MnistBatch<64>>(seed++, rng));
        }
        {
            std::mt19937 rng(seed);
            add_pair("mlp_mnist_train/batch64", std::make_shared<MnistTrain<64>>(seed++, rng));
        }
        {
            using S = Seed<64, 1000, 100, 10>;
            std::mt19937 rng(seed++);
            auto s = std::make_shared<S>(rng);
            add_pair("seed_fwd_bwd/" + S::shape(), s);
            add_pair<true>("seed_fwd_bwd_noftz/" + S::shape(), s);
            benchmark::AddCustomContext("seed_fwd_bwd_subnormals", s->subnormals());
        }
        {
            std::mt19937 rng(seed++);
            add_gemv_l2(rng);
        }
        add_denormal_fma();
    });
}
