#pragma once
/// \file composite.hpp
/// What every composite node (chain, residual, concat, add) shares: a type
/// list, how a child is called, the parameter table built from the
/// children's tables with their module paths as prefixes, and the state
/// built from the children's states.

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>

#include "../core/config.hpp"
#include "../core/type_list.hpp"
#include "../layers/layer_concepts.hpp"
#include "names.hpp"

namespace ctnn::net_detail {

using meta::type_list;

/// Work (FLOPs of a whole batch) from which a child runs as a function of its
/// own instead of being inlined into its parent: identical layers then share
/// one copy (a 32-layer MLP compiles its Dense once), while small layers keep
/// the latency of straight-line code.
inline constexpr std::size_t outline_flops = 32768;

template <class L, class T, std::size_t B, bool Train, class S>
[[gnu::noinline]] constexpr void forward_outline(const forward_context<T, B, Train, S>& c) noexcept {
    L::forward(c);
}
template <class L, class T, std::size_t B, class S>
[[gnu::noinline]] void backward_outline(const backward_context<T, B, S>& c) noexcept {
    L::backward(c);
}

/// Runs child `L`'s forward pass.
template <class L, class T, std::size_t B, bool Train, class S>
CTNN_INLINE constexpr void call_forward(const forward_context<T, B, Train, S>& c) noexcept {
    if constexpr (layers::flops_forward_of<L> * B >= outline_flops)
        forward_outline<L>(c);
    else
        L::forward(c);
}
/// Runs child `L`'s backward pass.
template <class L, class T, std::size_t B, class S>
CTNN_INLINE void call_backward(const backward_context<T, B, S>& c) noexcept {
    if constexpr (layers::flops_backward_of<L> * B >= outline_flops)
        backward_outline<L>(c);
    else
        L::backward(c);
}

// ---- sizes ----------------------------------------------------------------------

template <class T, class... C>
inline constexpr std::array<std::size_t, sizeof...(C) + 1> storage_offsets = [] {
    std::array<std::size_t, sizeof...(C) + 1> off{};
    std::size_t i = 0;
    ((off[i + 1] = off[i] + layers::storage_of<C, T>, ++i), ...);
    return off;
}();

template <class... C>
inline constexpr std::size_t sum_param_count = (std::size_t(0) + ... + layers::param_count_of<C>);
template <class... C>
inline constexpr std::size_t sum_flops_forward = (std::size_t(0) + ... + layers::flops_forward_of<C>);
template <class... C>
inline constexpr std::size_t sum_flops_backward = (std::size_t(0) + ... + layers::flops_backward_of<C>);

template <class T, std::size_t B, class... C>
inline constexpr std::size_t max_scratch = [] {
    std::size_t m = 0;
    ((m = layers::scratch_size_of<C, T, B> > m ? layers::scratch_size_of<C, T, B> : m), ...);
    return m;
}();

// ---- the parameter table ----------------------------------------------------------

/// The children's parameter names, each prefixed with its child's path segment.
template <class T, class... C>
constexpr auto prefixed_names(const std::array<param_name, sizeof...(C)>& segments) noexcept {
    std::array<param_name, (std::size_t(0) + ... + layers::params_of<C, T>.size())> out{};
    std::size_t k = 0, i = 0;
    (
        [&] {
            for (const param_info& p : layers::params_of<C, T>) {
                param_name n = segments[i];
                n.append(".").append(p.name);
                out[k++] = n;
            }
            ++i;
        }(),
        ...);
    return out;
}

/// The children's parameter tables as one, names from `names` (static storage)
/// and offsets into the composite's storage.
template <class T, std::size_t N, class... C>
constexpr auto prefixed_params(const std::array<param_name, N>& names,
                               const std::array<std::size_t, sizeof...(C) + 1>& offsets) noexcept {
    std::array<param_info, N> out{};
    std::size_t k = 0, i = 0;
    (
        [&] {
            for (param_info p : layers::params_of<C, T>) {
                p.name = names[k].view();
                p.offset += offsets[i];
                out[k++] = p;
            }
            ++i;
        }(),
        ...);
    return out;
}

// ---- state ------------------------------------------------------------------------

/// The state of a composite: its children's states side by side.
template <class... S>
struct composite_state {
    std::tuple<S...> parts{};
    constexpr void reset() noexcept {
        std::apply([](auto&... s) { (s.reset(), ...); }, parts);
    }
};

template <class... C>
inline constexpr bool any_stateful = (StatefulLayer<C> || ...);

/// Gives a composite a `state` only when a child has one, so that
/// `StatefulLayer` tells stateful networks from stateless ones.
template <bool Stateful, class... C>
struct state_base {};
template <class... C>
struct state_base<true, C...> {
    template <class T, std::size_t B>
    using state = composite_state<layers::state_of<C, T, B>...>;
};

/// Child `I`'s state inside its composite's state (null without one).
template <std::size_t I, class S>
constexpr auto child_state(S* s) noexcept {
    if constexpr (std::is_same_v<S, no_state>)
        return static_cast<no_state*>(nullptr);
    else
        return s ? &std::get<I>(s->parts) : nullptr;
}

}  // namespace ctnn::net_detail
