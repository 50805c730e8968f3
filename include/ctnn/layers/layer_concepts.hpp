#pragma once
/// \file layer_concepts.hpp
/// The layer protocol. A user writes layer *specs* (`Dense<128>`, `ReLU`,
/// `Residual<...>`); a network binds each spec to the shape that reaches it
/// (`layers::binding<Spec>::type<In>`), which gives a *bound layer*: a type
/// with static shapes, a parameter table, memory needs and the two passes.
/// Every member but the shapes is optional (the accessors below give the
/// defaults), so a layer says only what it has:
///
/// ```cpp
/// struct my_layer {
///     using in_shape = Shape<...>;  using out_shape = Shape<...>;   // per sample, any rank
///     static constexpr std::size_t param_count = ...;               // as PyTorch counts them
///     template <class T> static constexpr std::size_t storage = ...;  // elements, each tensor 64-byte aligned
///     template <class T> static constexpr std::array<param_info, K> params{...};
///     template <class T, std::size_t B> static constexpr std::size_t saved_size = ...;   // forward -> backward
///     template <class T, std::size_t B> static constexpr std::size_t scratch_size = ...; // during a pass
///     template <class T, std::size_t B> using state = ...;          // per-stream state with reset()
///     static constexpr std::size_t flops_forward = ..., flops_backward = ...;        // per sample
///     template <class T, std::size_t B, bool Train, class S>
///     static void forward(const forward_context<T, B, Train, S>& c) noexcept;
///     template <class T, std::size_t B, class S>
///     static void backward(const backward_context<T, B, S>& c) noexcept;
/// };
/// ```
///
/// The concepts at the end name each clause (`ShapedLayer`, `ParameterTable`,
/// `ForwardLayer`, `BackwardLayer`, `StatefulLayer`), so a type that misses
/// one is told which. Memory is the caller's: the network hands each layer
/// its part of the flat parameter buffer, of the workspace's saved and
/// scratch areas and of the state, all sized at compile time.

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../core/random.hpp"
#include "../core/shape.hpp"

namespace ctnn {

/// How PyTorch initialises a tensor by default (`reset_parameters`).
struct init_rule {
    enum kind_t : unsigned char {
        uniform_inv_sqrt,  ///< U(-1/√value, 1/√value): nn.Linear, nn.Conv*, nn.GRU/LSTM (value = fan-in or hidden size)
        constant,          ///< every element = value: norms' weight (1) and bias (0), PReLU (0.25)
        normal,            ///< N(0, value²): nn.Embedding (1)
    };
    kind_t kind = uniform_inv_sqrt;
    double value = 1;
};

/// What a tensor is to the initialisers: Xavier and He draw `weight`s from
/// their fan-in and fan-out, zero `bias`es, and leave `other` tensors
/// (slopes, norm scales, embeddings) to their own rule. A `buffer` is state,
/// not trained (BatchNorm's running statistics, PyTorch's `register_buffer`):
/// it is in the table (saved, loaded and embedded by name) but not counted in
/// `param_count`; the initialisers give it its rule; backward writes its
/// *new value* into its slot of the gradients, the optimizers copy that slot
/// instead of stepping, clipping and gradient checks skip it.
enum class param_role : unsigned char { weight, bias, other, buffer };

/// One parameter tensor of a layer: its name in PyTorch's state_dict (the
/// part after the module path), its offset in the layer's storage, its shape,
/// what it is to the initialisers and how PyTorch initialises it.
struct param_info {
    std::string_view name;
    std::size_t offset;
    std::size_t rank;
    std::array<std::size_t, 4> dims;
    param_role role = param_role::weight;
    std::size_t fan_in = 0;   ///< torch.nn.init's fan-in (in-features × receptive field)
    std::size_t fan_out = 0;  ///< torch.nn.init's fan-out
    init_rule init{};         ///< PyTorch's default initialisation of this tensor

    [[nodiscard]] constexpr std::size_t size() const noexcept {
        std::size_t s = 1;
        for (std::size_t i = 0; i < rank; ++i) s *= dims[i];
        return s;
    }
};

/// The state of a layer that keeps none.
struct no_state {
    constexpr void reset() noexcept {}
};

/// What a layer's forward pass gets: its parameters, input `[B, in...]`,
/// output `[B, out...]` (never the same memory as the input), its part of the
/// saved area (written by a training forward, read by backward; `Train` only),
/// its scratch (free for the call), its per-stream state (null when the
/// network runs without one: start from the initial state and keep nothing),
/// and the RNG of stochastic layers.
template <class T, std::size_t B, bool Train, class State = no_state>
struct forward_context {
    using value_type = T;
    using state_type = State;
    static constexpr std::size_t batch = B;
    static constexpr bool train = Train;
    const T* params;
    const T* in;
    T* out;
    T* saved;
    T* scratch;
    State* state;
    Rng* rng;
};

/// What a layer's backward pass gets: the forward's parameters, input, output
/// and saved values, ∂L/∂out (read only), where to write ∂L/∂in (overwritten;
/// null when nobody needs it), ∂L/∂params (overwritten), scratch and state;
/// and `dout_writable`: ∂L/∂out's memory again when the caller no longer
/// needs it (a chain's intermediate gradient), so the layer may work in
/// place there instead of in its scratch; null otherwise (a residual's body
/// and an add's branches share their ∂L/∂out).
template <class T, std::size_t B, class State = no_state>
struct backward_context {
    using value_type = T;
    using state_type = State;
    static constexpr std::size_t batch = B;
    const T* params;
    const T* in;
    const T* out;
    const T* saved;
    const T* dout;
    T* din;
    T* dparams;
    T* scratch;
    State* state;
    T* dout_writable = nullptr;
};

namespace layers {

/// Elements rounded up to a whole 64-byte line of `T`.
template <class T>
[[nodiscard]] constexpr std::size_t aligned_size(std::size_t n) noexcept {
    constexpr std::size_t line = 64 / sizeof(T);
    return (n + line - 1) / line * line;
}

/// How a spec binds to an input shape: specialised by each layer's header.
///  - `type<In>` (or `type<In, Act>` when `takes_epilogue`): the bound layer;
///  - `accepts<In>`: whether the spec takes that input shape (no assertion);
///  - `diagnosis<In, Where>`: a type, `check::passes` or the first failed
///    check (`check::fails_if`, layers/checks.hpp), which the network
///    reports in its own body (Where names the layer and its input's
///    source); an older `diagnose<In, Where>` struct of static_asserts is
///    still instantiated when a binding has no `diagnosis`;
///  - `takes_epilogue` (optional): the bound layer applies an element-wise
///    activation `Act` to its linear result before storing it, so the
///    composer fuses a following activation into it.
template <class Spec>
struct binding;

// ---- defaults for the optional members ----------------------------------------

template <class L>
inline constexpr std::size_t param_count_of = [] {
    if constexpr (requires { L::param_count; })
        return std::size_t(L::param_count);
    else
        return std::size_t(0);
}();

template <class L, class T>
inline constexpr std::size_t storage_of = [] {
    if constexpr (requires { L::template storage<T>; })
        return std::size_t(L::template storage<T>);
    else
        return std::size_t(0);
}();

template <class L, class T>
inline constexpr auto params_of = [] {
    if constexpr (requires { L::template params<T>; })
        return L::template params<T>;
    else
        return std::array<param_info, 0>{};
}();

template <class L, class T, std::size_t B>
inline constexpr std::size_t saved_size_of = [] {
    if constexpr (requires { L::template saved_size<T, B>; })
        return aligned_size<T>(L::template saved_size<T, B>);
    else
        return std::size_t(0);
}();

template <class L, class T, std::size_t B>
inline constexpr std::size_t scratch_size_of = [] {
    if constexpr (requires { L::template scratch_size<T, B>; })
        return aligned_size<T>(L::template scratch_size<T, B>);
    else
        return std::size_t(0);
}();

template <class L, class T, std::size_t B>
struct state_of_impl {
    using type = no_state;
};
template <class L, class T, std::size_t B>
    requires requires { typename L::template state<T, B>; }
struct state_of_impl<L, T, B> {
    using type = typename L::template state<T, B>;
};
/// The per-stream state of `B` rows of layer `L` (`no_state` if it keeps none).
template <class L, class T, std::size_t B>
using state_of = typename state_of_impl<L, T, B>::type;

template <class L>
inline constexpr std::size_t flops_forward_of = [] {
    if constexpr (requires { L::flops_forward; })
        return std::size_t(L::flops_forward);
    else
        return std::size_t(0);
}();
template <class L>
inline constexpr std::size_t flops_backward_of = [] {
    if constexpr (requires { L::flops_backward; })
        return std::size_t(L::flops_backward);
    else
        return std::size_t(0);
}();

template <class S>
concept BindingTakesEpilogue = requires {
    { binding<S>::takes_epilogue } -> std::convertible_to<bool>;
} && binding<S>::takes_epilogue;

}  // namespace layers

// ---- the protocol's clauses ------------------------------------------------------

/// Per-sample input and output shapes.
template <class L>
concept ShapedLayer = requires {
    typename L::in_shape;
    typename L::out_shape;
} && AnyShape<typename L::in_shape> && AnyShape<typename L::out_shape>;

/// The parameter table agrees with the counts: its tensors but buffers hold
/// `param_count` elements and all fit in `storage`.
namespace layers {
template <class L>
constexpr bool param_table_consistent() noexcept {
    std::size_t count = 0, end = 0;
    for (const param_info& p : params_of<L, float>) {
        if (p.role != param_role::buffer) count += p.size();
        if (p.offset + p.size() > end) end = p.offset + p.size();
    }
    return count == param_count_of<L> && end <= storage_of<L, float>;
}
}  // namespace layers

/// The parameter table agrees with the counts: its tensors hold
/// `param_count` elements and fit in `storage`.
template <class L>
concept ParameterTable = layers::param_table_consistent<L>();

/// The forward pass over a typed context, for inference and training.
template <class L>
concept ForwardLayer =
    requires(const forward_context<float, 1, false, layers::state_of<L, float, 1>>& inference,
             const forward_context<float, 1, true, layers::state_of<L, float, 1>>& training) {
        L::forward(inference);
        L::forward(training);
    };

/// The backward pass over a typed context.
template <class L>
concept BackwardLayer = requires(const backward_context<float, 1, layers::state_of<L, float, 1>>& c) {
    L::backward(c);
};

/// A layer that keeps a per-stream state between calls; `reset()` returns it
/// to its initial value. The state lives outside the parameters, so one set
/// of weights serves any number of streams.
template <class L>
concept StatefulLayer = requires(typename L::template state<float, 1>& s) {
    s.reset();
} && std::is_default_constructible_v<typename L::template state<float, 1>>;

/// A bound layer: all of the above (state optional).
template <class L>
concept Layer = ShapedLayer<L> && ParameterTable<L> && ForwardLayer<L> && BackwardLayer<L>;

/// A spec a network can bind.
template <class S>
concept LayerSpec = requires { sizeof(layers::binding<S>); };

}  // namespace ctnn
