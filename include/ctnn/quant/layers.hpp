#pragma once
/// \file quant/layers.hpp
/// The stages of a quantized network (`Quantized<Net, Policy>`, network.hpp):
/// what each bound layer of the float network becomes.
///  - `layers::dense` (with its fused activation) → `dense_bf16` (bf16 weights,
///    FP32 accumulation) or `dense_int8` (int8 weights with a scale per
///    output row, uint8 activations with a scale from calibration, int32
///    accumulation); bias, dequantization and activation in float.
///  - a layer without parameters (activations, Flatten, Dropout, Softmax, ...)
///    → `float_layer`: the float layer's own inference forward.
///  - anything else → `no_quantized_form` (network.hpp reports it).
/// Each stage keeps its data in 64-byte aligned arrays inside the object and
/// stages its input on the stack: nothing allocates.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../layers/dense.hpp"
#include "../layers/layer_concepts.hpp"
#include "../simd/gemv.hpp"
#include "../simd/map.hpp"
#include "../simd/quant.hpp"

namespace ctnn::quant {

/// Weights in bf16, activations rounded to bf16 at each Dense input,
/// products summed in FP32 (`vdpbf16ps`). `Portable` forces the exact
/// emulation even where the instruction exists (tests).
template <bool Portable = false>
struct bf16_policy {
    static constexpr bool portable = Portable;
    static constexpr const char* name = "bf16";
};
/// Weights in int8 with one symmetric scale per output row; each Dense
/// input in uint8 with one scale per layer from calibration; int32 sums
/// (`vpdpbusd`). `Portable` forces the exact integer emulation.
template <bool Portable = false>
struct int8_policy {
    static constexpr bool portable = Portable;
    static constexpr const char* name = "int8";
};
/// Where an FP32 deployment form keeps W: `automatic` picks column-major
/// (W transposed, `simd::gemv_t_n`: broadcast-x FMAs, no cross-lane sums)
/// for `In <= f32_column_major_max_in`, PyTorch's row-major (`simd::gemv_n`,
/// the float Dense's own kernel) above.
enum class f32_layout { automatic, row_major, column_major };
/// Below this input width a Dense is faster column-major at batch 1 (measured:
/// bench/quantized.cpp, mlp_small and mlp_mnist; docs/design.md).
inline constexpr std::size_t f32_column_major_max_in = 128;
/// ... and when it has at least this many outputs (whole 512-bit packs of them).
inline constexpr std::size_t f32_column_major_min_out = 32;
/// Weights in FP32, each Dense in the layout fastest at batch 1 (see
/// `f32_layout`): the float network's results to rounding, no conversion.
template <f32_layout Layout = f32_layout::automatic>
struct f32_policy {
    static constexpr bool portable = false;
    static constexpr f32_layout layout = Layout;
    static constexpr const char* name = "f32";
};
using bf16_weights = bf16_policy<>;
using f32_weights = f32_policy<>;
using int8_weights = int8_policy<>;

/// What calibration saw at one Dense input: the smallest value and the
/// chosen bound of |x| (max-abs or a percentile of |x|).
struct input_range {
    float min = 0;
    float max_abs = 0;
};

/// One Dense of a quantized network baked into the binary (what
/// `ctnn-embed --quantize` writes; `Quantized`'s constexpr constructor takes
/// an array of them, one per Dense in order): unpadded row-major `[out, in]`
/// weights in the policy's format, computed by the same code as
/// `quant::quantize` (bf16: `to_bf16`; int8: `quantize_int8_row`; f32: the
/// float weights as they are), so the baked network equals the converted one
/// bit for bit.
struct baked_dense {
    std::size_t in = 0, out = 0;
    const std::uint16_t* bf16 = nullptr;      ///< bf16 weights (bf16 policy)
    const std::int8_t* int8 = nullptr;        ///< int8 weights (int8 policy)
    const float* f32 = nullptr;               ///< float weights (f32 policy)
    const float* weight_scale = nullptr;      ///< int8: each row's scale
    const std::int32_t* row_sum = nullptr;    ///< int8: each row's Σ q
    const float* bias = nullptr;              ///< [out]; null without a bias
    input_range input{};                      ///< int8: what calibration saw at this input
};

namespace detail {
/// Applies the fused activation `Act` to y[0, N) in place.
template <class Act, std::size_t N>
CTNN_INLINE void activate(float* y) noexcept {
    if constexpr (!std::is_same_v<Act, Identity>)
        simd::map_n<N>([](auto v) CTNN_INLINE_LAMBDA { return Act::f(v); }, y, y);
}
}  // namespace detail

/// What the stages without weights share.
template <class L>
struct weightless {
    using bound = L;
    static constexpr std::size_t in_size = L::in_shape::size, out_size = L::out_shape::size;
    static constexpr bool has_weights = false;
    static constexpr std::size_t weight_bytes = 0;
};

/// A float layer without parameters, run as it is (inference mode).
template <class L>
struct float_layer : weightless<L> {
    static constexpr std::size_t scratch = layers::scratch_size_of<L, float, 1>;

    void forward(const float* x, float* y) const noexcept {
        alignas(64) float s[scratch > 0 ? scratch : 1];
        L::forward(forward_context<float, 1, false, no_state>{nullptr, x, y, nullptr, s, nullptr, nullptr});
    }
};

/// A layer that has no quantized form (the network reports it; this keeps
/// the rest of the type well-formed after that one error).
template <class L>
struct no_quantized_form : weightless<L> {
    void forward(const float*, float*) const noexcept {}
};

/// Dense `In -> Out` (+ `Act`) in FP32, W column-major (`ColumnMajor`,
/// `simd::gemv_t_n`) or row-major as the float Dense (`simd::gemv_n`);
/// bias and activation applied in registers before the store.
template <std::size_t In, std::size_t Out, bool Bias, class Act, bool ColumnMajor>
struct dense_f32 {
    using bound = layers::dense<In, Out, Bias, Act>;
    static constexpr std::size_t in_size = In, out_size = Out;
    static constexpr bool has_weights = true, column_major = ColumnMajor;
    static constexpr std::size_t stride = simd::gemv_t_stride<float, Out>;
    static constexpr std::size_t weight_bytes = (In * (ColumnMajor ? stride : Out) + stride) * 4;

    alignas(64) float weight[In * (ColumnMajor ? stride : Out)]{};  ///< [In, stride] or [Out, In]
    alignas(64) float bias[stride]{};

    void set_weights(const float* p) noexcept {
        for (std::size_t o = 0; o < Out; ++o)
            for (std::size_t i = 0; i < In; ++i) weight[ColumnMajor ? i * stride + o : o * In + i] = p[o * In + i];
        if constexpr (Bias) std::copy(p + bound::template bias_at<float>, p + bound::template bias_at<float> + Out, bias);
    }
    /// Whether `b` is this layer's data in FP32 (sizes, arrays present).
    static constexpr bool fits(const baked_dense& b) noexcept {
        return b.in == In && b.out == Out && b.f32 != nullptr && (b.bias != nullptr) == Bias;
    }
    /// From baked arrays (`fits(b)`; W `[out, in]`, laid out here); constexpr.
    constexpr void bake(const baked_dense& b) noexcept {
        for (std::size_t o = 0; o < Out; ++o) {
            for (std::size_t i = 0; i < In; ++i) weight[ColumnMajor ? i * stride + o : o * In + i] = b.f32[o * In + i];
            if constexpr (Bias) bias[o] = b.bias[o];
        }
    }
    CTNN_REALTIME void forward(const float* x, float* y) const noexcept {
        const float* b = bias;
        const auto epi = [b](auto v, std::size_t, std::size_t col) CTNN_INLINE_LAMBDA {
            if constexpr (Bias) v = v + simd::load_like(v, b + col);
            return Act::f(v);
        };
        if constexpr (ColumnMajor)
            simd::gemv_t_n<Out, In>(weight, x, y, epi);
        else
            simd::gemv_n<Out, In>(weight, x, y, epi);
    }
};

/// Dense `In -> Out` (+ `Act`) with bf16 weights.
template <std::size_t In, std::size_t Out, bool Bias, class Act, bool Portable>
struct dense_bf16 {
    using bound = layers::dense<In, Out, Bias, Act>;
    static constexpr std::size_t in_size = In, out_size = Out;
    static constexpr std::size_t rows = simd::quant::padded_rows<Out>, width = simd::quant::bf16_in<In>;
    static constexpr bool has_weights = true;
    static constexpr std::size_t weight_bytes = rows * width * 2 + rows * 4;

    alignas(64) std::uint16_t weight[rows * width]{};
    alignas(64) float bias[rows]{};

    /// From the float layer's parameters (`W [Out, In]` then the bias, as `bound` lays them out).
    void set_weights(const float* p) noexcept {
        for (std::size_t o = 0; o < Out; ++o)
            for (std::size_t i = 0; i < In; ++i) weight[o * width + i] = simd::quant::to_bf16(p[o * In + i]);
        if constexpr (Bias) std::copy(p + bound::template bias_at<float>, p + bound::template bias_at<float> + Out, bias);
    }
    /// Whether `b` is this layer's data in bf16 (sizes, arrays present).
    static constexpr bool fits(const baked_dense& b) noexcept {
        return b.in == In && b.out == Out && b.bf16 != nullptr && (b.bias != nullptr) == Bias;
    }
    /// From baked arrays (`fits(b)`); constexpr.
    constexpr void bake(const baked_dense& b) noexcept {
        for (std::size_t o = 0; o < Out; ++o) {
            for (std::size_t i = 0; i < In; ++i) weight[o * width + i] = b.bf16[o * In + i];
            if constexpr (Bias) bias[o] = b.bias[o];
        }
    }
    CTNN_REALTIME void forward(const float* x, float* y) const noexcept {
        alignas(64) std::uint16_t xb[width];
        simd::quant::to_bf16_n<In, Portable>(x, xb);
        simd::quant::gemv_bf16<Out, In, Portable>(weight, xb, bias, y);
        detail::activate<Act, Out>(y);
    }
};

/// Dense `In -> Out` (+ `Act`) with int8 weights: `w ≈ weight_scale[o] · q`,
/// `q = round(w / weight_scale[o])` in [-127, 127], `weight_scale[o] =
/// max_i |w[o,i]| / 127` (0 for an all-zero row: its q are 0). The input is
/// uint8 with zero point 0 when calibration saw no negative input (scale
/// max/255: twice the resolution for ReLU outputs and pixels), 128 otherwise
/// (scale max-abs/127).
template <std::size_t In, std::size_t Out, bool Bias, class Act, bool Portable>
struct dense_int8 {
    using bound = layers::dense<In, Out, Bias, Act>;
    static constexpr std::size_t in_size = In, out_size = Out;
    static constexpr std::size_t rows = simd::quant::padded_rows<Out>, width = simd::quant::int8_in<In>;
    static constexpr bool has_weights = true;
    static constexpr std::size_t weight_bytes =
        simd::quant::int8_weight_bytes<Out, In> + rows * 12;  // q, scale, correction, bias

    /// The codes in the kernel's column-quad layout: q[o, i] is `weight[simd::quant::int8_at<In>(o, i)]`.
    alignas(64) std::int8_t weight[simd::quant::int8_weight_bytes<Out, In>]{};
    alignas(64) float scale[rows]{};  ///< weight_scale[o] · input.scale
    alignas(64) float bias[rows]{};
    alignas(64) std::int32_t correction[rows]{};  ///< input.zero_point · Σ_i q[o,i]
    alignas(64) float weight_scale[rows]{};
    alignas(64) std::int32_t row_sum[rows]{};
    simd::quant::u8_input input{};

    void set_weights(const float* p) noexcept {
        for (std::size_t o = 0; o < Out; ++o) {
            const auto row = simd::quant::quantize_int8_row(
                p + o * In, In, [this, o](std::size_t i, std::int8_t v) noexcept { weight[simd::quant::int8_at<In>(o, i)] = v; });
            weight_scale[o] = row.scale;
            row_sum[o] = row.sum;
        }
        if constexpr (Bias) std::copy(p + bound::template bias_at<float>, p + bound::template bias_at<float> + Out, bias);
        set_input(input_range{});
    }
    /// Whether `b` is this layer's data in int8 (sizes, arrays present).
    static constexpr bool fits(const baked_dense& b) noexcept {
        return b.in == In && b.out == Out && b.int8 != nullptr && b.weight_scale != nullptr && b.row_sum != nullptr &&
               (b.bias != nullptr) == Bias;
    }
    /// From baked arrays (`fits(b)`); constexpr.
    constexpr void bake(const baked_dense& b) noexcept {
        for (std::size_t o = 0; o < Out; ++o) {
            for (std::size_t i = 0; i < In; ++i) weight[simd::quant::int8_at<In>(o, i)] = b.int8[o * In + i];
            weight_scale[o] = b.weight_scale[o];
            row_sum[o] = b.row_sum[o];
            if constexpr (Bias) bias[o] = b.bias[o];
        }
        set_input(b.input);
    }
    /// The input's scale and zero point from what calibration saw.
    constexpr void set_input(const input_range& r) noexcept {
        const bool signed_input = r.min < 0;
        input.zero_point = signed_input ? 128 : 0;
        input.scale = r.max_abs / (signed_input ? 127.0f : 255.0f);
        input.inv_scale = input.scale > 0 ? 1.0f / input.scale : 0.0f;
        for (std::size_t o = 0; o < Out; ++o) {
            scale[o] = weight_scale[o] * input.scale;
            correction[o] = input.zero_point * row_sum[o];
        }
    }
    CTNN_REALTIME void forward(const float* x, float* y) const noexcept {
        alignas(64) std::uint8_t xq[width];
        simd::quant::to_u8_n<In, Portable>(x, input, xq);
        simd::quant::gemv_int8<Out, In, Portable>(weight, xq, correction, scale, bias, y);
        detail::activate<Act, Out>(y);
    }
};

/// What bound layer `L` becomes under `Policy`.
template <class L, class Policy>
struct stage_of {
    using type = std::conditional_t<layers::param_count_of<L> == 0 && !StatefulLayer<L>, float_layer<L>,
                                    no_quantized_form<L>>;
};
template <std::size_t In, std::size_t Out, bool Bias, class Act, bool P>
struct stage_of<layers::dense<In, Out, Bias, Act>, bf16_policy<P>> {
    using type = dense_bf16<In, Out, Bias, Act, P>;
};
template <std::size_t In, std::size_t Out, bool Bias, class Act, bool P>
struct stage_of<layers::dense<In, Out, Bias, Act>, int8_policy<P>> {
    using type = dense_int8<In, Out, Bias, Act, P>;
};
template <std::size_t In, std::size_t Out, bool Bias, class Act, f32_layout L>
struct stage_of<layers::dense<In, Out, Bias, Act>, f32_policy<L>> {
    using type = dense_f32<In, Out, Bias, Act,
                           L == f32_layout::column_major ||
                               (L == f32_layout::automatic && In <= f32_column_major_max_in && Out >= f32_column_major_min_out)>;
};
template <class L, class Policy>
using stage_t = typename stage_of<L, Policy>::type;

}  // namespace ctnn::quant
