/// \file conv1d.cpp
/// `ctnn_bench_conv1d`: 1-D convolutions (the sequence issue's benchmarks).
///
/// | workload | network | what is timed |
/// |---|---|---|
/// | `conv1d_stream/16x15` | Conv1D 16 -> 16, kernel 15, causal, one step per call | 64 steps of one stream, state carried |
/// | `conv1d_stream/16x15_d4` | the same with dilation 4 | the same |
/// | `wavenet_nano/stream` | two stacks of 10 WaveNet layers (dilations 1..512, kernel 3, tanh), 4 then 2 residual channels | 64 steps |
/// | `conv1d_seq/fwd/b16_16x15_L512` | Conv1D 16 -> 16, kernel 15, causal, on [16, 512], batch 16 | one forward (im2col + GEMM) |
/// | `conv1d_seq/fwd_bwd/b16_16x15_L512` | the same | forward, MSE, backward |
/// | `conv1d_seq/fwd/.../direct` | the same convolution as direct SIMD axpy loops (the alternative to im2col) | one forward |
///
/// Streaming workloads report `ns_per_sample` and `x_realtime_48k` (how many
/// 48 kHz streams one core keeps up with). The Eigen peer of the streaming
/// convolutions is written by hand with fixed-size types, as an audio
/// developer would: one `Matrix<float, 16, 16>` per tap and a ring of
/// `Vector<float, 16>` inputs, y = b + Σ_k W_k x_{t-(K-1-k)·D}. Before any
/// timing both sides run the same 64 steps from rest and must agree.

#include <cmath>
#include <cstddef>
#include <memory>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#include "common.hpp"

namespace {

using namespace ctnn_bench;
using ctnn::Causal;
using ctnn::Concat;
using ctnn::Conv1D;
using ctnn::Input;
using ctnn::Residual;
using ctnn::Slice;

constexpr std::size_t steps = 64;  // steps per timed run

void set_stream_counters(benchmark::State& s) {
    using C = benchmark::Counter;
    s.counters["ns_per_sample"] = C(double(steps) * 1e-9, C::kIsIterationInvariantRate | C::kInvert);
    s.counters["x_realtime_48k"] = C(double(steps) / 48000.0, C::kIsIterationInvariantRate);
}

// ---- Conv1D 16 channels, kernel 15, streaming --------------------------------------

template <std::size_t Ch, std::size_t K, std::size_t D>
struct Stream {
    using Net = ctnn::Sequential<Input<Ch>, Conv1D<Ch, K, 1, D, 1, Causal>>;
    static constexpr std::size_t N = (K - 1) * D + 1;
    static constexpr double flops = double(steps) * 2.0 * Ch * Ch * K;
    static constexpr std::size_t samples = steps;

    std::unique_ptr<Net> net = std::make_unique<Net>();
    typename Net::state_type state;
    alignas(64) float x[steps][Ch];
    alignas(64) float y_ctnn[steps][Ch];
    alignas(64) float y_eigen[steps][Ch];

    // the hand-written peer
    using Vec = Eigen::Matrix<float, int(Ch), 1>;
    using Mat = Eigen::Matrix<float, int(Ch), int(Ch)>;
    Mat w[K];
    Vec b;
    Vec ring[N];
    std::size_t pos = 0;

    Stream(unsigned seed, std::mt19937& rng) {
        ctnn::init::torch_default(*net, seed);
        fill_uniform(&x[0][0], steps * Ch, rng);
        auto wt = net->template param<"0.weight">();
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t o = 0; o < Ch; ++o)
                for (std::size_t c = 0; c < Ch; ++c) w[k](o, c) = wt(o, c, k);
        for (std::size_t o = 0; o < Ch; ++o) b(o) = net->template param<"0.bias">()(o);
        reset();
    }
    void reset() {
        state.reset();
        for (auto& v : ring) v.setZero();
        pos = 0;
    }
    void run_ctnn() {
        for (std::size_t t = 0; t < steps; ++t) {
            const auto& in = *reinterpret_cast<const ctnn::Tensor<float, Ch>*>(x[t]);
            const auto out = net->forward(in, state);
            for (std::size_t o = 0; o < Ch; ++o) y_ctnn[t][o] = out(o);
        }
    }
    void run_eigen() {
        for (std::size_t t = 0; t < steps; ++t) {
            ring[pos] = Eigen::Map<const Vec>(x[t]);
            Vec y = b;
            // tap k reads x_{t-(K-1-k)·D}
            for (std::size_t k = 0; k < K; ++k) {
                std::size_t i = pos + N - (K - 1 - k) * D;
                if (i >= N) i -= N;
                y.noalias() += w[k] * ring[i];
            }
            Eigen::Map<Vec>{y_eigen[t]} = y;
            pos = pos + 1 == N ? 0 : pos + 1;
        }
    }
    double error() {
        reset();
        run_ctnn();
        run_eigen();
        return rel_error(&y_ctnn[0][0], &y_eigen[0][0], steps * Ch);
    }
};

template <class W>
void add_stream(const std::string& name, std::shared_ptr<W> w) {
    checks().push_back({name, [w] { return w->error(); }});
    benchmark::RegisterBenchmark((name + "/ctnn").c_str(), [w](benchmark::State& s) {
        time_loop(s, [&] { w->run_ctnn(); }, W::flops);
        set_stream_counters(s);
    });
    benchmark::RegisterBenchmark((name + "/eigen").c_str(), [w](benchmark::State& s) {
        time_loop(s, [&] { w->run_eigen(); }, W::flops);
        set_stream_counters(s);
    });
}

// ---- WaveNet nano: two stacks of 10 layers -----------------------------------------

/// A WaveNet layer on [R residual + S skip] channels: x_res += 1x1(tanh(conv_D(x_res))), skip += 1x1_s(same).
template <std::size_t R, std::size_t S, std::size_t D>
using WaveNetLayer = Residual<Slice<0, R>, Conv1D<R, 3, 1, D, 1, Causal>, ctnn::Tanh, Concat<Conv1D<R, 1>, Conv1D<S, 1>>>;
template <std::size_t R, std::size_t S>
using Stack = ctnn::Sequential<WaveNetLayer<R, S, 1>, WaveNetLayer<R, S, 2>, WaveNetLayer<R, S, 4>, WaveNetLayer<R, S, 8>,
                               WaveNetLayer<R, S, 16>, WaveNetLayer<R, S, 32>, WaveNetLayer<R, S, 64>,
                               WaveNetLayer<R, S, 128>, WaveNetLayer<R, S, 256>, WaveNetLayer<R, S, 512>>;
/// 1 -> [4 + 2] -> stack -> [2 + 1] -> stack -> the skip channel; one step per call (`In` = Input<1>) or
/// a block of N samples per call (`In` = Input<1, N>, the causal sequence form carrying its context).
template <class In>
using NanoOf = ctnn::Sequential<In, Conv1D<6, 1>, Stack<4, 2>, Conv1D<3, 1>, Stack<2, 1>, Slice<2, 3>>;
using Nano = NanoOf<Input<1>>;

struct WaveNetNano {
    std::unique_ptr<Nano> net = std::make_unique<Nano>();
    std::unique_ptr<Nano::state_type> state = std::make_unique<Nano::state_type>();
    float x[steps];
    float y[steps];
    WaveNetNano(unsigned seed, std::mt19937& rng) {
        ctnn::init::torch_default(*net, seed);
        fill_uniform(x, steps, rng);
    }
    void run() {
        for (std::size_t t = 0; t < steps; ++t) {
            ctnn::Tensor<float, 1> in;
            in(0) = x[t];
            y[t] = net->forward(in, *state)(0);
        }
    }
};

/// The same network run over blocks of `N` samples (the sequence form, whose
/// state carries each layer's context from block to block).
template <std::size_t N>
struct WaveNetNanoBlock {
    using Net = NanoOf<Input<1, N>>;
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<typename Net::template workspace<1>> ws = std::make_unique<typename Net::template workspace<1>>();
    std::unique_ptr<typename Net::template input_batch<1>> x = std::make_unique<typename Net::template input_batch<1>>();
    float y[steps];
    WaveNetNanoBlock(unsigned seed, std::mt19937& rng) {
        ctnn::init::torch_default(*net, seed);
        fill_uniform(x->data(), N, rng);
    }
    void run() {
        for (std::size_t b = 0; b < steps / N; ++b) {
            net->forward(*x, *ws);
            y[b] = ws->output().data()[N - 1];
        }
    }
    /// Both forms give the same outputs over the same 64 samples from rest.
    double error(const WaveNetNano& one) {
        auto step = std::make_unique<Nano>();
        auto st = std::make_unique<Nano::state_type>();
        for (std::size_t i = 0; i < Net::param_storage; ++i) step->params()[i] = net->params()[i];
        ws->state.reset();
        float a[steps], b[steps];
        for (std::size_t blk = 0; blk < steps / N; ++blk) {
            for (std::size_t i = 0; i < N; ++i) x->data()[i] = one.x[blk * N + i];
            net->forward(*x, *ws);
            for (std::size_t i = 0; i < N; ++i) {
                a[blk * N + i] = ws->output().data()[i];
                ctnn::Tensor<float, 1> in;
                in(0) = one.x[blk * N + i];
                b[blk * N + i] = step->forward(in, *st)(0);
            }
        }
        return rel_error(a, b, steps);
    }
};

// ---- whole sequences at batch 16 ---------------------------------------------------

template <std::size_t B, std::size_t Ch, std::size_t K, std::size_t L>
struct Sequence {
    using Net = ctnn::Sequential<Input<Ch, L>, Conv1D<Ch, K, 1, 1, 1, Causal>>;
    static constexpr double flops_forward = double(B) * 2.0 * Ch * Ch * K * L;
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<typename Net::template workspace<B>> ws = std::make_unique<typename Net::template workspace<B>>();
    std::unique_ptr<typename Net::gradients> g = std::make_unique<typename Net::gradients>();
    std::unique_ptr<typename Net::template input_batch<B>> x = std::make_unique<typename Net::template input_batch<B>>();
    std::unique_ptr<typename Net::template output_batch<B>> t = std::make_unique<typename Net::template output_batch<B>>();
    // the direct alternative: padded input [B, Ch, K-1+L] and out [B, Ch, L]
    static constexpr std::size_t Lp = K - 1 + L;
    std::unique_ptr<float[]> xp = std::make_unique<float[]>(B * Ch * Lp);
    std::unique_ptr<float[]> out = std::make_unique<float[]>(B * Ch * L);

    Sequence(unsigned seed, std::mt19937& rng) {
        ctnn::init::torch_default(*net, seed);
        fill_uniform(x->data(), x->size, rng);
        fill_uniform(t->data(), t->size, rng);
        for (std::size_t i = 0; i < B * Ch * Lp; ++i) xp[i] = 0;
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t c = 0; c < Ch; ++c)
                for (std::size_t l = 0; l < L; ++l) xp[(b * Ch + c) * Lp + K - 1 + l] = (*x)(b, c, l);
    }
    void forward() {
        ws->state.reset();
        net->forward(*x, *ws);
    }
    void forward_backward() {
        ws->state.reset();
        net->template forward<true>(*x, *ws);
        ctnn::MSE::compute(ws->output(), *t, ws->output_grad());
        net->backward(*x, *ws, *g);
    }
    /// out[o, :] = b[o] + Σ_{c,k} w[o,c,k] · xp[c, k : k + L], SIMD over positions.
    void direct() {
        const float* w = net->template param<"0.weight">().data();
        const float* bias = net->template param<"0.bias">().data();
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t o = 0; o < Ch; ++o) {
                float* y = out.get() + (b * Ch + o) * L;
                const float bo = bias[o];
                ctnn::simd::map_n<L>([bo](auto v) { return v * decltype(v)(0) + decltype(v)(bo); }, y, y);
                for (std::size_t c = 0; c < Ch; ++c)
                    for (std::size_t k = 0; k < K; ++k) {
                        const float wk = w[(o * Ch + c) * K + k];
                        ctnn::simd::map_n<L>([wk](auto a, auto v) { return a + decltype(v)(wk) * v; }, y, y,
                                             xp.get() + (b * Ch + c) * Lp + k);
                    }
            }
    }
    double error() {
        forward();
        direct();
        return rel_error(out.get(), ws->output().data(), B * Ch * L);
    }
};

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_conv1d", argc, argv, [] {
        unsigned seed = 20261128;
        {
            std::mt19937 rng(seed);
            add_stream("conv1d_stream/16x15", std::make_shared<Stream<16, 15, 1>>(seed++, rng));
        }
        {
            std::mt19937 rng(seed);
            add_stream("conv1d_stream/16x15_d4", std::make_shared<Stream<16, 15, 4>>(seed++, rng));
        }
        {
            std::mt19937 rng(seed);
            auto w = std::make_shared<WaveNetNano>(seed++, rng);
            benchmark::RegisterBenchmark("wavenet_nano/stream/ctnn", [w](benchmark::State& s) {
                time_loop(s, [&] { w->run(); }, 0);
                set_stream_counters(s);
            });
            auto blk = std::make_shared<WaveNetNanoBlock<64>>(seed - 1, rng);
            checks().push_back({"wavenet_nano/block64 vs stream", [blk, w] { return blk->error(*w); }});
            benchmark::RegisterBenchmark("wavenet_nano/block64/ctnn", [blk](benchmark::State& s) {
                time_loop(s, [&] { blk->run(); }, 0);
                set_stream_counters(s);
            });
        }
        {
            using S = Sequence<16, 16, 15, 512>;
            std::mt19937 rng(seed);
            auto w = std::make_shared<S>(seed++, rng);
            checks().push_back({"conv1d_seq/direct", [w] { return w->error(); }});
            benchmark::RegisterBenchmark("conv1d_seq/fwd/b16_16x15_L512/ctnn",
                                         [w](benchmark::State& s) { time_loop(s, [&] { w->forward(); }, S::flops_forward); });
            benchmark::RegisterBenchmark("conv1d_seq/fwd/b16_16x15_L512/direct",
                                         [w](benchmark::State& s) { time_loop(s, [&] { w->direct(); }, S::flops_forward); });
            benchmark::RegisterBenchmark("conv1d_seq/fwd_bwd/b16_16x15_L512/ctnn", [w](benchmark::State& s) {
                time_loop(s, [&] { w->forward_backward(); }, 3 * S::flops_forward);
            });
        }
    });
}
