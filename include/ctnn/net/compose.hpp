#pragma once
/// \file compose.hpp
/// Binding a list of layer specs to shapes, layer by layer, with the checks
/// that make a wrong network fail to compile where it is composed. A Dense
/// directly followed by an element-wise activation becomes one fused unit.
///
/// The checks read as sentences in the compiler's output, e.g. clang:
/// `static_assert failed due to requirement 'ctnn::check::layer<2, ctnn::Dense<10, true, 64>>::expects_features<64>::but_layer<1, ctnn::ReLU>::produces<ctnn::Shape<128>>' "ctnn: a layer expects other input features than the layer before it produces"`.

#include <cstddef>
#include <string>
#include <type_traits>

#include "../layers/activation.hpp"
#include "../layers/dense.hpp"
#include "../layers/layer_concepts.hpp"

namespace ctnn {

/// The shape of one sample entering the network: `Input<784>`, `Input<28, 28>`.
template <std::size_t... Dims>
struct Input {
    static_assert(sizeof...(Dims) >= 1 && ((Dims > 0) && ...), "ctnn: Input needs one or more positive extents");
    using shape = Shape<Dims...>;
    static std::string name() { return "Input" + Shape<Dims...>::str(); }
};

/// Compile-time checks of a composition; the names make the requirement the
/// compiler prints read as the reason.
namespace check {
template <int Index, class Spec>
struct layer {
    template <std::size_t Expected>
    struct expects_features {
        template <int Before, class Prev>
        struct but_layer {
            template <class Produced>
            static constexpr bool produces = Produced::rank == 1 && Produced::dims[0] == Expected;
        };
    };
    template <int Before, class Prev>
    struct needs_a_flat_input_but_layer {
        template <class Produced>
        static constexpr bool produces = Produced::rank == 1;
    };
    static constexpr bool is_a_layer_spec = LayerSpec<Spec>;
};
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

template <class... Ts>
struct type_list {
    static constexpr std::size_t size = sizeof...(Ts);
};

/// One step of the network: a bound layer and the specs it came from.
/// `Index` is the PyTorch index of its first spec (its parameters' prefix).
template <std::size_t Index, class Spec, class Bound, class ActSpec = void>
struct unit {
    static constexpr std::size_t index = Index;
    using spec = Spec;
    using bound = Bound;
    using activation_spec = ActSpec;  // fused activation, or void
    static std::string name() {
        if constexpr (std::is_void_v<ActSpec>)
            return Spec::name();
        else
            return Spec::name() + " + " + ActSpec::name();
    }
};

template <class S>
inline constexpr bool is_dense = false;
template <std::size_t O, bool B, std::size_t E>
inline constexpr bool is_dense<Dense<O, B, E>> = true;

template <class... Specs>
struct first_is_activation : std::false_type {};
template <class S, class... Rest>
struct first_is_activation<S, Rest...> : std::bool_constant<ElementwiseActivation<S>> {};

template <class L, class U>
struct push_front;
template <class U, class... Us>
struct push_front<type_list<Us...>, U> {
    using type = type_list<U, Us...>;
};

/// Binds `Specs...` starting with input shape `In`; `I` is the index of the
/// first of them, `Prev` the spec before it (for messages).
template <class In, int I, class Prev, class... Specs>
struct bind;

template <class In, int I, class Prev>
struct bind<In, I, Prev> {
    using units = type_list<>;
    using out_shape = In;
};

/// The checks every spec must pass against the shape reaching it.
template <class In, int I, class Prev, class S>
struct check_spec {
    static_assert(check::layer<I, S>::is_a_layer_spec,
                  "ctnn: not a layer: a Sequential holds Input<...> and then layer types such as Dense<N> or ReLU");
    static constexpr bool known = LayerSpec<S>;
    static constexpr bool flat_ok = [] {
        if constexpr (known)
            return layers::binding<S>::template flat_input<In>;
        else
            return true;
    }();
    static_assert(!known || check::layer<I, S>::template needs_a_flat_input_but_layer<I - 1, Prev>::template produces<In> ||
                      layers::binding<S>::template flat_input<In>,
                  "ctnn: this layer works on a flat sample (rank 1): put Flatten before it");
    static constexpr bool features_ok = [] {
        if constexpr (known && flat_ok && is_dense<S>)
            return layers::binding<S>::template expected_features<In> == In::dims[0];
        else
            return true;
    }();
    static constexpr std::size_t expected = [] {
        if constexpr (known && flat_ok && is_dense<S>)
            return layers::binding<S>::template expected_features<In>;
        else
            return std::size_t(0);
    }();
    static_assert(features_ok || check::layer<I, S>::template expects_features<expected>::template but_layer<
                                     I - 1, Prev>::template produces<In>,
                  "ctnn: a layer expects other input features than the layer before it produces");
    static constexpr bool ok = known && flat_ok && features_ok;
};

template <class In, int I, class Prev, class S, class... Rest>
struct bind<In, I, Prev, S, Rest...> {
    using checked = check_spec<In, I, Prev, S>;
    static constexpr bool fuse = is_dense<S> && first_is_activation<Rest...>::value;

    template <bool Fuse, class... R>
    struct step;
    template <class... R>
    struct step<false, R...> {
        using bound = typename layers::binding<S>::template type<In>;
        using u = unit<std::size_t(I), S, bound>;
        using next = bind<typename bound::out_shape, I + 1, S, R...>;
    };
    template <class A, class... R>
    struct step<true, A, R...> {
        using bound = typename layers::binding<S>::template type<In, A>;
        using u = unit<std::size_t(I), S, bound, A>;
        using next = bind<typename bound::out_shape, I + 2, A, R...>;
    };
    template <bool Ok, class Dummy = void>
    struct result {  // a failed check: stop here, no cascade of errors
        using units = type_list<>;
        using out_shape = In;
    };
    template <class Dummy>
    struct result<true, Dummy> {
        using s = step<fuse, Rest...>;
        using units = typename push_front<typename s::next::units, typename s::u>::type;
        using out_shape = typename s::next::out_shape;
    };
    using units = typename result<checked::ok>::units;
    using out_shape = typename result<checked::ok>::out_shape;
};

}  // namespace net_detail
}  // namespace ctnn
