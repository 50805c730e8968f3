/// \file expr_layer.cpp
/// ExprLayer (layers/expr_layer.hpp) against the built-in layer it rewrites:
/// a training step's forward and backward (parameter gradients and ∂L/∂input)
/// of `Dense<N>` + `Tanh` written as the expression
/// `tanh(matmul(x, transpose(W)) + b)` and of `Sequential<..., Dense<N>, Tanh>`,
/// same weights, same upstream gradient, in one binary.
///
/// | workload | shapes |
/// |---|---|
/// | `dense_tanh/784x128/batch1`, `.../batch64` | 784 → 128 |
/// | `dense_tanh/64x64/batch1`, `.../batch64` | 64 → 64 |
///
/// Names are `<workload>/expr_layer` and `<workload>/builtin`; both sides'
/// outputs and gradients are checked to agree before anything is timed.
/// GFLOP/s and pct_peak count the built-in layer's flops for both.
#include <algorithm>
#include <array>
#include <memory>
#include <random>
#include <string>

#include <ctnn/net.hpp>

#include "common.hpp"

using namespace ctnn_bench;

namespace {

template <std::size_t N>
struct DenseTanh {
    template <std::size_t In>
    static constexpr std::array params{ctnn::linear_weight("weight", N, In), ctnn::linear_bias("bias", N, In)};
    static auto forward(const auto& x, const auto& W, const auto& b) { return tanh(matmul(x, transpose(W)) + b); }
};

template <class Net, std::size_t B>
struct Side {
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<typename Net::template workspace<B>> ws = std::make_unique<typename Net::template workspace<B>>();
    std::unique_ptr<typename Net::gradients> g = std::make_unique<typename Net::gradients>();
    std::unique_ptr<typename Net::template input_batch<B>> dx = std::make_unique<typename Net::template input_batch<B>>();

    void step(const typename Net::template input_batch<B>& x, const float* dy) noexcept {
        net->template forward<true>(x, *ws);
        float* to = ws->output_grad().data();
        for (std::size_t i = 0; i < B * Net::out_shape::size; ++i) to[i] = dy[i];
        net->backward(x, *ws, *g, dx.get());
    }
};

template <std::size_t In, std::size_t N, std::size_t B>
struct Workload {
    using Builtin = ctnn::Sequential<ctnn::Input<In>, ctnn::Dense<N>, ctnn::Tanh>;
    using Expr = ctnn::Sequential<ctnn::Input<In>, ctnn::ExprLayer<DenseTanh<N>>>;
    static constexpr double flops = double(B) * double(4 * In * N + 2 * In * N + 2 * N);
    Side<Builtin, B> builtin;
    Side<Expr, B> expr;
    std::unique_ptr<typename Builtin::template input_batch<B>> x =
        std::make_unique<typename Builtin::template input_batch<B>>();
    std::unique_ptr<ctnn::Tensor<float, B * N>> dy = std::make_unique<ctnn::Tensor<float, B * N>>();

    explicit Workload(std::uint64_t seed) {
        std::mt19937 rng{unsigned(seed)};
        ctnn::init::torch_default(*builtin.net, seed);
        for (std::size_t i = 0; i < Builtin::param_storage; ++i) expr.net->params()[i] = builtin.net->params()[i];
        fill_uniform(x->data(), x->size, rng);
        fill_uniform(dy->data(), dy->size, rng);
    }
    void run_expr() noexcept { expr.step(*x, dy->data()); }
    void run_builtin() noexcept { builtin.step(*x, dy->data()); }
    double error() const {
        double e = rel_error(expr.ws->output().data(), builtin.ws->output().data(), B * N);
        e = std::max(e, rel_error(expr.g->data, builtin.g->data, Builtin::param_storage));
        return std::max(e, rel_error(expr.dx->data(), builtin.dx->data(), B * In));
    }
};

template <std::size_t In, std::size_t N, std::size_t B>
void add(std::uint64_t seed) {
    using W = Workload<In, N, B>;
    auto w = std::make_shared<W>(seed);
    const std::string name =
        "dense_tanh/" + std::to_string(In) + "x" + std::to_string(N) + "/batch" + std::to_string(B);
    checks().push_back({name, [w] {
                            w->run_expr();
                            w->run_builtin();
                            return w->error();
                        }});
    benchmark::RegisterBenchmark((name + "/expr_layer").c_str(),
                                 [w](benchmark::State& s) { time_loop(s, [&] { w->run_expr(); }, W::flops); });
    benchmark::RegisterBenchmark((name + "/builtin").c_str(),
                                 [w](benchmark::State& s) { time_loop(s, [&] { w->run_builtin(); }, W::flops); });
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_expr_layer", argc, argv, [] {
        add<784, 128, 1>(1);
        add<784, 128, 64>(2);
        add<64, 64, 1>(3);
        add<64, 64, 64>(4);
    });
}
