#pragma once
/// \file scalar_graph.hpp
/// The computation graph of a scalar expression, derived from its type at
/// compile time, and the two sweeps over it.
///
/// `graph<F>::nodes` lists F's nodes in forward (topological) order: a
/// post-order walk of the expression tree in which a stateless
/// sub-expression is kept at its first position only (its type is its
/// identity, so later occurrences are the same node), and every other node
/// at each of its positions. `graph<F>::root` mirrors the tree as types:
/// `position<I, Fresh, Operands...>` says that this position is node I of the
/// list, whether it is the position the list keeps, and where its operands
/// are. The sweeps recurse over the expression and that tree together:
/// `forward` stores every node's value in list order; `backward` runs in
/// reverse list order, adding `adjoint(node) * ∂node/∂operand` into each
/// operand's adjoint before visiting the operands, so a node used twice has
/// its adjoints summed before it passes them on. Repeated positions are
/// skipped, so time, stack (two arrays of N values) and template
/// instantiations are all linear in the number of distinct nodes N. Both
/// sweeps are usable in constant expressions.

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "scalar_expr.hpp"

namespace ctnn::ad::detail {

using meta::npos;

/// A position of the expression tree: node I of the list; `Fresh` if this is
/// the position the list keeps for it; the positions of its operands.
template <std::size_t I, bool Fresh, class... Operands>
struct position {
    static constexpr std::size_t index = I;
};

/// `list`: List with the nodes of the subtree Node appended in post-order;
/// `pos`: the position type of Node.
template <class Node, class List,
          bool Seen = Node::stateless && meta::contains_v<Node, List>>
struct flatten;

template <class Children, class List, class... Done>
struct flatten_children {
    using list = List;
    using positions = type_list<Done...>;
};
template <class C, class... Cs, class List, class... Done>
struct flatten_children<type_list<C, Cs...>, List, Done...> {
    using first = flatten<C, List>;
    using rest = flatten_children<type_list<Cs...>, typename first::list, Done..., typename first::pos>;
    using list = typename rest::list;
    using positions = typename rest::positions;
};

template <std::size_t I, class Positions>
struct fresh_position;
template <std::size_t I, class... Ps>
struct fresh_position<I, type_list<Ps...>> {
    using type = position<I, true, Ps...>;
};

template <class Node, class List>
struct flatten<Node, List, false> {
    using children = flatten_children<typename Node::children, List>;
    using list = meta::push_back_t<typename children::list, Node>;
    using pos = typename fresh_position<children::list::size, typename children::positions>::type;
};
template <class Node, class List>
struct flatten<Node, List, true> {  // a stateless node listed already
    using list = List;
    using pos = position<meta::index_of_v<Node, List>, false>;
};

template <class E>
struct is_var : std::false_type {};
template <std::size_t I>
struct is_var<Var<I>> : std::true_type {};

/// The node depends on an input (only constants do not).
template <class E>
struct has_input;
template <class... Cs>
struct has_input<type_list<Cs...>> : std::bool_constant<(has_input<Cs>::value || ...)> {};
template <class E>
struct has_input : std::bool_constant<is_var<E>::value || has_input<typename E::children>::value> {};

template <class N>
inline constexpr std::size_t input_end = 0;
template <std::size_t I>
inline constexpr std::size_t input_end<Var<I>> = I + 1;

template <class... Ns>
constexpr std::size_t max_input_end(type_list<Ns...>) noexcept {
    std::size_t n = 0;
    ((n = input_end<Ns> > n ? input_end<Ns> : n), ...);
    return n;
}

/// The graph of expression type F.
template <class F>
struct graph {
    using flat = flatten<F, type_list<>>;
    using nodes = typename flat::list;
    using root = typename flat::pos;
    static constexpr std::size_t size = nodes::size;
    /// 1 + the highest input index the expression uses.
    static constexpr std::size_t input_count = max_input_end(nodes{});
    /// Index of input J in the list (npos if the expression does not use it).
    template <std::size_t J>
    static constexpr std::size_t input_position = meta::index_of_v<Var<J>, nodes>;
};

// ---- forward ---------------------------------------------------------------
template <class Node, std::size_t I, class V, std::size_t M, std::size_t N>
CTNN_INLINE constexpr void forward_visit(const Node&, position<I, false>, const std::array<V, M>&,
                                         std::array<V, N>&) noexcept {}

template <class Node, std::size_t I, class... Cs, class V, std::size_t M, std::size_t N>
CTNN_INLINE constexpr void forward_visit(const Node& n, position<I, true, Cs...>, const std::array<V, M>& x,
                                         std::array<V, N>& v) noexcept {
    if constexpr (is_var<Node>::value) {
        v[I] = x[Node::index];
    } else if constexpr (sizeof...(Cs) == 0) {
        v[I] = n.template eval<V>();
    } else {
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            (forward_visit(n.template child<K>(), Cs{}, x, v), ...);
        }(std::index_sequence_for<Cs...>{});
        v[I] = n.eval(v[Cs::index]...);
    }
}

/// Every node's value at the point x, in list order (the last is f's).
template <class F, class V, std::size_t M>
constexpr std::array<V, graph<F>::size> forward(const F& f, const std::array<V, M>& x) noexcept {
    std::array<V, graph<F>::size> v{};
    forward_visit(f, typename graph<F>::root{}, x, v);
    return v;
}

// ---- backward --------------------------------------------------------------
template <class Node, std::size_t I, class V, std::size_t N>
CTNN_INLINE constexpr void backward_visit(const Node&, position<I, false>, const std::array<V, N>&,
                                          std::array<V, N>&) noexcept {}

template <class Node, std::size_t I, class... Cs, class V, std::size_t N>
CTNN_INLINE constexpr void backward_visit(const Node& n, position<I, true, Cs...>, const std::array<V, N>& v,
                                          std::array<V, N>& adj) noexcept {
    constexpr std::size_t arity = sizeof...(Cs);
    if constexpr (arity > 0) {
        // this node's adjoint is complete: hand it to the operands that depend on an input ...
        using P0 = meta::at_t<0, type_list<Cs...>>;
        if constexpr (has_input<meta::at_t<0, typename Node::children>>::value)
            adj[P0::index] += adj[I] * n.template partial<0>(v[I], v[Cs::index]...);
        if constexpr (arity == 2) {
            using P1 = meta::at_t<1, type_list<Cs...>>;
            if constexpr (has_input<meta::at_t<1, typename Node::children>>::value)
                adj[P1::index] += adj[I] * n.template partial<1>(v[I], v[Cs::index]...);
            // ... then visit them, the last first (reverse post-order)
            backward_visit(n.template child<1>(), P1{}, v, adj);
        }
        backward_visit(n.template child<0>(), P0{}, v, adj);
    }
}

/// Every node's adjoint ∂f/∂node, given the forward values v.
template <class F, class V, std::size_t N>
constexpr std::array<V, N> backward(const F& f, const std::array<V, N>& v) noexcept {
    std::array<V, N> adj{};
    adj[N - 1] = ops::fn::splat<V>(1);
    backward_visit(f, typename graph<F>::root{}, v, adj);
    return adj;
}

}  // namespace ctnn::ad::detail
