/// \file norm_pool.cpp
/// `ctnn_bench_norm_pool`: normalization, pooling, embedding and BatchNorm
/// folding (issue 12), each against a hand-written Eigen peer on the same
/// data (checked to agree before anything is timed).
///
/// | workload | what is timed |
/// |---|---|
/// | `layernorm/b64_256` | LayerNorm over 256 features, batch 64, inference |
/// | `batchnorm2d/eval/b64_16x28x28` | BatchNorm2D with running statistics, batch 64 |
/// | `batchnorm2d/train/b64_16x28x28` | its training forward + backward (batch statistics, ∂x, ∂γ, ∂β) |
/// | `maxpool2d/b64_16x28x28`, `.../b64_32x14x14` | MaxPool2D(2), inference; `/scan` is the scalar window scan the SIMD kernels replaced |
/// | `maxpool2d/train/...` | training forward (winners kept) + backward |
/// | `avgpool2d/b64_16x28x28` | AvgPool2D(2), inference (`/scan` as above) |
/// | `embedding/b16_32x64_v10000` | 16 × 32 lookups of 64-wide rows in a 10000-row table |
/// | `fold/mlp_b1` | Input 32 → Dense 64 → BatchNorm1D → ReLU → Dense 10, batch 1: `/bn` as trained, `/ctnn` folded (`Folded<Net>`) |
/// | `fold/conv1d_b1` | [8, 64] → Conv1D 16×3 → BN → ReLU → Conv1D 16×3 → BN → ReLU → GlobalAvgPool → Dense 4, batch 1 |
///
/// GFLOP/s counts the layers' `flops_forward` (+ `flops_backward`); GB/s
/// the bytes read and written once (input, output, parameters).

#include <cmath>
#include <cstddef>
#include <memory>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/net.hpp>
#include <ctnn/net/fold.hpp>

#include "common.hpp"

namespace {

using namespace ctnn_bench;
using ctnn::Input;

template <class Net, std::size_t B>
struct Batch {
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<typename Net::template workspace<B>> ws = std::make_unique<typename Net::template workspace<B>>();
    std::unique_ptr<typename Net::template input_batch<B>> x = std::make_unique<typename Net::template input_batch<B>>();
    std::unique_ptr<typename Net::template input_batch<B>> dx = std::make_unique<typename Net::template input_batch<B>>();
    std::unique_ptr<typename Net::gradients> g = std::make_unique<typename Net::gradients>();
    static constexpr std::size_t n_in = B * Net::in_shape::size, n_out = B * Net::out_shape::size;
    Batch(unsigned seed, std::mt19937& rng) {
        ctnn::init::torch_default(*net, seed);
        fill_uniform(x->data(), n_in, rng);
        fill_uniform(ws->output_grad().data(), n_out, rng);
    }
    const float* y() const { return ws->output().data(); }
};

/// Registers `<name>/<impl>` for each (impl, member function) pair after the check.
template <class W, class... Impl>
void add(const std::string& name, std::shared_ptr<W> w, double flops, double bytes, Impl... impl) {
    checks().push_back({name, [w] { return w->error(); }});
    (benchmark::RegisterBenchmark((name + "/" + impl.first).c_str(),
                                  [w, f = impl.second, flops, bytes](benchmark::State& s) {
                                      time_loop(s, [&] { ((*w).*f)(); }, flops, 0, bytes);
                                  }),
     ...);
}
template <class W>
auto impl(const char* name, void (W::*f)()) {
    return std::pair<const char*, void (W::*)()>{name, f};
}

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Arr = Eigen::Array<float, Eigen::Dynamic, 1>;

// ---- LayerNorm -------------------------------------------------------------------------

template <std::size_t B, std::size_t N>
struct LayerNormW : Batch<ctnn::Sequential<Input<N>, ctnn::LayerNorm<>>, B> {
    using Net = ctnn::Sequential<Input<N>, ctnn::LayerNorm<>>;
    static constexpr double flops = double(B) * Net::flops_forward;
    static constexpr double bytes = 4.0 * (2 * B * N + 2 * N);
    std::unique_ptr<float[]> out = std::make_unique<float[]>(B * N);
    using Batch<Net, B>::Batch;
    void run_ctnn() { this->net->forward(*this->x, *this->ws); }
    void run_eigen() {
        Eigen::Map<const RowMat> X(this->x->data(), B, N);
        Eigen::Map<RowMat> Y(out.get(), B, N);
        Eigen::Map<const Eigen::Array<float, 1, N>> gamma(this->net->params());
        Eigen::Map<const Eigen::Array<float, 1, N>> beta(this->net->params() + ctnn::layers::aligned_size<float>(N));
        for (std::size_t r = 0; r < B; ++r) {
            const auto row = X.row(Eigen::Index(r)).array();
            const float mean = row.mean();
            const float var = (row - mean).square().mean();
            Y.row(Eigen::Index(r)).array() = (row - mean) * (1.0f / std::sqrt(var + 1e-5f)) * gamma + beta;
        }
    }
    double error() {
        run_ctnn();
        run_eigen();
        return rel_error(this->y(), out.get(), B * N);
    }
};

// ---- BatchNorm2D -----------------------------------------------------------------------

template <std::size_t B, std::size_t C, std::size_t HW>
struct BatchNormW : Batch<ctnn::Sequential<Input<C, HW>, ctnn::BatchNorm1D>, B> {
    using Net = ctnn::Sequential<Input<C, HW>, ctnn::BatchNorm1D>;
    static constexpr std::size_t n = B * C * HW;
    static constexpr double flops_eval = 2.0 * n;  // a multiply-add per element
    static constexpr double flops_train = double(B) * (Net::flops_forward + Net::flops_backward);
    static constexpr double bytes_eval = 4.0 * 2 * n;
    static constexpr double bytes_train = 4.0 * 5 * n;  // x, y; dy, x̂ (or x), dx
    std::unique_ptr<float[]> out = std::make_unique<float[]>(n);
    std::unique_ptr<float[]> xhat = std::make_unique<float[]>(n);
    std::unique_ptr<float[]> din = std::make_unique<float[]>(n);
    float dgamma[C], dbeta[C];
    BatchNormW(unsigned seed, std::mt19937& rng) : Batch<Net, B>(seed, rng) {
        // trained-looking statistics and affine
        float* p = this->net->params();
        constexpr std::size_t line = ctnn::layers::aligned_size<float>(C);
        std::uniform_real_distribution<float> u(0.5f, 1.5f);
        for (std::size_t c = 0; c < C; ++c) {
            p[c] = u(rng);
            p[line + c] = u(rng) - 1;
            p[2 * line + c] = u(rng) - 1;
            p[3 * line + c] = u(rng);
        }
    }
    const float* param(std::size_t k) const { return this->net->params() + k * ctnn::layers::aligned_size<float>(C); }
    void eval_ctnn() { this->net->forward(*this->x, *this->ws); }
    void eval_eigen() {
        for (std::size_t c = 0; c < C; ++c) {
            const float a = param(0)[c] / std::sqrt(param(3)[c] + 1e-5f), sh = param(1)[c] - a * param(2)[c];
            for (std::size_t b = 0; b < B; ++b) {
                const std::size_t k = (b * C + c) * HW;
                Eigen::Map<Arr>(out.get() + k, HW) = Eigen::Map<const Arr>(this->x->data() + k, HW) * a + sh;
            }
        }
    }
    void train_ctnn() {
        this->net->template forward<true>(*this->x, *this->ws);
        this->net->backward(*this->x, *this->ws, *this->g, this->dx.get());
    }
    void train_eigen() {
        const float* x = this->x->data();
        const float* dy = this->ws->output_grad().data();
        constexpr float m = float(B * HW);
        for (std::size_t c = 0; c < C; ++c) {
            float s = 0, q = 0;
            for (std::size_t b = 0; b < B; ++b) s += Eigen::Map<const Arr>(x + (b * C + c) * HW, HW).sum();
            const float mean = s / m;
            for (std::size_t b = 0; b < B; ++b)
                q += (Eigen::Map<const Arr>(x + (b * C + c) * HW, HW) - mean).square().sum();
            const float rstd = 1.0f / std::sqrt(q / m + 1e-5f), gamma = param(0)[c], beta = param(1)[c];
            float sg = 0, sgx = 0;
            for (std::size_t b = 0; b < B; ++b) {
                const std::size_t k = (b * C + c) * HW;
                auto h = Eigen::Map<Arr>(xhat.get() + k, HW);
                h = (Eigen::Map<const Arr>(x + k, HW) - mean) * rstd;
                Eigen::Map<Arr>(out.get() + k, HW) = h * gamma + beta;
                const auto g = Eigen::Map<const Arr>(dy + k, HW);
                sg += g.sum();
                sgx += (g * h).sum();
            }
            dgamma[c] = sgx;
            dbeta[c] = sg;
            const float a = gamma * rstd;
            for (std::size_t b = 0; b < B; ++b) {
                const std::size_t k = (b * C + c) * HW;
                Eigen::Map<Arr>(din.get() + k, HW) =
                    a * (Eigen::Map<const Arr>(dy + k, HW) - sg / m - Eigen::Map<const Arr>(xhat.get() + k, HW) * (sgx / m));
            }
        }
    }
    double error() {
        eval_ctnn();
        eval_eigen();
        double e = rel_error(this->y(), out.get(), n);
        train_ctnn();
        train_eigen();
        e = std::max(e, rel_error(this->y(), out.get(), n));
        e = std::max(e, rel_error(this->dx->data(), din.get(), n));
        e = std::max(e, rel_error(this->g->data, dgamma, C));
        return std::max(e, rel_error(this->g->data + ctnn::layers::aligned_size<float>(C), dbeta, C));
    }
};

// ---- pooling 2x2 -----------------------------------------------------------------------

template <bool Max, std::size_t B, std::size_t C, std::size_t H, std::size_t W>
struct PoolW {
    using Spec = std::conditional_t<Max, ctnn::MaxPool2D<2, 2>, ctnn::AvgPool2D<2, 2>>;
    using Net = ctnn::Sequential<Input<C, H, W>, Spec>;
    using L = typename Net::root::template child<0>;
    static constexpr std::size_t OH = H / 2, OW = W / 2, n_in = B * C * H * W, n_out = B * C * OH * OW;
    static constexpr double flops = double(B) * Net::flops_forward;
    static constexpr double bytes = 4.0 * (n_in + n_out);
    static constexpr double flops_train = double(B) * (Net::flops_forward + Net::flops_backward);
    static constexpr double bytes_train = 4.0 * (2 * n_in + 3 * n_out);  // x, dx; y, winners, dy
    Batch<Net, B> b;
    std::unique_ptr<float[]> out = std::make_unique<float[]>(n_out);
    alignas(64) float row[W];
    PoolW(unsigned seed, std::mt19937& rng) : b(seed, rng) {}
    void run_ctnn() { b.net->forward(*b.x, *b.ws); }
    /// The scalar window scan the SIMD kernels replaced (pool.hpp's reference path).
    void run_scan() {
        L::forward_scalar(ctnn::forward_context<float, B, false, ctnn::no_state>{
            nullptr, b.x->data(), b.ws->out_ptr(), nullptr, b.ws->scratch_ptr(), nullptr, nullptr});
    }
    void train_ctnn() {
        b.net->template forward<true>(*b.x, *b.ws);
        b.net->backward(*b.x, *b.ws, *b.g, b.dx.get());
    }
    void train_scan() {
        L::forward_scalar(ctnn::forward_context<float, B, true, ctnn::no_state>{
            nullptr, b.x->data(), b.ws->out_ptr(), b.ws->saved_ptr(), b.ws->scratch_ptr(), nullptr, nullptr});
        L::backward_scalar(ctnn::backward_context<float, B, ctnn::no_state>{
            nullptr, b.x->data(), b.ws->out_ptr(), b.ws->saved_ptr(), b.ws->dout_ptr(), b.dx->data(), nullptr,
            b.ws->scratch_ptr(), nullptr});
    }
    /// Eigen: the two rows of a window row combined (packs), then even and odd columns (stride-2 maps).
    void run_eigen() {
        using Row = Eigen::Array<float, W, 1>;
        using Half = Eigen::Map<const Eigen::Array<float, OW, 1>, 0, Eigen::InnerStride<2>>;
        for (std::size_t p = 0; p < B * C; ++p)
            for (std::size_t i = 0; i < OH; ++i) {
                const float* x = b.x->data() + p * H * W + 2 * i * W;
                Eigen::Map<Row> r(row);
                if constexpr (Max)
                    r = Eigen::Map<const Row>(x).max(Eigen::Map<const Row>(x + W));
                else
                    r = Eigen::Map<const Row>(x) + Eigen::Map<const Row>(x + W);
                Eigen::Map<Eigen::Array<float, OW, 1>> y(out.get() + p * OH * OW + i * OW);
                if constexpr (Max)
                    y = Half(row).max(Half(row + 1));
                else
                    y = (Half(row) + Half(row + 1)) * 0.25f;
            }
    }
    double error() {
        run_ctnn();
        run_eigen();
        double e = rel_error(b.y(), out.get(), n_out);
        run_scan();
        e = std::max(e, rel_error(b.y(), out.get(), n_out));
        if constexpr (Max) {
            train_scan();
            std::unique_ptr<float[]> dref = std::make_unique<float[]>(n_in);
            for (std::size_t i = 0; i < n_in; ++i) dref[i] = b.dx->data()[i];
            train_ctnn();
            e = std::max(e, rel_error(b.dx->data(), dref.get(), n_in));
        }
        return e;
    }
};

// ---- Embedding -------------------------------------------------------------------------

template <std::size_t B, std::size_t N, std::size_t D, std::size_t V>
struct EmbeddingW {
    using Net = ctnn::Sequential<Input<N>, ctnn::Embedding<V, D>>;
    static constexpr double bytes = 4.0 * (2 * B * N * D + B * N);
    Batch<Net, B> b;
    std::unique_ptr<float[]> out = std::make_unique<float[]>(B * N * D);
    EmbeddingW(unsigned seed, std::mt19937& rng) : b(seed, rng) {
        std::uniform_int_distribution<int> tok(0, int(V) - 1);
        for (std::size_t i = 0; i < B * N; ++i) b.x->data()[i] = float(tok(rng));
    }
    void run_ctnn() { b.net->forward(*b.x, *b.ws); }
    void run_eigen() {
        Eigen::Map<const RowMat> table(b.net->params(), V, D);
        Eigen::Map<RowMat> y(out.get(), B * N, D);
        for (std::size_t i = 0; i < B * N; ++i) y.row(Eigen::Index(i)) = table.row(Eigen::Index(b.x->data()[i]));
    }
    double error() {
        run_ctnn();
        run_eigen();
        return rel_error(b.y(), out.get(), B * N * D);
    }
};

// ---- BatchNorm folding, batch 1 ----------------------------------------------------------

/// A network with BatchNorms (statistics and affine set as if trained) and its folded form, batch 1.
template <class Net>
struct FoldW {
    using Fast = ctnn::Folded<Net>;
    static constexpr double flops = double(Fast::flops_forward);
    static constexpr double bytes = 4.0 * Fast::param_storage;
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<Fast> fast = std::make_unique<Fast>();
    typename Net::input_type x;
    typename Net::output_type y_bn, y_fast;
    float y_eigen[Net::out_shape::size];
    FoldW(unsigned seed, std::mt19937& rng) {
        ctnn::init::torch_default(*net, seed);
        std::uniform_real_distribution<float> u(0.5f, 1.5f);
        net->for_each_param([&](const std::string& name, const ctnn::param_info& info, float* data) {
            if (name.ends_with("running_var") || (name.ends_with("weight") && info.init.kind == ctnn::init_rule::constant))
                for (std::size_t i = 0; i < info.size(); ++i) data[i] = u(rng);
            if (name.ends_with("running_mean") || (name.ends_with("bias") && info.init.kind == ctnn::init_rule::constant))
                for (std::size_t i = 0; i < info.size(); ++i) data[i] = u(rng) - 1;
        });
        ctnn::fold_batchnorm(*net, *fast);
        fill_uniform(x.data(), x.size, rng);
    }
    void run_bn() { y_bn = net->forward(x); }
    void run_ctnn() { y_fast = fast->forward(x); }
    double error() {
        run_bn();
        run_ctnn();
        return rel_error(y_fast.data(), y_bn.data(), Net::out_shape::size);
    }
};

using FoldMlp = ctnn::Sequential<Input<32>, ctnn::Dense<64>, ctnn::BatchNorm1D, ctnn::ReLU, ctnn::Dense<10>>;
using FoldConv = ctnn::Sequential<Input<8, 64>, ctnn::Conv1D<16, 3, 1, 1, 1, ctnn::Same>, ctnn::BatchNorm1D, ctnn::ReLU,
                                  ctnn::Conv1D<16, 3, 1, 1, 1, ctnn::Same>, ctnn::BatchNorm1D, ctnn::ReLU,
                                  ctnn::GlobalAvgPool, ctnn::Dense<4>>;

/// The MLP's peer: the folded network by hand in fixed-size Eigen (W1 x + b1, ReLU, W2 h + b2).
struct FoldMlpW : FoldW<FoldMlp> {
    using M1 = Eigen::Matrix<float, 64, 32, Eigen::RowMajor>;
    using M2 = Eigen::Matrix<float, 10, 64, Eigen::RowMajor>;
    M1 w1;
    M2 w2;
    Eigen::Matrix<float, 64, 1> b1;
    Eigen::Matrix<float, 10, 1> b2;
    FoldMlpW(unsigned seed, std::mt19937& rng) : FoldW<FoldMlp>(seed, rng) {
        w1 = Eigen::Map<const M1>(fast->param<"0.weight">().data());
        b1 = Eigen::Map<const Eigen::Matrix<float, 64, 1>>(fast->param<"0.bias">().data());
        w2 = Eigen::Map<const M2>(fast->param<"2.weight">().data());
        b2 = Eigen::Map<const Eigen::Matrix<float, 10, 1>>(fast->param<"2.bias">().data());
    }
    void run_eigen() {
        const Eigen::Matrix<float, 64, 1> h = (w1 * Eigen::Map<const Eigen::Matrix<float, 32, 1>>(x.data()) + b1).cwiseMax(0.0f);
        Eigen::Map<Eigen::Matrix<float, 10, 1>> y(y_eigen);
        y = w2 * h + b2;
    }
    double error() {
        const double e = FoldW<FoldMlp>::error();
        run_eigen();
        return std::max(e, rel_error(y_eigen, y_bn.data(), 10));
    }
};

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_norm_pool", argc, argv, [] {
        unsigned seed = 20261128;
        std::mt19937 rng(seed);
        {
            using W = LayerNormW<64, 256>;
            add("layernorm/b64_256", std::make_shared<W>(seed++, rng), W::flops, W::bytes, impl("ctnn", &W::run_ctnn),
                impl("eigen", &W::run_eigen));
        }
        {
            using W = BatchNormW<64, 16, 28 * 28>;
            auto w = std::make_shared<W>(seed++, rng);
            add("batchnorm2d/eval/b64_16x28x28", w, W::flops_eval, W::bytes_eval, impl("ctnn", &W::eval_ctnn),
                impl("eigen", &W::eval_eigen));
            add("batchnorm2d/train/b64_16x28x28", w, W::flops_train, W::bytes_train, impl("ctnn", &W::train_ctnn),
                impl("eigen", &W::train_eigen));
        }
        {
            using W = PoolW<true, 64, 16, 28, 28>;
            auto w = std::make_shared<W>(seed++, rng);
            add("maxpool2d/b64_16x28x28", w, W::flops, W::bytes, impl("ctnn", &W::run_ctnn),
                impl("scan", &W::run_scan), impl("eigen", &W::run_eigen));
            add("maxpool2d/train/b64_16x28x28", w, W::flops_train, W::bytes_train, impl("ctnn", &W::train_ctnn),
                impl("scan", &W::train_scan));
        }
        {
            using W = PoolW<true, 64, 32, 14, 14>;
            auto w = std::make_shared<W>(seed++, rng);
            add("maxpool2d/b64_32x14x14", w, W::flops, W::bytes, impl("ctnn", &W::run_ctnn),
                impl("scan", &W::run_scan), impl("eigen", &W::run_eigen));
            add("maxpool2d/train/b64_32x14x14", w, W::flops_train, W::bytes_train, impl("ctnn", &W::train_ctnn),
                impl("scan", &W::train_scan));
        }
        {
            using W = PoolW<false, 64, 16, 28, 28>;
            add("avgpool2d/b64_16x28x28", std::make_shared<W>(seed++, rng), W::flops, W::bytes,
                impl("ctnn", &W::run_ctnn), impl("scan", &W::run_scan), impl("eigen", &W::run_eigen));
        }
        {
            using W = PoolW<false, 64, 32, 14, 14>;
            add("avgpool2d/b64_32x14x14", std::make_shared<W>(seed++, rng), W::flops, W::bytes,
                impl("ctnn", &W::run_ctnn), impl("scan", &W::run_scan), impl("eigen", &W::run_eigen));
        }
        {
            using W = EmbeddingW<16, 32, 64, 10000>;
            add("embedding/b16_32x64_v10000", std::make_shared<W>(seed++, rng), 0, W::bytes,
                impl("ctnn", &W::run_ctnn), impl("eigen", &W::run_eigen));
        }
        {
            using W = FoldMlpW;
            add("fold/mlp_b1", std::make_shared<W>(seed++, rng), W::flops, W::bytes, impl("ctnn", &W::run_ctnn),
                impl("bn", &W::run_bn), impl("eigen", &W::run_eigen));
        }
        {
            using W = FoldW<FoldConv>;
            add("fold/conv1d_b1", std::make_shared<W>(seed++, rng), W::flops, W::bytes, impl("ctnn", &W::run_ctnn),
                impl("bn", &W::run_bn));
        }
    });
}
