#pragma once
/// \file chain.hpp
/// The bound form of a `Sequential`: children run one after the other.
///
/// Memory plan (all sizes compile-time constants):
///  - saved area (training): for each child, its output (but the last's, which
///    is the chain's own output, kept by the parent) and the child's saved area;
///  - scratch: two ping-pong buffers of the widest intermediate (the
///    activations of an inference forward, the gradients flowing back), then
///    the largest child scratch, shared by the children in turn.
/// So an intermediate lives only from the child that writes it to the child
/// that reads it, except in training, where backward needs every output.

#include <array>
#include <cstddef>
#include <string>
#include <tuple>
#include <utility>

#include "../simd/map.hpp"
#include "composite.hpp"

namespace ctnn {
namespace net_detail {

/// A spec's name in summaries (a binding may name specs that are not
/// complete types on their own, such as a nested `Sequential`).
template <class S>
std::string spec_name() {
    if constexpr (requires { layers::binding<S>::name(); })
        return layers::binding<S>::name();
    else
        return S::name();
}

/// One child of a chain: its bound layer, the spec it came from and the
/// activation fused into it (or void); `index` is its position in PyTorch's
/// `nn.Sequential` (its parameters' prefix), which counts a fused activation.
template <int Index, class Spec, class Bound, class ActSpec = void>
struct unit {
    static constexpr int index = Index;
    using spec = Spec;
    using bound = Bound;
    using activation_spec = ActSpec;
    static std::string name() {
        if constexpr (std::is_void_v<ActSpec>)
            return spec_name<Spec>();
        else
            return spec_name<Spec>() + " + " + ActSpec::name();
    }
};

}  // namespace net_detail

#if defined(__clang__)
// clang at -O1 leaves some kernel loops marked CTNN_UNROLL rolled and
// reports it (-Wpass-failed) at the function they were inlined into, the
// chain's forward and backward: a missed optimisation, not a fault in the
// user's code, so users building with -Wall -Wextra do not see it.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
namespace layers {

template <class In, class Out, class... U>
struct chain : net_detail::state_base<net_detail::any_stateful<typename U::bound...>, typename U::bound...> {
    using in_shape = In;
    using out_shape = Out;
    using units = net_detail::type_list<U...>;
    static constexpr std::size_t count = sizeof...(U);
    template <std::size_t I>
    using unit = std::tuple_element_t<I, std::tuple<U...>>;
    template <std::size_t I>
    using child = typename unit<I>::bound;

    static constexpr std::size_t param_count = net_detail::sum_param_count<typename U::bound...>;
    static constexpr std::size_t flops_forward = net_detail::sum_flops_forward<typename U::bound...>;
    static constexpr std::size_t flops_backward = net_detail::sum_flops_backward<typename U::bound...>;

    /// Where each child's parameters start.
    template <class T>
    static constexpr auto param_offsets = net_detail::storage_offsets<T, typename U::bound...>;
    template <class T>
    static constexpr std::size_t storage = param_offsets<T>[count];

    template <class T>
    static constexpr auto param_names = net_detail::prefixed_names<T, typename U::bound...>(
        std::array<net_detail::param_name, count>{net_detail::param_name{}.append_number(std::size_t(U::index))...});
    template <class T>
    static constexpr auto params =
        net_detail::prefixed_params<T, param_names<T>.size(), typename U::bound...>(param_names<T>, param_offsets<T>);

    /// Elements of child I's output kept in the saved area (0 for the last).
    template <class T, std::size_t B, std::size_t I>
    static constexpr std::size_t kept_output = I + 1 < count ? aligned_size<T>(B * child<I>::out_shape::size) : 0;

    /// Where child I's block (its output, then its saved area) starts.
    template <class T, std::size_t B>
    static constexpr auto saved_offsets = [] {
        std::array<std::size_t, count + 1> off{};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((off[I + 1] = off[I] + kept_output<T, B, I> + saved_size_of<child<I>, T, B>), ...);
        }(std::make_index_sequence<count>{});
        return off;
    }();
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = saved_offsets<T, B>[count];

    /// One ping-pong buffer: the widest intermediate of B samples.
    template <class T, std::size_t B>
    static constexpr std::size_t pingpong = [] {
        std::size_t m = 0;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((m = (I + 1 < count && child<I>::out_shape::size > m) ? child<I>::out_shape::size : m), ...);
        }(std::make_index_sequence<count>{});
        return aligned_size<T>(B * m);
    }();
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = 2 * pingpong<T, B> + net_detail::max_scratch<T, B, typename U::bound...>;

    /// Calls `f(segment, name, std::type_identity<child>)` for each child (summaries).
    template <class F>
    static void visit_children(F&& f) {
        (f(std::to_string(U::index), U::name(), std::type_identity<typename U::bound>{}), ...);
    }

    template <class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, S>& c) noexcept {
        if constexpr (count == 0) {
            simd::map_n<B * In::size>([](auto v) CTNN_INLINE_LAMBDA { return v; }, c.out, c.in);
        } else {
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                (forward_child<I>(c), ...);
            }(std::make_index_sequence<count>{});
        }
    }

    template <class T, std::size_t B, class S>
    static CTNN_INLINE void backward(const backward_context<T, B, S>& c) noexcept {
        if constexpr (count == 0) {
            if (c.din) simd::map_n<B * In::size>([](auto g) CTNN_INLINE_LAMBDA { return g; }, c.din, c.dout);
        } else {
            [&]<std::size_t... R>(std::index_sequence<R...>) {
                (backward_child<count - 1 - R>(c), ...);
            }(std::make_index_sequence<count>{});
        }
    }

private:
    /// Child I's output during a forward pass.
    template <std::size_t I, class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr T* output_of(const forward_context<T, B, Train, S>& c) noexcept {
        if constexpr (I + 1 == count)
            return c.out;
        else if constexpr (Train)
            return c.saved + saved_offsets<T, B>[I];
        else
            return c.scratch + (I % 2) * pingpong<T, B>;
    }

    template <std::size_t I, class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr void forward_child(const forward_context<T, B, Train, S>& c) noexcept {
        using C = child<I>;
        const T* in;
        if constexpr (I == 0)
            in = c.in;
        else
            in = output_of<I - 1>(c);
        T* saved = nullptr;
        if constexpr (Train) saved = c.saved + saved_offsets<T, B>[I] + kept_output<T, B, I>;
        net_detail::call_forward<C>(forward_context<T, B, Train, state_of<C, T, B>>{
            c.params + param_offsets<T>[I], in, output_of<I>(c), saved, c.scratch + 2 * pingpong<T, B>,
            net_detail::child_state<I>(c.state), c.rng});
    }

    template <std::size_t I, class T, std::size_t B, class S>
    static CTNN_INLINE void backward_child(const backward_context<T, B, S>& c) noexcept {
        using C = child<I>;
        constexpr std::size_t pp = pingpong<T, B>;
        const T* in = I == 0 ? c.in : c.saved + saved_offsets<T, B>[I == 0 ? 0 : I - 1];
        const T* out = I + 1 == count ? c.out : c.saved + saved_offsets<T, B>[I];
        // child I+1 wrote ∂L/∂(output I) into buffer I % 2; child I writes into the other one
        // ... which is dead after child I, so it may work in place there
        T* dout_writable = I + 1 == count ? c.dout_writable : c.scratch + (I % 2) * pp;
        const T* dout = I + 1 == count ? c.dout : dout_writable;
        T* din = I == 0 ? c.din : c.scratch + ((I + 1) % 2) * pp;
        net_detail::call_backward<C>(backward_context<T, B, state_of<C, T, B>>{
            c.params + param_offsets<T>[I], in, out, c.saved + saved_offsets<T, B>[I] + kept_output<T, B, I>, dout,
            din, c.dparams + param_offsets<T>[I], c.scratch + 2 * pp, net_detail::child_state<I>(c.state),
            dout_writable});
    }
};

}  // namespace layers
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
}  // namespace ctnn
