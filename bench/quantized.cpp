/// \file quantized.cpp
/// Reduced-precision inference at batch 1 (issue 13, items 3 and 4), ctnn and
/// its Eigen peer in one run:
///
/// | name | what |
/// |---|---|
/// | `mlp_mnist/{float,bf16,int8}` | 784 → 128 ReLU → 10 softmax, `forward(x, y)` |
/// | `mlp_mnist/eigen_colmajor` | the same in Eigen, fixed-size column-major W x + b (the peer) |
/// | `gemv_128x784/{fp32,bf16,int8}` | the first layer's product alone (+ its input staging), GB/s of weights read |
/// | `gemv_128x784/bf16_f32x` | the measured alternative: x kept in float, weights widened by a shift (not used) |
/// | `gemv_128x784/eigen_colmajor` | Eigen's W x |
/// | `int8_parts/*` | mlp_mnist int8's forward taken apart: the input quantized, layer 1's GEMV alone, ReLU, layer 1 whole, layer 2, softmax |
/// | `l2/read`, `l2/copy` | 200 KB read (8 accumulators) / copied with 512-bit loads: the L2 bandwidth in this binary |
/// | `l2/read_{int8,bf16}_weights` | layer 1's own weight array read the same way: each quantized GEMV's floor |
///
/// Agreement checks before timing: ctnn float against Eigen, and each
/// quantized network's SIMD path against its portable emulation (0 expected).
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>

#include <ctnn/ctnn.hpp>
#include <ctnn/quant.hpp>

#include "common.hpp"
#include "eigen_peers.hpp"

namespace {

using namespace ctnn_bench;
using ctnn::Dense;
using ctnn::Input;
using MnistNet = ctnn::Sequential<Input<784>, Dense<128>, ctnn::ReLU, Dense<10>, ctnn::Softmax>;
namespace q = ctnn::simd::quant;

struct Mnist {
    std::unique_ptr<MnistNet> net = std::make_unique<MnistNet>();
    std::unique_ptr<ctnn::Quantized<MnistNet, ctnn::quant::bf16_weights>> b16;
    std::unique_ptr<ctnn::Quantized<MnistNet, ctnn::quant::int8_weights>> i8;
    std::unique_ptr<ctnn::Quantized<MnistNet, ctnn::quant::bf16_policy<true>>> b16_portable;
    std::unique_ptr<ctnn::Quantized<MnistNet, ctnn::quant::int8_policy<true>>> i8_portable;
    std::unique_ptr<ctnn::Tensor<float, 128 * 784>> w1_data = std::make_unique<ctnn::Tensor<float, 128 * 784>>();
    Eigen::Map<Eigen::Matrix<float, 128, 784>, Eigen::Aligned64> w1{w1_data->data()};  // column-major copy
    Eigen::Matrix<float, 10, 128> w2;
    Eigen::Matrix<float, 128, 1> b1;
    Eigen::Matrix<float, 10, 1> b2;
    MnistNet::input_type x;
    MnistNet::output_type y;
    std::vector<float> calibration = std::vector<float>(64 * 784);

    Mnist() {
        ctnn::init::torch_default(*net, 7);
        std::mt19937 rng(3);
        fill_uniform(calibration.data(), calibration.size(), rng, 0.0f, 1.0f);  // pixels
        std::copy(calibration.begin(), calibration.begin() + 784, x.data());
        const ctnn::quant::sample_rows rows{calibration.data(), 64, 784};
        b16 = ctnn::quant::quantize<ctnn::quant::bf16_weights>(*net);
        i8 = ctnn::quant::quantize<ctnn::quant::int8_weights>(*net, rows);
        b16_portable = ctnn::quant::quantize<ctnn::quant::bf16_policy<true>>(*net);
        i8_portable = ctnn::quant::quantize<ctnn::quant::int8_policy<true>>(*net, rows);
        float* p = net->params();
        w1 = Eigen::Map<const Eigen::Matrix<float, 128, 784, Eigen::RowMajor>>(weight_in<MnistNet, 0>(p));
        w2 = Eigen::Map<const Eigen::Matrix<float, 10, 128, Eigen::RowMajor>>(weight_in<MnistNet, 1>(p));
        b1 = Eigen::Map<const Eigen::Matrix<float, 128, 1>>(bias_in<MnistNet, 0>(p));
        b2 = Eigen::Map<const Eigen::Matrix<float, 10, 1>>(bias_in<MnistNet, 1>(p));
    }
    void eigen(const float* xin, float* yout) const noexcept {
        const Eigen::Map<const Eigen::Matrix<float, 784, 1>, Eigen::Aligned64> xv(xin);
        const Eigen::Matrix<float, 128, 1> h = (w1 * xv + b1).cwiseMax(0.0f);
        const Eigen::Matrix<float, 10, 1> z = w2 * h + b2;
        Eigen::Map<Eigen::Matrix<float, 10, 1>> out(yout);
        out = (z.array() - z.maxCoeff()).exp().matrix();
        out /= out.sum();
    }
};

#ifdef CTNN_QUANT_BF16_SIMD
/// The alternative bf16 kernel (measured, not used): x stays float, split
/// once into its even and odd elements per 32-wide chunk; each 32-bit lane
/// of a weight load holds w[2l+1]:w[2l], so `v << 16` is w[2l] and
/// `v & 0xffff0000` is w[2l+1] as floats: two FMAs and two integer ops per
/// 32 weights, no shuffle. Only the weights are rounded.
struct split_x {
    alignas(64) float even[q::bf16_in<784> / 2], odd[q::bf16_in<784> / 2];
    explicit split_x(const float* x) noexcept {
        for (std::size_t i = 0; i < q::bf16_in<784>; ++i) (i % 2 ? odd : even)[i / 2] = i < 784 ? x[i] : 0.0f;
    }
};
void gemv_bf16_f32x(const std::uint16_t* w, const float* x, const float* bias, float* y) noexcept {
    constexpr std::size_t width = q::bf16_in<784>;
    const split_x s(x);
    const __m512i high = _mm512_set1_epi32(int(0xffff0000u));
    for (std::size_t r0 = 0; r0 < 128; r0 += 16) {
        __m512 acc[16];
        for (auto& a : acc) a = _mm512_setzero_ps();
        for (std::size_t k = 0; k < width; k += 32) {
            const __m512 e = _mm512_load_ps(s.even + k / 2), o = _mm512_load_ps(s.odd + k / 2);
            for (std::size_t r = 0; r < 16; ++r) {
                const __m512i v = _mm512_load_si512(w + (r0 + r) * width + k);
                acc[r] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v, 16)), e, acc[r]);
                acc[r] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v, high)), o, acc[r]);
            }
        }
        const __m512 sum = q::detail::reduce16(acc, [](__m512 a, __m512 b) { return _mm512_add_ps(a, b); });
        _mm512_storeu_ps(y + r0, _mm512_add_ps(sum, _mm512_loadu_ps(bias + r0)));
    }
}

#endif

/// Largest |a - b| over 128 outputs, relative to the largest |b|.
double max_rel(const float* a, const float* b) {
    double e = 0, m = 0;
    for (std::size_t i = 0; i < 128; ++i) {
        e = std::max(e, std::fabs(double(a[i]) - double(b[i])));
        m = std::max(m, std::fabs(double(b[i])));
    }
    return e / m;
}

struct L2 {
    static constexpr std::size_t n = 200 * 1024 / 4;
    std::unique_ptr<float[]> a{new (std::align_val_t(64)) float[n]}, b{new (std::align_val_t(64)) float[n]};
    L2() {
        for (std::size_t i = 0; i < n; ++i) a[i] = float(i % 7);
    }
#ifdef __AVX512F__
    float read() const noexcept {
        __m512 s[8];
        for (auto& v : s) v = _mm512_setzero_ps();
        for (std::size_t i = 0; i < n; i += 128)
            for (std::size_t j = 0; j < 8; ++j) s[j] = _mm512_add_ps(s[j], _mm512_load_ps(a.get() + i + 16 * j));
        for (std::size_t j = 1; j < 8; ++j) s[0] = _mm512_add_ps(s[0], s[j]);
        return _mm512_reduce_add_ps(s[0]);
    }
    void copy() noexcept {
        for (std::size_t i = 0; i < n; i += 64)
            for (std::size_t j = 0; j < 4; ++j) _mm512_store_ps(b.get() + i + 16 * j, _mm512_load_ps(a.get() + i + 16 * j));
    }
#else
    float read() const noexcept {
        float s[8] = {};
        for (std::size_t i = 0; i < n; i += 8)
            for (std::size_t j = 0; j < 8; ++j) s[j] += a[i + j];
        return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
    }
    void copy() noexcept { std::memcpy(b.get(), a.get(), n * sizeof(float)); }
#endif
};

/// The intermediates of mlp_mnist int8, for timing its steps one at a time.
struct Stages {
    alignas(64) std::uint8_t xq[q::int8_in<784>];
    alignas(64) std::array<float, 128> h;
    alignas(64) std::array<float, 10> z;
    explicit Stages(const Mnist& m) noexcept {
        q::to_u8_n<784>(m.x.data(), m.i8->layer<0>().input, xq);
        m.i8->layer<0>().forward(m.x.data(), h.data());
        m.i8->layer<1>().forward(h.data(), z.data());
    }
};

/// Reads `n` bytes (a multiple of 512, 64-byte aligned) with 8 independent sums.
#ifdef __AVX512F__
std::int32_t read_bytes(const void* p, std::size_t n) noexcept {
    const char* c = static_cast<const char*>(p);
    __m512i s[8];
    for (auto& v : s) v = _mm512_setzero_si512();
    std::size_t i = 0;
    for (; i + 512 <= n; i += 512)
        for (std::size_t j = 0; j < 8; ++j) s[j] = _mm512_add_epi32(s[j], _mm512_load_si512(c + i + 64 * j));
    for (; i < n; i += 64) s[0] = _mm512_add_epi32(s[0], _mm512_load_si512(c + i));
    for (std::size_t j = 1; j < 8; ++j) s[0] = _mm512_add_epi32(s[0], s[j]);
    return _mm512_reduce_add_epi32(s[0]);
}
#else
std::int32_t read_bytes(const void* p, std::size_t n) noexcept {
    const auto* c = static_cast<const std::int32_t*>(p);
    std::int32_t s[8] = {};
    for (std::size_t i = 0; i < n / 4; i += 8)
        for (std::size_t j = 0; j < 8 && i + j < n / 4; ++j) s[j] += c[i + j];
    return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
}
#endif

template <class F>
void reg(const std::string& name, F f, double bytes = 0) {
    benchmark::RegisterBenchmark(name.c_str(), [f, bytes](benchmark::State& s) mutable { time_loop(s, f, 0, 0, bytes); });
}

}  // namespace

int main(int argc, char** argv) {
    return run_main("ctnn_bench_quantized", argc, argv, [] {
        auto m = std::make_shared<Mnist>();
        checks().push_back({"mlp_mnist/float vs eigen", [m] {
                                MnistNet::output_type e;
                                m->eigen(m->x.data(), e.data());
                                return rel_error(m->net->forward(m->x).data(), e.data(), 10);
                            }});
        checks().push_back({"mlp_mnist/bf16 simd vs emulation", [m] {
                                MnistNet::output_type a, b;
                                m->b16->forward(m->x, a);
                                m->b16_portable->forward(m->x, b);
                                return rel_error(a.data(), b.data(), 10);
                            }});
        checks().push_back({"mlp_mnist/int8 simd vs emulation", [m] {
                                MnistNet::output_type a, b;
                                m->i8->forward(m->x, a);
                                m->i8_portable->forward(m->x, b);
                                return rel_error(a.data(), b.data(), 10);
                            }});
        reg("mlp_mnist/float", [m] { m->y = m->net->forward(m->x); });
        reg("mlp_mnist/bf16", [m] { m->b16->forward(m->x, m->y); });
        reg("mlp_mnist/int8", [m] { m->i8->forward(m->x, m->y); });
        reg("mlp_mnist/eigen_colmajor", [m] { m->eigen(m->x.data(), m->y.data()); });

        // The first layer's GEMV alone; bytes = the weights it reads.
        auto yb = std::make_shared<std::array<float, 128>>();
        const float* w = weight_in<MnistNet, 0>(m->net->params());
        reg("gemv_128x784/fp32", [m, w, yb] { ctnn::simd::gemv_n<128, 784>(w, m->x.data(), yb->data()); },
            128.0 * 784 * 4);
        reg("gemv_128x784/bf16", [m, yb] {
                const auto& l16 = m->b16->layer<0>();
                alignas(64) std::uint16_t xb[q::bf16_in<784>];
                q::to_bf16_n<784>(m->x.data(), xb);
                q::gemv_bf16<128, 784>(l16.weight, xb, l16.bias, yb->data());
            }, 128.0 * 784 * 2);
#ifdef CTNN_QUANT_BF16_SIMD
        reg("gemv_128x784/bf16_f32x",
            [m, yb] { gemv_bf16_f32x(m->b16->layer<0>().weight, m->x.data(), m->b16->layer<0>().bias, yb->data()); }, 128.0 * 784 * 2);
#endif
        reg("gemv_128x784/int8", [m, yb] {
                const auto& l8 = m->i8->layer<0>();
                alignas(64) std::uint8_t xq[q::int8_in<784>];
                q::to_u8_n<784>(m->x.data(), l8.input, xq);
                q::gemv_int8<128, 784>(l8.weight, xq, l8.correction, l8.scale, l8.bias, yb->data());
            }, 128.0 * 784);
        reg("gemv_128x784/eigen_colmajor", [m, yb] {
                const Eigen::Map<const Eigen::Matrix<float, 784, 1>, Eigen::Aligned64> xv(m->x.data());
                Eigen::Map<Eigen::Matrix<float, 128, 1>>(yb->data()).noalias() = m->w1 * xv;
            }, 128.0 * 784 * 4);
#ifdef CTNN_QUANT_BF16_SIMD
        {  // accuracy of the two bf16 kernels against fp32 over 64 inputs (pixels in [0, 1])
            const auto& l16 = m->b16->layer<0>();
            double dot = 0, split = 0;
            std::array<float, 128> ref, a, b;
            for (std::size_t s = 0; s < 64; ++s) {
                const float* xs = m->calibration.data() + s * 784;
                alignas(64) std::uint16_t xb[q::bf16_in<784>];
                q::to_bf16_n<784>(xs, xb);
                ctnn::simd::gemv_n<128, 784>(w, xs, ref.data(), ctnn::simd::epilogue::bias<float>{l16.bias});
                q::gemv_bf16<128, 784>(l16.weight, xb, l16.bias, a.data());
                gemv_bf16_f32x(l16.weight, xs, l16.bias, b.data());
                dot = std::max(dot, max_rel(a.data(), ref.data()));
                split = std::max(split, max_rel(b.data(), ref.data()));
            }
            char buf[160];
            std::snprintf(buf, sizeof buf, "max |err| / max |y| vs fp32: vdpbf16ps (x rounded) %.3g, split (x float) %.3g",
                          dot, split);
            benchmark::AddCustomContext("bf16_kernel_accuracy", buf);
            std::fprintf(stderr, "bf16 kernels: %s\n", buf);
        }
#endif
        // mlp_mnist int8 taken apart: each step of `forward` alone, on the
        // data the previous step leaves (the stages are 0: Dense 784->128 +
        // ReLU, 1: Dense 128->10, 2: Softmax).
        auto st = std::make_shared<Stages>(*m);
        reg("int8_parts/quantize_x_784", [m, st] { q::to_u8_n<784>(m->x.data(), m->i8->layer<0>().input, st->xq); });
        reg("int8_parts/gemv_128x784_only", [m, st] {
                const auto& l8 = m->i8->layer<0>();
                q::gemv_int8<128, 784>(l8.weight, st->xq, l8.correction, l8.scale, l8.bias, st->h.data());
            }, 128.0 * 784);
        reg("int8_parts/relu_128", [st] { ctnn::quant::detail::activate<ctnn::ReLU, 128>(st->h.data()); });
        reg("int8_parts/layer1", [m, st] { m->i8->layer<0>().forward(m->x.data(), st->h.data()); });
        reg("int8_parts/layer2", [m, st] { m->i8->layer<1>().forward(st->h.data(), st->z.data()); });
        reg("int8_parts/softmax_10", [m, st] { m->i8->layer<2>().forward(st->z.data(), m->y.data()); });
        // Layers 2 and 3 as the network meets them: after layer 1's weights
        // have streamed through L1 (minus l2/read_int8_weights: their cost in place).
        reg("int8_parts/read_int8_weights_then_layers23", [m, st] {
            const auto& l1 = m->i8->layer<0>();
            benchmark::DoNotOptimize(read_bytes(l1.weight, sizeof l1.weight));
            m->i8->layer<1>().forward(st->h.data(), st->z.data());
            m->i8->layer<2>().forward(st->z.data(), m->y.data());
        });

        auto l2 = std::make_shared<L2>();
        reg("l2/read_200KB", [l2] { benchmark::DoNotOptimize(l2->read()); }, double(L2::n) * 4);
        reg("l2/copy_200KB", [l2] { l2->copy(); }, double(L2::n) * 4);
        // The floors of the two quantized GEMVs: their own weight arrays read
        // sequentially (padding included), one add per 64 bytes.
        reg("l2/read_int8_weights", [m] { benchmark::DoNotOptimize(read_bytes(m->i8->layer<0>().weight, sizeof m->i8->layer<0>().weight)); },
            double(sizeof m->i8->layer<0>().weight));
        reg("l2/read_bf16_weights", [m] { benchmark::DoNotOptimize(read_bytes(m->b16->layer<0>().weight, sizeof m->b16->layer<0>().weight)); },
            double(sizeof m->b16->layer<0>().weight));
    });
}
