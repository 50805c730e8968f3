#pragma once
/// \file prelu.hpp
/// `PReLU`: y = x for x > 0, a·x otherwise, with the slope `a` learned (one
/// parameter, PyTorch's `nn.PReLU()` default, initialised to 0.25; its name
/// in the state_dict is `<index>.weight`).

#include <cstddef>
#include <string>

#include "../simd/arch.hpp"
#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

struct PReLU {
    static std::string name() { return "PReLU"; }
    static constexpr double initial_slope = 0.25;
};

namespace layers {

template <class S>
struct prelu {
    using in_shape = S;
    using out_shape = S;
    static constexpr std::size_t param_count = 1;
    static constexpr std::size_t extra_size = 0;
    static constexpr std::size_t flops_forward = 2 * S::size;
    static constexpr std::size_t flops_backward = 4 * S::size;
    template <class T>
    static constexpr std::size_t storage = aligned_size<T>(1);
    template <class T>
    static constexpr std::array<param_info, 1> params{param_info{"weight", 0, 1, {1, 0, 0, 0}}};

    template <std::size_t B, bool Train, class T>
    static CTNN_INLINE constexpr void forward(const T* p, const T* x, T* y, T*, Rng&) noexcept {
        const T a = p[0];
        simd::map_n<B * S::size>(
            [a](auto v) CTNN_INLINE_LAMBDA {
                using V = decltype(v);
                return simd::select(v > V(0), v, v * V(a));
            },
            y, x);
    }
    template <std::size_t B, class T>
    static CTNN_INLINE void backward(const T* p, const T* x, const T*, const T*, T* dy, T* dx, T* dp) noexcept {
        const T a = p[0];
        // da = Σ dy · x over x <= 0
        dp[0] = simd::detail::sum_terms<B * S::size, simd::best_arch, T>([&]<class A>(std::size_t i) CTNN_INLINE_LAMBDA {
            using Pk = simd::pack_traits<T, A>;
            const auto v = Pk::load(x + i);
            return simd::select(v > Pk::splat(T(0)), Pk::splat(T(0)), v * Pk::load(dy + i));
        });
        if (dx)
            simd::map_n<B * S::size>(
                [a](auto g, auto v) CTNN_INLINE_LAMBDA {
                    using V = decltype(v);
                    return simd::select(v > V(0), g, g * V(a));
                },
                dx, dy, x);
    }
};

template <>
struct binding<PReLU> {
    template <class In>
    static constexpr bool flat_input = true;
    template <class In, class = void>
    using type = prelu<In>;
};

}  // namespace layers
}  // namespace ctnn
