#pragma once
/// \file shape.hpp
/// `Shape<Dims...>`: static extents of a row-major tensor, and the concepts
/// that say what a valid shape is.

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>

namespace ctnn {

/// The extents of a tensor, outermost first (row-major). Costs nothing at run
/// time: every member is a compile-time constant.
template <std::size_t... Dims>
struct Shape {
    static constexpr std::size_t rank = sizeof...(Dims);
    /// Number of elements (1 for the empty shape).
    static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
    static constexpr std::array<std::size_t, rank> dims{Dims...};

    /// Extent of dimension `i`; negative `i` counts from the back.
    static constexpr std::size_t extent(std::ptrdiff_t i) {
        return dims[static_cast<std::size_t>(i < 0 ? i + std::ptrdiff_t(rank) : i)];
    }

    /// Row-major strides in elements.
    static constexpr std::array<std::size_t, rank> strides = [] {
        std::array<std::size_t, rank> s{};
        std::size_t acc = 1;
        for (std::size_t i = rank; i-- > 0;) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }();

    /// "[64, 128]", for messages and printing.
    static std::string str() {
        std::string out = "[";
        for (std::size_t i = 0; i < rank; ++i) {
            if (i) out += ", ";
            out += std::to_string(dims[i]);
        }
        return out + "]";
    }
};

namespace detail {
template <class T>
struct is_shape : std::false_type {};
template <std::size_t... D>
struct is_shape<Shape<D...>> : std::true_type {};
}  // namespace detail

/// A `Shape<...>` of any rank.
template <class S>
concept AnyShape = detail::is_shape<S>::value;

/// A shape a tensor can have: rank 1 to 4.
template <class S>
concept TensorRank = AnyShape<S> && S::rank >= 1 && S::rank <= 4;

/// Every extent is positive.
template <class S>
concept NonEmptyExtents = AnyShape<S> && S::size > 0;

/// A shape a `Tensor` can be made of.
template <class S>
concept ValidShape = TensorRank<S> && NonEmptyExtents<S>;

}  // namespace ctnn
