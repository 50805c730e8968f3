#pragma once
/// \file sequential.hpp
/// `Sequential<Input<...>, Layers...>`: a network as a type. From the type
/// the compiler derives every shape, checks the composition (compose.hpp),
/// lays out the parameters in one flat 64-byte aligned buffer inside the
/// object (PyTorch's order and names: `0.weight`, `0.bias`, `1.body.0.weight`,
/// ...), plans the workspace, and generates the forward and backward passes.
///
/// ```cpp
/// using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
/// static_assert(Mlp::param_count == 101'770);
/// auto net = std::make_unique<Mlp>();          // 400 KB of parameters: on the heap
/// Tensor<float, 10> logits = net->forward(x);  // batch 1: no workspace, no allocation
///
/// auto ws = std::make_unique<Mlp::workspace<64>>();  // activations of a batch of 64
/// auto g = std::make_unique<Mlp::gradients>();
/// net->forward<true>(X, *ws);                  // training forward, keeps what backward needs
/// loss(...) writes dL/dY into ws->output_grad(); then
/// net->backward(X, *ws, *g);                   // g = dL/dparameters (overwritten)
/// ```
/// Without `Input` first, `Sequential<Layers...>` is a chain nested in
/// another network (`nn.Sequential` inside `nn.Sequential`), e.g. a branch of
/// `Concat`. None of forward, backward or the loss allocates; a big model is
/// one object: put it (and its workspace and gradients) on the heap with
/// `std::make_unique`, never on a thread's stack. A network is immutable
/// while it runs: any number of threads may call `forward` on one network at
/// once, each with its own workspace and state.

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "../core/random.hpp"
#include "../core/tensor.hpp"
#include "compose.hpp"
#include "names.hpp"

namespace ctnn {

namespace net_detail {
template <std::size_t B, class S>
struct batched;
template <std::size_t B, std::size_t... D>
struct batched<B, Shape<D...>> {
    using type = Shape<B, D...>;
};
/// The sample shape of an `Input<...>` (a placeholder after the error
/// that reports a missing one).
template <class I>
struct input_shape_of {
    using type = Shape<1>;
};
template <std::size_t... D>
struct input_shape_of<Input<D...>> {
    using type = std::conditional_t<check::keeps_its_rules<Input<D...>>, Shape<D...>, Shape<1>>;
};

/// The network's verdict: its `Input`'s rules, then the chain's.
template <class InputSpec, class In, class... Specs>
using network_verdict = typename std::conditional_t<
    check::keeps_its_rules<InputSpec>, chain_verdict<In, path<>, 0, path<-1>, InputSpec, Specs...>,
    std::type_identity<check::failed<check::fault::rule, typename check::layer<path<-1>, InputSpec>::template keeps<
                                                             typename check::broken_rule_of<InputSpec>::type>>>>::type;

/// The tensor given has the shape the network takes.
template <class Given, class Wanted>
inline constexpr bool input_matches = std::is_same_v<Given, Wanted>;

/// The tensor given holds the network's value type.
template <class X, class T>
inline constexpr bool element_matches = std::is_same_v<typename X::value_type, T>;

/// What `backward` does when the workspace holds no training forward: a
/// programming error that would otherwise give wrong gradients silently.
[[noreturn, gnu::cold]] inline void backward_without_training_forward() noexcept {
    std::fputs("ctnn: backward needs the values a training forward keeps: call net.forward<true>(x, ws) "
               "(not net.forward(x, ws)) before net.backward(x, ws, g)\n",
               stderr);
    std::abort();
}

/// What a call that has already failed with a `ctnn:` error returns: it
/// takes any later use (indexing, conversion to a tensor) silently, so that
/// the user's next line adds no second error.
template <class T>
struct after_error {
    template <class... I>
    constexpr T operator()(I...) const noexcept {
        return T{};
    }
    template <class U>
    constexpr operator U() const noexcept {
        return U{};
    }
    constexpr T* data() const noexcept { return nullptr; }
};

/// Index of the parameter called `name` in `table`, or the table's size.
template <class Table>
constexpr std::size_t find_param(const Table& table, std::string_view name) noexcept {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (table[i].name == name) return i;
    return table.size();
}

template <class T, class S>
struct view_for;
template <class T, std::size_t... D>
struct view_for<T, Shape<D...>> {
    using type = TensorView<T, D...>;
};
}  // namespace net_detail

/// Without `Input` first: a chain spec to nest in another network. Built on
/// its own (as a network), it says what it lacks.
template <class T, class First, class... Specs>
class BasicSequential {
public:
    static std::string name() { return "Sequential"; }
    BasicSequential() noexcept {
        static_assert(check::sequential_starts_with<First>::an_input,
                      "ctnn: a Sequential starts with Input<...>, the shape of one sample");
    }
};

/// A network: `Input<...>` then the layers.
template <class T, std::size_t... InputDims, class... Specs>
class BasicSequential<T, Input<InputDims...>, Specs...> {
    using InputSpec = Input<InputDims...>;
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn: a network computes in float or double");
    using input_shape = typename net_detail::input_shape_of<InputSpec>::type;
    // The composition's verdict, asserted here (not deeper): the `ctnn:` line comes right after the user's line.
    using verdict = net_detail::network_verdict<InputSpec, input_shape, Specs...>;
    static_assert(sizeof(check::report<verdict>) > 0);
    /// Whether the layers compose (after the error that says they do not,
    /// `forward` returns `after_error`, so the user's next line adds nothing).
    static constexpr bool composes = verdict::kind == check::fault::none;

public:
    using value_type = T;
    /// The bound chain: the network's root node.
    using root = net_detail::chain_of<input_shape, Specs...>;
    using in_shape = input_shape;
    using out_shape = typename root::out_shape;

    /// Number of parameters, as PyTorch counts them.
    static constexpr std::size_t param_count = root::param_count;
    /// Elements of the parameter buffer (each tensor padded to 64 bytes).
    static constexpr std::size_t param_storage = layers::storage_of<root, T>;
    /// Every parameter tensor in PyTorch's order: full name, offset in the
    /// flat buffer, shape, role and initialisation.
    static constexpr const auto& param_table = layers::params_of<root, T>;
    /// Floating-point operations for one sample.
    static constexpr std::size_t flops_forward = root::flops_forward;
    static constexpr std::size_t flops_backward = root::flops_backward;
    /// Whether the network keeps a state between calls (recurrent layers,
    /// streaming convolutions): then `forward` takes one.
    static constexpr bool stateful = StatefulLayer<root>;

    /// The state of `B` independent streams (`reset()` starts them over).
    template <std::size_t B>
    using batch_state = layers::state_of<root, T, B>;
    /// The state of one stream.
    using state_type = batch_state<1>;

    /// A batch of `B` samples in and out.
    template <std::size_t B>
    using input_batch = tensor_for_t<T, typename net_detail::batched<B, in_shape>::type>;
    template <std::size_t B>
    using output_batch = tensor_for_t<T, typename net_detail::batched<B, out_shape>::type>;
    using input_type = tensor_for_t<T, in_shape>;
    using output_type = tensor_for_t<T, out_shape>;

    /// Gradients (or any per-parameter state): the parameter buffer's layout.
    struct gradients {
        /// The network these gradients belong to (clipping skips its buffers).
        using network = BasicSequential;
        alignas(64) T data[param_storage > 0 ? param_storage : 1]{};
        T* begin() noexcept { return data; }
        T* end() noexcept { return data + param_storage; }
    };

    /// Everything a batch of `B` needs besides the parameters, planned at
    /// compile time: the output and the gradient a loss writes for it, the
    /// values a training forward keeps for backward (`saved`), the
    /// temporaries of either pass (`scratch`: intermediates live only from
    /// the layer that writes them to the one that reads them), the state of
    /// `B` streams and the RNG of stochastic layers.
    template <std::size_t B>
    struct workspace {
        static constexpr std::size_t batch = B;
        static constexpr std::size_t output_size = layers::aligned_size<T>(B * out_shape::size);
        static constexpr std::size_t saved_size = layers::saved_size_of<root, T, B>;
        static constexpr std::size_t scratch_size = layers::scratch_size_of<root, T, B>;
        static constexpr std::size_t total = 2 * output_size + saved_size + scratch_size;

        alignas(64) T data[total]{};
        Rng rng{0};
        [[no_unique_address]] batch_state<B> state{};
        /// Whether the last forward through this workspace was a training
        /// one, whose values `backward` reads (it stops the program with a
        /// `ctnn:` message otherwise, rather than give wrong gradients).
        bool kept_for_backward = false;

        /// The network's output for the batch.
        [[nodiscard]] auto output() const noexcept { return view_of<const T>(data); }
        /// Where a loss writes ∂L/∂output (shape [B, out...]).
        [[nodiscard]] auto output_grad() noexcept { return view_of<T>(data + output_size); }

        /// After a training forward: the output of the network's `I`-th child
        /// (`Net::root::child<I>`, not the last), kept for backward; e.g. to
        /// look at hidden activations. Shape [B, child<I>::out_shape...].
        template <std::size_t I>
        [[nodiscard]] const T* kept_output() const noexcept {
            static_assert(I + 1 < root::count, "ctnn: the last child's output is output()");
            return data + 2 * output_size + root::template saved_offsets<T, B>[I];
        }

        T* out_ptr() noexcept { return data; }
        T* dout_ptr() noexcept { return data + output_size; }
        T* saved_ptr() noexcept { return data + 2 * output_size; }
        T* scratch_ptr() noexcept { return data + 2 * output_size + saved_size; }

    private:
        template <class U>
        static auto view_of(U* p) noexcept {
            return [&]<std::size_t... D>(Shape<D...>) { return TensorView<U, B, D...>(p); }(out_shape{});
        }
    };
    /// Bytes of a workspace for `B` samples (what `summary()` reports).
    template <std::size_t B>
    static constexpr std::size_t workspace_bytes = sizeof(workspace<B>);

    BasicSequential() noexcept = default;

    // ---- parameters ---------------------------------------------------------
    constexpr T* params() noexcept { return params_; }
    constexpr const T* params() const noexcept { return params_; }

    /// The parameter called `Name` ("0.weight"), as a view with its static shape.
    template <fixed_string Name>
    constexpr auto param() noexcept {
        return param_view<Name, T>(params_);
    }
    template <fixed_string Name>
    constexpr auto param() const noexcept {
        return param_view<Name, const T>(params_);
    }
    /// The same parameter's part of a gradient buffer.
    template <fixed_string Name>
    static constexpr auto param_in(gradients& g) noexcept {
        return param_view<Name, T>(g.data);
    }

    /// Calls `f(name, info, data)` for every parameter tensor in PyTorch's
    /// order: `name` (a `std::string`) as in the equivalent module's
    /// state_dict (`"0.weight"`, `"1.body.0.bias"`), `info` its `param_info`
    /// (shape, role, initialisation; `info.offset` is its offset in the flat
    /// buffer), `data` its first element.
    template <class F>
    void for_each_param(F&& f) {
        visit_params(params_, f);
    }
    template <class F>
    void for_each_param(F&& f) const {
        visit_params(params_, f);
    }
    /// The same walk over a gradient buffer.
    template <class F>
    static void for_each_param_in(gradients& g, F&& f) {
        visit_params(g.data, f);
    }

    // ---- forward ------------------------------------------------------------
    /// One sample, for inference: no workspace, nothing allocated (the
    /// intermediates live on the stack). Also usable in a constant
    /// expression, for every layer but GELU (no constexpr erf) and
    /// training-mode dropout. A stateful network takes its state instead.
    template <TensorLike X>
    CTNN_REALTIME constexpr auto forward(const X& x) const noexcept {
        static_assert(net_detail::input_matches<typename X::shape_type, in_shape>,
                      "ctnn: the input tensor must have the network's input shape (one sample; a batch goes through "
                      "forward(X, ws) with a Net::workspace<B>)");
        static_assert(!net_detail::input_matches<typename X::shape_type, in_shape> ||
                          net_detail::element_matches<X, T>,
                      "ctnn: the input tensor must hold the network's value type (float for Sequential, double for BasicSequential<double, ...>)");
        static_assert(!stateful, "ctnn: this network keeps state between calls: call forward(x, state) "
                                 "with a Net::state_type");
        if constexpr (net_detail::input_matches<typename X::shape_type, in_shape> &&
                      net_detail::element_matches<X, T> && !stateful && composes) {
            output_type y;
            run_single(x.data(), y.data(), static_cast<state_type*>(nullptr));
            return y;
        } else {
            return net_detail::after_error<T>{};
        }
    }

    /// One sample of one stream: reads and advances `state`.
    template <TensorLike X>
    CTNN_REALTIME constexpr auto forward(const X& x, state_type& state) const noexcept {
        static_assert(net_detail::input_matches<typename X::shape_type, in_shape>,
                      "ctnn: the input tensor must have the network's input shape (one sample; a batch goes through "
                      "forward(X, ws) with a Net::workspace<B>)");
        static_assert(!net_detail::input_matches<typename X::shape_type, in_shape> ||
                          net_detail::element_matches<X, T>,
                      "ctnn: the input tensor must hold the network's value type (float for Sequential, double for BasicSequential<double, ...>)");
        if constexpr (net_detail::input_matches<typename X::shape_type, in_shape> && net_detail::element_matches<X, T> &&
                      composes) {
            output_type y;
            run_single(x.data(), y.data(), &state);
            return y;
        } else {
            return net_detail::after_error<T>{};
        }
    }

    /// A block of `N` consecutive steps of one stream (`xs` is `[N, in...]`,
    /// `ys` gets `[N, out...]`): the first `n ≤ N` steps (`n` known at run
    /// time, e.g. an audio callback's frame count; rows past `n` are left
    /// as they were). It is `n` calls of `forward(x, state)`, so it equals
    /// them to the last bit; a network without state maps each step alone.
    template <TensorLike Xs, TensorLike Ys>
    CTNN_REALTIME constexpr void forward_block(const Xs& xs, Ys& ys, state_type& state,
                                               std::size_t n = Xs::shape_type::dims[0]) const noexcept {
        if constexpr (block_shapes_fit<Xs, Ys>())
            for (std::size_t i = 0; i < n && i < Xs::shape_type::dims[0]; ++i)
                run_single(xs.data() + i * in_shape::size, ys.data() + i * out_shape::size, &state);
    }
    template <TensorLike Xs, TensorLike Ys>
    CTNN_REALTIME constexpr void forward_block(const Xs& xs, Ys& ys,
                                               std::size_t n = Xs::shape_type::dims[0]) const noexcept {
        static_assert(!stateful, "ctnn: this network keeps state between calls: call forward_block(xs, ys, state) "
                                 "with a Net::state_type");
        if constexpr (block_shapes_fit<Xs, Ys>() && !stateful)
            for (std::size_t i = 0; i < n && i < Xs::shape_type::dims[0]; ++i)
                run_single(xs.data() + i * in_shape::size, ys.data() + i * out_shape::size,
                           static_cast<state_type*>(nullptr));
    }

    /// A batch of `B` samples, outputs into `ws` (see `workspace::output`).
    /// `Train` keeps what backward needs and turns dropout on. A stateful
    /// network reads and advances `ws.state` (B streams).
    template <bool Train = false, TensorLike X, std::size_t B>
    CTNN_REALTIME void forward(const X& x, workspace<B>& ws) const noexcept {
        static_assert(net_detail::input_matches<typename X::shape_type, typename net_detail::batched<B, in_shape>::type>,
                      "ctnn: the input batch must have the workspace's batch size and the network's input shape");
        static_assert(!net_detail::input_matches<typename X::shape_type,
                                                 typename net_detail::batched<B, in_shape>::type> ||
                          net_detail::element_matches<X, T>,
                      "ctnn: the input tensor must hold the network's value type (float for Sequential, double for BasicSequential<double, ...>)");
        ws.kept_for_backward = Train;
        if constexpr (net_detail::input_matches<typename X::shape_type,
                                                typename net_detail::batched<B, in_shape>::type> &&
                      net_detail::element_matches<X, T>)
            root::forward(forward_context<T, B, Train, batch_state<B>>{
                params_, x.data(), ws.out_ptr(), Train ? ws.saved_ptr() : nullptr, ws.scratch_ptr(),
                state_ptr(ws.state), &ws.rng});
    }

    // ---- backward -----------------------------------------------------------
    /// Gradients of the loss with respect to every parameter, into `g`
    /// (overwritten), from ∂L/∂output in `ws.output_grad()` and the values
    /// the training forward kept in `ws` (`forward<true>(x, ws)`: after an
    /// inference forward, backward stops the program with a `ctnn:` message
    /// rather than compute wrong gradients). With `dx`, also ∂L/∂input.
    template <TensorLike X, std::size_t B>
    CTNN_REALTIME void backward(const X& x, workspace<B>& ws, gradients& g,
                                input_batch<B>* dx = nullptr) const noexcept {
        static_assert(net_detail::input_matches<typename X::shape_type, typename net_detail::batched<B, in_shape>::type>,
                      "ctnn: the input batch must have the workspace's batch size and the network's input shape");
        static_assert(!net_detail::input_matches<typename X::shape_type,
                                                 typename net_detail::batched<B, in_shape>::type> ||
                          net_detail::element_matches<X, T>,
                      "ctnn: the input tensor must hold the network's value type (float for Sequential, double for BasicSequential<double, ...>)");
        if (!ws.kept_for_backward) net_detail::backward_without_training_forward();
        if constexpr (net_detail::input_matches<typename X::shape_type,
                                                typename net_detail::batched<B, in_shape>::type> &&
                      net_detail::element_matches<X, T>)
            root::backward(backward_context<T, B, batch_state<B>>{
                params_, x.data(), ws.out_ptr(), ws.saved_ptr(), ws.dout_ptr(), dx ? dx->data() : nullptr, g.data,
                ws.scratch_ptr(), state_ptr(ws.state), ws.dout_ptr()});
    }

    // ---- description --------------------------------------------------------
    /// A Keras-like table: layer path and type, output shape, parameters;
    /// then the totals and the workspace's size for batch 1.
    static void summary(std::ostream& os) {
        char line[200];
        std::snprintf(line, sizeof line, "%-44s %-18s %12s\n", "Layer (type)", "Output shape", "Param #");
        os << line << std::string(76, '=') << '\n';
        std::snprintf(line, sizeof line, "%-44s %-18s %12s\n", InputSpec::name().c_str(), in_shape::str().c_str(), "0");
        os << line;
        rows<root>(os, "", 0);
        os << std::string(76, '=') << '\n';
        os << "Total params: " << param_count << " (" << param_count * sizeof(T) << " bytes)\n";
        os << "FLOPs per sample: forward " << flops_forward << ", backward " << flops_backward << '\n';
        os << "Workspace: " << workspace_bytes<1> << " bytes at batch 1 (" << sizeof(T) * workspace<1>::saved_size
           << " saved for backward, " << sizeof(T) * workspace<1>::scratch_size << " scratch)";
        if constexpr (stateful) os << ", state " << sizeof(state_type) << " bytes per stream";
        os << '\n';
    }

private:
    template <class S>
    static constexpr auto state_ptr(S& s) noexcept {
        if constexpr (stateful)
            return &s;
        else
            return static_cast<no_state*>(nullptr);
    }

    /// `xs` is `[N, in...]` and `ys` `[N, out...]` of the network's type.
    template <class Xs, class Ys>
    static constexpr bool block_shapes_fit() noexcept {
        using XS = typename Xs::shape_type;
        using YS = typename Ys::shape_type;
        constexpr bool x_ok = std::is_same_v<typename net_detail::batched<XS::dims[0], in_shape>::type, XS>;
        constexpr bool y_ok = std::is_same_v<typename net_detail::batched<XS::dims[0], out_shape>::type, YS>;
        static_assert(x_ok, "ctnn: forward_block takes the inputs of N steps: a [N, in...] tensor of the network's "
                            "input shape");
        static_assert(!x_ok || y_ok, "ctnn: forward_block writes the outputs of N steps: a [N, out...] tensor, N as "
                                     "in the inputs");
        static_assert(std::is_same_v<typename Xs::value_type, T> && std::is_same_v<typename Ys::value_type, T>,
                      "ctnn: forward_block's tensors hold the network's value type");
        return x_ok && y_ok;
    }

    CTNN_INLINE constexpr void run_single(const T* x, T* out, state_type* state) const noexcept {
        alignas(64) T scratch[layers::scratch_size_of<root, T, 1> > 0 ? layers::scratch_size_of<root, T, 1> : 1];
        Rng rng{0};
        if constexpr (stateful)
            root::forward(forward_context<T, 1, false, state_type>{params_, x, out, nullptr, scratch, state, &rng});
        else
            root::forward(forward_context<T, 1, false, no_state>{params_, x, out, nullptr, scratch, nullptr, &rng});
    }

    template <fixed_string Name, class U>
    static constexpr auto param_view(U* base) noexcept {
        constexpr std::size_t i = net_detail::find_param(param_table, Name.view());
        static_assert(i < param_table.size(), "ctnn: the network has no parameter of that name (see summary())");
        if constexpr (i < param_table.size()) {
            constexpr param_info p = param_table[i];
            return [&]<std::size_t... D>(std::index_sequence<D...>) {
                return typename net_detail::view_for<U, Shape<p.dims[D]...>>::type(base + p.offset);
            }(std::make_index_sequence<p.rank>{});
        }
    }

    template <class P, class F>
    static void visit_params(P* base, F& f) {
        for (const param_info& info : param_table) f(std::string(info.name), info, base + info.offset);
    }

    template <class Node>
    static void rows(std::ostream& os, const std::string& prefix, int depth) {
        if constexpr (requires { Node::visit_children([](const std::string&, const std::string&, auto) {}); }) {
            Node::visit_children([&](const std::string& seg, const std::string& name, auto tag) {
                using C = typename decltype(tag)::type;
                char line[200];
                const std::string label = std::string(std::size_t(2 * depth), ' ') + prefix + seg + ": " + name;
                std::snprintf(line, sizeof line, "%-44s %-18s %12zu\n", label.c_str(),
                              C::out_shape::str().c_str(), layers::param_count_of<C>);
                os << line;
                rows<C>(os, prefix + seg + ".", depth + 1);
            });
        }
    }

    alignas(64) T params_[param_storage > 0 ? param_storage : 1]{};
};

/// A network in float (see `BasicSequential` for double). Without an
/// `Input<...>` first, a chain to nest in another network.
template <class... Specs>
using Sequential = BasicSequential<float, Specs...>;

namespace layers {

/// A `Sequential` without `Input` nested in a network: a chain bound to the
/// shape that reaches it (PyTorch: an `nn.Sequential` inside another).
template <class T, class First, class... Specs>
    requires(!check::sequential_starts_with<First>::an_input)
struct binding<BasicSequential<T, First, Specs...>> {
    template <class In>
    static constexpr bool accepts = net_detail::bind<In, 0, First, Specs...>::ok;
    template <class In, class Where>
    using diagnosis = net_detail::chain_verdict_t<In, typename Where::path, 0, typename Where::before_path,
                                                  typename Where::before, First, Specs...>;
    template <class In>
    using type = net_detail::chain_of<In, First, Specs...>;
};

}  // namespace layers
}  // namespace ctnn
