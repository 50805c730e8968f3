#pragma once
/// \file tensor.hpp
/// `Tensor<T, Dims...>`: a tensor of static shape whose elements live inside
/// the object (row-major, 64-byte aligned, no heap), and `TensorView`, a
/// non-owning view of the same shape (a row of a batch, a reshape).

#include <cassert>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <ostream>
#include <type_traits>

#include "shape.hpp"
#include "shape_algebra.hpp"

namespace ctnn {

/// Alignment of every tensor's storage: one cache line, one AVX-512 register.
inline constexpr std::size_t tensor_alignment = 64;

namespace detail {

template <class T>
inline constexpr bool is_element = std::is_same_v<std::remove_const_t<T>, float> ||
                                   std::is_same_v<std::remove_const_t<T>, double>;
template <class S>
inline constexpr bool rank_in_range = TensorRank<S>;
template <class S>
inline constexpr bool extents_positive = NonEmptyExtents<S>;

/// The checks every tensor type makes of its element type and shape.
template <class T, class S>
struct tensor_checks {
    static_assert(is_element<T>, "ctnn: tensor elements must be float or double");
    static_assert(rank_in_range<S>, "ctnn: a tensor has rank 1 to 4");
    static_assert(!rank_in_range<S> || extents_positive<S>, "ctnn: every extent of a tensor must be positive");
    static constexpr bool ok = is_element<T> && ValidShape<S>;
};

/// A tensor of shape `To` initialised from one of shape `From` (the
/// requirement a compiler prints for that mistake).
template <class To>
struct tensor_of_shape {
    template <class From>
    static constexpr bool initialised_from = std::is_same_v<To, From>;
};

/// Index access shared by `Tensor` and `TensorView` (CRTP over `data()`).
template <class Derived, class T, std::size_t... Dims>
class tensor_access {
public:
    using shape_type = Shape<Dims...>;
    using value_type = std::remove_const_t<T>;
    static constexpr std::size_t rank = sizeof...(Dims);
    static constexpr std::size_t size = shape_type::size;

    /// Element at `idx...` (one index a dimension, row-major). Unchecked
    /// unless NDEBUG is off.
    template <class... I>
    constexpr decltype(auto) operator()(I... idx) const noexcept {
        static_assert(sizeof...(I) == rank, "ctnn: a tensor takes one index per dimension");
        return self().data()[offset(idx...)];
    }
    template <class... I>
    constexpr decltype(auto) operator()(I... idx) noexcept {
        static_assert(sizeof...(I) == rank, "ctnn: a tensor takes one index per dimension");
        return self().data()[offset(idx...)];
    }

    /// Flat, row-major element access.
    constexpr decltype(auto) operator[](std::size_t i) const noexcept { return self().data()[i]; }
    constexpr decltype(auto) operator[](std::size_t i) noexcept { return self().data()[i]; }

    constexpr auto begin() noexcept { return self().data(); }
    constexpr auto end() noexcept { return self().data() + size; }
    constexpr auto begin() const noexcept { return self().data(); }
    constexpr auto end() const noexcept { return self().data() + size; }

    /// Sets every element to `v`.
    constexpr void fill(value_type v) noexcept {
        for (auto& e : *this) e = v;
    }

    /// Copies the elements of a tensor or view of the same shape (e.g. into
    /// `net.param<"0.weight">()`, a view with the parameter's shape).
    template <class Other>
    constexpr void assign(const Other& other) noexcept {
        static_assert(std::is_same_v<typename Other::shape_type, shape_type>,
                      "ctnn: assign copies a tensor of the same shape (a transposed weight is another shape)");
        if constexpr (std::is_same_v<typename Other::shape_type, shape_type>)
            for (std::size_t i = 0; i < size; ++i) self().data()[i] = other.data()[i];
    }

private:
    template <class... I>
    static constexpr std::size_t offset(I... idx) noexcept {
        std::size_t off = 0, d = 0;
        ((assert(std::size_t(idx) < shape_type::dims[d]), off += std::size_t(idx) * shape_type::strides[d++]), ...);
        return off;
    }
    constexpr const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
    constexpr Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace detail

template <class T, std::size_t... Dims>
class TensorView;

namespace detail {
template <class T, class S>
struct row_view;
template <class T, std::size_t First, std::size_t... Rest>
struct row_view<T, Shape<First, Rest...>> {
    using type = TensorView<T, Rest...>;
};
template <class T, std::size_t... Dims>
inline constexpr bool has_rows = sizeof...(Dims) >= 2;
}  // namespace detail

/// A tensor of static shape `[Dims...]` (rank 1 to 4) of float or double.
/// The elements live inside the object, row-major and 64-byte aligned, so a
/// `Tensor` never allocates; it is zero-initialised. Large tensors belong in
/// an object on the heap (`std::make_unique`), not on the stack.
template <class T, std::size_t... Dims>
class Tensor : public detail::tensor_access<Tensor<T, Dims...>, T, Dims...> {
    // The checks report; the storage size must not depend on them (a failed
    // check would leave it non-constant and add a second error).
    static_assert(sizeof(detail::tensor_checks<T, Shape<Dims...>>) > 0);
    static constexpr bool valid = detail::is_element<T> && ValidShape<Shape<Dims...>>;

public:
    using detail::tensor_access<Tensor, T, Dims...>::size;
    using detail::tensor_access<Tensor, T, Dims...>::rank;

    constexpr Tensor() noexcept = default;

    /// Elements in row-major order; missing trailing elements are zero.
    constexpr Tensor(std::initializer_list<T> values) noexcept {
        assert(values.size() <= size);
        std::size_t i = 0;
        for (T v : values) {
            if (i == size) break;
            elems_[i++] = v;
        }
    }

    /// From a tensor of another shape or element type: a mistake (a
    /// network's output kept in a tensor of the wrong width, double data for
    /// a float network), reported as one `ctnn:` error naming both shapes.
    template <class U, std::size_t... E>
        requires(!std::is_same_v<Shape<E...>, Shape<Dims...>> || !std::is_same_v<U, T>)
    constexpr Tensor(const Tensor<U, E...>&) noexcept {
        static_assert(detail::tensor_of_shape<Shape<Dims...>>::template initialised_from<Shape<E...>>,
                      "ctnn: a tensor takes a tensor of its own shape");
        static_assert(!std::is_same_v<Shape<E...>, Shape<Dims...>> || std::is_same_v<U, T>,
                      "ctnn: a tensor takes a tensor of its own element type (float or double)");
    }

    /// A tensor with every element `v`.
    static constexpr Tensor filled(T v) noexcept {
        Tensor t;
        t.fill(v);
        return t;
    }

    constexpr T* data() noexcept { return elems_; }
    constexpr const T* data() const noexcept { return elems_; }

    /// Row `i` of the outermost dimension, as a view of shape `[Dims[1:]...]`
    /// (sample `i` of a batch).
    constexpr auto row(std::size_t i) noexcept {
        static_assert(detail::has_rows<T, Dims...>, "ctnn: row() needs a tensor of rank 2 or more");
        using V = typename detail::row_view<T, std::conditional_t<(rank >= 2), Shape<Dims...>, Shape<1, 1>>>::type;
        return V(elems_ + i * (size / Shape<Dims...>::dims[0]));
    }
    constexpr auto row(std::size_t i) const noexcept {
        static_assert(detail::has_rows<T, Dims...>, "ctnn: row() needs a tensor of rank 2 or more");
        using V =
            typename detail::row_view<const T, std::conditional_t<(rank >= 2), Shape<Dims...>, Shape<1, 1>>>::type;
        return V(elems_ + i * (size / Shape<Dims...>::dims[0]));
    }

    friend constexpr bool operator==(const Tensor& a, const Tensor& b) noexcept {
        for (std::size_t i = 0; i < size; ++i)
            if (a.elems_[i] != b.elems_[i]) return false;
        return true;
    }

private:
    alignas(tensor_alignment) T elems_[valid ? size : 1]{};
};

/// A non-owning view of `[Dims...]` elements at `data()` (row-major). `T` may
/// be const. Its alignment is whatever the viewed memory has.
template <class T, std::size_t... Dims>
class TensorView : public detail::tensor_access<TensorView<T, Dims...>, T, Dims...> {
    static_assert(sizeof(detail::tensor_checks<T, Shape<Dims...>>) > 0);

public:
    using detail::tensor_access<TensorView, T, Dims...>::size;
    using detail::tensor_access<TensorView, T, Dims...>::rank;

    constexpr explicit TensorView(T* p) noexcept : p_(p) {}
    /// A view of a whole tensor of the same shape.
    constexpr TensorView(Tensor<std::remove_const_t<T>, Dims...>& t) noexcept : p_(t.data()) {}
    /// A const view of a whole tensor of the same shape.
    constexpr TensorView(const Tensor<std::remove_const_t<T>, Dims...>& t) noexcept
        requires std::is_const_v<T>
        : p_(t.data()) {}

    /// `view = tensor` would only point the view elsewhere (a view is a
    /// pointer, like std::span): a mistake when copying into a network's
    /// parameter, so it is an error that says what copies.
    template <class U, std::size_t... E>
    constexpr TensorView& operator=(const Tensor<U, E...>&) noexcept {
        static_assert(!std::is_same_v<U, U>,
                      "ctnn: `view = tensor` does not copy: view.assign(tensor) copies a tensor of the view's shape");
        return *this;
    }

    constexpr T* data() const noexcept { return p_; }

    constexpr auto row(std::size_t i) const noexcept {
        static_assert(detail::has_rows<T, Dims...>, "ctnn: row() needs a tensor of rank 2 or more");
        using V = typename detail::row_view<T, std::conditional_t<(rank >= 2), Shape<Dims...>, Shape<1, 1>>>::type;
        return V(p_ + i * (size / Shape<Dims...>::dims[0]));
    }

private:
    T* p_;
};

namespace detail {
template <class T, class S>
struct tensor_for;
template <class T, std::size_t... D>
struct tensor_for<T, Shape<D...>> {
    using type = Tensor<T, D...>;
};
}  // namespace detail

/// The tensor of element type `T` and shape `S` (a `Shape<...>`).
template <class T, class S>
using tensor_for_t = typename detail::tensor_for<T, S>::type;

/// A view of `t` with shape `[NewDims...]`; the element count must match
/// (checked here, first: after the error the view still has the asked-for
/// shape, so later uses add no second error).
template <std::size_t... NewDims, class T, std::size_t... Dims>
constexpr auto reshape(Tensor<T, Dims...>& t) noexcept {
    static_assert(detail::same_element_count<Shape<Dims...>, Shape<NewDims...>>,
                  "ctnn: reshape must keep the element count");
    return TensorView<T, NewDims...>(t.data());
}
template <std::size_t... NewDims, class T, std::size_t... Dims>
constexpr auto reshape(const Tensor<T, Dims...>& t) noexcept {
    static_assert(detail::same_element_count<Shape<Dims...>, Shape<NewDims...>>,
                  "ctnn: reshape must keep the element count");
    return TensorView<const T, NewDims...>(t.data());
}

/// A tensor or a view of one.
template <class X>
concept TensorLike = requires(const X& x) {
    typename X::shape_type;
    typename X::value_type;
    { x.data() };
};

/// A tensor or view passed on to be written, by any kind of reference.
template <class X>
concept WritableTensor = TensorLike<std::remove_cvref_t<X>>;

/// True when every element of `a` and `b` satisfies
/// `|a - b| <= atol + rtol * |b|` (NumPy's `allclose`), for tests.
template <TensorLike A, TensorLike B>
constexpr bool approx_equal(const A& a, const B& b, double rtol, double atol = 0.0) noexcept {
    static_assert(std::is_same_v<typename A::shape_type, typename B::shape_type>,
                  "ctnn: approx_equal compares tensors of the same shape");
    for (std::size_t i = 0; i < A::size; ++i) {
        const double x = double(a.data()[i]), y = double(b.data()[i]);
        if (!(std::abs(x - y) <= atol + rtol * std::abs(y))) return false;
    }
    return true;
}

/// Prints `[[1, 2], [3, 4]]`-style nested rows.
template <TensorLike X>
std::ostream& print(std::ostream& os, const X& x) {
    using S = typename X::shape_type;
    auto rec = [&](auto&& self, std::size_t dim, std::size_t off) -> void {
        os << '[';
        for (std::size_t i = 0; i < S::dims[dim]; ++i) {
            if (i) os << (dim + 1 == S::rank ? ", " : ",\n ");
            if (dim + 1 == S::rank)
                os << x.data()[off + i];
            else
                self(self, dim + 1, off + i * S::strides[dim]);
        }
        os << ']';
    };
    rec(rec, 0, 0);
    return os;
}

template <class T, std::size_t... Dims>
std::ostream& operator<<(std::ostream& os, const Tensor<T, Dims...>& t) {
    return print(os, t);
}
template <class T, std::size_t... Dims>
std::ostream& operator<<(std::ostream& os, const TensorView<T, Dims...>& t) {
    return print(os, t);
}

}  // namespace ctnn
