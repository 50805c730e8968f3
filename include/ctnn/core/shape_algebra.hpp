#pragma once
/// \file shape_algebra.hpp
/// Compile-time shape algebra, in one place: the result shape of a matmul, of
/// broadcasting two shapes, of a transpose and of a reshape, and the checks
/// that reject the shapes that have none.
///
/// Each check is a `static_assert` whose message starts with `ctnn:` and whose
/// condition names the offending shapes, so the compiler prints both: clang on
/// the same line (`requirement 'ctnn::detail::inner_extents_match<ctnn::Shape<64, 128>,
/// ctnn::Shape<64, 10>>' "ctnn: matmul needs the inner extents to match"`), g++
/// on the note right after the message.

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "shape.hpp"

namespace ctnn {
namespace detail {

template <class S, std::size_t... I>
constexpr auto shape_from(std::index_sequence<I...>) {
    return Shape<S::value[I]...>{};
}
/// Turns a constexpr array (held as `Holder::value`) into a `Shape`.
template <class Holder>
using shape_from_t = decltype(shape_from<Holder>(std::make_index_sequence<Holder::value.size()>{}));

// ---- matmul ---------------------------------------------------------------

/// Left operand a matrix (or a batch of them, rank 2 to 4), right operand a
/// matrix or a vector.
template <class A, class B>
inline constexpr bool matmul_operand_ranks = A::rank >= 2 && A::rank <= 4 && (B::rank == 1 || B::rank == 2);

/// The last extent of the left operand equals the first of the right one.
template <class A, class B>
inline constexpr bool inner_extents_match = A::dims[A::rank - 1] == B::dims[0];

template <class A, class B>
struct matmul_dims {
    static constexpr auto value = [] {
        constexpr std::size_t r = A::rank - 1 + B::rank - 1;
        std::array<std::size_t, r> out{};
        for (std::size_t i = 0; i + 1 < A::rank; ++i) out[i] = A::dims[i];
        if constexpr (B::rank == 2) out[r - 1] = B::dims[1];
        return out;
    }();
};

template <class A, class B>
struct matmul_shape {
    static_assert(AnyShape<A> && AnyShape<B>, "ctnn: matmul takes two shapes");
    static_assert(matmul_operand_ranks<A, B>,
                  "ctnn: matmul needs a matrix (rank 2 to 4) on the left and a matrix or vector on the right");
    static constexpr bool ranks_ok = matmul_operand_ranks<A, B>;
    static_assert(!ranks_ok || inner_extents_match<A, B>, "ctnn: matmul needs the inner extents to match");
    using type = std::conditional_t<ranks_ok, shape_from_t<matmul_dims<A, std::conditional_t<ranks_ok, B, Shape<1>>>>,
                                    Shape<1>>;
};

// ---- broadcasting -----------------------------------------------------------

template <class A, class B>
inline constexpr bool broadcastable = [] {
    constexpr std::size_t r = std::max(A::rank, B::rank);
    for (std::size_t i = 0; i < r; ++i) {
        const std::size_t a = i < A::rank ? A::dims[A::rank - 1 - i] : 1;
        const std::size_t b = i < B::rank ? B::dims[B::rank - 1 - i] : 1;
        if (a != b && a != 1 && b != 1) return false;
    }
    return true;
}();

template <class A, class B>
struct broadcast_dims {
    static constexpr auto value = [] {
        constexpr std::size_t r = std::max(A::rank, B::rank);
        std::array<std::size_t, r> out{};
        for (std::size_t i = 0; i < r; ++i) {
            const std::size_t a = i < A::rank ? A::dims[A::rank - 1 - i] : 1;
            const std::size_t b = i < B::rank ? B::dims[B::rank - 1 - i] : 1;
            out[r - 1 - i] = std::max(a, b);
        }
        return out;
    }();
};

template <class A, class B>
struct broadcast_shape {
    static_assert(broadcastable<A, B>,
                  "ctnn: element-wise operands must have broadcastable shapes (trailing extents equal, or 1)");
    using type = shape_from_t<broadcast_dims<A, B>>;
};

/// `From` broadcasts to exactly `To` (what an element-wise input must do to
/// its output).
template <class From, class To>
inline constexpr bool broadcasts_to = broadcastable<From, To> && std::is_same_v<shape_from_t<broadcast_dims<From, To>>, To>;

// ---- transpose and reshape -------------------------------------------------

template <class S>
inline constexpr bool is_matrix = S::rank == 2;

template <class S>
struct transpose_shape {
    static_assert(is_matrix<S>, "ctnn: transpose needs a matrix (rank 2)");
    using type = std::conditional_t<is_matrix<S>, Shape<S::dims[S::rank - 1], S::dims[0]>, S>;
};

template <class From, class To>
inline constexpr bool same_element_count = From::size == To::size;

template <class From, class To>
struct reshape_shape {
    static_assert(same_element_count<From, To>, "ctnn: reshape must keep the element count");
    using type = To;
};

}  // namespace detail

/// `A · B`: `[..., M, K] · [K, N] -> [..., M, N]`, `[M, K] · [K] -> [M]`.
template <class A, class B>
using matmul_shape_t = typename detail::matmul_shape<A, B>::type;

/// NumPy broadcasting of trailing dimensions: `[64, 10]` with `[10]` gives `[64, 10]`.
template <class A, class B>
using broadcast_shape_t = typename detail::broadcast_shape<A, B>::type;

/// `[M, N] -> [N, M]`.
template <class S>
using transpose_shape_t = typename detail::transpose_shape<S>::type;

/// `To`, once checked to hold as many elements as `From`.
template <class From, class To>
using reshape_shape_t = typename detail::reshape_shape<From, To>::type;

}  // namespace ctnn
