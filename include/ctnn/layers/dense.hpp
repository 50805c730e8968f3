#pragma once
/// \file dense.hpp
/// `Dense<Out, Bias = true>`: y = x Wᵀ + b, W `[Out, In]` and b `[Out]` as
/// in PyTorch's `nn.Linear`. An element-wise activation right after it is
/// fused: forward computes bias and activation in the GEMM/GEMV epilogue,
/// backward folds the activation's derivative into the gradient before the
/// two GEMMs. `In` is taken from the layer before; give `ExpectedIn` to have
/// the composition checked against it.

#include <cstddef>
#include <string>

#include "../simd/gemm.hpp"
#include "../simd/gemv.hpp"
#include "../simd/map.hpp"
#include "activation.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// A fully connected layer with `Out` features (and a bias unless `Bias`
/// is false). `ExpectedIn`, if not 0, is the input width it must receive.
template <std::size_t Out, bool Bias = true, std::size_t ExpectedIn = 0>
struct Dense {
    static_assert(Out > 0, "ctnn: Dense needs at least one output feature");
    static std::string name() {
        return "Dense<" + std::to_string(Out) + (Bias ? "" : ", no bias") + ">";
    }
    static constexpr std::size_t out_features = Out;
    static constexpr std::size_t expected_in = ExpectedIn;
};

namespace layers {

/// Dense `In -> Out` followed by the element-wise activation `Act`.
template <std::size_t In, std::size_t Out, bool Bias, class Act>
struct dense {
    using in_shape = Shape<In>;
    using out_shape = Shape<Out>;
    using activation = Act;
    static constexpr std::size_t weight_offset = 0;
    static constexpr std::size_t bias_offset = Out * In;  // aligned below per T
    static constexpr std::size_t param_count = Out * In + (Bias ? Out : 0);
    static constexpr std::size_t extra_size = Act::needs_z ? Out : 0;
    static constexpr std::size_t flops_forward = 2 * In * Out + (Bias ? Out : 0);
    static constexpr std::size_t flops_backward = 4 * In * Out + (Bias ? Out : 0);

    template <class T>
    static constexpr std::size_t bias_at = aligned_size<T>(Out * In);
    template <class T>
    static constexpr std::size_t storage = aligned_size<T>(Out * In) + (Bias ? aligned_size<T>(Out) : 0);

    template <class T>
    static constexpr auto params = [] {
        if constexpr (Bias)
            return std::array<param_info, 2>{param_info{"weight", 0, 2, {Out, In, 0, 0}},
                                             param_info{"bias", bias_at<T>, 1, {Out, 0, 0, 0}}};
        else
            return std::array<param_info, 1>{param_info{"weight", 0, 2, {Out, In, 0, 0}}};
    }();

    template <std::size_t B, bool Train, class T>
    static CTNN_INLINE constexpr void forward(const T* p, const T* x, T* y, T* extra, Rng&) noexcept {
        const T* w = p;
        const T* b = p + bias_at<T>;
        auto epi = [=](auto v, std::size_t row, std::size_t col) CTNN_INLINE_LAMBDA {
            if constexpr (Bias) v = v + simd::load_like(v, b + col);
            if constexpr (Train && Act::needs_z) simd::pack_traits<T, simd::arch_of_t<decltype(v)>>::store(extra + row * Out + col, v);
            return Act::f(v);
        };
        if constexpr (B == 1)
            simd::gemv_n<Out, In>(w, x, y, epi);
        else
            simd::gemm_xwt_n<B, Out, In>(x, w, y, epi);
    }

    template <std::size_t B, class T>
    static CTNN_INLINE void backward(const T* p, const T* x, const T* y, const T* extra, T* dy, T* dx,
                                     T* dp) noexcept {
        // dZ = dY ⊙ f'(z), in place
        if constexpr (!std::is_same_v<Act, Identity>) {
            if constexpr (Act::needs_z)
                simd::map_n<B * Out>([](auto g, auto z, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(z, v); }, dy,
                                     dy, extra, y);
            else
                simd::map_n<B * Out>([](auto g, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(v, v); }, dy, dy, y);
        }
        // dW = dZᵀ X, db = Σ_rows dZ, dX = dZ W
        simd::gemm_dytx_n<B, Out, In, false>(dy, x, dp);
        if constexpr (Bias) {
            T* db = dp + bias_at<T>;
            simd::map_n<Out>([](auto g) CTNN_INLINE_LAMBDA { return g; }, db, dy);
            for (std::size_t r = 1; r < B; ++r)
                simd::map_n<Out>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, db, db, dy + r * Out);
        }
        if (dx) simd::gemm_dyw_n<B, Out, In>(dy, p, dx);
    }
};

template <std::size_t Out, bool Bias, std::size_t ExpectedIn>
struct binding<Dense<Out, Bias, ExpectedIn>> {
    template <class In>
    static constexpr bool flat_input = In::rank == 1;
    template <class In>
    static constexpr std::size_t expected_features = ExpectedIn == 0 ? In::dims[0] : ExpectedIn;
    template <class In, class Act = Identity>
    using type = dense<In::dims[0], Out, Bias, Act>;
};

}  // namespace layers
}  // namespace ctnn
