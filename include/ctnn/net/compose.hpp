#pragma once
/// \file compose.hpp
/// Binding a list of layer specs to shapes, one after the other, into a
/// `layers::chain`, and the checks that make a wrong composition fail to
/// compile where it is written.
///
/// Fusion is a rule, not a special case: a spec whose binding declares
/// `takes_epilogue` (a linear kernel: Dense today) directly followed by an
/// element-wise activation is bound as one child with the activation as its
/// epilogue.
///
/// Binding and checking are two passes over the same list: `bind` only
/// computes (and stops at the first spec that does not take its input), and
/// `chain_verdict` names the failing spec's failed check (its binding's
/// `diagnosis`), which the network reports, so one mistake is one error,
/// with the spec's path in PyTorch's module tree.

#include <cstddef>
#include <string>
#include <type_traits>

#include "../layers/activation.hpp"
#include "../layers/checks.hpp"
#include "../layers/layer_concepts.hpp"
#include "chain.hpp"

namespace ctnn {

/// The shape of one sample entering the network: `Input<784>`, `Input<1, 28, 28>`.
template <std::size_t... Dims>
struct Input {
    struct needs_one_or_more_positive_extents;
    using broken_rule =
        check::first_broken_t<check::rule<!(sizeof...(Dims) >= 1 && ((Dims > 0) && ...)), needs_one_or_more_positive_extents>>;
    using shape = Shape<Dims...>;
    static std::string name() { return "Input" + Shape<Dims...>::str(); }
};

namespace check {
template <class First>
struct sequential_starts_with {
    static constexpr bool an_input = false;
};
template <std::size_t... D>
struct sequential_starts_with<Input<D...>> {
    static constexpr bool an_input = true;
};
}  // namespace check

namespace net_detail {

template <class P, auto S>
struct append;
template <auto... P, auto S>
struct append<path<P...>, S> {
    using type = path<P..., S>;
};
template <class P, auto S>
using append_t = typename append<P, S>::type;

template <class... Specs>
struct first_is_activation : std::false_type {};
template <class S, class... Rest>  // (one that breaks its rules is not fused: it is bound, and reported, alone)
struct first_is_activation<S, Rest...> : std::bool_constant<ElementwiseActivation<S> && check::keeps_its_rules<S>> {};

/// Whether spec `S` takes input shape `In` (false for a type that is no spec).
template <class S, class In>
constexpr bool spec_accepts() noexcept {
    if constexpr (LayerSpec<S>) {
        if constexpr (check::keeps_its_rules<S>)
            return layers::binding<S>::template accepts<In>;
        else
            return false;
    } else {
        return false;
    }
}

/// Binds `Specs...` from input shape `In`; `I` is the PyTorch index of the
/// first. `ok` is false if a spec does not take its input; `units` then
/// holds the children bound before it.
template <class In, int I, class... Specs>
struct bind {
    static constexpr bool ok = true;
    using units = type_list<>;
    using out_shape = In;
};

template <class In, int I, class S, class... Rest>
struct bind<In, I, S, Rest...> {
    static constexpr bool here = spec_accepts<S, In>();

    template <bool Here, bool Fuse, class... R>
    struct step {  // a spec that does not take its input: stop
        static constexpr bool ok = false;
        using units = type_list<>;
        using out_shape = In;
    };
    template <class... R>
    struct step<true, false, R...> {
        using bound = typename layers::binding<S>::template type<In>;
        using next = bind<typename bound::out_shape, I + 1, R...>;
        static constexpr bool ok = next::ok;
        using units = meta::push_front_t<typename next::units, unit<I, S, bound>>;
        using out_shape = typename next::out_shape;
    };
    template <class A, class... R>
    struct step<true, true, A, R...> {
        using bound = typename layers::binding<S>::template type<In, A>;
        using next = bind<typename bound::out_shape, I + 2, R...>;
        static constexpr bool ok = next::ok;
        using units = meta::push_front_t<typename next::units, unit<I, S, bound, A>>;
        using out_shape = typename next::out_shape;
    };

    static constexpr bool fuse = [] {
        if constexpr (here)
            return layers::BindingTakesEpilogue<S> && first_is_activation<Rest...>::value;
        else
            return false;
    }();
    using result = step<here, fuse, Rest...>;
    static constexpr bool ok = result::ok;
    using units = typename result::units;
    using out_shape = typename result::out_shape;
};

template <class In, class Out, class Units>
struct to_chain;
template <class In, class Out, class... U>
struct to_chain<In, Out, type_list<U...>> {
    using type = layers::chain<In, Out, U...>;
};

/// The bound chain of `Specs...` from `In` (the part that binds, after an error).
template <class In, class... Specs>
using chain_of = typename to_chain<In, typename bind<In, 0, Specs...>::out_shape,
                                   typename bind<In, 0, Specs...>::units>::type;

/// The marker of a binding that gives its verdict as a type (`diagnosis`).
template <template <class, class> class>
struct verdict_template {};

/// The verdict of spec `S`'s binding on input `In` at `W`: its `diagnosis`
/// (a `check::passes` or `check::failed`), or for a binding with only the
/// older `diagnose` struct, that struct (reported by instantiating it, which
/// costs a longer instantiation chain in the compiler's output).
template <class D>
struct legacy_verdict {
    using type = check::failed<check::fault::legacy, D>;
};
template <class D>  // a `diagnose` struct that derives from a verdict (`struct diagnose : require_flat<...> {}`)
    requires requires { D::kind; }
struct legacy_verdict<D> {
    template <class V>
    struct failed_as {
        using type = check::failed<V::kind, typename V::check>;
    };
    using type = typename std::conditional_t<D::kind == check::fault::none, std::type_identity<check::passes>,
                                             failed_as<D>>::type;
};
template <class S, class In, class W>
struct binding_verdict : legacy_verdict<typename layers::binding<S>::template diagnose<In, W>> {};
template <class S, class In, class W>
    requires requires { typename verdict_template<layers::binding<S>::template diagnosis>; }
struct binding_verdict<S, In, W> {
    using type = typename layers::binding<S>::template diagnosis<In, W>;
};

/// The verdict on one spec at `Path` whose input comes from `Before` at `BeforePath`.
template <class In, class Path, class BeforePath, class Before, class S, bool Known = LayerSpec<S>>
struct spec_verdict {
    using type = check::failed<check::fault::not_a_layer, typename check::layer<Path, S>::is_a_layer_spec>;
};
template <class In, class Path, class BeforePath, class Before, class S>
struct spec_verdict<In, Path, BeforePath, Before, S, true>
    : std::conditional_t<check::keeps_its_rules<S>, binding_verdict<S, In, layers::where<Path, S, BeforePath, Before>>,
                         std::type_identity<check::failed<check::fault::rule,
                                                          typename check::layer<Path, S>::template keeps<
                                                              typename check::broken_rule_of<S>::type>>>> {};

/// The verdict on a chain whose children's paths are `Prefix` + index: the
/// verdict on the first spec that does not take its input, or
/// `check::passes`. Only types are computed (nothing is asserted here): the
/// network asserts the verdict in its own body (`check::report`), so the
/// error is reported once and in the user's instantiation context.
template <class In, class Prefix, int I, class BeforePath, class Before, class... Specs>
struct chain_verdict {
    using type = check::passes;
};

/// The verdict on the rest of the chain after spec `S` at index I.
template <bool Here, bool Fuse, class Bind, class Prefix, int I, class S, class... Rest>
struct verdict_rest {
    using type = check::passes;
};
template <class Bind, class Prefix, int I, class S, class... Rest>
struct verdict_rest<true, false, Bind, Prefix, I, S, Rest...>
    : chain_verdict<typename Bind::result::bound::out_shape, Prefix, I + 1, append_t<Prefix, I>, S, Rest...> {};
template <class Bind, class Prefix, int I, class S, class A, class... Rest>
struct verdict_rest<true, true, Bind, Prefix, I, S, A, Rest...>
    : chain_verdict<typename Bind::result::bound::out_shape, Prefix, I + 2, append_t<Prefix, I + 1>, A, Rest...> {};

template <class In, class Prefix, int I, class BeforePath, class Before, class S, class... Rest>
struct chain_verdict<In, Prefix, I, BeforePath, Before, S, Rest...>
    : std::conditional_t<bind<In, I, S, Rest...>::here,
                         verdict_rest<true, bind<In, I, S, Rest...>::fuse, bind<In, I, S, Rest...>, Prefix, I, S,
                                      Rest...>,
                         spec_verdict<In, append_t<Prefix, I>, BeforePath, Before, S>> {};

template <class In, class Prefix, int I, class BeforePath, class Before, class... Specs>
using chain_verdict_t = typename chain_verdict<In, Prefix, I, BeforePath, Before, Specs...>::type;

}  // namespace net_detail
}  // namespace ctnn
