#pragma once
// A layer written by a user against ctnn's documented layer protocol
// (include/ctnn/layers/layer_concepts.hpp), not part of the library:
// a one-pole smoothing filter per feature with a learned coefficient,
//     y_t = a ⊙ y_{t-1} + (1 - a) ⊙ x_t,
// which keeps y_{t-1} of every stream in its per-stream state. It shows each
// clause: shapes, a parameter table (PyTorch name "coefficient", initialised
// to 0.5), a saved area (y_{t-1}, for backward), a state with reset(), and
// forward/backward over the typed contexts. Backward treats y_{t-1} as an
// input (truncated backpropagation through time of one step).
// examples/custom_layer.cpp uses it; tests/unit/layers/custom_layer.cpp tests it.
#include <array>
#include <cstddef>
#include <string>

#include <ctnn/layers/checks.hpp>
#include <ctnn/layers/layer_concepts.hpp>

namespace examples {

/// The spec users write in a network: `Sequential<Input<2>, Dense<8>, OnePole, ...>`.
struct OnePole {
    static std::string name() { return "OnePole"; }
};

/// The bound layer for `F` features.
template <std::size_t F>
struct one_pole {
    using in_shape = ctnn::Shape<F>;
    using out_shape = ctnn::Shape<F>;
    static constexpr std::size_t param_count = F;
    static constexpr std::size_t flops_forward = 4 * F;
    static constexpr std::size_t flops_backward = 6 * F;
    template <class T>
    static constexpr std::size_t storage = ctnn::layers::aligned_size<T>(F);
    template <class T>
    static constexpr std::array<ctnn::param_info, 1> params{ctnn::param_info{
        "coefficient", 0, 1, {F, 0, 0, 0}, ctnn::param_role::other, F, F, {ctnn::init_rule::constant, 0.5}}};
    /// y_{t-1} of each row, kept for backward.
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = B * F;

    /// y_{t-1} of `B` streams; zero after reset().
    template <class T, std::size_t B>
    struct state {
        T y[B * F]{};
        constexpr void reset() noexcept {
            for (T& v : y) v = T(0);
        }
    };

    template <class T, std::size_t B, bool Train, class S>
    static constexpr void forward(const ctnn::forward_context<T, B, Train, S>& c) noexcept {
        for (std::size_t i = 0; i < B * F; ++i) {
            const T a = c.params[i % F];
            const T prev = c.state ? c.state->y[i] : T(0);  // no state: start from rest
            if constexpr (Train) c.saved[i] = prev;
            c.out[i] = a * prev + (T(1) - a) * c.in[i];
            if (c.state) c.state->y[i] = c.out[i];
        }
    }

    template <class T, std::size_t B, class S>
    static void backward(const ctnn::backward_context<T, B, S>& c) noexcept {
        for (std::size_t f = 0; f < F; ++f) c.dparams[f] = T(0);
        for (std::size_t i = 0; i < B * F; ++i) {
            const T a = c.params[i % F];
            c.dparams[i % F] += c.dout[i] * (c.saved[i] - c.in[i]);  // ∂y/∂a = y_{t-1} - x
            if (c.din) c.din[i] = c.dout[i] * (T(1) - a);
        }
    }
};

}  // namespace examples

/// How `OnePole` binds to the shape before it: any flat input.
template <>
struct ctnn::layers::binding<examples::OnePole> {
    template <class In>
    static constexpr bool accepts = In::rank == 1;
    template <class In, class Where>
    using diagnosis = require_flat<In::rank != 1, Where, In>;
    template <class In>
    using type = examples::one_pole<In::size>;
};
