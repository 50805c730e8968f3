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

/// Entry K of the region's post-order: `pick<K>` finds the one base
/// `indexed<K, T>` of `flat_index<0, E>` by deduction, in one step.
template <std::size_t K, class T>
struct indexed {
    using type = T;
};
template <std::size_t K, class T>
indexed<K, T> pick(const indexed<K, T>&);  // declared only: for decltype

/// The node numbers of the sub-region rooted at E, numbered from O: E is
/// entry O + size - 1, after its operands' sub-regions. Built by inheritance
/// (a class per node), not by concatenating type lists (quadratic in the
/// region's size).
template <std::size_t O, class E>
struct flat_index : indexed<O + region_size<E> - 1, E> {};
template <std::size_t O, class M, class Ix>
struct flat_operands;
template <std::size_t O, class Op, class... Es, std::size_t... I>
struct flat_operands<O, Map<Op, Es...>, std::index_sequence<I...>>
    : flat_index<O + map_layout<Map<Op, Es...>>::offset(I), Es>... {};
template <std::size_t O, class Op, class... Es>
struct flat_index<O, Map<Op, Es...>> : flat_operands<O, Map<Op, Es...>, std::index_sequence_for<Es...>>,
                                       indexed<O + region_size<Map<Op, Es...>> - 1, Map<Op, Es...>> {};

/// A pointer to each node of the region rooted at E, in post-order
/// (untyped: node K's type is `node_t<K>`).
template <class E>
struct flat_nodes {
    static constexpr std::size_t size = region_size<E>;
    using table = flat_index<0, E>;
    template <std::size_t K>
    using node_t = typename decltype(pick<K>(std::declval<const table&>()))::type;
    const void* node[size];  // entry K: a node_t<K>
};

/// Fills `f` for the sub-region rooted at `n`, numbered from O.
template <std::size_t O, class E, class F>
[[gnu::noinline]] void collect_nodes(const E& n, F& f) noexcept {
    f.node[O + region_size<E> - 1] = &n;
    if constexpr (is_map<E>) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (collect_nodes<O + map_layout<E>::offset(I)>(operand<I>(n.args), f), ...);
        }(typename map_layout<E>::operands{});
    }
}

/// The value of node K from the values before it (an input loads its own).
template <std::size_t K, class A, class Out, class F, class P>
CTNN_INLINE void flat_value(const F& f, P* v, std::size_t row, std::size_t col) noexcept {
    using N = typename F::template node_t<K>;
    const N& n = *static_cast<const N*>(f.node[K]);  // not f.at<K>(): a function fewer per node
    if constexpr (is_map<N>) {
        constexpr std::size_t first = K + 1 - region_size<N>;
        constexpr auto& r = map_layout<N>::roots;
        // unary and binary ops written out: no function per node for the compiler to inline
        if constexpr (r.size() == 1)
            v[K] = N::op::value(v[first + r[0]]);
        else if constexpr (r.size() == 2)
            v[K] = N::op::value(v[first + r[0]], v[first + r[1]]);
        else [&]<std::size_t... I>(std::index_sequence<I...>) CTNN_INLINE_LAMBDA {
            v[K] = N::op::value(v[first + map_layout<N>::roots[I]]...);
        }(typename map_layout<N>::operands{});
    } else {
        v[K] = n.template load<A, Out>(row, col, no_hole{});
    }
}

/// A large region's per-pack sweep runs in pieces of this many nodes, each
/// its own function (`flat_chunks`): the compiler's cost grows faster than
/// the size of a function (alias analysis, register allocation), and a call
/// per piece is noise next to the piece's work (the values and adjoints are
/// arrays in memory anyway).
inline constexpr std::size_t flat_chunk = 32;

/// Calls `Piece::template run<B, E>(args...)` for consecutive node ranges
/// [B, E) covering [0, N): inline for a region of at most `flat_chunk`
/// nodes, else one out-of-line call per chunk; `Reverse`: last range first.
template <class Piece, std::size_t N, bool Reverse, class... Args>
CTNN_INLINE void flat_chunks(Args&... args) noexcept {
    if constexpr (N <= flat_chunk) {
        Piece::template run<0, N>(args...);
    } else {
        constexpr std::size_t count = (N + flat_chunk - 1) / flat_chunk;
        [&]<std::size_t... C>(std::index_sequence<C...>) CTNN_INLINE_LAMBDA {
            constexpr auto begin = [](std::size_t c) { return (Reverse ? count - 1 - c : c) * flat_chunk; };
            constexpr auto end = [](std::size_t b) { return b + flat_chunk < N ? b + flat_chunk : N; };
            (Piece::template call<begin(C), end(begin(C))>(args...), ...);
        }(std::make_index_sequence<count>{});
    }
}

/// Nodes [B, E) of the forward sweep.
template <class A, class Out>
struct values_piece {
    template <std::size_t B, std::size_t E, class F, class P>
    static CTNN_INLINE void run(const F& f, P* v, std::size_t row, std::size_t col) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
            (flat_value<B + K, A, Out>(f, v, row, col), ...);
        }(std::make_index_sequence<E - B>{});
    }
    template <std::size_t B, std::size_t E, class F, class P>
    [[gnu::noinline]] static void call(const F& f, P* v, std::size_t row, std::size_t col) noexcept {
        run<B, E>(f, v, row, col);
    }
};

/// The architecture of a region's sweep along rows of `Cols` values of `T`:
/// the widest whose pack fits in a row (`scalar_arch` at the end).
template <class T, std::size_t Cols, class A = simd::best_arch>
struct sweep_arch {
    using type = A;
};
template <class T, std::size_t Cols, class A>
    requires(simd::width<T, A> > Cols)
struct sweep_arch<T, Cols, A> {
    using type = typename sweep_arch<T, Cols, simd::narrower_t<A>>::type;
};

/// Calls `f.template operator()<A>(col, skip)` for the packs of a row of
/// `Cols` values, all of one architecture `A` (`sweep_arch`): whole packs
/// (`skip` 0), then, when `Cols` is not a multiple of their width, one pack
/// ending at the row's end, which overlaps the one before it: its first
/// `skip` lanes are done already, and the caller stores or hands down only
/// the others. `simd::for_each_pack` covers a tail with narrower packs
/// instead, which generates a region's sweep once more for each width (for
/// 1000 floats: 62 AVX-512 packs and an AVX2 one, twice the code for one
/// pack's worth of work).
template <class T, std::size_t Cols, class F>
CTNN_INLINE void for_each_sweep_pack(F&& f) noexcept {
    using A = typename sweep_arch<T, Cols>::type;
    constexpr std::size_t w = simd::width<T, A>;
    constexpr std::size_t full = Cols / w * w;
    for (std::size_t c = 0; c < full; c += w) f.template operator()<A>(c, std::size_t(0));
    if constexpr (full != Cols) f.template operator()<A>(Cols - w, w - (Cols - full));
}

/// Stores lanes [skip, width) of pack `v` at `p` .. (lanes below `skip`
/// belong to the pack before: an overlapping last pack, see above).
template <class A, class T, class P>
CTNN_INLINE void store_from(T* p, const P& v, std::size_t skip) noexcept {
    using Pk = simd::pack_traits<T, A>;
    if (skip == 0) {
        Pk::store(p, v);
    } else {
        alignas(64) T lanes[Pk::width];
        Pk::store(lanes, v);
        for (std::size_t k = skip; k < Pk::width; ++k) p[k] = lanes[k];
    }
}

/// Every node's value of the pack at (row, col) into v[0 .. size).
template <class A, class Out, class F, class P>
CTNN_INLINE void flat_values(const F& f, P* v, std::size_t row, std::size_t col) noexcept {
    flat_chunks<values_piece<A, Out>, F::size, false>(f, v, row, col);
}

}  // namespace detail
}  // namespace ctnn::expr
