#pragma once
/// \file expression.hpp
/// Lazy tensor expressions: the protocol every node follows, the leaves
/// (`Ref` to a tensor, `Constant`), and broadcasting offsets.
///
/// A node is evaluated one pack at a time against the shape `Out` of the
/// whole expression being assigned, viewed as rows of its last extent:
/// `node.template load<A, Out>(row, col, hole)` returns the pack of
/// architecture `A` holding elements `(row, col) .. (row, col + width - 1)`,
/// with the node broadcast to `Out` (NumPy rules). `hole` carries the value a
/// GEMM epilogue hands in for the one matmul fused into the pass (see
/// matmul.hpp); every other node ignores it. Nodes hold sub-expressions by
/// value and tensors by `const&`, so temporaries never dangle and leaves are
/// never copied.

#include <cstddef>
#include <type_traits>
#include <utility>

#include "../core/shape_algebra.hpp"
#include "../core/tensor.hpp"
#include "../simd/arch.hpp"

namespace ctnn::expr {

/// The mark of every expression node: its member `using expression_kind =
/// expression_tag;`. A member type, not an empty base: nodes nest nodes, and
/// two empty bases of one type may not share an address, so a base would pad
/// every level of an expression (a 33-level chain of three nodes a level was
/// 1,328 bytes for 536 bytes of pointers) and make every copy of a
/// sub-expression (nodes hold theirs by value) cost more to compile and run.
struct expression_tag {};

/// A tensor expression node.
template <class E>
concept Expression = requires { typename std::remove_cvref_t<E>::expression_kind; } &&
                     std::is_same_v<typename std::remove_cvref_t<E>::expression_kind, expression_tag>;

/// No fused matmul value in this pass.
struct no_hole {};

/// Operand I of a Map (a base of `operand_list`: one per operand).
template <std::size_t I, class E>
struct operand_at {
    E node;
};
/// A Map's operands (and their tapes, autodiff/tensor_grad.hpp): an
/// aggregate of one `operand_at` base per operand, not a `std::tuple`, whose
/// constructors' constraints, instantiated for every Map type, were ~13% of
/// clang's time and ~100 MB of the compilers' memory on a 100-node expression.
template <class Ix, class... Es>
struct operand_list;
template <std::size_t... I, class... Es>
struct operand_list<std::index_sequence<I...>, Es...> : operand_at<I, Es>... {};

/// Operand I of a Map's `args` (found by deduction against the bases).
template <std::size_t I, class E>
CTNN_INLINE constexpr const E& operand(const operand_at<I, E>& a) noexcept {
    return a.node;
}
template <std::size_t I, class E>
CTNN_INLINE constexpr E& operand(operand_at<I, E>& a) noexcept {
    return a.node;
}


namespace detail {

/// Offset in a tensor of shape `S` of the element that output element
/// `(row, col)` of shape `Out` reads, under broadcasting; `col` is ignored
/// when `S` is broadcast along the last dimension (see `splats_last`).
template <class S, class Out>
CTNN_INLINE constexpr std::size_t row_offset(std::size_t row) noexcept {
    constexpr std::size_t ro = Out::rank, rs = S::rank;
    if constexpr (std::is_same_v<S, Out>) {
        return row * Out::dims[ro - 1];
    } else if constexpr (S::size == S::dims[rs - 1] || ro == 1) {
        return 0;  // S has no dimension beyond its last that is not 1
    } else {
        std::size_t off = 0;
        // walk Out's outer dimensions from the innermost outward
        for (std::size_t d = ro - 1; d-- > 0;) {
            const std::size_t idx = row % Out::dims[d];
            row /= Out::dims[d];
            const std::size_t sd = d + rs;  // aligned dimension in S (if >= ro)
            if (sd >= ro) {
                const std::size_t k = sd - ro;
                if (S::dims[k] != 1) off += idx * S::strides[k];
            }
        }
        return off;
    }
}

/// `S` has extent 1 in the last dimension while `Out` has more: one value a row.
template <class S, class Out>
inline constexpr bool splats_last = S::dims[S::rank - 1] == 1 && Out::dims[Out::rank - 1] != 1;

}  // namespace detail

/// A leaf: a tensor (or view) held by reference.
template <class X>
struct Ref {
    using expression_kind = expression_tag;
    using value_type = typename X::value_type;
    using shape_type = typename X::shape_type;
    const X& x;

    template <class A, class Out, class H>
    CTNN_INLINE auto load(std::size_t row, std::size_t col, const H&) const noexcept {
        using P = simd::pack_traits<value_type, A>;
        const value_type* p = x.data() + detail::row_offset<shape_type, Out>(row);
        if constexpr (detail::splats_last<shape_type, Out>)
            return P::splat(*p);
        else
            return P::load(p + col);
    }
    const value_type* data() const noexcept { return x.data(); }
};

/// A reference node for `x`, to pass a tensor into code that takes its
/// argument by value (e.g. a generic lambda `[](auto x) { ... }`).
template <TensorLike X>
constexpr Ref<X> ref(const X& x) noexcept {
    return Ref<X>{x};
}

/// A leaf: one value broadcast everywhere.
template <class T>
struct Constant {
    using expression_kind = expression_tag;
    using value_type = T;
    using shape_type = Shape<1>;
    T v;
    template <class A, class Out, class H>
    CTNN_INLINE auto load(std::size_t, std::size_t, const H&) const noexcept {
        return simd::pack_traits<T, A>::splat(v);
    }
};

namespace detail {
template <class X>
struct is_tensor_like : std::bool_constant<TensorLike<X> && !Expression<X>> {};
}  // namespace detail

/// Anything that can stand in an expression: a node, a tensor, a number.
template <class X>
concept Operand = Expression<X> || detail::is_tensor_like<std::remove_cvref_t<X>>::value ||
                  std::is_arithmetic_v<std::remove_cvref_t<X>>;

/// The node for an operand: nodes as they are, tensors by reference,
/// numbers as constants of element type `T`.
template <class T, class X>
constexpr auto as_expr(const X& x) noexcept {
    if constexpr (Expression<X>)
        return x;
    else if constexpr (std::is_arithmetic_v<X>)
        return Constant<T>{T(x)};
    else
        return Ref<X>{x};
}

template <class T, class X>
using expr_t = decltype(as_expr<T>(std::declval<const X&>()));

namespace detail {
/// What builds operand `x`'s node inside a parent: a node itself (by
/// reference: the parent copies it once, where `as_expr`'s result would be
/// a temporary copied again into a `std::tuple`), else `as_expr`'s leaf.
template <class T, class X>
constexpr decltype(auto) operand_for(const X& x) noexcept {
    if constexpr (Expression<X>)
        return static_cast<const X&>(x);
    else
        return as_expr<T>(x);
}
}  // namespace detail

/// Element type of an operand (numbers adopt the other operand's type).
template <class X>
struct operand_value {
    using type = void;
};
template <class X>
    requires(!std::is_arithmetic_v<X>)
struct operand_value<X> {
    using type = typename X::value_type;
};

/// The element type of a set of operands: the first non-number's.
template <class... X>
struct common_value;
template <class X, class... Rest>
struct common_value<X, Rest...> {
    using type = std::conditional_t<std::is_arithmetic_v<X>, typename common_value<Rest...>::type,
                                    typename operand_value<X>::type>;
};
template <>
struct common_value<> {
    using type = void;
};

}  // namespace ctnn::expr

namespace ctnn {
using expr::ref;
}  // namespace ctnn
