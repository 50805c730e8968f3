#pragma once
/// \file add.hpp
/// `Add<Branch...>`: every branch sees the same input and their outputs,
/// which must have one shape, are summed (y = f(x) + g(x) + ...; a
/// projection shortcut is `Add<Sequential<...>, Dense<N>>`).
///
/// Memory: an inference forward lets the first branch write the output and
/// adds the others through one buffer; a training forward keeps every
/// branch's output (its backward reads it). Backward hands ∂L/∂y to every
/// branch as it is and sums their input gradients.

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

#include "../simd/map.hpp"
#include "branches.hpp"

namespace ctnn {

/// The sum of the branches' outputs.
template <class... Branch>
struct Add {
    struct needs_at_least_one_branch;
    using broken_rule = check::first_broken_t<check::rule<sizeof...(Branch) == 0, needs_at_least_one_branch>>;
    static std::string name() { return "Add"; }
};

namespace layers {

template <class Specs, class... C>
struct add : net_detail::state_base<net_detail::any_stateful<C...>, C...> {
    static constexpr std::size_t K = sizeof...(C);
    template <std::size_t k>
    using branch = std::tuple_element_t<k, std::tuple<C...>>;
    using in_shape = typename branch<0>::in_shape;
    using out_shape = typename branch<0>::out_shape;
    static constexpr std::size_t in_size = in_shape::size;
    static constexpr std::size_t out_size = out_shape::size;

    static constexpr std::size_t param_count = net_detail::sum_param_count<C...>;
    static constexpr std::size_t flops_forward = net_detail::sum_flops_forward<C...> + (K - 1) * out_size;
    static constexpr std::size_t flops_backward = net_detail::sum_flops_backward<C...> + (K - 1) * in_size;
    template <class T>
    static constexpr auto param_offsets = net_detail::storage_offsets<T, C...>;
    template <class T>
    static constexpr std::size_t storage = param_offsets<T>[K];
    template <class T>
    static constexpr auto param_names = net_detail::prefixed_names<T, C...>(net_detail::branch_segments<K>());
    template <class T>
    static constexpr auto params =
        net_detail::prefixed_params<T, param_names<T>.size(), C...>(param_names<T>, param_offsets<T>);

    template <class T, std::size_t B>
    static constexpr std::size_t rows = aligned_size<T>(B * out_size);
    template <class T, std::size_t B>
    static constexpr auto saved_offsets = [] {
        std::array<std::size_t, K + 1> off{};
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            ((off[k + 1] = off[k] + rows<T, B> + saved_size_of<branch<k>, T, B>), ...);
        }(std::make_index_sequence<K>{});
        return off;
    }();
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = saved_offsets<T, B>[K];
    /// scratch: [a branch's output (inference) or input gradient (backward) | branch scratch]
    template <class T, std::size_t B>
    static constexpr std::size_t temp = K > 1 ? (rows<T, B> > aligned_size<T>(B * in_size) ? rows<T, B>
                                                                                            : aligned_size<T>(B * in_size))
                                              : 0;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = temp<T, B> + net_detail::max_scratch<T, B, C...>;

    template <class F>
    static void visit_children(F&& f) {
        net_detail::visit_specs<Specs, C...>(f);
    }

    template <class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, S>& c) noexcept {
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            (forward_branch<k>(c), ...);
        }(std::make_index_sequence<K>{});
    }

    template <class T, std::size_t B, class S>
    static CTNN_INLINE void backward(const backward_context<T, B, S>& c) noexcept {
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            (backward_branch<k>(c), ...);
        }(std::make_index_sequence<K>{});
    }

private:
    template <std::size_t k, class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr void forward_branch(const forward_context<T, B, Train, S>& c) noexcept {
        using Br = branch<k>;
        T* y;
        if constexpr (Train)
            y = c.saved + saved_offsets<T, B>[k];
        else if constexpr (k == 0)
            y = c.out;
        else
            y = c.scratch;
        T* saved = nullptr;
        if constexpr (Train) saved = c.saved + saved_offsets<T, B>[k] + rows<T, B>;
        net_detail::call_forward<Br>(forward_context<T, B, Train, state_of<Br, T, B>>{
            c.params + param_offsets<T>[k], c.in, y, saved, c.scratch + temp<T, B>,
            net_detail::child_state<k>(c.state), c.rng});
        if constexpr (Train && k == 0)
            simd::map_n<B * out_size>([](auto v) CTNN_INLINE_LAMBDA { return v; }, c.out, y);
        else if constexpr (k > 0)
            simd::map_n<B * out_size>([](auto a, auto v) CTNN_INLINE_LAMBDA { return a + v; }, c.out, c.out, y);
    }

    template <std::size_t k, class T, std::size_t B, class S>
    static CTNN_INLINE void backward_branch(const backward_context<T, B, S>& c) noexcept {
        using Br = branch<k>;
        T* din = c.din ? (k == 0 ? c.din : c.scratch) : nullptr;
        net_detail::call_backward<Br>(backward_context<T, B, state_of<Br, T, B>>{
            c.params + param_offsets<T>[k], c.in, c.saved + saved_offsets<T, B>[k],
            c.saved + saved_offsets<T, B>[k] + rows<T, B>, c.dout, din, c.dparams + param_offsets<T>[k],
            c.scratch + temp<T, B>, net_detail::child_state<k>(c.state)});
        if (k > 0 && c.din)
            simd::map_n<B * in_size>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, c.din, c.din, din);
    }
};

/// The branches must produce one shape.
template <bool Fails, class Where, class... Outs>
using require_one_shape =
    check::fails_if<Fails, check::fault::add_shapes,
                    typename check::layer<typename Where::path, typename Where::spec>::template
                        branches_produce_the_same_shape<Outs...>>;

template <class... Outs>
struct same_shapes : std::bool_constant<(std::is_same_v<std::tuple_element_t<0, std::tuple<Outs...>>, Outs> && ...)> {};

template <class... Branch>
struct binding<Add<Branch...>> : net_detail::branch_binding<add, same_shapes, require_one_shape, Branch...> {};

}  // namespace layers
}  // namespace ctnn
