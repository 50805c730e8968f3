#pragma once
/// \file gemv.hpp
/// Matrix-vector product `y = epi(W x)` with `W: [Out, In]` (PyTorch's
/// layout): the forward product at batch 1. Tiles of one pack of outputs are
/// reduced with one `haddp`, so bias and activation are applied to a whole
/// pack of outputs in registers. No allocation; 2·Out·In flops.

#include <cstddef>
#include <type_traits>

#include "gemm.hpp"

namespace ctnn::simd {

/// `y[o] = epi(Σ_i w[o,i]·x[i], 0, o)`.
template <std::size_t Out, std::size_t In, class T, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE constexpr void gemv_n(const T* w, const T* x, T* y, Epi epi = {}) noexcept {
    if constexpr (In == 1) {
        // W [Out, 1] is one contiguous column: y = epi(w · x[0]) in whole
        // packs, one multiply each, no reduction and no buffer
        if (!std::is_constant_evaluated()) {
            for_each_pack<T, Out>([&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
                using P = pack_traits<T, A>;
                P::store(y + i, epi(P::load(w + i) * P::splat(x[0]), 0, i));
            });
            return;
        }
    }
    gemm_xwt_n<1, Out, In>(x, w, y, epi);
}

namespace detail {
template <class SW, class SX>
inline constexpr bool gemv_ranks = SW::rank == 2 && SX::rank == 1;
template <class SW, class SX>
inline constexpr bool gemv_inner_extents_match = SW::dims[1] == SX::dims[0];
}  // namespace detail

/// `y = epi(W x)`, e.g. `gemv(W, x, y, epilogue::bias{b.data()})` for `W x + b`.
template <TensorLike W, TensorLike X, TensorLike Y, class Epi = epilogue::none>
CTNN_REALTIME CTNN_INLINE void gemv(const W& w, const X& x, Y& y, Epi epi = {}) noexcept {
    using SW = typename W::shape_type;
    using SX = typename X::shape_type;
    using SY = typename Y::shape_type;
    static_assert(detail::gemv_ranks<SW, SX>, "ctnn: gemv takes a matrix W [Out, In] and a vector x [In]");
    if constexpr (detail::gemv_ranks<SW, SX>) {
        static_assert(detail::gemv_inner_extents_match<SW, SX>, "ctnn: gemv needs W [Out, In] and x [In] with the same In");
        if constexpr (detail::gemv_inner_extents_match<SW, SX>) {
            static_assert(detail::output_shape_matches<Shape<SW::dims[0]>, SY>,
                          "ctnn: the output tensor must have the product's shape [Out]");
            if constexpr (detail::output_shape_matches<Shape<SW::dims[0]>, SY>)
                gemv_n<SW::dims[0], SW::dims[1]>(w.data(), x.data(), y.data(), epi);
        }
    }
}

}  // namespace ctnn::simd
