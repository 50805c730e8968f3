#pragma once
/// \file concat.hpp
/// `Concat<Branch...>`: every branch sees the same input; their outputs are
/// joined along the first axis of a sample (features of a vector, channels
/// of a `[C, H, W]` map), PyTorch's `torch.cat(..., dim=1)` over a batch.
/// The branches' outputs must agree beyond that axis.
///
/// Memory: at batch 1 each branch writes its slice of the output directly;
/// for a batch, a branch's rows go through a buffer (kept for backward when
/// training) and are copied into place. Backward gathers each branch's slice
/// of ∂L/∂y, runs the branch, and sums the branches' input gradients.

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

#include "../simd/map.hpp"
#include "branches.hpp"

namespace ctnn {

/// Outputs of the branches side by side along the first axis of a sample.
template <class... Branch>
struct Concat {
    struct needs_at_least_one_branch;
    using broken_rule = check::first_broken_t<check::rule<sizeof...(Branch) == 0, needs_at_least_one_branch>>;
    static std::string name() { return "Concat"; }
};

namespace net_detail {
template <class S, std::size_t N>
struct with_first;
template <std::size_t D0, std::size_t... R, std::size_t N>
struct with_first<Shape<D0, R...>, N> {
    using type = Shape<N, R...>;
};
template <class A, class B>
inline constexpr bool agree_beyond_first = false;
template <std::size_t A0, std::size_t... A, std::size_t B0, std::size_t... B>
inline constexpr bool agree_beyond_first<Shape<A0, A...>, Shape<B0, B...>> = std::is_same_v<Shape<A...>, Shape<B...>>;
}  // namespace net_detail

namespace layers {

template <class Specs, class... C>
struct concat : net_detail::state_base<net_detail::any_stateful<C...>, C...> {
    static constexpr std::size_t K = sizeof...(C);
    using first = std::tuple_element_t<0, std::tuple<C...>>;
    template <std::size_t k>
    using branch = std::tuple_element_t<k, std::tuple<C...>>;
    using in_shape = typename first::in_shape;
    using out_shape =
        typename net_detail::with_first<typename first::out_shape, (std::size_t(0) + ... + C::out_shape::dims[0])>::type;
    static constexpr std::size_t in_size = in_shape::size;
    static constexpr std::size_t out_size = out_shape::size;
    /// Per sample: each branch's slice and where it starts.
    static constexpr std::array<std::size_t, K> slice{C::out_shape::size...};
    static constexpr std::array<std::size_t, K + 1> slice_at = [] {
        std::array<std::size_t, K + 1> a{};
        for (std::size_t k = 0; k < K; ++k) a[k + 1] = a[k] + slice[k];
        return a;
    }();
    static constexpr std::size_t widest = [] {
        std::size_t m = 0;
        for (std::size_t s : slice) m = s > m ? s : m;
        return m;
    }();

    static constexpr std::size_t param_count = net_detail::sum_param_count<C...>;
    static constexpr std::size_t flops_forward = net_detail::sum_flops_forward<C...>;
    static constexpr std::size_t flops_backward = net_detail::sum_flops_backward<C...> + K * in_size;
    template <class T>
    static constexpr auto param_offsets = net_detail::storage_offsets<T, C...>;
    template <class T>
    static constexpr std::size_t storage = param_offsets<T>[K];
    template <class T>
    static constexpr auto param_names = net_detail::prefixed_names<T, C...>(net_detail::branch_segments<K>());
    template <class T>
    static constexpr auto params =
        net_detail::prefixed_params<T, param_names<T>.size(), C...>(param_names<T>, param_offsets<T>);

    /// A branch's rows of a batch (none at batch 1: it writes in place).
    template <class T, std::size_t B, std::size_t k>
    static constexpr std::size_t rows_size = B == 1 ? 0 : aligned_size<T>(B * branch<k>::out_shape::size);
    template <class T, std::size_t B>
    static constexpr auto saved_offsets = [] {
        std::array<std::size_t, K + 1> off{};
        [&]<std::size_t... k>(std::index_sequence<k...>) {
            ((off[k + 1] = off[k] + rows_size<T, B, k> + saved_size_of<branch<k>, T, B>), ...);
        }(std::make_index_sequence<K>{});
        return off;
    }();
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = saved_offsets<T, B>[K];
    /// scratch: [a branch's rows | a branch's input gradient | branch scratch]
    template <class T, std::size_t B>
    static constexpr std::size_t temp_rows = B == 1 ? 0 : aligned_size<T>(B * widest);
    template <class T, std::size_t B>
    static constexpr std::size_t temp_din = K > 1 ? aligned_size<T>(B * in_size) : 0;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = temp_rows<T, B> + temp_din<T, B> + net_detail::max_scratch<T, B, C...>;

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
        constexpr std::size_t n = slice[k];
        T* rows;
        if constexpr (B == 1)
            rows = c.out + slice_at[k];
        else if constexpr (Train)
            rows = c.saved + saved_offsets<T, B>[k];
        else
            rows = c.scratch;
        T* saved = nullptr;
        if constexpr (Train) saved = c.saved + saved_offsets<T, B>[k] + rows_size<T, B, k>;
        net_detail::call_forward<Br>(forward_context<T, B, Train, state_of<Br, T, B>>{
            c.params + param_offsets<T>[k], c.in, rows, saved, c.scratch + temp_rows<T, B> + temp_din<T, B>,
            net_detail::child_state<k>(c.state), c.rng});
        if constexpr (B > 1)
            for (std::size_t b = 0; b < B; ++b)
                simd::map_n<n>([](auto v) CTNN_INLINE_LAMBDA { return v; }, c.out + b * out_size + slice_at[k],
                               rows + b * n);
    }

    template <std::size_t k, class T, std::size_t B, class S>
    static CTNN_INLINE void backward_branch(const backward_context<T, B, S>& c) noexcept {
        using Br = branch<k>;
        constexpr std::size_t n = slice[k];
        const T* out;
        const T* dout;
        if constexpr (B == 1) {
            out = c.out + slice_at[k];
            dout = c.dout + slice_at[k];
        } else {
            out = c.saved + saved_offsets<T, B>[k];
            for (std::size_t b = 0; b < B; ++b)
                simd::map_n<n>([](auto g) CTNN_INLINE_LAMBDA { return g; }, c.scratch + b * n,
                               c.dout + b * out_size + slice_at[k]);
            dout = c.scratch;
        }
        T* din = c.din ? (k == 0 ? c.din : c.scratch + temp_rows<T, B>) : nullptr;
        net_detail::call_backward<Br>(backward_context<T, B, state_of<Br, T, B>>{
            c.params + param_offsets<T>[k], c.in, out, c.saved + saved_offsets<T, B>[k] + rows_size<T, B, k>, dout,
            din, c.dparams + param_offsets<T>[k], c.scratch + temp_rows<T, B> + temp_din<T, B>,
            net_detail::child_state<k>(c.state), B == 1 ? nullptr : c.scratch});  // the gathered rows are ours
        if (k > 0 && c.din)
            simd::map_n<B * in_size>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, c.din, c.din, din);
    }
};

/// The branches' outputs must agree beyond the first axis.
template <bool Fails, class Where, class... Outs>
using require_concatenable =
    check::fails_if<Fails, check::fault::concat_layouts,
                    typename check::layer<typename Where::path, typename Where::spec>::template
                        branches_agree_beyond_the_first_axis<Outs...>>;

template <class... Outs>
struct concatenable
    : std::bool_constant<(net_detail::agree_beyond_first<std::tuple_element_t<0, std::tuple<Outs...>>, Outs> && ...)> {};

template <class... Branch>
struct binding<Concat<Branch...>> : net_detail::branch_binding<concat, concatenable, require_concatenable, Branch...> {};

}  // namespace layers
}  // namespace ctnn
