/// \file conv2d.cpp
/// `ctnn_bench_conv2d`: 2-D convolutions on the shapes of a Fashion-MNIST CNN.
///
/// | workload | layer | what is timed |
/// |---|---|---|
/// | `conv2d/fwd/b64_1to16_28x28` | Conv2D 1 -> 16, 3x3, Pad<1>, on [1, 28, 28], batch 64 | one forward |
/// | `conv2d/fwd_bwd/b64_1to16_28x28` | the same | training forward and backward from a fixed ∂L/∂y (no input gradient: a first layer) |
/// | `conv2d/fwd/b64_16to32_14x14` | Conv2D 16 -> 32, 3x3, Pad<1>, on [16, 14, 14], batch 64 | one forward |
/// | `conv2d/fwd_bwd/b64_16to32_14x14` | the same | training forward and backward with the input gradient |
/// | `.../b1_...` | the same at batch 1 | the same |
///
/// Implementations (`<workload>/<impl>`): `ctnn` (the layer: im2col + gemm.hpp
/// with the fused bias epilogue), `eigen` (the same algorithm written by hand:
/// a padded copy, im2col, Eigen's GEMM on mapped row-major matrices, col2im),
/// and for the 1-channel first layer's forward `direct` (no patch matrix: per
/// output channel, nine SIMD axpys over the padded image as one flat row, the
/// two pad columns of each row computed and dropped) and `direct_blocked`
/// (the same over packs of positions, the nine shifted input packs loaded once
/// for all 16 output channels). Before timing, every
/// peer's output (and gradients, for fwd_bwd) must agree with ctnn's.

#include <cstddef>
#include <memory>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <Eigen/Core>

#include <ctnn/net.hpp>
#include <ctnn/simd/map.hpp>

#include "common.hpp"

namespace {

using namespace ctnn_bench;
using ctnn::Conv2D;
using ctnn::Input;
using ctnn::Pad;

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapM = Eigen::Map<RowMat, Eigen::Aligned64>;
using MapCM = Eigen::Map<const RowMat, Eigen::Aligned64>;

/// 3x3, stride 1, padding 1: `[C, H, W]` -> `[Out, H, W]` at batch B.
template <std::size_t B, std::size_t C, std::size_t H, std::size_t W, std::size_t Out>
struct Conv3x3 {
    using Net = ctnn::Sequential<Input<C, H, W>, Conv2D<Out, 3, 3, 1, 1, 1, Pad<1>>>;
    static constexpr std::size_t Hp = H + 2, Wp = W + 2, HW = H * W, CK = C * 9;
    /// The first layer of a network needs no input gradient.
    static constexpr bool input_grad = C > 1;
    static constexpr double flops_forward = double(B) * 2.0 * Out * CK * HW;
    static constexpr double flops_fwd_bwd = flops_forward * (input_grad ? 3.0 : 2.0);

    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<typename Net::template workspace<B>> ws = std::make_unique<typename Net::template workspace<B>>();
    std::unique_ptr<typename Net::gradients> g = std::make_unique<typename Net::gradients>();
    std::unique_ptr<typename Net::template input_batch<B>> x = std::make_unique<typename Net::template input_batch<B>>();
    std::unique_ptr<typename Net::template input_batch<B>> dx = std::make_unique<typename Net::template input_batch<B>>();

    // the peers' buffers: padded inputs, patches, outputs, gradients
    template <std::size_t N>
    using buffer = ctnn::Tensor<float, N>;
    std::unique_ptr<buffer<B * C * Hp * Wp>> xp = std::make_unique<buffer<B * C * Hp * Wp>>();
    std::unique_ptr<buffer<CK * HW>> cols = std::make_unique<buffer<CK * HW>>();
    std::unique_ptr<buffer<CK * HW>> dcols = std::make_unique<buffer<CK * HW>>();
    std::unique_ptr<buffer<B * Out * HW>> y = std::make_unique<buffer<B * Out * HW>>();
    std::unique_ptr<buffer<B * Out * H * Wp>> yflat = std::make_unique<buffer<B * Out * H * Wp>>();
    std::unique_ptr<buffer<B * Out * HW>> dy = std::make_unique<buffer<B * Out * HW>>();
    std::unique_ptr<buffer<Out * CK>> dw = std::make_unique<buffer<Out * CK>>();
    std::unique_ptr<buffer<Out>> db = std::make_unique<buffer<Out>>();
    std::unique_ptr<buffer<B * C * Hp * Wp>> dxp = std::make_unique<buffer<B * C * Hp * Wp>>();
    std::unique_ptr<buffer<B * C * HW>> dx_peer = std::make_unique<buffer<B * C * HW>>();

    Conv3x3(unsigned seed, std::mt19937& rng) {
        ctnn::init::torch_default(*net, seed);
        fill_uniform(x->data(), x->size, rng);
        // a fixed ∂L/∂y (the loss of a whole network is not this layer's cost)
        fill_uniform(ws->output_grad().data(), B * Out * HW, rng);
        for (std::size_t i = 0; i < B * Out * HW; ++i) dy->data()[i] = ws->output_grad().data()[i];
    }
    const float* weight() { return net->template param<"0.weight">().data(); }
    const float* bias() { return net->template param<"0.bias">().data(); }

    void forward() { net->forward(*x, *ws); }
    void forward_backward() {
        net->template forward<true>(*x, *ws);
        net->backward(*x, *ws, *g, input_grad ? dx.get() : nullptr);
    }

    void pad_input() {
        for (std::size_t bc = 0; bc < B * C; ++bc) {
            float* to = xp->data() + bc * Hp * Wp;
            for (std::size_t i = 0; i < Wp; ++i) to[i] = to[(Hp - 1) * Wp + i] = 0;
            for (std::size_t h = 0; h < H; ++h) {
                float* row = to + (h + 1) * Wp;
                row[0] = row[W + 1] = 0;
                for (std::size_t w = 0; w < W; ++w) row[w + 1] = x->data()[(bc * H + h) * W + w];
            }
        }
    }
    void im2col(std::size_t b) {
        for (std::size_t c = 0; c < C; ++c)
            for (std::size_t k = 0; k < 9; ++k) {
                const float* from = xp->data() + (b * C + c) * Hp * Wp + (k / 3) * Wp + k % 3;
                float* to = cols->data() + (c * 9 + k) * HW;
                for (std::size_t h = 0; h < H; ++h)
                    for (std::size_t w = 0; w < W; ++w) to[h * W + w] = from[h * Wp + w];
            }
    }
    /// Eigen: Y_b = W · cols_b + b.
    void eigen_forward() {
        pad_input();
        MapCM wm(weight(), Out, CK);
        const Eigen::Map<const Eigen::VectorXf> bv(bias(), Out);
        for (std::size_t b = 0; b < B; ++b) {
            im2col(b);
            MapM yb(y->data() + b * Out * HW, Out, HW);
            yb.noalias() = wm * MapCM(cols->data(), CK, HW);
            yb.colwise() += bv;
        }
    }
    /// Eigen: forward, then from the fixed dY: dW = Σ dY_b cols_bᵀ, db, dcols = Wᵀ dY_b, col2im.
    void eigen_forward_backward() {
        eigen_forward();
        MapCM wm(weight(), Out, CK);
        MapM dwm(dw->data(), Out, CK);
        dwm.setZero();
        Eigen::Map<Eigen::VectorXf> dbv(db->data(), Out);
        dbv.setZero();
        if constexpr (input_grad)
            for (float& v : *dxp) v = 0;
        for (std::size_t b = 0; b < B; ++b) {
            im2col(b);
            MapCM dyb(dy->data() + b * Out * HW, Out, HW);
            dwm.noalias() += dyb * MapCM(cols->data(), CK, HW).transpose();
            dbv += dyb.rowwise().sum();
            if constexpr (input_grad) {
                MapM(dcols->data(), CK, HW).noalias() = wm.transpose() * dyb;
                for (std::size_t c = 0; c < C; ++c)
                    for (std::size_t k = 0; k < 9; ++k) {
                        float* to = dxp->data() + (b * C + c) * Hp * Wp + (k / 3) * Wp + k % 3;
                        const float* from = dcols->data() + (c * 9 + k) * HW;
                        for (std::size_t h = 0; h < H; ++h)
                            for (std::size_t w = 0; w < W; ++w) to[h * Wp + w] += from[h * W + w];
                    }
            }
        }
        if constexpr (input_grad)
            for (std::size_t bc = 0; bc < B * C; ++bc)
                for (std::size_t h = 0; h < H; ++h)
                    for (std::size_t w = 0; w < W; ++w)
                        dx_peer->data()[(bc * H + h) * W + w] = dxp->data()[bc * Hp * Wp + (h + 1) * Wp + w + 1];
    }
    /// Direct (1 input channel): per output channel, y over the padded image's
    /// rows as one flat row of H·Wp values: y += w[k] · xp[flat + kh·Wp + kw].
    void direct_forward() {
        static_assert(C == 1);
        pad_input();
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t o = 0; o < Out; ++o) {
                float* yo = yflat->data() + (b * Out + o) * H * Wp;
                const float* xb = xp->data() + b * Hp * Wp;
                const float* wo = weight() + o * 9;
                const float bo = bias()[o];
                ctnn::simd::map_n<H * Wp>(
                    [bo, wo](auto x0, auto x1, auto x2) {
                        using P = decltype(x0);
                        return P(bo) + P(wo[0]) * x0 + P(wo[1]) * x1 + P(wo[2]) * x2;
                    },
                    yo, xb, xb + 1, xb + 2);
                for (std::size_t kh = 1; kh < 3; ++kh) {
                    const float* r = xb + kh * Wp;
                    const float* wk = wo + kh * 3;
                    ctnn::simd::map_n<H * Wp - 2>(
                        [wk](auto a, auto x0, auto x1, auto x2) {
                            using P = decltype(x0);
                            return a + P(wk[0]) * x0 + P(wk[1]) * x1 + P(wk[2]) * x2;
                        },
                        yo, yo, r, r + 1, r + 2);
                }
                // the output rows, without the two columns that straddle the rows' ends
                float* to = y->data() + (b * Out + o) * HW;
                for (std::size_t h = 0; h < H; ++h)
                    for (std::size_t w = 0; w < W; ++w) to[h * W + w] = yo[h * Wp + w];
            }
    }

    /// Direct (1 input channel), register-blocked: for each pack of positions
    /// of the padded image's flat rows, the nine shifted packs are loaded once
    /// and feed every output channel (9 FMAs each); then the rows are compacted.
    void direct_blocked_forward() {
        static_assert(C == 1);
        using P = ctnn::simd::pack<float>;
        constexpr std::size_t w = P::size, n = H * Wp, full = (n - 2) / w * w;
        pad_input();
        alignas(64) float wt[9][Out];
        for (std::size_t o = 0; o < Out; ++o)
            for (std::size_t k = 0; k < 9; ++k) wt[k][o] = weight()[o * 9 + k];
        for (std::size_t b = 0; b < B; ++b) {
            const float* xb = xp->data() + b * Hp * Wp;
            float* yb = yflat->data() + b * Out * n;
            for (std::size_t p = 0; p < full; p += w) {
                P v[9];
                for (std::size_t k = 0; k < 9; ++k) v[k] = P::load_unaligned(xb + p + (k / 3) * Wp + k % 3);
                for (std::size_t o = 0; o < Out; ++o) {
                    P acc(bias()[o]);
                    for (std::size_t k = 0; k < 9; ++k) acc = xsimd::fma(P(wt[k][o]), v[k], acc);
                    acc.store_unaligned(yb + o * n + p);
                }
            }
            for (std::size_t p = full; p < n - 2; ++p)
                for (std::size_t o = 0; o < Out; ++o) {
                    float acc = bias()[o];
                    for (std::size_t k = 0; k < 9; ++k) acc += wt[k][o] * xb[p + (k / 3) * Wp + k % 3];
                    yb[o * n + p] = acc;
                }
            for (std::size_t o = 0; o < Out; ++o) {
                float* to = y->data() + (b * Out + o) * HW;
                for (std::size_t h = 0; h < H; ++h)
                    for (std::size_t x = 0; x < W; ++x) to[h * W + x] = yb[o * n + h * Wp + x];
            }
        }
    }

    double forward_error() {
        forward();
        eigen_forward();
        return rel_error(y->data(), ws->output().data(), B * Out * HW);
    }
    double direct_error() {
        forward();
        direct_forward();
        return rel_error(y->data(), ws->output().data(), B * Out * HW);
    }
    double direct_blocked_error() {
        forward();
        direct_blocked_forward();
        return rel_error(y->data(), ws->output().data(), B * Out * HW);
    }
    double backward_error() {
        forward_backward();
        eigen_forward_backward();
        double e = rel_error(dw->data(), g->data, Out * CK);
        e = std::max(e, rel_error(db->data(), g->data + Net::param_table[1].offset, Out));
        if constexpr (input_grad) e = std::max(e, rel_error(dx_peer->data(), dx->data(), B * C * HW));
        return e;
    }
};

template <class S>
void add_workload(const std::string& shape, unsigned seed, bool direct) {
    std::mt19937 rng(seed);
    auto w = std::make_shared<S>(seed, rng);
    checks().push_back({"conv2d/fwd/" + shape, [w] { return w->forward_error(); }});
    checks().push_back({"conv2d/fwd_bwd/" + shape, [w] { return w->backward_error(); }});
    auto reg = [](const std::string& name, double flops, auto run) {
        benchmark::RegisterBenchmark(name.c_str(), [flops, run](benchmark::State& s) { time_loop(s, run, flops); });
    };
    reg("conv2d/fwd/" + shape + "/ctnn", S::flops_forward, [w] { w->forward(); });
    reg("conv2d/fwd/" + shape + "/eigen", S::flops_forward, [w] { w->eigen_forward(); });
    if constexpr (S::CK == 9) {
        if (direct) {
            checks().push_back({"conv2d/fwd/" + shape + "/direct", [w] { return w->direct_error(); }});
            reg("conv2d/fwd/" + shape + "/direct", S::flops_forward, [w] { w->direct_forward(); });
            checks().push_back({"conv2d/fwd/" + shape + "/direct_blocked", [w] { return w->direct_blocked_error(); }});
            reg("conv2d/fwd/" + shape + "/direct_blocked", S::flops_forward, [w] { w->direct_blocked_forward(); });
        }
    }
    reg("conv2d/fwd_bwd/" + shape + "/ctnn", S::flops_fwd_bwd, [w] { w->forward_backward(); });
    reg("conv2d/fwd_bwd/" + shape + "/eigen", S::flops_fwd_bwd, [w] { w->eigen_forward_backward(); });
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_conv2d", argc, argv, [] {
        add_workload<Conv3x3<64, 1, 28, 28, 16>>("b64_1to16_28x28", 1, true);
        add_workload<Conv3x3<64, 16, 14, 14, 32>>("b64_16to32_14x14", 2, false);
        add_workload<Conv3x3<1, 1, 28, 28, 16>>("b1_1to16_28x28", 3, true);
        add_workload<Conv3x3<1, 16, 14, 14, 32>>("b1_16to32_14x14", 4, false);
    });
}
