#pragma once
/// \file softmax_cross_entropy.hpp
/// `SoftmaxCrossEntropy`: softmax over each row of logits fused with the
/// cross-entropy, mean over the rows: -log softmax(x)[label], computed as
/// logsumexp(x) - x[label] with the max subtracted (stable for any logits).
/// Targets are class indices (`Labels<B>`) or probability rows (a tensor of
/// the logits' shape). ∂/∂x = (softmax(x) - target)/n for a distribution
/// target: the softmax's Jacobian never materialises.

#include <cassert>
#include <cmath>
#include <cstddef>
#include <string>

#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "../simd/softmax.hpp"
#include "loss_common.hpp"

namespace ctnn {

namespace loss_detail {
/// log Σ exp(x) of a row that `simd::softmax_n` normalised.
template <class T>
CTNN_INLINE T log_sum_exp(const simd::softmax_row<T>& r) noexcept {
    return r.max + std::log(r.sum);
}
}  // namespace loss_detail

struct SoftmaxCrossEntropy {
    static std::string name() { return "SoftmaxCrossEntropy"; }

    /// With class indices. A label outside [0, N) is a programming error
    /// (checked with assert); readers of label files validate them.
    template <TensorLike Out, std::size_t LB, WritableTensor DOut>
    CTNN_REALTIME static auto compute(const Out& x, const Labels<LB>& labels, DOut&& dx,
                                      std::size_t n = loss_detail::rows<Out>::batch) noexcept {
        using T = typename Out::value_type;
        constexpr std::size_t W = loss_detail::rows<Out>::width;
        constexpr std::size_t B = loss_detail::rows<Out>::batch;
        static_assert(loss_detail::one_label_per_sample<LB, B>, "ctnn: the loss needs one label per sample of the batch");
        static_assert(loss_detail::same_shape<Out, std::remove_cvref_t<DOut>>,
                      "ctnn: the loss needs a gradient tensor of the same shape as the network's output");
        if constexpr (!loss_detail::one_label_per_sample<LB, B> ||
                      !loss_detail::same_shape<Out, std::remove_cvref_t<DOut>>) {
            return T{};  // reported above
        } else {
            T total = 0;
            const T inv = T(1) / T(n);
            for (std::size_t r = 0; r < n; ++r) {
                const std::size_t label = std::size_t(labels[r]);
                assert(label < W);
                const T lse = loss_detail::log_sum_exp(simd::softmax_n<W>(x.data() + r * W, dx.data() + r * W));
                total += lse - x.data()[r * W + label];
                dx.data()[r * W + label] -= T(1);
                simd::map_n<W>([inv](auto g) CTNN_INLINE_LAMBDA { return g * decltype(g)(inv); }, dx.data() + r * W,
                               dx.data() + r * W);
            }
            for (std::size_t i = n * W; i < W * B; ++i) dx.data()[i] = T(0);
            return total * inv;
        }
    }

    /// With target probabilities (rows of any non-negative weights are
    /// accepted; the gradient is exact for them too).
    template <TensorLike Out, TensorLike Target, WritableTensor DOut>
        requires TensorLike<Target>
    CTNN_REALTIME static auto compute(const Out& x, const Target& t, DOut&& dx,
                                      std::size_t n = loss_detail::rows<Out>::batch) noexcept {
        using T = typename Out::value_type;
        constexpr std::size_t W = loss_detail::rows<Out>::width;
        constexpr std::size_t B = loss_detail::rows<Out>::batch;
        static_assert(loss_detail::same_shape<Out, Target>,
                      "ctnn: the loss needs targets of the same shape as the network's output");
        static_assert(loss_detail::same_shape<Out, loss_detail::grad_checked<Out, Target, DOut>>,
                      "ctnn: the loss needs a gradient tensor of the same shape as the network's output");
        if constexpr (!loss_detail::shapes_fit<Out, Target, DOut>) {
            return T{};  // reported above
        } else {
            T total = 0;
            const T inv = T(1) / T(n);
            for (std::size_t r = 0; r < n; ++r) {
                const T* xr = x.data() + r * W;
                const T* tr = t.data() + r * W;
                T* gr = dx.data() + r * W;
                const T lse = loss_detail::log_sum_exp(simd::softmax_n<W>(xr, gr));
                // -Σ t log softmax = Σ t (lse - x) = lse Σt - Σ t x; its gradient
                // (Σt) softmax - t is softmax - t for a distribution
                const T mass = simd::sum_n<W>(tr);
                total += lse * mass - simd::dot_n<W>(tr, xr);
                simd::map_n<W>(
                    [inv, mass](auto p, auto tv) CTNN_INLINE_LAMBDA {
                        using V = decltype(p);
                        return (p * V(mass) - tv) * V(inv);
                    },
                    gr, gr, tr);
            }
            for (std::size_t i = n * W; i < W * B; ++i) dx.data()[i] = T(0);
            return total * inv;
        }
    }
};

}  // namespace ctnn
