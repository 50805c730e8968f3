#pragma once
/// \file flat.hpp
/// An element-wise region laid out flat: the `Map` nodes of an expression
/// and the nodes they read (leaves, matmuls, reductions, transposes: the
/// region's *inputs*), numbered in post-order at compile time (a node's
/// operands, then the node; the root is last), each at a byte offset from
/// the root known at compile time (`flat_index`): per pack a fold over the
/// node numbers computes each node's value from the values before it
/// (`flat_values`), and what visits the inputs (prepare, and autodiff's
/// bind, prime, finish) loops over them, one piece of code per input type
/// (`for_each_input`): no function per node besides its value and, in a
/// backward pass, its adjoint step. The pass over the region and the code the compiler
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

/// Where the members of an `operand_list` of `Ts` sit (its bases
/// `operand_at<I, T>`, each holding one `T`, in order): each at the next
/// multiple of its alignment. The Itanium C++ ABI's rule, which g++ and clang
/// follow on every x86-64 and ARM target; `flat_index` checks each list's
/// size against it, so a compiler that laid a list out otherwise would not
/// compile the pass. (`offsetof` would say the same, but is only
/// conditionally supported, with a warning, for classes holding references.)
template <class... Ts>
struct operand_layout {
    static constexpr std::size_t count = sizeof...(Ts);
    static constexpr std::array<std::size_t, count + 1> at = [] {  // at[count]: the list's size
        constexpr std::size_t size[] = {sizeof(Ts)..., 0}, align[] = {alignof(Ts)..., 1};
        std::array<std::size_t, count + 1> r{};
        std::size_t end = 0, widest = 1;
        for (std::size_t k = 0; k < count; ++k) {
            r[k] = (end + align[k] - 1) / align[k] * align[k];
            end = r[k] + size[k];
            widest = align[k] > widest ? align[k] : widest;
        }
        r[count] = (end + widest - 1) / widest * widest;
        return r;
    }();
};

/// Entry K of the region's post-order: node type T, which sits `offset`
/// bytes from the root. `pick<K>` finds the one base `indexed<K, T, Off>`
/// of a `flat_index` by deduction, in one step.
template <std::size_t K, class T, std::size_t Off>
struct indexed {
    using type = T;
    static constexpr std::size_t offset = Off;
};
template <std::size_t K, class T, std::size_t Off>
indexed<K, T, Off> pick(const indexed<K, T, Off>&);  // declared only: for decltype

/// The operand positions of a Map (none for another node).
template <class E>
struct operand_positions {
    using type = std::index_sequence<>;
};
template <class Op, class... Es>
struct operand_positions<Map<Op, Es...>> {
    using type = std::index_sequence_for<Es...>;
};

/// The entries of the sub-region rooted at E, numbered from O, E at byte Off
/// from the root: E is entry O + size - 1, after its operands' sub-regions.
/// A Map holds its operands as its first member, an `operand_list`, so each
/// operand sits at a constant offset (`operand_layout`), and a pass reaches
/// every node from the root's address: no function per node to collect
/// pointers (one such function per node and pass was most of a deep
/// expression's compile time). Built by inheritance (a class per node), not
/// by concatenating type lists or offset arrays (quadratic in the region's
/// size).
template <std::size_t O, std::size_t Off, class E, class Ix = typename operand_positions<E>::type>
struct flat_index : indexed<O + region_size<E> - 1, E, Off> {};
template <std::size_t O, std::size_t Off, class Op, class... Es, std::size_t... I>
struct flat_index<O, Off, Map<Op, Es...>, std::index_sequence<I...>>
    : flat_index<O + map_layout<Map<Op, Es...>>::offset(I), Off + operand_layout<Es...>::at[I], Es>...,
      indexed<O + region_size<Map<Op, Es...>> - 1, Map<Op, Es...>, Off> {
    static_assert(sizeof(operand_list<std::index_sequence<I...>, Es...>) == operand_layout<Es...>::at.back(),
                  "ctnn: this compiler lays out an expression's operands in a way the flat passes do not know");
};

/// The region rooted at E laid out flat: node K, of type `node_t<K>`, at
/// `base` (the root's address) + `offset<K>`.
template <class E>
struct flat_nodes {
    static constexpr std::size_t size = region_size<E>;
    using table = flat_index<0, 0, E>;
    // a class, not an alias of the decltype: its instantiation is kept, so
    // each entry is looked up once however often a pass names it
    template <std::size_t K>
    struct entry : decltype(pick<K>(std::declval<const table&>())) {};
    template <std::size_t K>
    using node_t = typename entry<K>::type;
    template <std::size_t K>
    static constexpr std::size_t offset = entry<K>::offset;
    const char* base;
};

/// The node of type N at byte `off` from `base` (a function per node type,
/// not per node: all leaves of one type share it).
template <class N>
CTNN_INLINE const N& node_at(const char* base, std::size_t off) noexcept {
    return *reinterpret_cast<const N*>(base + off);
}

/// The flat layout of the region rooted at `root`.
template <class E>
CTNN_INLINE flat_nodes<E> flatten(const E& root) noexcept {
    return flat_nodes<E>{reinterpret_cast<const char*>(&root)};
}

/// The post-order positions of the region's inputs (its nodes that are not Maps).
template <class F, class = std::make_index_sequence<F::size>>
struct region_inputs;
template <class F, std::size_t... K>
struct region_inputs<F, std::index_sequence<K...>> {
    static constexpr std::size_t count = (std::size_t(!is_map<typename F::template node_t<K>>) + ... + 0);
    static constexpr std::array<std::size_t, count> index = [] {
        constexpr bool input[] = {!is_map<typename F::template node_t<K>>...};
        std::array<std::size_t, count> r{};
        std::size_t j = 0;
        for (std::size_t k = 0; k < F::size; ++k)
            if (input[k]) r[j++] = k;
        return r;
    }();
    /// number[k]: input k's position j in `index` (for a Map: the next input's)
    static constexpr std::array<std::size_t, F::size> number = [] {
        constexpr bool input[] = {!is_map<typename F::template node_t<K>>...};
        std::array<std::size_t, F::size> r{};
        std::size_t j = 0;
        for (std::size_t k = 0; k < F::size; ++k) {
            r[k] = j;
            j += input[k];
        }
        return r;
    }();
};

/// A type's mark: two marks have the same address when their types are the
/// same, which a constant expression can compare.
template <class T>
inline constexpr char type_mark = 0;

/// The inputs of a region (`region_inputs<F>`, numbered j = 0, 1, ... left
/// to right) grouped by type: group g holds inputs `member[begin[g] ..
/// begin[g + 1])` in order, all of type `type<g>`; groups in the order of
/// their first input. A pass over the inputs then generates its code once per
/// type and loops over the inputs of that type (a deep expression has many
/// leaves of one type: the tensors it reads again and again).
template <class F, class Ix = std::make_index_sequence<region_inputs<F>::count>>
struct input_groups;
template <class F, std::size_t... J>
struct input_groups<F, std::index_sequence<J...>> {
    static constexpr std::size_t count = sizeof...(J);
    static constexpr auto& index = region_inputs<F>::index;
    static constexpr std::array<std::size_t, count> leader = [] {  // the first input of input j's type
        constexpr const char* mark[] = {&type_mark<typename F::template node_t<index[J]>>..., nullptr};
        std::array<std::size_t, count> r{};
        for (std::size_t j = 0; j < count; ++j) {
            r[j] = j;
            for (std::size_t i = 0; i < j; ++i)
                if (mark[i] == mark[j]) {
                    r[j] = i;
                    break;
                }
        }
        return r;
    }();
    static constexpr std::size_t groups = ((leader[J] == J) + ... + 0);
    static constexpr std::array<std::size_t, groups + 1> begin = [] {
        std::array<std::size_t, groups + 1> r{};
        std::size_t g = 0;
        for (std::size_t j = 0; j < count; ++j)
            if (leader[j] == j) {
                std::size_t n = 0;
                for (std::size_t k = j; k < count; ++k) n += leader[k] == j;
                r[g + 1] = r[g] + n;
                ++g;
            }
        return r;
    }();
    static constexpr std::array<std::size_t, count> member = [] {
        std::array<std::size_t, count> r{};
        std::size_t m = 0;
        for (std::size_t j = 0; j < count; ++j)
            if (leader[j] == j)
                for (std::size_t k = j; k < count; ++k)
                    if (leader[k] == j) r[m++] = k;
        return r;
    }();
    template <std::size_t G>
    using type = typename F::template node_t<index[member[begin[G]]]>;
};

/// The byte offset from the root of each input j of the region `F` lays out.
template <class F, class Ix = std::make_index_sequence<region_inputs<F>::count>>
struct input_offsets;
template <class F, std::size_t... J>
struct input_offsets<F, std::index_sequence<J...>> {
    static constexpr std::size_t at[] = {F::template offset<region_inputs<F>::index[J]>..., 0};
};

/// Calls `visit(std::type_identity<N>{}, j)` for each input j of the region
/// `F` lays out, N its type: inputs of one type in a loop, left to right;
/// the types in the order of their first input.
template <class F, class Visit>
CTNN_INLINE void for_each_input_of_type(Visit&& visit) noexcept {
    using G = input_groups<F>;
    [&]<std::size_t... g>(std::index_sequence<g...>) CTNN_INLINE_LAMBDA {
        (
            [&] {
                for (std::size_t m = G::begin[g]; m < G::begin[g + 1]; ++m)
                    visit(std::type_identity<typename G::template type<g>>{}, G::member[m]);
            }(),
            ...);
    }(std::make_index_sequence<G::groups>{});
}

/// Calls `fn(node)` for each input of the region rooted at `root` (Maps hold
/// nothing to visit), as `for_each_input_of_type`.
template <class E, class Fn>
CTNN_INLINE void for_each_input(const E& root, Fn&& fn) noexcept {
    using F = flat_nodes<E>;
    const char* base = reinterpret_cast<const char*>(&root);
    for_each_input_of_type<F>([&]<class N>(std::type_identity<N>, std::size_t j) CTNN_INLINE_LAMBDA {
        fn(node_at<N>(base, input_offsets<F>::at[j]));
    });
}

/// What a node of a region computes in a pass, as a type shared by every
/// node that computes the same: a Map's op and how far back (`Back`) its
/// operands' values sit in the post-order (they depend on the sizes of the
/// operands' sub-regions only: a chain of 33 `sigmoid(e * w + b)` has three
/// distinct steps, not 99), an input's node type. The passes call a step's
/// functions from a fold over the node numbers, so the code the compiler
/// instantiates and optimises is per distinct step, not per node.
template <class Op, class Ix, class Back>
struct map_step;
template <class Op, std::size_t... I, std::size_t... Back>
struct map_step<Op, std::index_sequence<I...>, std::index_sequence<Back...>> {
    /// v[0] = op(operands), `v` pointing at the node's value
    template <class A, class Out, class P>
    static CTNN_INLINE void value(const char*, P* v, std::size_t, std::size_t) noexcept {
        *v = Op::value(*(v - Back)...);
    }
    /// the operands' adjoints from the node's a[0] (`v`, `a`: the node's value and adjoint)
    template <class P>
    static CTNN_INLINE void adjoint(const P* v, P* a) noexcept {
        ((*(a - Back) = *a * Op::template d<I>(*v, *(v - Back)...)), ...);
    }
};
/// An input loads its own value (`node`: its address).
template <class N>
struct input_step {
    template <class A, class Out, class P>
    static CTNN_INLINE void value(const char* node, P* v, std::size_t row, std::size_t col) noexcept {
        *v = reinterpret_cast<const N*>(node)->template load<A, Out>(row, col, no_hole{});
    }
};

template <class N, class = typename map_layout<N>::operands>
struct map_step_of;
template <class N, std::size_t... I>
struct map_step_of<N, std::index_sequence<I...>> {
    using type = map_step<typename N::op, std::index_sequence<I...>,
                          std::index_sequence<(region_size<N> - 1 - map_layout<N>::roots[I])...>>;
};
/// Node K's step in the region `F` lays out.
template <class F, std::size_t K, class N = typename F::template node_t<K>>
struct step_of {
    using type = input_step<N>;
};
template <class F, std::size_t K, class Op, class... Es>
struct step_of<F, K, Map<Op, Es...>> {
    using type = typename map_step_of<Map<Op, Es...>>::type;
};

/// The value of node K from the values before it (an input loads its own).
template <std::size_t K, class A, class Out, class F, class P>
CTNN_INLINE void flat_value(const F& f, P* v, std::size_t row, std::size_t col) noexcept {
    step_of<F, K>::type::template value<A, Out>(f.base + F::template offset<K>, v + K, row, col);
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
            (step_of<F, B + K>::type::template value<A, Out>(f.base + F::template offset<B + K>, v + (B + K), row,
                                                               col),
             ...);
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
