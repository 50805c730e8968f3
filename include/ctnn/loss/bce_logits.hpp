#pragma once
/// \file bce_logits.hpp
/// `BCEWithLogits`: binary cross-entropy on logits x with targets t in
/// [0, 1], mean over elements: max(x, 0) - x t + log1p(e^-|x|) — finite and
/// exact for |x| = 1000 (no exp of a positive number). ∂/∂x = (σ(x) - t)/count.

#include <cstddef>
#include <string>

#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "loss_common.hpp"

namespace ctnn {

struct BCEWithLogits {
    static std::string name() { return "BCEWithLogits"; }
    template <TensorLike Out, TensorLike Target, WritableTensor DOut>
    CTNN_REALTIME static auto compute(const Out& x, const Target& t, DOut&& dx,
                                      std::size_t n = loss_detail::rows<Out>::batch) noexcept {
        loss_detail::check_shapes<Out, Target>();
        loss_detail::check_shapes<Out, std::remove_cvref_t<DOut>>();
        using T = typename Out::value_type;
        constexpr std::size_t W = loss_detail::rows<Out>::width;
        constexpr std::size_t B = loss_detail::rows<Out>::batch;
        const T inv = T(1) / T(n * W);
        T total = 0;
        for (std::size_t r = 0; r < n; ++r) {
            const T* xr = x.data() + r * W;
            const T* tr = t.data() + r * W;
            total += simd::detail::sum_terms<W, simd::best_arch, T>([&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
                using P = simd::pack_traits<T, A>;
                const auto xv = P::load(xr + i);
                const auto zero = P::splat(T(0));
                return xsimd::max(xv, zero) - xv * P::load(tr + i) + xsimd::log1p(xsimd::exp(-xsimd::abs(xv)));
            });
        }
        simd::map_n<W * B>(
            [inv](auto xv, auto tv) CTNN_INLINE_LAMBDA {
                using V = decltype(xv);
                return (V(1) / (V(1) + xsimd::exp(-xv)) - tv) * V(inv);
            },
            dx.data(), x.data(), t.data());
        for (std::size_t i = n * W; i < W * B; ++i) dx.data()[i] = T(0);
        return total * inv;
    }
};

}  // namespace ctnn
