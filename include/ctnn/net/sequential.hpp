#pragma once
/// \file sequential.hpp
/// `Sequential<Input<...>, Layers...>`: a network as a type. From the type
/// the compiler derives every shape, checks the composition (compose.hpp),
/// lays out the parameters in one flat 64-byte aligned buffer inside the
/// object (PyTorch's order and names: `0.weight`, `0.bias`, `2.weight`, ...),
/// and generates the forward and backward passes, unrolled over the layers.
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
/// None of forward, backward or the loss allocates; a big model is one
/// object: put it (and its workspace and gradients) on the heap with
/// `std::make_unique`, never on a thread's stack.

#include <array>
#include <cstddef>
#include <cstdio>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "../core/random.hpp"
#include "../core/tensor.hpp"
#include "compose.hpp"

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
    using type = Shape<D...>;
};

/// The tensor given has the shape the network takes.
template <class Given, class Wanted>
inline constexpr bool input_matches = std::is_same_v<Given, Wanted>;

template <class L>
struct unit_array;
template <class... U>
struct unit_array<type_list<U...>> {
    template <class F>
    static constexpr void for_each(F&& f) {
        (f(U{}), ...);
    }
};
}  // namespace net_detail

template <class T, class InputSpec, class... Specs>
class BasicSequential {
    static_assert(check::sequential_starts_with<InputSpec>::an_input,
                  "ctnn: a Sequential starts with Input<...>, the shape of one sample");
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn: a network computes in float or double");
    using binder = net_detail::bind<typename net_detail::input_shape_of<InputSpec>::type, 0, InputSpec, Specs...>;
    static_assert(sizeof(net_detail::assert_chain<binder>) > 0);

public:
    using value_type = T;
    using units = typename binder::units;
    using in_shape = typename net_detail::input_shape_of<InputSpec>::type;
    using out_shape = typename binder::out_shape;
    static constexpr std::size_t unit_count = units::size;

private:
    template <std::size_t I>
    struct unit_at_impl;
    template <std::size_t I, class L>
    struct nth;
    template <std::size_t I, class U, class... Us>
    struct nth<I, net_detail::type_list<U, Us...>> : nth<I - 1, net_detail::type_list<Us...>> {};
    template <class U, class... Us>
    struct nth<0, net_detail::type_list<U, Us...>> {
        using type = U;
    };

    template <class F>
    static constexpr auto sum_units(F f) {
        std::size_t total = 0;
        net_detail::unit_array<units>::for_each([&](auto u) { total += f(u); });
        return total;
    }

public:
    /// The `I`-th unit (a layer, or a Dense fused with its activation).
    template <std::size_t I>
    using unit = typename nth<I, units>::type;
    template <std::size_t I>
    using layer = typename unit<I>::bound;

    /// Number of parameters, as PyTorch counts them.
    static constexpr std::size_t param_count =
        sum_units([](auto u) { return decltype(u)::bound::param_count; });
    /// Elements of the parameter buffer (each tensor padded to 64 bytes).
    static constexpr std::size_t param_storage =
        sum_units([](auto u) { return decltype(u)::bound::template storage<T>; });
    /// Floating-point operations for one sample.
    static constexpr std::size_t flops_forward = sum_units([](auto u) { return decltype(u)::bound::flops_forward; });
    static constexpr std::size_t flops_backward = sum_units([](auto u) { return decltype(u)::bound::flops_backward; });

    /// Start of unit `I`'s parameters in the flat buffer.
    template <std::size_t I>
    static constexpr std::size_t param_offset = [] {
        std::size_t off = 0;
        [&]<std::size_t... J>(std::index_sequence<J...>) {
            ((off += layer<J>::template storage<T>), ...);
        }(std::make_index_sequence<I>{});
        return off;
    }();

    /// The widest activation of one sample (input included).
    static constexpr std::size_t max_width = [] {
        std::size_t m = in_shape::size;
        net_detail::unit_array<units>::for_each([&](auto u) {
            using L = typename decltype(u)::bound;
            if (L::out_shape::size > m) m = L::out_shape::size;
        });
        return m;
    }();

    /// A batch of `B` samples in and out.
    template <std::size_t B>
    using input_batch = tensor_for_t<T, typename net_detail::batched<B, in_shape>::type>;
    template <std::size_t B>
    using output_batch = tensor_for_t<T, typename net_detail::batched<B, out_shape>::type>;
    using input_type = tensor_for_t<T, in_shape>;
    using output_type = tensor_for_t<T, out_shape>;

    /// Gradients (or any per-parameter state): the parameter buffer's layout.
    struct gradients {
        alignas(64) T data[param_storage > 0 ? param_storage : 1]{};
        T* begin() noexcept { return data; }
        T* end() noexcept { return data + param_storage; }
    };

    /// What a batch of `B` keeps between forward and backward: each unit's
    /// output and extra values (pre-activations, dropout masks), the
    /// gradient flowing back, and the RNG of stochastic layers. Sized at
    /// compile time.
    template <std::size_t B>
    struct workspace {
        static constexpr std::size_t batch = B;
        template <std::size_t I>
        static constexpr std::size_t out_offset = [] {
            std::size_t off = 0;
            [&]<std::size_t... J>(std::index_sequence<J...>) {
                ((off += layers::aligned_size<T>(B * (layer<J>::out_shape::size + layer<J>::extra_size))), ...);
            }(std::make_index_sequence<I>{});
            return off;
        }();
        template <std::size_t I>
        static constexpr std::size_t extra_offset = out_offset<I> + B * layer<I>::out_shape::size;
        static constexpr std::size_t activations = out_offset<unit_count>;
        static constexpr std::size_t grad_size = layers::aligned_size<T>(B * max_width);
        static constexpr std::size_t total = activations + 2 * grad_size;

        alignas(64) T data[total]{};
        Rng rng{0};

        template <std::size_t I>
        T* out() noexcept { return data + out_offset<I>; }
        template <std::size_t I>
        const T* out() const noexcept { return data + out_offset<I>; }
        template <std::size_t I>
        T* extra() noexcept { return data + extra_offset<I>; }
        /// The network's output for the batch.
        auto output() const noexcept {
            return view_of<const T>(data + out_offset<unit_count - 1>);
        }
        /// Where a loss writes ∂L/∂output (shape [B, out...]).
        auto output_grad() noexcept { return view_of<T>(grad_a()); }
        T* grad_a() noexcept { return data + activations; }
        T* grad_b() noexcept { return data + activations + grad_size; }

    private:
        template <class U>
        static auto view_of(U* p) noexcept {
            return [&]<std::size_t... D>(Shape<D...>) { return TensorView<U, B, D...>(p); }(out_shape{});
        }
    };

    BasicSequential() noexcept = default;

    // ---- parameters ---------------------------------------------------------
    constexpr T* params() noexcept { return params_; }
    constexpr const T* params() const noexcept { return params_; }
    template <std::size_t I>
    constexpr T* params_of() noexcept { return params_ + param_offset<I>; }
    template <std::size_t I>
    constexpr const T* params_of() const noexcept { return params_ + param_offset<I>; }

    /// Calls `f(name, info, data)` for every parameter tensor in PyTorch's
    /// order, `name` as in `nn.Sequential`'s state_dict (`"0.weight"`).
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
    /// One sample, for inference: no workspace, nothing allocated; the
    /// activations live in two buffers of `max_width` on the stack. Also
    /// usable in a constant expression (scalar loops, ctnn::cmath's math),
    /// for every layer but GELU (no constexpr erf) and training-mode dropout.
    template <TensorLike X>
    CTNN_REALTIME constexpr output_type forward(const X& x) const noexcept {
        static_assert(net_detail::input_matches<typename X::shape_type, in_shape>,
                      "ctnn: the input tensor must have the network's input shape (one sample)");
        output_type y;
        if constexpr (net_detail::input_matches<typename X::shape_type, in_shape>) run_single(x.data(), y.data());
        return y;
    }

private:
    CTNN_INLINE constexpr void run_single(const T* x, T* out) const noexcept {
        alignas(64) T ping[layers::aligned_size<T>(max_width)];
        alignas(64) T pong[layers::aligned_size<T>(max_width)];
        Rng rng{0};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            const T* in = x;
            ((run_forward<I, 1, false>(in, I + 1 == unit_count ? out : (I % 2 ? pong : ping), nullptr, rng),
              in = (I % 2 ? pong : ping)),
             ...);
        }(std::make_index_sequence<unit_count>{});
    }

public:

    /// A batch of `B` samples, outputs into `ws` (see `workspace::output`).
    /// `Train` keeps what backward needs and turns dropout on.
    template <bool Train = false, TensorLike X, std::size_t B>
    CTNN_REALTIME void forward(const X& x, workspace<B>& ws) const noexcept {
        static_assert(net_detail::input_matches<typename X::shape_type, typename net_detail::batched<B, in_shape>::type>,
                      "ctnn: the input batch must have the workspace's batch size and the network's input shape");
        if constexpr (net_detail::input_matches<typename X::shape_type,
                                                typename net_detail::batched<B, in_shape>::type>)
            [&]<std::size_t... I>(std::index_sequence<I...>) {
            (run_forward<I, B, Train>(I == 0 ? x.data() : ws.template out<(I > 0 ? I - 1 : 0)>(), ws.template out<I>(),
                                      ws.template extra<I>(), ws.rng),
             ...);
        }(std::make_index_sequence<unit_count>{});
    }

    // ---- backward -----------------------------------------------------------
    /// Gradients of the loss with respect to every parameter, into `g`
    /// (overwritten), from ∂L/∂output in `ws.output_grad()` and the values
    /// the training forward kept in `ws`. With `dx`, also ∂L/∂input.
    template <TensorLike X, std::size_t B>
    CTNN_REALTIME void backward(const X& x, workspace<B>& ws, gradients& g,
                                input_batch<B>* dx = nullptr) const noexcept {
        static_assert(net_detail::input_matches<typename X::shape_type, typename net_detail::batched<B, in_shape>::type>,
                      "ctnn: the input batch must have the workspace's batch size and the network's input shape");
        T* dy = ws.grad_a();
        T* other = ws.grad_b();
        [&]<std::size_t... R>(std::index_sequence<R...>) {
            ((run_backward<unit_count - 1 - R, B>(x, ws, g, dy, other, dx)), ...);
        }(std::make_index_sequence<unit_count>{});
    }

    // ---- description --------------------------------------------------------
    /// A Keras-like table: layer, output shape, parameters; then the totals.
    static void summary(std::ostream& os) {
        char line[160];
        std::snprintf(line, sizeof line, "%-36s %-18s %12s\n", "Layer (type)", "Output shape", "Param #");
        os << line << std::string(68, '=') << '\n';
        std::snprintf(line, sizeof line, "%-36s %-18s %12s\n", InputSpec::name().c_str(), in_shape::str().c_str(), "0");
        os << line;
        net_detail::unit_array<units>::for_each([&](auto u) {
            using U = decltype(u);
            const std::string label = std::to_string(U::index) + ": " + U::name();
            std::snprintf(line, sizeof line, "%-36s %-18s %12zu\n", label.c_str(),
                          U::bound::out_shape::str().c_str(), U::bound::param_count);
            os << line;
        });
        os << std::string(68, '=') << '\n';
        os << "Total params: " << param_count << " (" << param_count * sizeof(T) << " bytes)\n";
        os << "FLOPs per sample: forward " << flops_forward << ", backward " << flops_backward << '\n';
    }

private:
    template <class P, class F>
    static void visit_params(P* base, F& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (
                [&] {
                    using U = unit<I>;
                    for (const param_info& info : U::bound::template params<T>)
                        f(std::to_string(U::index) + "." + std::string(info.name), info,
                          base + param_offset<I> + info.offset);
                }(),
                ...);
        }(std::make_index_sequence<unit_count>{});
    }

    template <std::size_t I, std::size_t B, bool Train>
    CTNN_INLINE constexpr void run_forward(const T* in, T* out, T* extra, Rng& rng) const noexcept {
        layer<I>::template forward<B, Train>(params_ + param_offset<I>, in, out, extra, rng);
    }

    template <std::size_t I, std::size_t B, class X>
    CTNN_INLINE void run_backward(const X& x, workspace<B>& ws, gradients& g, T*& dy, T*& other,
                                  input_batch<B>* dx) const noexcept {
        const T* in;
        if constexpr (I == 0)
            in = x.data();
        else
            in = ws.template out<I - 1>();
        T* dx_ptr = nullptr;
        if constexpr (I == 0)
            dx_ptr = dx ? dx->data() : nullptr;
        else
            dx_ptr = other;
        layer<I>::template backward<B>(params_ + param_offset<I>, in, ws.template out<I>(), ws.template extra<I>(), dy,
                                       dx_ptr, g.data + param_offset<I>);
        std::swap(dy, other);
    }

    alignas(64) T params_[param_storage > 0 ? param_storage : 1]{};
};

/// A network in float (see `BasicSequential` for double).
template <class InputSpec, class... Specs>
using Sequential = BasicSequential<float, InputSpec, Specs...>;

}  // namespace ctnn
