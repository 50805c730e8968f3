#pragma once
/// \file clip.hpp
/// Gradient clipping by global norm (`torch.nn.utils.clip_grad_norm_`):
/// with ‖g‖ the 2-norm of all gradients together, when ‖g‖ > c every
/// gradient is scaled by c / (‖g‖ + 10⁻⁶). Returns ‖g‖ before clipping.
/// One pass to measure, one to scale (only when clipping), no allocation.

#include <cmath>
#include <cstddef>
#include <type_traits>

#include "../core/config.hpp"
#include "../simd/blas1.hpp"
#include "../simd/map.hpp"

namespace ctnn::optim {

namespace detail {
/// The flat buffer of a network's `gradients` or of a tensor.
template <class G>
struct grad_buffer {
    static constexpr std::size_t size = std::extent_v<decltype(G::data)>;
    static auto* data(G& g) noexcept { return g.data + 0; }
};
template <class G>
    requires requires(G& g) { g.data(); G::size; }
struct grad_buffer<G> {
    static constexpr std::size_t size = G::size;
    static auto* data(G& g) noexcept { return g.data(); }
};
}  // namespace detail

/// Scales `g` so that its global 2-norm is at most `max_norm`; returns the
/// norm it had.
template <class G>
CTNN_REALTIME double clip_grad_norm(G& g, double max_norm) noexcept {
    using B = detail::grad_buffer<G>;
    auto* p = B::data(g);
    using T = std::remove_pointer_t<decltype(p)>;
    const double norm = std::sqrt(double(simd::dot_n<B::size>(p, p)));
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1) {
        const T c = T(coef);
        simd::map_n<B::size>([c](auto v) CTNN_INLINE_LAMBDA { return v * decltype(v)(c); }, p, p);
    }
    return norm;
}

}  // namespace ctnn::optim
