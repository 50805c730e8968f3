#pragma once
/// \file clip.hpp
/// Gradient clipping by global norm (`torch.nn.utils.clip_grad_norm_`):
/// with ‖g‖ the 2-norm of all gradients together, when ‖g‖ > c every
/// gradient is scaled by c / (‖g‖ + 10⁻⁶). Returns ‖g‖ before clipping.
/// One pass to measure, one to scale (only when clipping), no allocation.
/// A network's buffers (running statistics, whose gradient slots hold their
/// new values) are left out of the norm and not scaled: call
/// `clip_grad_norm<Net>(g, c)`, or `clip_grad_norm(g, c)` when the
/// `gradients` type names its network (`G::network`).

#include <cmath>
#include <cstddef>
#include <type_traits>

#include "../core/config.hpp"
#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "buffers.hpp"

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

/// ‖g‖ and the scaling over the runs of trained tensors of `Net` only.
template <class Net, class T>
double clip_runs(T* p, double max_norm) noexcept {
    using L = buffer_layout<Net>;
    const double norm = std::sqrt([&]<std::size_t... I>(std::index_sequence<I...>) {
        return (0.0 + ... + double(simd::dot_n<L::runs[I].end - L::runs[I].begin>(p + L::runs[I].begin,
                                                                                  p + L::runs[I].begin)));
    }(std::make_index_sequence<L::run_count>{}));
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1) {
        const T c = T(coef);
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (simd::map_n<L::runs[I].end - L::runs[I].begin>([c](auto v) CTNN_INLINE_LAMBDA { return v * decltype(v)(c); },
                                                            p + L::runs[I].begin, p + L::runs[I].begin),
             ...);
        }(std::make_index_sequence<L::run_count>{});
    }
    return norm;
}
}  // namespace detail

/// Scales `g` so that its global 2-norm is at most `max_norm`; returns the
/// norm it had.
template <class G>
CTNN_REALTIME double clip_grad_norm(G& g, double max_norm) noexcept {
    using B = detail::grad_buffer<G>;
    auto* p = B::data(g);
    using T = std::remove_pointer_t<decltype(p)>;
    if constexpr (requires { typename G::network; }) {
        if constexpr (has_buffers<typename G::network>) return detail::clip_runs<typename G::network>(p, max_norm);
    }
    const double norm = std::sqrt(double(simd::dot_n<B::size>(p, p)));
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1) {
        const T c = T(coef);
        simd::map_n<B::size>([c](auto v) CTNN_INLINE_LAMBDA { return v * decltype(v)(c); }, p, p);
    }
    return norm;
}

/// The same for the gradients of the network `Net`, its buffers left out.
template <Network Net>
CTNN_REALTIME double clip_grad_norm(typename Net::gradients& g, double max_norm) noexcept {
    if constexpr (has_buffers<Net>)
        return detail::clip_runs<Net>(g.data + 0, max_norm);
    else
        return clip_grad_norm(g, max_norm);
}

}  // namespace ctnn::optim
