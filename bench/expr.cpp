/// \file expr.cpp
/// `ctnn_bench_expr`: tensor expressions and their generated gradients
/// against the same work written by hand (issue 3's benchmarks).
///
/// | workload | ctnn | peers |
/// |---|---|---|
/// | `fused_sigmoid/65536` | `assign(out, sigmoid(a * w + b))` | a hand-written xsimd loop; an Eigen array expression |
/// | `fwd_bwd_sum_sigmoid/100x1000` | `grad_into(sum(sigmoid(matmul(W, x) + b)), wrt(W, b), dW, db)` | hand-written Eigen, on the same row-major W and on a column-major copy |
/// | `deep_grad/<nodes>` (12, 24, 48, 96) | `grad_into(sum(h_L), wrt(x, w, b), ...)`, `h_{k+1} = sigmoid(h_k * w + b)`, `h_0 = x` (1024 floats); `value`: `evaluate(sum(h_L))` | a hand-written xsimd loop (values of the layers in registers, then the chain rule backwards) |
///
/// Same data on every side; before anything is timed each side runs once
/// and is compared with ctnn (outputs, loss and both gradients), and a
/// disagreement exits 1.

#include <cstddef>
#include <memory>
#include <random>
#include <string>

#include <benchmark/benchmark.h>
#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include <ctnn/autodiff.hpp>
#include <ctnn/core/tensor.hpp>
#include <ctnn/expr.hpp>

#include "common.hpp"

namespace {

using namespace ctnn_bench;

// ---- fused_sigmoid -------------------------------------------------------------
/// out = sigmoid(a ⊙ w + b) over N floats: one pass, three loads and one
/// store per element. Counters: elements and bytes (16 per element) per
/// second; no flop count (the exp dominates and is not a fixed number of flops).
template <std::size_t N>
struct FusedSigmoid {
    static std::string name() { return "fused_sigmoid/" + std::to_string(N); }
    static constexpr double elems = double(N);
    static constexpr double bytes = 16.0 * N;

    ctnn::Tensor<float, N> a, w, b, out_ctnn, out_xsimd, out_eigen;

    explicit FusedSigmoid(std::mt19937& rng) {
        // a ⊙ w + b in about [-8, 8]: the whole range where sigmoid is not yet 0 or 1
        fill_uniform(a.data(), N, rng, -4.0f, 4.0f);
        fill_uniform(w.data(), N, rng, -1.5f, 1.5f);
        fill_uniform(b.data(), N, rng, -2.0f, 2.0f);
    }

    void run_ctnn() noexcept { ctnn::assign(out_ctnn, ctnn::sigmoid(a * w + b)); }

    /// What a user of xsimd writes: full packs of the widest architecture
    /// (N is a multiple of every pack width), aligned loads, the same formula.
    void run_xsimd() noexcept {
        using B = xsimd::batch<float>;
        static_assert(N % B::size == 0);
        const float* pa = a.data();
        const float* pw = w.data();
        const float* pb = b.data();
        float* po = out_xsimd.data();
        const B one(1.0f);
        for (std::size_t i = 0; i < N; i += B::size) {
            const B z = xsimd::fma(B::load_aligned(pa + i), B::load_aligned(pw + i), B::load_aligned(pb + i));
            (one / (one + xsimd::exp(-z))).store_aligned(po + i);
        }
    }

    void run_eigen() noexcept {
        using A = Eigen::Array<float, Eigen::Dynamic, 1>;
        Eigen::Map<const A, Eigen::Aligned64> ea(a.data(), N), ew(w.data(), N), eb(b.data(), N);
        Eigen::Map<A, Eigen::Aligned64> eo(out_eigen.data(), N);
        eo = 1.0f / (1.0f + (-(ea * ew + eb)).exp());
    }
};

template <std::size_t N>
void add_fused_sigmoid(unsigned seed) {
    std::mt19937 rng(seed);
    auto s = std::make_shared<FusedSigmoid<N>>(rng);
    const std::string name = FusedSigmoid<N>::name();
    using W = FusedSigmoid<N>;
    checks().push_back({name + " (xsimd)", [s] {
                            s->run_ctnn();
                            s->run_xsimd();
                            return rel_error(s->out_ctnn.data(), s->out_xsimd.data(), N);
                        }});
    checks().push_back({name + " (eigen)", [s] {
                            s->run_ctnn();
                            s->run_eigen();
                            return rel_error(s->out_ctnn.data(), s->out_eigen.data(), N);
                        }});
    benchmark::RegisterBenchmark((name + "/ctnn").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_ctnn(); }, 0, W::elems, W::bytes);
    });
    benchmark::RegisterBenchmark((name + "/xsimd").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_xsimd(); }, 0, W::elems, W::bytes);
    });
    benchmark::RegisterBenchmark((name + "/eigen").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_eigen(); }, 0, W::elems, W::bytes);
    });
}

// ---- fwd_bwd_sum_sigmoid ---------------------------------------------------------
/// L = Σ sigmoid(W x + b) and its gradients dW = (s ⊙ (1 - s)) xᵀ, db = s ⊙ (1 - s),
/// W [Out, In] (the lecture's hidden layer: 100 x 1000). Flops: 2·Out·In for
/// W x and Out·In for the outer product (the element-wise work is O(Out)).
template <std::size_t Out, std::size_t In>
struct FwdBwdSumSigmoid {
    static std::string name() { return "fwd_bwd_sum_sigmoid/" + std::to_string(Out) + "x" + std::to_string(In); }
    static constexpr double flops = 3.0 * Out * In;

    ctnn::Tensor<float, Out, In> w, dw_ctnn, dw_eigen, dw_eigen_cm;
    ctnn::Tensor<float, In> x;
    ctnn::Tensor<float, Out> b, db_ctnn, db_eigen, db_eigen_cm;
    float loss_ctnn = 0, loss_eigen = 0, loss_eigen_cm = 0;

    // Eigen, on the same row-major [Out, In] storage as ctnn (fixed-size maps).
    using RowMat = Eigen::Matrix<float, Out, In, Eigen::RowMajor>;
    using Vec = Eigen::Matrix<float, Out, 1>;
    using InVec = Eigen::Matrix<float, In, 1>;
    Eigen::Map<const RowMat, Eigen::Aligned64> ew{w.data()};
    Eigen::Map<const InVec, Eigen::Aligned64> ex{x.data()};
    Eigen::Map<const Vec, Eigen::Aligned64> eb{b.data()};
    Eigen::Map<RowMat, Eigen::Aligned64> edw{dw_eigen.data()};
    Eigen::Map<Vec, Eigen::Aligned64> edb{db_eigen.data()};
    // Eigen in its own default layout: W column-major, in a heap matrix of its own.
    Eigen::MatrixXf w_cm = Eigen::MatrixXf(ew);
    Eigen::MatrixXf dw_cm = Eigen::MatrixXf::Zero(Out, In);
    Vec z, s;

    explicit FwdBwdSumSigmoid(std::mt19937& rng) {
        fill_uniform(w.data(), Out * In, rng, -0.1f, 0.1f);  // W x + b of order 1
        fill_uniform(x.data(), In, rng);
        fill_uniform(b.data(), Out, rng);
        w_cm = Eigen::MatrixXf(ew);
    }

    void run_ctnn() noexcept {
        loss_ctnn = ctnn::grad_into(ctnn::sum(ctnn::sigmoid(ctnn::matmul(w, x) + b)), ctnn::wrt(w, b), dw_ctnn,
                                    db_ctnn);
    }

    /// The gradient written by hand, the natural way.
    void run_eigen() noexcept {
        z.noalias() = ew * ex;
        z += eb;
        s = 1.0f / (1.0f + (-z.array()).exp());
        loss_eigen = s.sum();
        edb = s.array() * (1.0f - s.array());
        edw.noalias() = edb * ex.transpose();
    }
    void run_eigen_colmajor() noexcept {
        z.noalias() = w_cm * ex;
        z += eb;
        s = 1.0f / (1.0f + (-z.array()).exp());
        loss_eigen_cm = s.sum();
        Eigen::Map<Vec, Eigen::Aligned64> db(db_eigen_cm.data());
        db = s.array() * (1.0f - s.array());
        dw_cm.noalias() = db * ex.transpose();
    }

    double error_eigen() const {
        return std::max({rel_error(loss_ctnn, loss_eigen), rel_error(dw_ctnn.data(), dw_eigen.data(), Out * In),
                         rel_error(db_ctnn.data(), db_eigen.data(), Out)});
    }
    double error_eigen_colmajor() {
        // back to row-major for the comparison
        Eigen::Map<RowMat, Eigen::Aligned64>(dw_eigen_cm.data()) = dw_cm;
        return std::max({rel_error(loss_ctnn, loss_eigen_cm),
                         rel_error(dw_ctnn.data(), dw_eigen_cm.data(), Out * In),
                         rel_error(db_ctnn.data(), db_eigen_cm.data(), Out)});
    }
};

template <std::size_t Out, std::size_t In>
void add_fwd_bwd_sum_sigmoid(unsigned seed) {
    using W = FwdBwdSumSigmoid<Out, In>;
    std::mt19937 rng(seed);
    auto s = std::make_shared<W>(rng);
    const std::string name = W::name();
    checks().push_back({name + " (eigen)", [s] {
                            s->run_ctnn();
                            s->run_eigen();
                            return s->error_eigen();
                        }});
    checks().push_back({name + " (eigen_colmajor)", [s] {
                            s->run_ctnn();
                            s->run_eigen_colmajor();
                            return s->error_eigen_colmajor();
                        }});
    benchmark::RegisterBenchmark((name + "/ctnn").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_ctnn(); }, W::flops);
    });
    benchmark::RegisterBenchmark((name + "/eigen").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_eigen(); }, W::flops);
    });
    benchmark::RegisterBenchmark((name + "/eigen_colmajor").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_eigen_colmajor(); }, W::flops);
    });
}

// ---- deep_grad ---------------------------------------------------------------------
/// The gradient of a deep element-wise expression: L layers h_{k+1} =
/// sigmoid(h_k ⊙ w + b) (3 nodes each) summed, with respect to x = h_0, w and
/// b, over N floats. Linear in the depth (issue 16): the ratio grad / value
/// should stay flat from 12 to 96 nodes. Counter: elements per second.
template <int Layers, std::size_t N = 1024>
struct DeepGrad {
    static std::string name() { return "deep_grad/" + std::to_string(3 * Layers); }
    static constexpr double elems = double(N);
    using Vec = ctnn::Tensor<float, N>;
    Vec x, w, b, dx, dw, db, hx, hw, hb;
    float value_ctnn = 0, loss_ctnn = 0, loss_hand = 0;

    explicit DeepGrad(std::mt19937& rng) {
        fill_uniform(x.data(), N, rng, -1.0f, 1.0f);
        fill_uniform(w.data(), N, rng, 0.5f, 1.5f);
        fill_uniform(b.data(), N, rng, -0.5f, 0.5f);
    }

    template <int D, class E>
    static auto layers(const E& e, const Vec& w, const Vec& b) {
        if constexpr (D == 0)
            return e;
        else
            return layers<D - 1>(ctnn::sigmoid(e * w + b), w, b);
    }
    auto loss() const { return ctnn::sum(layers<Layers>(ctnn::ref(x), w, b)); }

    void run_value() noexcept { value_ctnn = ctnn::evaluate(loss())[0]; }
    void run_ctnn() noexcept { loss_ctnn = ctnn::grad_into(loss(), ctnn::wrt(x, w, b), dx, dw, db); }

    /// By hand: per pack, the layers' values in registers, then backwards.
    void run_hand() noexcept {
        using B = xsimd::batch<float>;
        static_assert(N % B::size == 0);
        const B one(1.0f);
        B sum(0.0f);
        for (std::size_t i = 0; i < N; i += B::size) {
            const B wi = B::load_unaligned(w.data() + i), bi = B::load_unaligned(b.data() + i);
            B h[Layers + 1];
            h[0] = B::load_unaligned(x.data() + i);
            for (int k = 0; k < Layers; ++k) h[k + 1] = one / (one + xsimd::exp(-(h[k] * wi + bi)));
            sum += h[Layers];
            B g = one, gw(0.0f), gb(0.0f);
            for (int k = Layers; k-- > 0;) {
                const B dz = g * h[k + 1] * (one - h[k + 1]);
                gw += dz * h[k];
                gb += dz;
                g = dz * wi;
            }
            g.store_unaligned(hx.data() + i);
            gw.store_unaligned(hw.data() + i);
            gb.store_unaligned(hb.data() + i);
        }
        loss_hand = xsimd::hadd(sum);
    }

    double error_hand() const {
        return std::max({rel_error(loss_ctnn, loss_hand), rel_error(loss_ctnn, value_ctnn),
                         rel_error(dx.data(), hx.data(), N), rel_error(dw.data(), hw.data(), N),
                         rel_error(db.data(), hb.data(), N)});
    }
};

template <int Layers>
void add_deep_grad(unsigned seed) {
    using W = DeepGrad<Layers>;
    std::mt19937 rng(seed);
    auto s = std::make_shared<W>(rng);
    const std::string name = W::name();
    checks().push_back({name + " (hand)", [s] {
                            s->run_value();
                            s->run_ctnn();
                            s->run_hand();
                            return s->error_hand();
                        }});
    benchmark::RegisterBenchmark((name + "/value").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_value(); }, 0, W::elems);
    });
    benchmark::RegisterBenchmark((name + "/ctnn").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_ctnn(); }, 0, W::elems);
    });
    benchmark::RegisterBenchmark((name + "/hand").c_str(), [s](benchmark::State& st) {
        time_loop(st, [&] { s->run_hand(); }, 0, W::elems);
    });
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_expr", argc, argv, [] {
        unsigned seed = 20240701;
        add_fused_sigmoid<65536>(seed++);
        add_fwd_bwd_sum_sigmoid<100, 1000>(seed++);
        add_deep_grad<4>(seed++);
        add_deep_grad<8>(seed++);
        add_deep_grad<16>(seed++);
        add_deep_grad<32>(seed++);
    });
}
