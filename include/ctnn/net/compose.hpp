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

/// Whether spec S takes the shape In (no assertions: used to stop binding
/// after the first failed check, so one mistake gives one error).
template <bool Known, class S, class In>
struct spec_takes {
    static constexpr bool flat = false;
    static constexpr bool features = false;
    static constexpr std::size_t expected = 0;
};
template <class S, class In>
struct spec_takes<true, S, In> {
    static constexpr bool flat = layers::binding<S>::template flat_input<In>;
    static constexpr std::size_t expected = [] {
        if constexpr (flat && is_dense<S>)
            return layers::binding<S>::template expected_features<In>;
        else
            return std::size_t(0);
    }();
    static constexpr bool features = !is_dense<S> || !flat || expected == In::dims[0];
};

template <class In, int I, class Prev, class S>
struct spec_status {
    static constexpr bool known = LayerSpec<S>;
    using takes = spec_takes<known, S, In>;
    static constexpr bool ok = known && takes::flat && takes::features;
};

// Each assertion sits in a template that is empty where it does not apply,
// so the requirement the compiler prints is fully substituted.
template <bool Applies, int I, class S, int J, class Prev, class In>
struct flat_check {
    static_assert(check::layer<I, S>::template needs_a_flat_input_but_layer<J, Prev>::template produces<In>,
                  "ctnn: this layer works on a flat sample (rank 1): put Flatten before it");
};
template <int I, class S, int J, class Prev, class In>
struct flat_check<false, I, S, J, Prev, In> {};

template <bool Applies, int I, class S, std::size_t E, int J, class Prev, class In>
struct features_check {
    static_assert(check::layer<I, S>::template expects_features<E>::template but_layer<J, Prev>::template produces<In>,
                  "ctnn: a layer expects other input features than the layer before it produces");
};
template <int I, class S, std::size_t E, int J, class Prev, class In>
struct features_check<false, I, S, E, J, Prev, In> {};

/// The checks every spec must pass against the shape reaching it.
template <class In, int I, class Prev, class S>
struct spec_checks {
    using status = spec_status<In, I, Prev, S>;
    static_assert(check::layer<I, S>::is_a_layer_spec,
                  "ctnn: not a layer: a Sequential holds Input<...> and then layer types such as Dense<N> or ReLU");
};
/// Instantiates the checks as bases: a failed one reports once and the
/// binding goes on from `spec_status` alone, with no follow-on errors.
template <class In, int I, class Prev, class S, class Status = spec_status<In, I, Prev, S>>
struct spec_assertions
    : spec_checks<In, I, Prev, S>,
      flat_check<Status::known && !Status::takes::flat, I, S, I - 1, Prev, In>,
      features_check<Status::known && Status::takes::flat && !Status::takes::features, I, S, Status::takes::expected,
                     I - 1, Prev, In> {};

template <class In, int I, class Prev, class S, class... Rest>
struct bind<In, I, Prev, S, Rest...> {
    static constexpr bool ok = spec_status<In, I, Prev, S>::ok;
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
        using next = bind<In, I, Prev>;
    };
    template <class Dummy>
    struct result<true, Dummy> {
        using s = step<fuse, Rest...>;
        using units = typename push_front<typename s::next::units, typename s::u>::type;
        using out_shape = typename s::next::out_shape;
        using next = typename s::next;
    };
    using units = typename result<ok>::units;
    using out_shape = typename result<ok>::out_shape;
    using next = typename result<ok>::next;
};

/// The assertions along a binding, up to the first that fails. Instantiated
/// by `Sequential` inside a `static_assert(sizeof(...))`, where a failed
/// check is reported once and stops there (as a base of the binding itself
/// it would make clang report every use of the network as well).
template <class Bind>
struct assert_chain {};
template <class In, int I, class Prev, class S, class... Rest>
struct assert_chain<bind<In, I, Prev, S, Rest...>>
    : spec_assertions<In, I, Prev, S>,
      assert_chain<std::conditional_t<bind<In, I, Prev, S, Rest...>::ok, typename bind<In, I, Prev, S, Rest...>::next,
                                      bind<In, I, Prev>>> {};

}  // namespace net_detail
}  // namespace ctnn
