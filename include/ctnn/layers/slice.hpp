#pragma once
/// \file slice.hpp
/// `Slice<Begin, End>`: the rows [Begin, End) of the first axis of a sample
/// (features of a vector, channels of a `[C, L]` sequence or `[C, H, W]`
/// map), PyTorch's `x[:, Begin:End]` over a batch. No parameters; backward
/// scatters ∂L/∂y into those rows of a zero ∂L/∂x. With it a block can work
/// on part of its input, e.g. WaveNet's residual channels of
/// `[residual + skip, L]`:
/// `Residual<Slice<0, R>, Conv1D<R, 3, 1, D, 1, Causal>, Tanh, Concat<Conv1D<R, 1>, Conv1D<S, 1>>>`.

#include <cstddef>
#include <string>

#include "../simd/map.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

/// Rows `[Begin, End)` of a sample's first axis.
template <std::size_t Begin, std::size_t End>
struct Slice {
    struct needs_Begin_less_than_End;
    using broken_rule = check::first_broken_t<check::rule<!(Begin < End), needs_Begin_less_than_End>>;
    static std::string name() { return "Slice<" + std::to_string(Begin) + ", " + std::to_string(End) + ">"; }
};

namespace check {
template <class Path, class Spec>
struct slice {
    template <class In>
    struct end_within_the_first_axis_of {
        static constexpr bool holds = false;
    };
};
}  // namespace check

namespace layers {

template <class S, std::size_t Begin, std::size_t End>
struct slice;
template <std::size_t D0, std::size_t... R, std::size_t Begin, std::size_t End>
struct slice<Shape<D0, R...>, Begin, End> {
    using in_shape = Shape<D0, R...>;
    using out_shape = Shape<End - Begin, R...>;
    static constexpr std::size_t row = (std::size_t(1) * ... * R);  // elements of one row of the first axis
    static constexpr std::size_t n = (End - Begin) * row;
    static constexpr std::size_t flops_backward = D0 * row;

    template <class T, std::size_t B, bool Train, class St>
    static CTNN_INLINE constexpr void forward(const forward_context<T, B, Train, St>& c) noexcept {
        for (std::size_t b = 0; b < B; ++b)
            simd::map_n<n>([](auto v) CTNN_INLINE_LAMBDA { return v; }, c.out + b * n,
                           c.in + b * in_shape::size + Begin * row);
    }
    template <class T, std::size_t B, class St>
    static CTNN_INLINE void backward(const backward_context<T, B, St>& c) noexcept {
        if (!c.din) return;
        for (std::size_t b = 0; b < B; ++b) {
            T* dx = c.din + b * in_shape::size;
            for (std::size_t i = 0; i < Begin * row; ++i) dx[i] = T(0);
            simd::map_n<n>([](auto g) CTNN_INLINE_LAMBDA { return g; }, dx + Begin * row, c.dout + b * n);
            for (std::size_t i = End * row; i < in_shape::size; ++i) dx[i] = T(0);
        }
    }
};

template <std::size_t Begin, std::size_t End>
struct binding<Slice<Begin, End>> {
    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (In::rank >= 1)
            return End <= In::dims[0];
        else
            return false;
    }();
    template <class In, class Where>
    using diagnosis = check::fails_if<!accepts<In>, check::fault::slice_end,
                                      typename check::slice<typename Where::path, Slice<Begin, End>>::template
                                          end_within_the_first_axis_of<In>>;
    template <class In>
    using type = slice<In, Begin, End>;
};

}  // namespace layers
}  // namespace ctnn
