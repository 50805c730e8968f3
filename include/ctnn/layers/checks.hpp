#pragma once
/// \file checks.hpp
/// The composition checks a layer's binding asserts, named so that the
/// requirement the compiler prints reads as the reason, with the layer's
/// path in PyTorch's module tree and both shapes, e.g. on clang:
/// `static_assert failed due to requirement 'ctnn::check::layer<ctnn::path<1, ctnn::seg::body, 0>, ctnn::Dense<10, true, 64>>::expects_features<64>::but_layer<ctnn::path<0>, ctnn::ReLU>::produces<ctnn::Shape<128>>' "ctnn: a layer expects other input features than the layer before it produces"`.
/// A binding's `diagnosis<In, Where>` names the first check that fails
/// (`check::fails_if<...>`, `check::first_t<...>`), or `check::passes`; the
/// network asserts the verdict in its own body through `check::report`, whose
/// specializations below hold every sentence. So the `ctnn:` error is
/// reported in the user's instantiation context, at most 5 lines in on g++
/// (this header is the first every umbrella header includes, so its include
/// chain is one line plus the user's file) and once.

#include <cstddef>
#include <type_traits>

#include "../core/shape.hpp"

namespace ctnn {

/// Named segments of a module path (PyTorch's attribute names).
enum class seg : int { body = -100, branches = -101 };

/// Where a layer sits in the network: `path<1, seg::body, 0>` is "1.body.0";
/// `path<-1>` is the network's input.
template <auto... Segments>
struct path {};

namespace check {

/// The spec `Spec` at `Path`.
template <class Path, class Spec>
struct layer {
    template <std::size_t Expected>
    struct expects_features {
        template <class BeforePath, class Before>
        struct but_layer {
            template <class Produced>
            struct produces {
                static constexpr bool holds = Produced::rank == 1 && Produced::dims[0] == Expected;
            };
        };
    };
    template <class BeforePath, class Before>
    struct needs_a_flat_input_but_layer {
        template <class Produced>
        struct produces {
            static constexpr bool holds = Produced::rank == 1;
        };
    };
    struct is_a_layer_spec {
        static constexpr bool holds = false;
    };
    /// The spec's template arguments keep its rule `Rule` (one of the
    /// `rule`s in its `broken_rule`).
    template <class Rule>
    struct keeps {
        static constexpr bool holds = false;
    };
    /// Checks of a spec's own parameters, made where it is bound (not in the
    /// spec's body), so that they are reported as the network's verdict.
    struct needs_a_probability_in_0_1 {
        static constexpr bool holds = false;
    };
    struct needs_a_hidden_size_of_at_least_1 {
        static constexpr bool holds = false;
    };
    struct needs_1_to_8_stacked_layers {
        static constexpr bool holds = false;
    };
    /// A layer with no output features (`Dense<0>`).
    struct needs_at_least_one_output_feature {
        static constexpr bool holds = false;
    };
    template <class In>
    struct body_keeps_the_shape_of_its_input {
        template <class Out>
        struct but_produces {
            static constexpr bool holds = std::is_same_v<In, Out>;
        };
    };
    template <class... BranchOuts>
    struct branches_agree_beyond_the_first_axis {
        static constexpr bool holds = false;
    };
    template <class... BranchOuts>
    struct branches_produce_the_same_shape {
        static constexpr bool holds = false;
    };
    /// An ExprLayer's input rank (layers/expr_layer.hpp).
    template <std::size_t Rank>
    struct expects_rank {
        template <class BeforePath, class Before>
        struct but_layer {
            template <class Produced>
            struct produces {
                static constexpr bool holds = Produced::rank == Rank;
            };
        };
    };
    /// An ExprLayer whose expression, on input `[B, In...]`, is not `[B, Out...]`
    /// with the same `Out` at every batch size.
    template <class In>
    struct expression_keeps_the_batch_leading {
        static constexpr bool holds = false;
    };
};


/// A rule of a spec's own template arguments, broken when `Broken`: a spec
/// declares its rules as `using broken_rule = check::first_broken_t<
/// check::rule<cond, needs_x>, ...>;` (`needs_x` a nested incomplete type
/// naming the rule) instead of `static_assert`s in its body, which would
/// fire wherever the spec is first completed (deep in the binding, with a
/// long instantiation chain); the network reports it with the spec's path.
template <bool Broken, class Rule>
struct rule {
    static constexpr bool broken = Broken;
    using type = Rule;
};
template <class... R>
struct first_broken {
    using type = void;
};
template <class R, class... Rest>
struct first_broken<R, Rest...> {
    using type = std::conditional_t<R::broken, typename R::type, typename first_broken<Rest...>::type>;
};
template <class... R>
using first_broken_t = typename first_broken<R...>::type;

/// The rule spec `S` breaks (void if none, or if `S` declares no rules).
template <class S>
struct broken_rule_of {
    using type = void;
};
template <class S>
    requires requires { typename S::broken_rule; }
struct broken_rule_of<S> {
    using type = typename S::broken_rule;
};
template <class S>
inline constexpr bool keeps_its_rules = std::is_void_v<typename broken_rule_of<S>::type>;

/// What a failed check is about: it picks the sentence of the `ctnn:` line.
enum class fault : int {
    none,
    legacy,  // a binding with only the older `diagnose` struct: its own assertions
    not_a_layer,
    rule,
    flat,
    features,
    dense_zero,
    residual_shape,
    concat_layouts,
    add_shapes,
    per_step_rank,
    dropout_probability,
    recurrent_hidden,
    recurrent_layers,
    recurrent_rank,
    conv1d_rank,
    conv1d_groups,
    conv1d_fits,
    conv1d_same_stride,
    conv1d_step,
    conv2d_rank,
    conv2d_causal,
    conv2d_groups,
    conv2d_out_groups,
    conv2d_fits,
    conv2d_same_stride,
    norm_rank,
    pool_rank,
    pool_padding,
    pool_window,
    slice_end,
    expr_rank,
    expr_batch,
    expr_reported,  // an ExprLayer's expression failed its own `ctnn:` check: nothing more to say
};

/// The verdict of a binding's checks: all pass, or `Check` (a type whose
/// name reads as the reason, with the layer's path and both shapes, and
/// whose `holds` is false) failed, a fault of kind `K`.
struct passes {
    static constexpr fault kind = fault::none;
};
template <fault K, class Check>
struct failed {
    static constexpr fault kind = K;
    using check = Check;
};
template <bool Fails, fault K, class Check>
using fails_if = std::conditional_t<Fails, failed<K, Check>, passes>;

/// The first verdict that is a failure (or `passes`).
template <class... V>
struct first {
    using type = passes;
};
template <class V, class... Rest>
struct first<V, Rest...> {
    using type = std::conditional_t<V::kind != fault::none, V, typename first<Rest...>::type>;
};
template <class... V>
using first_t = typename first<V...>::type;

/// Whether check `C` holds (a variable template: so that clang prints the
/// check's full name in the requirement, as g++ does in its note).
template <class C>
inline constexpr bool holds = C::holds;

/// Instantiated by the network on its verdict: a failure is one
/// `static_assert` here, the sentence in the message and the reason (the
/// check's type) in the condition, which both compilers print.
template <class Verdict>
struct report {};
template <class D>
struct report<failed<fault::legacy, D>> : D {};
template <class C>
struct report<failed<fault::not_a_layer, C>> {
    static_assert(holds<C>,
                  "ctnn: not a layer: a Sequential holds Input<...> and then layer types such as Dense<N> or ReLU");
};
template <class C>
struct report<failed<fault::rule, C>> {
    static_assert(holds<C>, "ctnn: a layer's template arguments break one of its rules (the requirement names the "
                            "layer's path, the layer and the rule it keeps)");
};
template <class C>
struct report<failed<fault::flat, C>> {
    static_assert(holds<C>, "ctnn: this layer works on a flat sample (rank 1): put Flatten before it");
};
template <class C>
struct report<failed<fault::features, C>> {
    static_assert(holds<C>, "ctnn: a layer expects other input features than the layer before it produces");
};
template <class C>
struct report<failed<fault::dense_zero, C>> {
    static_assert(holds<C>, "ctnn: Dense needs at least one output feature");
};
template <class C>
struct report<failed<fault::residual_shape, C>> {
    static_assert(holds<C>,
                  "ctnn: a Residual adds its input to its body's output: the body must keep the input's shape");
};
template <class C>
struct report<failed<fault::concat_layouts, C>> {
    static_assert(holds<C>, "ctnn: Concat joins its branches along the first axis of a sample: their outputs must "
                            "have the same rank and agree on every other axis");
};
template <class C>
struct report<failed<fault::add_shapes, C>> {
    static_assert(holds<C>, "ctnn: Add sums its branches: their outputs must have the same shape");
};
template <class C>
struct report<failed<fault::per_step_rank, C>> {
    static_assert(holds<C>, "ctnn: PerStep applies a layer to each step of a sequence: its input needs a time axis "
                            "first ([T, ...], rank 2 or more)");
};
template <class C>
struct report<failed<fault::dropout_probability, C>> {
    static_assert(holds<C>, "ctnn: Dropout needs a probability in [0, 1)");
};
template <class C>
struct report<failed<fault::recurrent_hidden, C>> {
    static_assert(holds<C>, "ctnn: a recurrent layer needs a hidden size of at least 1");
};
template <class C>
struct report<failed<fault::recurrent_layers, C>> {
    static_assert(holds<C>, "ctnn: a recurrent layer has 1 to 8 stacked layers");
};
template <class C>
struct report<failed<fault::recurrent_rank, C>> {
    static_assert(holds<C>, "ctnn: a recurrent layer (GRU, LSTM) takes a sequence [T, F] per sample, or one step [F]");
};
template <class C>
struct report<failed<fault::conv1d_rank, C>> {
    static_assert(holds<C>, "ctnn: Conv1D takes a sequence [C, L] or one step [C] of a stream");
};
template <class C>
struct report<failed<fault::conv1d_groups, C>> {
    static_assert(holds<C>, "ctnn: Conv1D's input channels must be divisible by its Groups");
};
template <class C>
struct report<failed<fault::conv1d_fits, C>> {
    static_assert(holds<C>, "ctnn: Conv1D's kernel span (K-1)*Dilation+1 is longer than its padded input");
};
template <class C>
struct report<failed<fault::conv1d_same_stride, C>> {
    static_assert(holds<C>, "ctnn: Conv1D with Same padding needs stride 1 (as PyTorch's padding='same')");
};
template <class C>
struct report<failed<fault::conv1d_step, C>> {
    static_assert(holds<C>, "ctnn: Conv1D bound to one step [C] of a stream needs Causal padding and stride 1");
};
template <class C>
struct report<failed<fault::conv2d_rank, C>> {
    static_assert(holds<C>, "ctnn: Conv2D takes an image [C, H, W]");
};
template <class C>
struct report<failed<fault::conv2d_causal, C>> {
    static_assert(holds<C>, "ctnn: Conv2D's padding is Valid, Same or Pad<P>; Causal is for sequences (Conv1D)");
};
template <class C>
struct report<failed<fault::conv2d_groups, C>> {
    static_assert(holds<C>, "ctnn: Conv2D's input channels must be divisible by its Groups");
};
template <class C>
struct report<failed<fault::conv2d_out_groups, C>> {
    static_assert(holds<C>, "ctnn: Conv2D's output channels must be divisible by its Groups");
};
template <class C>
struct report<failed<fault::conv2d_fits, C>> {
    static_assert(holds<C>, "ctnn: Conv2D's kernel span (K-1)*Dilation+1 is larger than its padded input on an axis");
};
template <class C>
struct report<failed<fault::conv2d_same_stride, C>> {
    static_assert(holds<C>, "ctnn: Conv2D with Same padding needs stride 1 (as PyTorch's padding='same')");
};
template <class C>
struct report<failed<fault::norm_rank, C>> {
    static_assert(holds<C>, "ctnn: a norm layer got a sample of another rank: BatchNorm1D takes [C] or [C, L], "
                            "BatchNorm2D [C, H, W], LayerNorm<N> at least N axes");
};
template <class C>
struct report<failed<fault::pool_rank, C>> {
    static_assert(holds<C>, "ctnn: a pooling layer got a sample of another rank: the 1-D ones take [C, L], the 2-D "
                            "ones [C, H, W], GlobalAvgPool [C, ...] (rank 2 or more)");
};
template <class C>
struct report<failed<fault::pool_padding, C>> {
    static_assert(holds<C>, "ctnn: a pooling layer's padding must be at most half its kernel (PyTorch's rule)");
};
template <class C>
struct report<failed<fault::pool_window, C>> {
    static_assert(holds<C>, "ctnn: a pooling window is larger than its padded input");
};
template <class C>
struct report<failed<fault::expr_rank, C>> {
    static_assert(holds<C>, "ctnn: an ExprLayer takes samples of another rank than the layer before it produces "
                            "(its spec's in_rank, 1 unless it says)");
};
template <class C>
struct report<failed<fault::expr_batch, C>> {
    static_assert(holds<C>, "ctnn: an ExprLayer's expression must keep the batch as its leading dimension and give "
                            "every sample the same shape");
};
template <class C>
struct report<failed<fault::slice_end, C>> {
    static_assert(holds<C>, "ctnn: Slice<Begin, End> needs End at most the length of its input's first axis");
};

}  // namespace check

namespace layers {

/// The site of a binding: the layer's path and spec, and the path and spec of
/// what produces its input.
template <class Path, class Spec, class BeforePath, class Before>
struct where {
    using path = Path;
    using spec = Spec;
    using before_path = BeforePath;
    using before = Before;
};

/// The input must be a flat sample (the first check of Dense, Softmax, Embedding).
template <bool Fails, class Where, class In>
using require_flat = check::fails_if<
    Fails, check::fault::flat,
    typename check::layer<typename Where::path, typename Where::spec>::template needs_a_flat_input_but_layer<
        typename Where::before_path, typename Where::before>::template produces<In>>;

/// The input must have `Expected` features.
template <bool Fails, class Where, std::size_t Expected, class In>
using require_features = check::fails_if<
    Fails, check::fault::features,
    typename check::layer<typename Where::path, typename Where::spec>::template expects_features<
        Expected>::template but_layer<typename Where::before_path, typename Where::before>::template produces<In>>;

}  // namespace layers
}  // namespace ctnn
