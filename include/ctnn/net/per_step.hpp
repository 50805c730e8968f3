#pragma once
/// \file per_step.hpp
/// `PerStep<Layer>`: a layer applied to every step of a sequence, as
/// PyTorch applies `nn.Linear` (or any module) to the last axes of `[B, T,
/// ...]`. `Sequential<Input<2048, 1>, GRU<16>, PerStep<Dense<1>>>` maps each
/// of the GRU's 2048 outputs `[16]` to `[1]`. The inner layer is bound to one
/// step's shape (`In` without its first axis) and runs once over `B·T` rows,
/// so it needs no code of its own; its parameters keep their names (no
/// module of its own in PyTorch's tree: `1.weight`, `1.bias`) and one set of
/// weights serves every step. A following activation fuses into it when the
/// inner layer takes an epilogue. (Dense itself insists on a flat sample, so
/// an image fed to Dense without `Flatten` stays a compile error.)

#include <cstddef>
#include <string>

#include "../core/config.hpp"
#include "../layers/checks.hpp"
#include "compose.hpp"
#include "../layers/layer_concepts.hpp"

namespace ctnn {

template <class Spec>
struct PerStep {
    static std::string name() { return "PerStep<" + Spec::name() + ">"; }
};

namespace check {
/// The site's input lacks a time axis to step over.
template <class Path, class Spec>
struct per_step_at {
    template <class BeforePath, class Before>
    struct needs_a_sequence_but_layer {
        template <class In>
        struct produces {
            static constexpr bool holds = false;
        };
    };
};
}  // namespace check

namespace layers {

namespace per_step_detail {
template <class S>
struct tail;
template <std::size_t D0, std::size_t... D>
struct tail<Shape<D0, D...>> {
    using type = Shape<D...>;
};
template <std::size_t N, class S>
struct prepend;
template <std::size_t N, std::size_t... D>
struct prepend<N, Shape<D...>> {
    using type = Shape<N, D...>;
};
/// The inner spec bound to one step, with the fused activation if any.
template <class Spec, class Step, class... Act>
struct bound {
    using type = typename binding<Spec>::template type<Step>;
};
template <class Spec, class Step, class Act>
struct bound<Spec, Step, Act> {
    using type = typename binding<Spec>::template type<Step, Act>;
};
}  // namespace per_step_detail

/// `Inner` (bound to one step) over `Steps` steps of each sample.
template <class Inner, std::size_t Steps>
struct per_step {
    using inner = Inner;
    using in_shape = typename per_step_detail::prepend<Steps, typename Inner::in_shape>::type;
    using out_shape = typename per_step_detail::prepend<Steps, typename Inner::out_shape>::type;
    static constexpr std::size_t param_count = param_count_of<Inner>;
    static constexpr std::size_t flops_forward = Steps * flops_forward_of<Inner>;
    static constexpr std::size_t flops_backward = Steps * flops_backward_of<Inner>;
    template <class T>
    static constexpr std::size_t storage = storage_of<Inner, T>;
    template <class T>
    static constexpr auto params = params_of<Inner, T>;
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = saved_size_of<Inner, T, B * Steps>;
    template <class T, std::size_t B>
    static constexpr std::size_t scratch_size = scratch_size_of<Inner, T, B * Steps>;

    template <class T, std::size_t B, bool Train, class S>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, S>& c) noexcept {
        Inner::forward(forward_context<T, B * Steps, Train, no_state>{c.params, c.in, c.out, c.saved, c.scratch,
                                                                      nullptr, c.rng});
    }
    template <class T, std::size_t B, class S>
    static CTNN_INLINE void backward(const backward_context<T, B, S>& c) noexcept {
        Inner::backward(backward_context<T, B * Steps, no_state>{c.params, c.in, c.out, c.saved, c.dout, c.din,
                                                                 c.dparams, c.scratch, nullptr, c.dout_writable});
    }
};

template <class Spec>
struct binding<PerStep<Spec>> {
    static constexpr bool takes_epilogue = BindingTakesEpilogue<Spec>;
    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (In::rank >= 2)
            return binding<Spec>::template accepts<typename per_step_detail::tail<In>::type>;
        else
            return false;
    }();
    /// Without a time axis: that; with one, the verdict of `Spec` on one step.
    template <class In, class Where>
    struct verdict {
        using type = check::failed<check::fault::per_step_rank,
                                   typename check::per_step_at<typename Where::path, PerStep<Spec>>::template
                                       needs_a_sequence_but_layer<typename Where::before_path,
                                                                  typename Where::before>::template produces<In>>;
    };
    template <class In, class Where>
        requires(In::rank >= 2)
    struct verdict<In, Where>
        : net_detail::binding_verdict<Spec, typename per_step_detail::tail<In>::type,
                                      where<typename Where::path, Spec, typename Where::before_path,
                                            typename Where::before>> {};
    template <class In, class Where>
    using diagnosis = typename verdict<In, Where>::type;
    template <class In, class... Act>
    using type =
        per_step<typename per_step_detail::bound<Spec, typename per_step_detail::tail<In>::type, Act...>::type,
                 In::dims[0]>;
};

}  // namespace layers
}  // namespace ctnn
