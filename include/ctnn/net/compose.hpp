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
/// `assert_chain` instantiates the failing spec's `diagnose`, so one mistake
/// is one error, with the spec's path in PyTorch's module tree.

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
    static_assert(sizeof...(Dims) >= 1 && ((Dims > 0) && ...), "ctnn: Input needs one or more positive extents");
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
template <class S, class... Rest>
struct first_is_activation<S, Rest...> : std::bool_constant<ElementwiseActivation<S>> {};

/// Whether spec `S` takes input shape `In` (false for a type that is no spec).
template <class S, class In>
constexpr bool spec_accepts() noexcept {
    if constexpr (LayerSpec<S>)
        return layers::binding<S>::template accepts<In>;
    else
        return false;
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

/// The assertions of one spec at `Path` whose input comes from `Before` at `BeforePath`.
template <class In, class Path, class BeforePath, class Before, class S, bool Known = LayerSpec<S>>
struct spec_assertions {
    static_assert(check::layer<Path, S>::is_a_layer_spec,
                  "ctnn: not a layer: a Sequential holds Input<...> and then layer types such as Dense<N> or ReLU");
};
template <class In, class Path, class BeforePath, class Before, class S>
struct spec_assertions<In, Path, BeforePath, Before, S, true>
    : layers::binding<S>::template diagnose<In, layers::where<Path, S, BeforePath, Before>> {};

template <bool Fails, class In, class Path, class BeforePath, class Before, class S>
struct assert_if {};
template <class In, class Path, class BeforePath, class Before, class S>
struct assert_if<true, In, Path, BeforePath, Before, S> : spec_assertions<In, Path, BeforePath, Before, S> {};

/// The assertions along a chain whose children's paths are `Prefix` + index,
/// up to the first spec that does not take its input. Instantiated inside a
/// `static_assert(sizeof(...))`, where a failed check is reported once (as a
/// base of the network, clang would report every use of it too).
template <class In, class Prefix, int I, class BeforePath, class Before, class... Specs>
struct assert_chain;

/// The rest of the chain after spec `S` at index I (nothing after a failure).
template <bool Here, bool Fuse, class Bind, class Prefix, int I, class S, class... Rest>
struct assert_rest {
    using type = assert_chain<Shape<1>, Prefix, I, void, void>;
};
template <class Bind, class Prefix, int I, class S, class... Rest>
struct assert_rest<true, false, Bind, Prefix, I, S, Rest...> {
    using type = assert_chain<typename Bind::result::bound::out_shape, Prefix, I + 1, append_t<Prefix, I>, S, Rest...>;
};
template <class Bind, class Prefix, int I, class S, class A, class... Rest>
struct assert_rest<true, true, Bind, Prefix, I, S, A, Rest...> {
    using type = assert_chain<typename Bind::result::bound::out_shape, Prefix, I + 2, append_t<Prefix, I + 1>, A, Rest...>;
};

template <class In, class Prefix, int I, class BeforePath, class Before, class... Specs>
struct assert_chain {};
template <class In, class Prefix, int I, class BeforePath, class Before, class S, class... Rest>
struct assert_chain<In, Prefix, I, BeforePath, Before, S, Rest...>
    : assert_if<!bind<In, I, S, Rest...>::here, In, append_t<Prefix, I>, BeforePath, Before, S>,
      assert_rest<bind<In, I, S, Rest...>::here, bind<In, I, S, Rest...>::fuse, bind<In, I, S, Rest...>, Prefix, I, S,
                  Rest...>::type {};

}  // namespace net_detail
}  // namespace ctnn
