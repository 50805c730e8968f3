/// \file recurrent.cpp
/// `ctnn_bench_recurrent`: GRU and LSTM (issue 11's benchmarks).
///
/// | workload | network | what is timed |
/// |---|---|---|
/// | `gru16_stream` | 1 → GRU 16 → Dense 1, one sample per call, state carried | `net.forward(x, state)` |
/// | `lstm16_stream` | 1 → LSTM 16 → Dense 1, the same | `net.forward(x, state)` |
/// | `gru16_train/batch8_T2048` | [2048, 1] → GRU 16 (last step) → Dense 1, MSE | forward, loss, backward (BPTT over 2048 steps) |
/// | `gru16_sequence/batch8_T2048` | the same network | inference forward of 8 sequences |
///
/// Streaming: the input of each call is the next sample of a fixed random
/// signal (4096 samples, cycled), so every call is a new step of one stream;
/// the time per iteration is the latency per sample. The peers are GRU and
/// LSTM cells written by hand with fixed-size Eigen matrices
/// (`Eigen::Matrix<float, 48, 16>` etc., column-major, Eigen's natural
/// layout, as RTNeural's Eigen backend holds them), reading the same
/// parameters. Before anything is timed, both sides run 512 steps from rest
/// and their outputs must agree (common.hpp's check).
///
/// Training: samples/s counts time steps (8 × 2048 per step). With
/// libtorch-dev installed, `gru16_train/.../libtorch` is LibTorch's nn::GRU
/// and nn::Linear on the same parameters and data, one thread
/// (libtorch_rnn_peer.cpp); its loss and ∂loss/∂weight_hh_l0 must agree with
/// ctnn's before anything is timed.

#include <cmath>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/layers/recurrent.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/train.hpp>

#include "common.hpp"
#if CTNN_BENCH_LIBTORCH
#include "libtorch_rnn_peer.hpp"
#endif

namespace {

using namespace ctnn_bench;

constexpr std::size_t signal_length = 4096;

template <int H, class V>
inline Eigen::Array<float, H, 1> sigmoid(const V& v) {
    return (1.0f + (-v).exp()).inverse();
}

/// A hand-written GRU 1 → H → Dense 1 with fixed-size Eigen matrices.
template <int H>
struct EigenGru {
    Eigen::Matrix<float, 3 * H, 1> w_ih, b_ih, b_hh;
    Eigen::Matrix<float, 3 * H, H> w_hh;
    Eigen::Matrix<float, H, 1> w_out, h;
    float b_out = 0;

    void load(const float* wih, const float* whh, const float* bih, const float* bhh, const float* wo, float bo) {
        w_ih = Eigen::Map<const Eigen::Matrix<float, 3 * H, 1>>(wih);
        w_hh = Eigen::Map<const Eigen::Matrix<float, 3 * H, H, Eigen::RowMajor>>(whh);
        b_ih = Eigen::Map<const Eigen::Matrix<float, 3 * H, 1>>(bih);
        b_hh = Eigen::Map<const Eigen::Matrix<float, 3 * H, 1>>(bhh);
        w_out = Eigen::Map<const Eigen::Matrix<float, H, 1>>(wo);
        b_out = bo;
        h.setZero();
    }
    float step(float x) {
        const Eigen::Matrix<float, 3 * H, 1> gi = w_ih * x + b_ih;
        const Eigen::Matrix<float, 3 * H, 1> gh = w_hh * h + b_hh;
        const Eigen::Array<float, H, 1> r = sigmoid<H>(gi.template head<H>().array() + gh.template head<H>().array());
        const Eigen::Array<float, H, 1> z =
            sigmoid<H>(gi.template segment<H>(H).array() + gh.template segment<H>(H).array());
        const Eigen::Array<float, H, 1> n = (gi.template tail<H>().array() + r * gh.template tail<H>().array()).tanh();
        h = ((1.0f - z) * n + z * h.array()).matrix();
        return w_out.dot(h) + b_out;
    }
};

/// A hand-written LSTM 1 → H → Dense 1 with fixed-size Eigen matrices.
template <int H>
struct EigenLstm {
    Eigen::Matrix<float, 4 * H, 1> w_ih, b;
    Eigen::Matrix<float, 4 * H, H> w_hh;
    Eigen::Matrix<float, H, 1> w_out, h, c;
    float b_out = 0;

    void load(const float* wih, const float* whh, const float* bih, const float* bhh, const float* wo, float bo) {
        w_ih = Eigen::Map<const Eigen::Matrix<float, 4 * H, 1>>(wih);
        w_hh = Eigen::Map<const Eigen::Matrix<float, 4 * H, H, Eigen::RowMajor>>(whh);
        b = Eigen::Map<const Eigen::Matrix<float, 4 * H, 1>>(bih) + Eigen::Map<const Eigen::Matrix<float, 4 * H, 1>>(bhh);
        w_out = Eigen::Map<const Eigen::Matrix<float, H, 1>>(wo);
        b_out = bo;
        h.setZero();
        c.setZero();
    }
    float step(float x) {
        const Eigen::Matrix<float, 4 * H, 1> g = w_ih * x + w_hh * h + b;
        const Eigen::Array<float, H, 1> i = sigmoid<H>(g.template head<H>().array());
        const Eigen::Array<float, H, 1> f = sigmoid<H>(g.template segment<H>(H).array());
        const Eigen::Array<float, H, 1> gg = g.template segment<H>(2 * H).array().tanh();
        const Eigen::Array<float, H, 1> o = sigmoid<H>(g.template tail<H>().array());
        c = (f * c.array() + i * gg).matrix();
        h = (o * c.array().tanh()).matrix();
        return w_out.dot(h) + b_out;
    }
};

/// One sample per call through `Net` (Input<1>, recurrent, Dense<1>) and its Eigen peer.
template <class Net, class Peer>
struct Stream {
    static constexpr double flops = double(Net::flops_forward);
    std::unique_ptr<Net> net = std::make_unique<Net>();
    typename Net::state_type state{};
    Peer peer;
    std::vector<float> signal = std::vector<float>(signal_length);
    std::size_t i_ctnn = 0, i_eigen = 0;
    float y_ctnn = 0, y_eigen = 0;
    double agreement = 0;

    explicit Stream(std::uint64_t seed) {
        ctnn::init::torch_default(*net, seed);
        std::mt19937 rng{std::uint32_t(seed)};
        fill_uniform(signal.data(), signal.size(), rng);
        const float* p = net->params();
        auto at = [&](const char* name) { return p + param_offset(name); };
        peer.load(at("0.weight_ih_l0"), at("0.weight_hh_l0"), at("0.bias_ih_l0"), at("0.bias_hh_l0"), at("1.weight"),
                  *at("1.bias"));
        // 512 steps from rest on both sides: the largest relative difference of the outputs
        std::vector<float> a(512), b(512);
        for (std::size_t t = 0; t < 512; ++t) {
            run_ctnn();
            run_eigen();
            a[t] = y_ctnn;
            b[t] = y_eigen;
        }
        agreement = rel_error(a.data(), b.data(), a.size());
    }
    static std::size_t param_offset(std::string_view name) {
        for (const auto& e : Net::param_table)
            if (e.name == name) return e.offset;
        std::abort();
    }
    void run_ctnn() noexcept {
        ctnn::Tensor<float, 1> x;
        x(0) = signal[i_ctnn];
        i_ctnn = (i_ctnn + 1) % signal_length;
        y_ctnn = net->forward(x, state)(0);
    }
    void run_eigen() noexcept {
        y_eigen = peer.step(signal[i_eigen]);
        i_eigen = (i_eigen + 1) % signal_length;
    }
    [[nodiscard]] double error() const { return agreement; }
};

using GruStreamNet = ctnn::Sequential<ctnn::Input<1>, ctnn::GRU<16>, ctnn::Dense<1>>;
using LstmStreamNet = ctnn::Sequential<ctnn::Input<1>, ctnn::LSTM<16>, ctnn::Dense<1>>;

// ---- training and inference on sequences ------------------------------------------
constexpr std::size_t seq_len = 2048, seq_batch = 8;
using GruSeqNet = ctnn::Sequential<ctnn::Input<seq_len, 1>, ctnn::GRU<16, 1, ctnn::Returns::last>, ctnn::Dense<1>>;

struct SeqTrain {
    std::unique_ptr<GruSeqNet> net = std::make_unique<GruSeqNet>();
    std::unique_ptr<GruSeqNet::workspace<seq_batch>> ws = std::make_unique<GruSeqNet::workspace<seq_batch>>();
    std::unique_ptr<GruSeqNet::gradients> g = std::make_unique<GruSeqNet::gradients>();
    std::unique_ptr<GruSeqNet::input_batch<seq_batch>> x = std::make_unique<GruSeqNet::input_batch<seq_batch>>();
    GruSeqNet::output_batch<seq_batch> t{};
    SeqTrain() {
        ctnn::init::torch_default(*net, 5);
        std::mt19937 rng(6);
        fill_uniform(x->data(), x->size, rng);
        fill_uniform(t.data(), t.size, rng);
    }
    void train() noexcept {
        ws->state.reset();
        benchmark::DoNotOptimize(ctnn::train::gradients<ctnn::MSE>(*net, *ws, *g, *x, t));
    }
    void infer() noexcept {
        ws->state.reset();
        net->forward(*x, *ws);
    }
#if CTNN_BENCH_LIBTORCH
    std::unique_ptr<LibtorchGru> torch_peer;
    void make_peer() {
        auto at = [&](std::string_view name) {
            for (const auto& e : GruSeqNet::param_table)
                if (e.name == name) return net->params() + e.offset;
            std::abort();
        };
        torch_peer = std::make_unique<LibtorchGru>(at("0.weight_ih_l0"), at("0.weight_hh_l0"), at("0.bias_ih_l0"),
                                                   at("0.bias_hh_l0"), at("1.weight"), at("1.bias"), x->data(),
                                                   t.data());
    }
    /// Relative difference of the loss and of ∂loss/∂weight_hh_l0.
    double torch_error() {
        ws->state.reset();
        const float loss = ctnn::train::gradients<ctnn::MSE>(*net, *ws, *g, *x, t);
        const float torch_loss = torch_peer->gradients();
        std::vector<float> gt(48 * 16);
        torch_peer->grad_w_hh(gt.data());
        std::size_t off = 0;
        for (const auto& e : GruSeqNet::param_table)
            if (e.name == "0.weight_hh_l0") off = e.offset;
        return std::max(rel_error(loss, torch_loss), rel_error(g->data + off, gt.data(), gt.size()));
    }
#endif
};

void register_all() {
    add_pair("gru16_stream", std::make_shared<Stream<GruStreamNet, EigenGru<16>>>(1));
    add_pair("lstm16_stream", std::make_shared<Stream<LstmStreamNet, EigenLstm<16>>>(2));
    auto s = std::make_shared<SeqTrain>();
    constexpr double samples = double(seq_len * seq_batch);
    benchmark::RegisterBenchmark("gru16_train/batch8_T2048/ctnn", [s](benchmark::State& st) {
        time_loop(st, [&] { s->train(); }, double(GruSeqNet::flops_forward + GruSeqNet::flops_backward) * seq_batch);
        st.counters["samples/s"] = benchmark::Counter(samples, benchmark::Counter::kIsIterationInvariantRate);
    })->Unit(benchmark::kMillisecond);
#if CTNN_BENCH_LIBTORCH
    s->make_peer();
    checks().push_back({"gru16_train/batch8_T2048 (libtorch)", [s] { return s->torch_error(); }});
    benchmark::RegisterBenchmark("gru16_train/batch8_T2048/libtorch", [s](benchmark::State& st) {
        time_loop(st, [&] { benchmark::DoNotOptimize(s->torch_peer->gradients()); },
                  double(GruSeqNet::flops_forward + GruSeqNet::flops_backward) * seq_batch);
        st.counters["samples/s"] = benchmark::Counter(samples, benchmark::Counter::kIsIterationInvariantRate);
    })->Unit(benchmark::kMillisecond);
#endif
    benchmark::RegisterBenchmark("gru16_sequence/batch8_T2048/ctnn", [s](benchmark::State& st) {
        time_loop(st, [&] { s->infer(); }, double(GruSeqNet::flops_forward) * seq_batch);
        st.counters["samples/s"] = benchmark::Counter(samples, benchmark::Counter::kIsIterationInvariantRate);
    })->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_recurrent", argc, argv, register_all);
}
