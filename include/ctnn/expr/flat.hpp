#pragma once
/// \file flat.hpp
/// An element-wise region laid out flat: the `Map` nodes of an expression
/// and the nodes they read (leaves, matmuls, reductions, transposes: the
/// region's *inputs*), numbered in post-order at compile time (a node's
/// operands, then the node; the root is last). Once per pass a pointer to
/// every node is collected (`collect_nodes`, out of line: each node's
/// function holds its own entry only); per pack a fold over the node numbers
/// then computes each node's value from the values before it
/// (`flat_values`). The pass over the region and the code the compiler
/// inlines are linear in its size and the template depth stays flat, where
/// a recursion through `Map::load` nests the whole sub-tree below each node
/// into that node's function (quadratic compile work, a template level or
/// more per node). The forward pass (`evaluate_prepared`) and the backward
/// pass (autodiff/tensor_grad.hpp, which keeps the values for the
/// derivatives) share it.

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/config.hpp"
#include "../core/type_list.hpp"
#include "expression.hpp"

namespace ctnn::expr {

template <class Op, class... Es>
struct Map;

namespace detail {

template <class E>
inline constexpr bool is_map = false;
template <class Op, class... Es>
inline constexpr bool is_map<Map<Op, Es...>> = true;

/// The number of nodes of the region rooted at E (an input counts one).
template <class E>
inline constexpr std::size_t region_size = 1;
template <class Op, class... Es>
inline constexpr std::size_t region_size<Map<Op, Es...>> = (region_size<Es> + ... + 1);

/// For a Map: where each operand's value sits, counted from the first node
/// of the Map's own sub-region (its operands' sub-regions come in order).
template <class M>
struct map_layout;
template <class Op, class... Es>
struct map_layout<Map<Op, Es...>> {
    static constexpr std::array<std::size_t, sizeof...(Es)> roots = [] {
        constexpr std::size_t sizes[] = {region_size<Es>...};
        std::array<std::size_t, sizeof...(Es)> r{};
        std::size_t o = 0;
        for (std::size_t k = 0; k < sizeof...(Es); ++k) r[k] = (o += sizes[k]) - 1;
        return r;
    }();
    static constexpr std::size_t offset(std::size_t i) noexcept { return i == 0 ? 0 : roots[i - 1] + 1; }
    using operands = std::make_index_sequence<sizeof...(Es)>;
};

template <class... L>
struct concat;
template <class... A>
struct concat<meta::type_list<A...>> {
    using type = meta::type_list<A...>;
};
template <class... A, class... B, class... L>
struct concat<meta::type_list<A...>, meta::type_list<B...>, L...> {
    using type = typename concat<meta::type_list<A..., B...>, L...>::type;
};

/// The region's node types in post-order.
template <class E>
struct post_order {
    using type = meta::type_list<E>;
};
template <class Op, class... Es>
struct post_order<Map<Op, Es...>> {
    using type = typename concat<typename post_order<Es>::type..., meta::type_list<Map<Op, Es...>>>::type;
};

/// Entry K of a type list in one step (a base class picked by overload
/// resolution), where `std::tuple_element` walks the list.
template <std::size_t K, class T>
struct indexed {
    using type = T;
};
template <class Seq, class List>
struct index_table;
template <std::size_t... K, class... T>
struct index_table<std::index_sequence<K...>, meta::type_list<T...>> : indexed<K, T>... {};
template <std::size_t K, class T>
indexed<K, T> pick(const indexed<K, T>&);  // declared only: for decltype

/// A pointer to each node of the region rooted at E, in post-order
/// (untyped: node K's type is `node_t<K>`).
template <class E>
struct flat_nodes {
    using nodes = typename post_order<E>::type;
    static constexpr std::size_t size = region_size<E>;
    using table = index_table<std::make_index_sequence<size>, nodes>;
    template <std::size_t K>
    using node_t = typename decltype(pick<K>(std::declval<const table&>()))::type;
    const void* node[size];

    template <std::size_t K>
    CTNN_INLINE const auto& at() const noexcept {
        return *static_cast<const node_t<K>*>(node[K]);
    }
};

/// Fills `f` for the sub-region rooted at `n`, numbered from O.
template <std::size_t O, class E, class F>
[[gnu::noinline]] void collect_nodes(const E& n, F& f) noexcept {
    f.node[O + region_size<E> - 1] = &n;
    if constexpr (is_map<E>) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (collect_nodes<O + map_layout<E>::offset(I)>(std::get<I>(n.args), f), ...);
        }(typename map_layout<E>::operands{});
    }
}

/// The value of node K from the values before it (an input loads its own).
template <std::size_t K, class A, class Out, class F, class P>
CTNN_INLINE void flat_value(const F& f, P* v, std::size_t row, std::size_t col) noexcept {
    const auto& n = f.template at<K>();
    using N = std::remove_cvref_t<decltype(n)>;
    if constexpr (is_map<N>) {
        constexpr std::size_t first = K + 1 - region_size<N>;
        [&]<std::size_t... I>(std::index_sequence<I...>) CTNN_INLINE_LAMBDA {
            v[K] = N::op::value(v[first + map_layout<N>::roots[I]]...);
        }(typename map_layout<N>::operands{});
    } else {
        v[K] = n.template load<A, Out>(row, col, no_hole{});
    }
}

/// Every node's value of the pack at (row, col) into v[0 .. size).
template <class A, class Out, class F, class P>
CTNN_INLINE void flat_values(const F& f, P* v, std::size_t row, std::size_t col) noexcept {
    [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
        (flat_value<K, A, Out>(f, v, row, col), ...);
    }(std::make_index_sequence<F::size>{});
}

}  // namespace detail
}  // namespace ctnn::expr
