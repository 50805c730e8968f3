#pragma once
/// \file bce_logits.hpp
/// `BCEWithLogits`: binary cross-entropy on logits x with targets t in
/// [0, 1], mean over the elements of the first `n` rows (torch's
/// `BCEWithLogitsLoss()`); `BCEWithLogitsSum`: their sum
/// (`BCEWithLogitsLoss(reduction='sum')`). Each element is
/// max(x, 0) - x t + log1p(e^-|x|): finite and exact for |x| = 1000 (no exp
/// of a positive number). ∂/∂x = σ(x) - t, divided by the element count for
/// the mean. One pass for the loss, one for the gradient; no allocation.

#include <cstddef>
#include <string>

#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "loss_common.hpp"

namespace ctnn {

/// Binary cross-entropy on logits with the reduction `R`; use the aliases
/// `BCEWithLogits` (mean) and `BCEWithLogitsSum` (sum).
template <reduction R>
struct BasicBCEWithLogits {
    static std::string name() { return R == reduction::mean ? "BCEWithLogits" : "BCEWithLogitsSum"; }
    template <TensorLike Out, TensorLike Target, WritableTensor DOut>
    CTNN_REALTIME static auto compute(const Out& x, const Target& t, DOut&& dx,
                                      std::size_t n = loss_detail::rows<Out>::batch) noexcept {
        static_assert(loss_detail::same_shape<Out, Target>,
                      "ctnn: the loss needs targets of the same shape as the network's output");
        static_assert(loss_detail::same_shape<Out, loss_detail::grad_checked<Out, Target, DOut>>,
                      "ctnn: the loss needs a gradient tensor of the same shape as the network's output");
        using T = typename Out::value_type;
        if constexpr (!loss_detail::shapes_fit<Out, Target, DOut>) {
            return T{};  // reported above
        } else {
            constexpr std::size_t W = loss_detail::rows<Out>::width;
            constexpr std::size_t B = loss_detail::rows<Out>::batch;
            const T scale = R == reduction::mean ? T(1) / T(n * W) : T(1);
            T total = 0;
            for (std::size_t r = 0; r < n; ++r) {
                const T* xr = x.data() + r * W;
                const T* tr = t.data() + r * W;
                total += simd::detail::sum_terms<W, simd::best_arch, T>(
                    [&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
                        using P = simd::pack_traits<T, A>;
                        const auto xv = P::load(xr + i);
                        const auto zero = P::splat(T(0));
                        return simd::max(xv, zero) - xv * P::load(tr + i) + simd::log1p(simd::exp(-simd::abs(xv)));
                    });
            }
            simd::map_n<W * B>(
                [scale](auto xv, auto tv) CTNN_INLINE_LAMBDA {
                    using V = decltype(xv);
                    return (V(1) / (V(1) + simd::exp(-xv)) - tv) * V(scale);
                },
                dx.data(), x.data(), t.data());
            for (std::size_t i = n * W; i < W * B; ++i) dx.data()[i] = T(0);
            return total * scale;
        }
    }
};

/// Mean over the elements (PyTorch's default reduction).
using BCEWithLogits = BasicBCEWithLogits<reduction::mean>;
/// Sum over the elements (`reduction='sum'`).
using BCEWithLogitsSum = BasicBCEWithLogits<reduction::sum>;

}  // namespace ctnn
