#pragma once
/// \file type_list.hpp
/// ctnn's one list of types, for the code that works on types rather than
/// values (expression operands, the nodes of a scalar graph, a network's
/// units). Every operation is a constant-time pack expansion or one
/// `std::tuple_element` lookup: no recursion over the list's length.
///
/// ```cpp
/// using L = meta::type_list<int, float>;
/// static_assert(L::size == 2 && meta::contains_v<float, L> && meta::index_of_v<float, L> == 1);
/// static_assert(std::is_same_v<meta::at_t<0, meta::push_back_t<L, char>>, int>);
/// ```

#include <cstddef>
#include <tuple>
#include <type_traits>

namespace ctnn::meta {

/// A list of types (never instantiated as an object with data).
template <class... T>
struct type_list {
    static constexpr std::size_t size = sizeof...(T);
};

/// What `index_of_v` gives for a type that is not in the list.
inline constexpr std::size_t npos = static_cast<std::size_t>(-1);

namespace detail {
template <class List>
struct list_ops;
template <class... T>
struct list_ops<type_list<T...>> {
    template <std::size_t I>
    using at = std::tuple_element_t<I, std::tuple<T...>>;
    template <class... U>
    using push_back = type_list<T..., U...>;
    template <class... U>
    using push_front = type_list<U..., T...>;
    template <class U>
    static constexpr bool contains = (std::is_same_v<U, T> || ...);
    template <class U>
    static constexpr std::size_t index_of = [] {
        constexpr bool match[] = {std::is_same_v<U, T>..., false};
        for (std::size_t i = 0; i < sizeof...(T); ++i)
            if (match[i]) return i;
        return npos;
    }();
};
}  // namespace detail

/// Element I of the list.
template <std::size_t I, class List>
using at_t = typename detail::list_ops<List>::template at<I>;

/// The first element.
template <class List>
using front_t = at_t<0, List>;

/// The list with `U...` appended.
template <class List, class... U>
using push_back_t = typename detail::list_ops<List>::template push_back<U...>;

/// The list with `U...` put in front.
template <class List, class... U>
using push_front_t = typename detail::list_ops<List>::template push_front<U...>;

/// `U` is an element of the list.
template <class U, class List>
inline constexpr bool contains_v = detail::list_ops<List>::template contains<U>;

/// The position of the first `U` in the list, `npos` if there is none.
template <class U, class List>
inline constexpr std::size_t index_of_v = detail::list_ops<List>::template index_of<U>;

}  // namespace ctnn::meta
