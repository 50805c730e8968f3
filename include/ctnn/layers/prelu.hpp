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
#include "checks.hpp"
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
    static constexpr std::size_t flops_forward = 2 * S::size;
    static constexpr std::size_t flops_backward = 4 * S::size;
    template <class T>
    static constexpr std::size_t storage = aligned_size<T>(1);
    template <class T>
    static constexpr std::array<param_info, 1> params{
        param_info{"weight", 0, 1, {1, 0, 0, 0}, param_role::other, 1, 1, {init_rule::constant, 0.25}}};

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        const T a = c.params[0];
        simd::map_n<B * S::size>(
            [a](auto v) CTNN_INLINE_LAMBDA {
                using V = decltype(v);
                return simd::select(v > V(0), v, v * V(a));
            },
            c.out, c.in);
    }
    template <class T, std::size_t B, class St>
    static CTNN_INLINE void backward(const backward_context<T, B, St>& c) noexcept {
        const T a = c.params[0];
        const T* x = c.in;
        const T* dy = c.dout;
        // da = Σ dy · x over x <= 0
        c.dparams[0] = simd::detail::sum_terms<B * S::size, simd::best_arch, T>([&]<class A>(std::size_t i)
                                                                                   CTNN_INLINE_LAMBDA {
            using Pk = simd::pack_traits<T, A>;
            const auto v = Pk::load(x + i);
            return simd::select(v > Pk::splat(T(0)), Pk::splat(T(0)), v * Pk::load(dy + i));
        });
        if (c.din)
            simd::map_n<B * S::size>(
                [a](auto g, auto v) CTNN_INLINE_LAMBDA {
                    using V = decltype(v);
                    return simd::select(v > V(0), g, g * V(a));
                },
                c.din, dy, x);
    }
};

template <>
struct binding<PReLU> {
    template <class In>
    static constexpr bool accepts = true;
    template <class In, class Where>
    using diagnosis = check::passes;
    template <class In>
    using type = prelu<In>;
};

}  // namespace layers
}  // namespace ctnn
