#pragma once
/// \file embedding.hpp
/// `Embedding<Vocab, Dim>`: `nn.Embedding(Vocab, Dim)`. A sample is `[N]`
/// token indices held in the network's value type (exact integers up to 2²⁴
/// in float, 2⁵³ in double); the output `[N, Dim]` holds their rows of
/// `weight` `[Vocab, Dim]` (initialised N(0, 1)). Backward adds each output
/// row's gradient into its token's row of the weight gradient; an index has
/// no gradient (∂L/∂input, when asked for, is zero).
///
/// An index is rounded to the nearest integer (so 2.9999998 from an
/// arithmetic slip still reads row 3). An index that does not round into
/// [0, Vocab) is a contract violation: debug builds assert; release builds
/// clamp it into the range (a NaN or a negative index reads row 0, one past
/// the end the last row), so a bad token never reads outside the weights.

#include <array>
#include <cassert>
#include <cstddef>
#include <string>

#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// A table of `Vocab` vectors of `Dim` values, looked up by index.
template <std::size_t Vocab, std::size_t Dim>
struct Embedding {
    struct needs_Vocab_and_Dim_of_at_least_1;
    using broken_rule = check::first_broken_t<check::rule<!(Vocab > 0 && Dim > 0), needs_Vocab_and_Dim_of_at_least_1>>;
    static std::string name() { return "Embedding<" + std::to_string(Vocab) + ", " + std::to_string(Dim) + ">"; }
};

namespace layers {

template <std::size_t N, std::size_t Vocab, std::size_t Dim>
struct embedding {
    using in_shape = Shape<N>;
    using out_shape = Shape<N, Dim>;
    static constexpr std::size_t param_count = Vocab * Dim;
    static constexpr std::size_t flops_forward = 0;
    static constexpr std::size_t flops_backward = N * Dim;
    template <class T>
    static constexpr std::size_t storage = aligned_size<T>(Vocab * Dim);
    template <class T>
    static constexpr std::array<param_info, 1> params{
        param_info{"weight", 0, 2, {Vocab, Dim, 0, 0}, param_role::other, Dim, Vocab, {init_rule::normal, 1}}};

    /// The row of the token `x` (see the file's comment on bad indices).
    template <class T>
    static constexpr std::size_t row(T x) noexcept {
        assert(x > T(-0.5) && x < T(Vocab) - T(0.5) && "ctnn: Embedding index out of range");
        if (!(x > T(-0.5))) return 0;  // negative or NaN
        if (!(x < T(Vocab) - T(0.5))) return Vocab - 1;
        return std::size_t(x + T(0.5));
    }

    template <class T, std::size_t B, bool Train, class St>
    static constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        for (std::size_t r = 0; r < B * N; ++r) {
            const T* w = c.params + row(c.in[r]) * Dim;
            T* y = c.out + r * Dim;
            for (std::size_t j = 0; j < Dim; ++j) y[j] = w[j];
        }
    }

    template <class T, std::size_t B, class St>
    static void backward(const backward_context<T, B, St>& c) noexcept {
        for (std::size_t i = 0; i < Vocab * Dim; ++i) c.dparams[i] = T(0);
        for (std::size_t r = 0; r < B * N; ++r) {
            T* dw = c.dparams + row(c.in[r]) * Dim;
            const T* dy = c.dout + r * Dim;
            for (std::size_t j = 0; j < Dim; ++j) dw[j] += dy[j];
        }
        if (c.din)
            for (std::size_t i = 0; i < B * N; ++i) c.din[i] = T(0);
    }
};

template <std::size_t Vocab, std::size_t Dim>
struct binding<Embedding<Vocab, Dim>> {
    template <class In>
    static constexpr bool accepts = In::rank == 1;
    template <class In, class Where>
    using diagnosis = require_flat<In::rank != 1, Where, In>;
    template <class In>
    using type = embedding<In::dims[0], Vocab, Dim>;
};

}  // namespace layers
}  // namespace ctnn
