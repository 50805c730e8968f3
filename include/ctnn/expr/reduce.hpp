#pragma once
/// \file reduce.hpp
/// Reductions: `sum(e)`, `mean(e)` over all elements (shape `[1]`), and
/// `sum<Axis>(e)`, `mean<Axis>(e)` over one axis (the axis is removed).
/// A reduction is computed when the expression holding it is evaluated, in
/// one pass over its operand, and kept in the node.

#include <array>
#include <cstddef>
#include <type_traits>

#include "../simd/blas1.hpp"
#include "evaluate.hpp"
#include "matmul.hpp"

namespace ctnn::expr {

namespace detail {
template <class S, std::size_t Axis>
struct drop_axis {
    static constexpr auto value = [] {
        std::array<std::size_t, (S::rank > 1 ? S::rank - 1 : 1)> out{};
        if constexpr (S::rank == 1) {
            out[0] = 1;
        } else {
            for (std::size_t i = 0, j = 0; i < S::rank; ++i)
                if (i != Axis) out[j++] = S::dims[i];
        }
        return out;
    }();
};

template <class S, std::size_t Axis>
inline constexpr bool axis_in_range = Axis < S::rank;

inline constexpr std::size_t all_axes = std::size_t(-1);

template <class S, std::size_t Axis>
struct reduce_shape {
    using type = ctnn::detail::shape_from_t<drop_axis<S, (Axis < S::rank ? Axis : 0)>>;
};
template <class S>
struct reduce_shape<S, all_axes> {
    using type = Shape<1>;
};
}  // namespace detail

/// Σ (or mean) of `e` over `Axis` (`all_axes`: every element).
template <class E, std::size_t Axis, bool Mean>
struct Reduce {
    using expression_kind = expression_tag;
    using value_type = typename E::value_type;
    using input_shape = typename E::shape_type;
    static constexpr std::size_t axis = Axis;
    using shape_type = typename detail::reduce_shape<input_shape, Axis>::type;
    static constexpr value_type scale =
        Mean ? value_type(1) / value_type(Axis == detail::all_axes ? input_shape::size : input_shape::dims[Axis])
             : value_type(1);
    E e;
    mutable detail::operand_store<E> store;
    mutable detail::scratch<value_type, shape_type::size> result;

    CTNN_INLINE void prepare(bool) const noexcept { reduce_from(store.materialise(e)); }

    /// The result from the operand's values `in` (its shape, row-major):
    /// `prepare` after materialising them; a gradient that computed them in
    /// its own pass (autodiff/tensor_grad.hpp) calls it directly.
    CTNN_INLINE void reduce_from(const value_type* in) const noexcept {
        using T = value_type;
        using S = input_shape;
        constexpr std::size_t cols = S::dims[S::rank - 1];
        constexpr std::size_t rows = S::size / cols;
        if constexpr (Axis == detail::all_axes) {
            T total = 0;
            for (std::size_t r = 0; r < rows; ++r) total += simd::sum_n<cols>(in + r * cols);
            result.data[0] = total * scale;
        } else if constexpr (Axis + 1 == S::rank) {
            for (std::size_t r = 0; r < rows; ++r)
                result.data[r] = simd::sum_n<cols>(in + r * cols) * scale;
        } else {
            // rows of the input add onto rows of the output: out[o(r), :] += in[r, :]
            for (std::size_t i = 0; i < shape_type::size; ++i) result.data[i] = T(0);
            for (std::size_t r = 0; r < rows; ++r) {
                T* o = result.data + out_row(r) * cols;
                simd::map_n<cols>([](auto a, auto b) CTNN_INLINE_LAMBDA { return a + b; }, o, o, in + r * cols);
            }
            if constexpr (Mean)
                simd::map_n<shape_type::size>([](auto a) CTNN_INLINE_LAMBDA { return a * decltype(a)(scale); },
                                              result.data, result.data);
        }
    }

    /// For an input row (all but the last index), the output row it adds to
    /// (Axis is not the last dimension).
    static CTNN_INLINE constexpr std::size_t out_row(std::size_t r) noexcept {
        using S = input_shape;
        std::size_t out = 0, stride = 1;
        for (std::size_t d = S::rank - 1; d-- > 0;) {
            const std::size_t idx = r % S::dims[d];
            r /= S::dims[d];
            if (d != Axis) {
                out += idx * stride;
                stride *= S::dims[d];
            }
        }
        return out;
    }

    template <class A, class Out, class H>
    CTNN_INLINE auto load(std::size_t row, std::size_t col, const H&) const noexcept {
        using P = simd::pack_traits<value_type, A>;
        const value_type* p = result.data + detail::row_offset<shape_type, Out>(row);
        if constexpr (detail::splats_last<shape_type, Out>)
            return P::splat(*p);
        else
            return P::load(p + col);
    }

};

namespace detail {
/// The `Reduce` node of `x` over `Axis`, or `after_error` when `sum<Axis>` or
/// `mean<Axis>` has reported the axis out of range.
template <std::size_t Axis, bool Mean, class X>
constexpr auto reduce(const X& x) noexcept {
    using T = typename X::value_type;
    if constexpr (Axis == all_axes || axis_in_range<typename X::shape_type, Axis>)
        return Reduce<expr_t<T, X>, Axis, Mean>{as_expr<T>(x), {}, {}};
    else
        return after_error<T>();
}
}  // namespace detail

/// Σ of every element: shape `[1]`.
template <TensorOperand X>
constexpr auto sum(const X& x) noexcept {
    return detail::reduce<detail::all_axes, false>(x);
}
/// Σ over `Axis`, which is removed from the shape.
template <std::size_t Axis, TensorOperand X>
constexpr auto sum(const X& x) noexcept {
    static_assert(detail::axis_in_range<typename X::shape_type, Axis>, "ctnn: reduction axis out of range");
    return detail::reduce<Axis, false>(x);
}
/// Mean of every element: shape `[1]`.
template <TensorOperand X>
constexpr auto mean(const X& x) noexcept {
    return detail::reduce<detail::all_axes, true>(x);
}
/// Mean over `Axis`, which is removed from the shape.
template <std::size_t Axis, TensorOperand X>
constexpr auto mean(const X& x) noexcept {
    static_assert(detail::axis_in_range<typename X::shape_type, Axis>, "ctnn: reduction axis out of range");
    return detail::reduce<Axis, true>(x);
}

}  // namespace ctnn::expr

namespace ctnn {
using expr::mean;
using expr::sum;
}  // namespace ctnn
