#pragma once
/// \file map.hpp
/// Fused element-wise map: `out[i] = f(in0[i], in1[i], ...)` in one pass over
/// memory, with `f` written once over packs (it receives xsimd batches, and
/// plain scalars for the last elements).

#include <cstddef>
#include <numeric>
#include <type_traits>
#include <utility>

#include "../core/tensor.hpp"
#include "arch.hpp"

namespace ctnn::simd {

/// `out[i] = f(in[i]...)` for `i < N`. `out` may alias an input. No allocation.
/// In a constant expression, a plain loop calling `f` on scalars.
template <std::size_t N, class T, class F, class... In>
CTNN_INLINE constexpr void map_n(F&& f, T* out, const In*... in) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t i = 0; i < N; ++i) out[i] = f(in[i]...);
        return;
    }
    for_each_pack<T, N>([&]<class A>(std::size_t i) {
        using P = pack_traits<T, A>;
        P::store(out + i, f(pack_traits<In, A>::load(in + i)...));
    });
}

/// In-place fused update of several buffers of `N` elements in one pass:
/// at each position, loads a pack from every buffer and calls
/// `f(b0, ..., b{M-1}, in...)` with the first `M` packs by reference, then
/// stores those `M` back; the others are read only. An optimizer step is
/// one call: `update_n<N, 3>(adam, params, m, v, grads)`. No allocation.
template <std::size_t N, std::size_t M, class T, class F, class... In>
CTNN_INLINE void update_n(F&& f, T* const (&out)[M], const In*... in) noexcept {
    for_each_pack<T, N>([&]<class A>(std::size_t i) {
        using P = pack_traits<T, A>;
        [&]<std::size_t... J>(std::index_sequence<J...>) {
            typename P::type v[M] = {P::load(out[J] + i)...};
            f(v[J]..., pack_traits<In, A>::load(in + i)...);
            (P::store(out[J] + i, v[J]), ...);
        }(std::make_index_sequence<M>{});
    });
}

namespace detail {
template <class In, class Out>
inline constexpr bool map_broadcast_ok =
    std::is_same_v<typename In::shape_type, typename Out::shape_type> ||
    (ctnn::detail::broadcasts_to<typename In::shape_type, typename Out::shape_type> && Out::size % In::size == 0 &&
     [] {
         // only along leading dimensions: the input is a trailing block of the output
         using SI = typename In::shape_type;
         using SO = typename Out::shape_type;
         std::size_t i = SI::rank;
         while (i > 0 && SI::dims[i - 1] == SO::dims[SO::rank - SI::rank + i - 1]) --i;
         for (std::size_t j = 0; j < i; ++j)
             if (SI::dims[j] != 1) return false;
         return true;
     }());

/// The input's shape broadcasts to the output's shape.
template <class In, class Out>
inline constexpr bool shapes_broadcast = ctnn::detail::broadcastable<typename In::shape_type, typename Out::shape_type> &&
                                         ctnn::detail::broadcasts_to<typename In::shape_type, typename Out::shape_type>;
}  // namespace detail

/// `out = f(in...)` element-wise over tensors. Each input has the output's
/// shape or broadcasts to it along leading dimensions (a `[N]` bias over a
/// `[B, N]` batch). One pass, no temporaries, no allocation.
template <TensorLike Out, TensorLike... In, class F>
CTNN_INLINE void map(F&& f, Out& out, const In&... in) noexcept {
    static_assert((detail::shapes_broadcast<In, Out> && ...),
                  "ctnn: map needs every input shape to broadcast to the output shape");
    static_assert(((!detail::shapes_broadcast<In, Out> || detail::map_broadcast_ok<In, Out>) && ...),
                  "ctnn: map broadcasts an input only along leading dimensions");
    constexpr std::size_t inner = std::min({Out::size, In::size...});
    if constexpr (inner == Out::size) {
        map_n<Out::size>(f, out.data(), in.data()...);
    } else {
        for (std::size_t r = 0; r < Out::size / inner; ++r)
            map_n<inner>(f, out.data() + r * inner, (in.data() + (r * inner) % In::size)...);
    }
}

}  // namespace ctnn::simd
