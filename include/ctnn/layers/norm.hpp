#pragma once
/// \file norm.hpp
/// Normalization layers, as PyTorch's (eps 1e-5, affine):
///  - `LayerNorm<N = 1>`: `nn.LayerNorm(shape[-N:])`, over the last `N` axes
///    of each sample; `weight` (ones) and `bias` (zeros) of those axes' shape.
///  - `BatchNorm1D` (samples `[C]` or `[C, L]`) and `BatchNorm2D` (samples
///    `[C, H, W]`): `nn.BatchNorm1d(C)` / `nn.BatchNorm2d(C)`, momentum 0.1;
///    `weight` (ones), `bias` (zeros) and the buffers `running_mean` (zeros),
///    `running_var` (ones), `num_batches_tracked` (0, rank 0), all in the
///    parameter table under PyTorch's names (see docs/design.md,
///    "Normalization layers: buffers").
///
/// BatchNorm's training forward normalises with the batch's statistics (the
/// biased variance) and keeps them in its saved area; its backward writes,
/// besides the gradients, the *new* running statistics into the buffers'
/// gradient slots (running ← (1 − m)·running + m·batch statistic, the
/// variance unbiased; count + 1), which the optimizer's step copies into the
/// parameters: the network stays immutable while forward and backward run.
/// Inference (`Train == false`) uses the running statistics. A training batch
/// of one value per channel has no unbiased variance (PyTorch raises): the
/// running variance then takes the biased one (0).

#include <cmath>
#include <cstddef>
#include <string>

#include "layer_concepts.hpp"

namespace ctnn {

/// Layer normalization over the last `N` axes of a sample (1 ≤ N ≤ 4).
template <std::size_t N = 1>
struct LayerNorm {
    static_assert(N >= 1 && N <= 4, "ctnn: LayerNorm<N> normalises over the last N axes, 1 <= N <= 4");
    static std::string name() { return N == 1 ? "LayerNorm" : "LayerNorm<" + std::to_string(N) + ">"; }
    static constexpr std::size_t axes = N;
};

/// Batch normalization of `[C]` or `[C, L]` samples per channel (`nn.BatchNorm1d`).
struct BatchNorm1D {
    static std::string name() { return "BatchNorm1D"; }
};
/// Batch normalization of `[C, H, W]` samples per channel (`nn.BatchNorm2d`).
struct BatchNorm2D {
    static std::string name() { return "BatchNorm2D"; }
};

namespace check {
/// The norm layer `Spec` at `Path` and the sample shape it got.
template <class Path, class Spec>
struct norm_layer {
    template <class In>
    struct gets {
        static constexpr bool a_sample_of_the_rank_it_normalises = false;
    };
};
}  // namespace check

namespace layers {

inline constexpr double norm_eps = 1e-5;

/// The input has a rank the norm layer takes.
template <bool Fails, class Where, class In>
struct require_norm_rank {};
template <class P, class S, class BP, class B, class In>
struct require_norm_rank<true, where<P, S, BP, B>, In> {
    static_assert(check::norm_layer<P, S>::template gets<In>::a_sample_of_the_rank_it_normalises,
                  "ctnn: a norm layer got a sample of another rank: BatchNorm1D takes [C] or [C, L], BatchNorm2D "
                  "[C, H, W], LayerNorm<N> at least N axes");
};

/// LayerNorm over rows of `M` values, `G` rows per sample; the affine
/// parameters have the shape `PShape` (the last axes).
template <class S, std::size_t M, class PShape>
struct layer_norm {
    using in_shape = S;
    using out_shape = S;
    static constexpr std::size_t G = S::size / M;
    static constexpr std::size_t param_count = 2 * M;
    static constexpr std::size_t flops_forward = 8 * S::size;
    static constexpr std::size_t flops_backward = 12 * S::size;
    template <class T>
    static constexpr std::size_t bias_at = aligned_size<T>(M);
    template <class T>
    static constexpr std::size_t storage = 2 * aligned_size<T>(M);
    /// x̂ of every element, then 1/σ of every row.
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = B * S::size + B * G;

    template <class T>
    static constexpr auto params = [] {
        param_info w{"weight", 0, PShape::rank, {}, param_role::other, M, M, {init_rule::constant, 1}};
        param_info b{"bias", bias_at<T>, PShape::rank, {}, param_role::bias, M, M, {init_rule::constant, 0}};
        for (std::size_t i = 0; i < PShape::rank; ++i) w.dims[i] = b.dims[i] = PShape::dims[i];
        return std::array<param_info, 2>{w, b};
    }();

    template <class T, std::size_t B, bool Train, class St>
    static constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        const T* w = c.params;
        const T* bias = c.params + bias_at<T>;
        for (std::size_t r = 0; r < B * G; ++r) {
            const T* x = c.in + r * M;
            T* y = c.out + r * M;
            T mean = 0;
            for (std::size_t i = 0; i < M; ++i) mean += x[i];
            mean /= T(M);
            T var = 0;
            for (std::size_t i = 0; i < M; ++i) var += (x[i] - mean) * (x[i] - mean);
            var /= T(M);
            const T rstd = T(1) / std::sqrt(var + T(norm_eps));
            for (std::size_t i = 0; i < M; ++i) {
                const T xh = (x[i] - mean) * rstd;
                if constexpr (Train) c.saved[r * M + i] = xh;
                y[i] = xh * w[i] + bias[i];
            }
            if constexpr (Train) c.saved[B * S::size + r] = rstd;
        }
    }

    template <class T, std::size_t B, class St>
    static void backward(const backward_context<T, B, St>& c) noexcept {
        const T* w = c.params;
        T* dw = c.dparams;
        T* db = c.dparams + bias_at<T>;
        for (std::size_t i = 0; i < M; ++i) dw[i] = db[i] = T(0);
        for (std::size_t r = 0; r < B * G; ++r) {
            const T* xh = c.saved + r * M;
            const T* dy = c.dout + r * M;
            T sum_g = 0, sum_gx = 0;  // Σ dx̂, Σ dx̂·x̂
            for (std::size_t i = 0; i < M; ++i) {
                dw[i] += dy[i] * xh[i];
                db[i] += dy[i];
                const T g = dy[i] * w[i];
                sum_g += g;
                sum_gx += g * xh[i];
            }
            if (!c.din) continue;
            const T rstd = c.saved[B * S::size + r];
            const T mg = sum_g / T(M), mgx = sum_gx / T(M);
            T* dx = c.din + r * M;
            for (std::size_t i = 0; i < M; ++i) dx[i] = rstd * (dy[i] * w[i] - mg - xh[i] * mgx);
        }
    }
};

/// BatchNorm over `C` channels of `L` values each per sample (samples `[C, L...]`).
template <class S, std::size_t C, std::size_t L>
struct batch_norm {
    using in_shape = S;
    using out_shape = S;
    static constexpr double momentum = 0.1;
    static constexpr std::size_t param_count = 2 * C;  // PyTorch's parameters(): weight and bias
    static constexpr std::size_t flops_forward = 8 * S::size;
    static constexpr std::size_t flops_backward = 12 * S::size;
    template <class T>
    static constexpr std::size_t line = aligned_size<T>(C);
    template <class T>
    static constexpr std::size_t storage = 4 * line<T> + aligned_size<T>(1);
    /// x̂ of every element, then per channel the batch mean, biased variance and 1/σ.
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = B * S::size + 3 * C;

    template <class T>
    static constexpr std::array<param_info, 5> params{
        param_info{"weight", 0, 1, {C, 0, 0, 0}, param_role::other, C, C, {init_rule::constant, 1}},
        param_info{"bias", line<T>, 1, {C, 0, 0, 0}, param_role::bias, C, C, {init_rule::constant, 0}},
        param_info{"running_mean", 2 * line<T>, 1, {C, 0, 0, 0}, param_role::buffer, C, C, {init_rule::constant, 0}},
        param_info{"running_var", 3 * line<T>, 1, {C, 0, 0, 0}, param_role::buffer, C, C, {init_rule::constant, 1}},
        param_info{"num_batches_tracked", 4 * line<T>, 0, {0, 0, 0, 0}, param_role::buffer, 1, 1,
                   {init_rule::constant, 0}}};

    template <class T, std::size_t B, bool Train, class St>
    static constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        const T* w = c.params;
        const T* bias = c.params + line<T>;
        constexpr std::size_t n = B * L;
        for (std::size_t ch = 0; ch < C; ++ch) {
            T mean, rstd;
            if constexpr (Train) {
                T s = 0;
                for (std::size_t b = 0; b < B; ++b)
                    for (std::size_t i = 0; i < L; ++i) s += c.in[(b * C + ch) * L + i];
                mean = s / T(n);
                T v = 0;
                for (std::size_t b = 0; b < B; ++b)
                    for (std::size_t i = 0; i < L; ++i) {
                        const T d = c.in[(b * C + ch) * L + i] - mean;
                        v += d * d;
                    }
                v /= T(n);
                rstd = T(1) / std::sqrt(v + T(norm_eps));
                T* st = c.saved + B * S::size;
                st[ch] = mean;
                st[C + ch] = v;
                st[2 * C + ch] = rstd;
            } else {
                mean = c.params[2 * line<T> + ch];
                rstd = T(1) / std::sqrt(c.params[3 * line<T> + ch] + T(norm_eps));
            }
            const T a = w[ch] * rstd, sh = bias[ch];
            for (std::size_t b = 0; b < B; ++b)
                for (std::size_t i = 0; i < L; ++i) {
                    const std::size_t k = (b * C + ch) * L + i;
                    const T xh = (c.in[k] - mean) * rstd;
                    if constexpr (Train) c.saved[k] = xh;
                    c.out[k] = Train ? xh * w[ch] + sh : (c.in[k] - mean) * a + sh;
                }
        }
    }

    template <class T, std::size_t B, class St>
    static void backward(const backward_context<T, B, St>& c) noexcept {
        constexpr std::size_t n = B * L;
        const T* w = c.params;
        const T* st = c.saved + B * S::size;
        T* dw = c.dparams;
        T* db = c.dparams + line<T>;
        const T m = T(momentum);
        for (std::size_t ch = 0; ch < C; ++ch) {
            T sum_g = 0, sum_gx = 0;  // Σ dy, Σ dy·x̂
            for (std::size_t b = 0; b < B; ++b)
                for (std::size_t i = 0; i < L; ++i) {
                    const std::size_t k = (b * C + ch) * L + i;
                    sum_g += c.dout[k];
                    sum_gx += c.dout[k] * c.saved[k];
                }
            dw[ch] = sum_gx;
            db[ch] = sum_g;
            if (c.din) {
                const T a = w[ch] * st[2 * C + ch], mg = sum_g / T(n), mgx = sum_gx / T(n);
                for (std::size_t b = 0; b < B; ++b)
                    for (std::size_t i = 0; i < L; ++i) {
                        const std::size_t k = (b * C + ch) * L + i;
                        c.din[k] = a * (c.dout[k] - mg - c.saved[k] * mgx);
                    }
            }
            // the buffers' new values (copied by the optimizer's step)
            const T unbiased = n > 1 ? st[C + ch] * T(n) / T(n > 1 ? n - 1 : 1) : st[C + ch];
            c.dparams[2 * line<T> + ch] = (T(1) - m) * c.params[2 * line<T> + ch] + m * st[ch];
            c.dparams[3 * line<T> + ch] = (T(1) - m) * c.params[3 * line<T> + ch] + m * unbiased;
        }
        c.dparams[4 * line<T>] = c.params[4 * line<T>] + T(1);
    }
};

template <class In, std::size_t N>
struct last_axes;
template <std::size_t... D, std::size_t N>
struct last_axes<Shape<D...>, N> {
    static constexpr std::array<std::size_t, sizeof...(D)> dims{D...};
    template <std::size_t... I>
    static auto make(std::index_sequence<I...>) -> Shape<dims[sizeof...(D) - N + I]...>;
    using type = decltype(make(std::make_index_sequence<N>{}));
};

template <std::size_t N>
struct binding<LayerNorm<N>> {
    template <class In>
    static constexpr bool accepts = In::rank >= N;
    template <class In, class Where>
    struct diagnose : require_norm_rank<(In::rank < N), Where, In> {};
    template <class In>
    using type = layer_norm<In, last_axes<In, N>::type::size, typename last_axes<In, N>::type>;
};

template <>
struct binding<BatchNorm1D> {
    template <class In>
    static constexpr bool accepts = In::rank == 1 || In::rank == 2;
    template <class In, class Where>
    struct diagnose : require_norm_rank<!accepts<In>, Where, In> {};
    template <class In>
    using type = batch_norm<In, In::dims[0], In::size / In::dims[0]>;
};

template <>
struct binding<BatchNorm2D> {
    template <class In>
    static constexpr bool accepts = In::rank == 3;
    template <class In, class Where>
    struct diagnose : require_norm_rank<!accepts<In>, Where, In> {};
    template <class In>
    using type = batch_norm<In, In::dims[0], In::size / In::dims[0]>;
};

}  // namespace layers
}  // namespace ctnn
