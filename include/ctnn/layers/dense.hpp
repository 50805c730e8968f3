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
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// A fully connected layer with `Out` features (and a bias unless `Bias`
/// is false). `ExpectedIn`, if not 0, is the input width it must receive.
template <std::size_t Out, bool Bias = true, std::size_t ExpectedIn = 0>
struct Dense {  // Dense<0> is reported where it is bound (its binding's diagnosis), naming its place
    static std::string name() {
        return "Dense<" + std::to_string(Out) + (Bias ? "" : ", no bias") + ">";
    }
    static constexpr std::size_t out_features = Out;
    static constexpr std::size_t expected_in = ExpectedIn;
};

namespace layers {

/// Dense `In -> Out` followed by the element-wise activation `Act` (its
/// epilogue). Saves z = x Wᵀ + b when `Act`'s derivative reads it; backward
/// writes dZ = dY ⊙ f'(z) over dY when the caller allows it (`dout_writable`),
/// into its scratch otherwise, before the two GEMMs.
template <std::size_t In, std::size_t Out, bool Bias, class Act>
struct dense {
    using in_shape = Shape<In>;
    using out_shape = Shape<Out>;
    using activation = Act;
    static constexpr std::size_t param_count = Out * In + (Bias ? Out : 0);
    static constexpr std::size_t flops_forward = 2 * In * Out + (Bias ? Out : 0);
    static constexpr std::size_t flops_backward = 4 * In * Out + (Bias ? Out : 0);

    template <class T>
    static constexpr std::size_t bias_at = aligned_size<T>(Out * In);
    template <class T>
    static constexpr std::size_t storage = aligned_size<T>(Out * In) + (Bias ? aligned_size<T>(Out) : 0);
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = Act::needs_z ? B * Out : 0;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = std::is_same_v<Act, Identity> ? 0 : B * Out;

    template <class T>
    static constexpr auto params = [] {
        // nn.Linear: kaiming_uniform_(a=√5) for the weight, U(±1/√in) for the bias: both U(±1/√in).
        constexpr init_rule rule{init_rule::uniform_inv_sqrt, double(In)};
        constexpr param_info weight{"weight", 0, 2, {Out, In, 0, 0}, param_role::weight, In, Out, rule};
        if constexpr (Bias)
            return std::array<param_info, 2>{
                weight, param_info{"bias", bias_at<T>, 1, {Out, 0, 0, 0}, param_role::bias, In, Out, rule}};
        else
            return std::array<param_info, 1>{weight};
    }();

    template <class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, S>& c) noexcept {
        const T* w = c.params;
        const T* b = c.params + bias_at<T>;
        T* z = c.saved;
        auto epi = [=](auto v, std::size_t row, std::size_t col) CTNN_INLINE_LAMBDA {
            if constexpr (Bias) v = v + simd::load_like(v, b + col);
            if constexpr (Train && Act::needs_z)
                simd::pack_traits<T, simd::arch_of_t<decltype(v)>>::store(z + row * Out + col, v);
            return Act::f(v);
        };
        if constexpr (B == 1)
            simd::gemv_n<Out, In>(w, c.in, c.out, epi);
        else
            simd::gemm_xwt_n<B, Out, In>(c.in, w, c.out, epi);
    }

    template <class T, std::size_t B, class S>
    static CTNN_INLINE void backward(const backward_context<T, B, S>& c) noexcept {
        // dZ = dY ⊙ f'(z)
        const T* dz = c.dout;
        if constexpr (!std::is_same_v<Act, Identity>) {
            T* to = c.dout_writable ? c.dout_writable : c.scratch;
            if constexpr (Act::needs_z)
                simd::map_n<B * Out>([](auto g, auto z, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(z, v); }, to,
                                     c.dout, c.saved, c.out);
            else
                simd::map_n<B * Out>([](auto g, auto v) CTNN_INLINE_LAMBDA { return g * Act::df(v, v); }, to, c.dout,
                                     c.out);
            dz = to;
        }
        // dW = dZᵀ X, db = Σ_rows dZ, dX = dZ W
        simd::gemm_dytx_n<B, Out, In, false>(dz, c.in, c.dparams);
        if constexpr (Bias) {
            T* db = c.dparams + bias_at<T>;
            simd::map_n<Out>([](auto g) CTNN_INLINE_LAMBDA { return g; }, db, dz);
            for (std::size_t r = 1; r < B; ++r)
                simd::map_n<Out>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, db, db, dz + r * Out);
        }
        if (c.din) simd::gemm_dyw_n<B, Out, In>(dz, c.params, c.din);
    }
};

template <std::size_t Out, bool Bias, std::size_t ExpectedIn>
struct binding<Dense<Out, Bias, ExpectedIn>> {
    static constexpr bool takes_epilogue = true;
    template <class In>
    static constexpr bool accepts = Out > 0 && In::rank == 1 && (ExpectedIn == 0 || In::dims[0] == ExpectedIn);
    template <class In, class Where>
    using diagnosis = check::first_t<
        check::fails_if<Out == 0, check::fault::dense_zero,
                        typename check::layer<typename Where::path,
                                              typename Where::spec>::needs_at_least_one_output_feature>,
        require_flat<In::rank != 1, Where, In>, require_features<In::rank == 1 && !accepts<In>, Where, ExpectedIn, In>>;
    template <class In, class Act = Identity>
    using type = dense<In::dims[0], Out, Bias, Act>;
};

}  // namespace layers
}  // namespace ctnn
