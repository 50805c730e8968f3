#pragma once
/// \file residual.hpp
/// `Residual<Layers...>`: y = x + f(x), with f the chain of `Layers...`,
/// which must keep the shape of its input. PyTorch: the `Residual` module of
/// `tools/ctnn_torch.py`, whose chain is its attribute `body`, so the
/// parameters are named `<i>.body.<j>.weight`.
///
/// Memory: an inference forward lets f write the output and adds x in
/// place; a training forward keeps f's output (f's backward reads it) and
/// writes the sum beside it. Backward runs f's backward, whose input
/// gradient it then adds ∂L/∂y to.

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

#include "../simd/map.hpp"
#include "compose.hpp"

namespace ctnn {

/// y = x + f(x), f = `Layers...` in a chain (as `Sequential` without `Input`).
template <class... Layers>
struct Residual {
    struct needs_at_least_one_layer;
    using broken_rule = check::first_broken_t<check::rule<sizeof...(Layers) == 0, needs_at_least_one_layer>>;
    static std::string name() { return "Residual"; }
};

namespace layers {

template <class Body>
struct residual : net_detail::state_base<net_detail::any_stateful<Body>, Body> {
    using in_shape = typename Body::in_shape;
    using out_shape = in_shape;
    static constexpr std::size_t N = in_shape::size;
    static constexpr std::size_t param_count = param_count_of<Body>;
    static constexpr std::size_t flops_forward = flops_forward_of<Body> + N;
    static constexpr std::size_t flops_backward = flops_backward_of<Body> + N;

    template <class T>
    static constexpr std::size_t storage = storage_of<Body, T>;
    template <class T>
    static constexpr auto param_names =
        net_detail::prefixed_names<T, Body>(std::array<net_detail::param_name, 1>{net_detail::param_name("body")});
    template <class T>
    static constexpr auto params = net_detail::prefixed_params<T, param_names<T>.size(), Body>(
        param_names<T>, std::array<std::size_t, 2>{0, storage<T>});

    /// f's output, kept by a training forward.
    template <class T, std::size_t B>
    static constexpr std::size_t kept = aligned_size<T>(B * N);
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = kept<T, B> + saved_size_of<Body, T, B>;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = scratch_size_of<Body, T, B>;

    template <class F>
    static void visit_children(F&& f) {
        f(std::string("body"), std::string("Sequential"), std::type_identity<Body>{});
    }

    template <class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, S>& c) noexcept {
        using BS = state_of<Body, T, B>;
        if constexpr (Train) {
            T* fx = c.saved;
            net_detail::call_forward<Body>(forward_context<T, B, true, BS>{
                c.params, c.in, fx, c.saved + kept<T, B>, c.scratch, net_detail::child_state<0>(c.state), c.rng});
            simd::map_n<B * N>([](auto a, auto x) CTNN_INLINE_LAMBDA { return a + x; }, c.out, fx, c.in);
        } else {
            net_detail::call_forward<Body>(forward_context<T, B, false, BS>{
                c.params, c.in, c.out, nullptr, c.scratch, net_detail::child_state<0>(c.state), c.rng});
            simd::map_n<B * N>([](auto a, auto x) CTNN_INLINE_LAMBDA { return a + x; }, c.out, c.out, c.in);
        }
    }

    template <class T, std::size_t B, class S>
    static CTNN_INLINE void backward(const backward_context<T, B, S>& c) noexcept {
        net_detail::call_backward<Body>(backward_context<T, B, state_of<Body, T, B>>{
            c.params, c.in, c.saved, c.saved + kept<T, B>, c.dout, c.din, c.dparams, c.scratch,
            net_detail::child_state<0>(c.state)});
        if (c.din) simd::map_n<B * N>([](auto a, auto g) CTNN_INLINE_LAMBDA { return a + g; }, c.din, c.din, c.dout);
    }
};


template <class... Layers>
struct binding<Residual<Layers...>> {
    template <class In>
    using bound_body = net_detail::chain_of<In, Layers...>;
    template <class In>
    static constexpr bool body_binds = net_detail::bind<In, 0, Layers...>::ok;
    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (body_binds<In>)
            return std::is_same_v<typename bound_body<In>::out_shape, In>;
        else
            return false;
    }();

    /// The body's verdict, then: the body keeps the shape of its input.
    template <bool BodyBinds, class In, class Where>
    struct verdict : net_detail::chain_verdict<In, net_detail::append_t<typename Where::path, seg::body>, 0,
                                               typename Where::before_path, typename Where::before, Layers...> {};
    template <class In, class Where>
    struct verdict<true, In, Where> {
        using type = check::fails_if<
            !accepts<In>, check::fault::residual_shape,
            typename check::layer<typename Where::path, typename Where::spec>::template body_keeps_the_shape_of_its_input<
                In>::template but_produces<typename bound_body<In>::out_shape>>;
    };
    template <class In, class Where>
    using diagnosis = typename verdict<body_binds<In>, In, Where>::type;

    template <class In>
    using type = residual<bound_body<In>>;
};

}  // namespace layers
}  // namespace ctnn
