#pragma once
/// \file tensor_grad.hpp
/// Reverse-mode differentiation of tensor expressions:
/// `grad(f, wrt(W, b))` for a scalar expression `f` (shape `[1]`).
///
/// The backward pass is generated from the expression's type. Its storage,
/// the *tape*, is a type derived from the expression's type (`tape<E>`),
/// holding an adjoint buffer for each node that is not element-wise. The
/// backward pass then runs in *regions*: a maximal element-wise sub-tree is
/// one pass over its shape that, per pack, computes each node's value once
/// (laid out flat in post-order, expr/flat.hpp) and pushes the adjoint down
/// through the stored values to the region's inputs (fused, no temporaries,
/// linear in the region's size); a matmul turns its adjoint into its
/// operands' adjoints with the GEMM kernels (writing straight into the
/// caller's gradient when the operand is a tensor asked for); a reduction
/// broadcasts its adjoint to the region below it. Costs about twice the forward pass; no allocation (the
/// tape lives on the stack of `grad`).

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/type_list.hpp"
#include "../expr/assign.hpp"

namespace ctnn {

namespace autodiff::detail {

using expr::Constant;
using expr::Map;
using expr::MatMul;
using expr::no_hole;
using expr::Reduce;
using expr::Ref;
using expr::Transposed;
using expr::detail::flat_nodes;
using expr::detail::flat_values;
using expr::detail::flatten;
using expr::detail::in_place;
using expr::detail::is_leaf;
using expr::detail::is_map;
using expr::detail::map_layout;
using expr::detail::node_at;
using expr::detail::region_size;
using expr::detail::row_offset;
using expr::detail::scratch;
using expr::detail::splats_last;

/// Where the gradient of one `wrt` tensor goes. The first kernel to reach it
/// overwrites it; later contributions add. Untouched at the end: zero-filled.
template <class T>
struct grad_slot {
    const void* tensor;
    T* data;
    std::size_t size;
    bool written = false;

    CTNN_INLINE void prime() noexcept {
        if (!written) zero();
    }
    // out of line: a region primes each of its leaves, and a deep expression has many
    [[gnu::noinline]] void zero() noexcept {
        for (std::size_t i = 0; i < size; ++i) data[i] = T(0);
        written = true;
    }
};

/// Adjoint storage for node E and its children. No member has a default
/// initialiser: `bind` sets every one, and a tape is then trivially
/// default-constructible (initialisers made each node's constructor
/// initialise its whole sub-tree once more after inlining: quadratic in the
/// expression's size, most of clang's optimiser time for a deep gradient).
template <class E>
struct tape;

template <class X>
struct tape<Ref<X>> {
    grad_slot<typename X::value_type>* slot;
    bool wants;
};
template <class T>
struct tape<Constant<T>> {
    static constexpr bool wants = false;
};
/// The tape of a Map, the root of an element-wise region: the tapes of the
/// region's inputs (`expr::detail::region_inputs`, left to right), flat; the
/// Maps between keep nothing (inside a region every adjoint is computed:
/// see `adjoint_step`). `wants`: whether an input asks for a gradient.
template <class E, class Ix = std::make_index_sequence<expr::detail::region_inputs<flat_nodes<E>>::count>>
struct region_tape;
template <class E, std::size_t... J>
struct region_tape<E, std::index_sequence<J...>> {
    template <std::size_t Jn>
    using input_t = typename flat_nodes<E>::template node_t<expr::detail::region_inputs<flat_nodes<E>>::index[Jn]>;
    using input_tapes = expr::operand_list<std::index_sequence<J...>, tape<input_t<J>>...>;
    /// where input j's tape sits in `in` (checked against the compiler's layout)
    using layout = expr::detail::operand_layout<tape<input_t<J>>...>;
    static_assert(sizeof(input_tapes) == layout::at.back(),
                  "ctnn: this compiler lays out a region's tapes in a way the flat passes do not know");
    input_tapes in;
    bool wants;
};
template <class Op, class... Es>
struct tape<Map<Op, Es...>> : region_tape<Map<Op, Es...>> {};

/// An operand's adjoint, when it must be computed before going further down.
template <class E>
struct operand_grad {
    [[no_unique_address]] std::false_type mem;
};
template <class E>
    requires(!in_place<E>)
struct operand_grad<E> {
    scratch<typename E::value_type, E::shape_type::size> mem;
};
template <class E>
    requires(!is_leaf<E>)
struct operand_grad<Transposed<E>> {
    scratch<typename E::value_type, E::shape_type::size> mem;
};
template <class L, class R>
struct tape<MatMul<L, R>> {
    scratch<typename L::value_type, MatMul<L, R>::shape_type::size> dc;
    tape<L> l;
    tape<R> r;
    operand_grad<L> dl;
    operand_grad<R> dr;
    bool wants;
};
template <class E, std::size_t Axis, bool Mean>
struct tape<Reduce<E, Axis, Mean>> {
    scratch<typename E::value_type, Reduce<E, Axis, Mean>::shape_type::size> dres;
    tape<E> e;
    bool wants;
};
template <class E>
struct tape<Transposed<E>> {
    operand_grad<Transposed<E>> dinner;  // used when Transposed sits in an element-wise region
    tape<E> e;
    bool wants;
};

/// Where the tape of each input j of the region rooted at E sits, from
/// `flat_tapes::base`: a Map's tape holds them (`at[count]`: their end); a
/// region that is one node (not a Map) is its own input.
template <class E>
struct tape_offsets {
    static constexpr std::size_t at[] = {0};
};
template <class Op, class... Es>
struct tape_offsets<Map<Op, Es...>> {
    static constexpr const auto& at = tape<Map<Op, Es...>>::layout::at;
};
/// The tapes of the inputs of the region rooted at E, as its sweeps reach
/// them: input j's at `base + at[j]`.
template <class E>
struct flat_tapes {
    static constexpr const auto& at = tape_offsets<E>::at;
    char* base;
};
template <class E>
CTNN_INLINE flat_tapes<E> flatten_tapes(tape<E>& t) noexcept {
    if constexpr (is_map<E>)
        return {reinterpret_cast<char*>(&t.in)};
    else
        return {reinterpret_cast<char*>(&t)};
}

/// The tape of type Tp at byte `off` from `base` (per tape type, as `node_at`).
template <class Tp>
CTNN_INLINE Tp& tape_at(char* base, std::size_t off) noexcept {
    return *reinterpret_cast<Tp*>(base + off);
}

/// Calls `fn(input, its tape)` for each input of the region rooted at `n`:
/// the Maps between hold nothing to visit, so binding, priming and
/// finishing a region take no function per node, and its code is generated
/// once per input type (`expr::detail::for_each_input_of_type`).
template <class E, class Fn>
CTNN_INLINE void for_each_input(const E& n, tape<E>& t, Fn&& fn) noexcept {
    if constexpr (!is_map<E>) {
        fn(n, t);  // a region of one node
    } else {
        using F = flat_nodes<E>;
        const char* nb = reinterpret_cast<const char*>(&n);
        char* tb = reinterpret_cast<char*>(&t.in);
        expr::detail::for_each_input_of_type<F>([&]<class N>(std::type_identity<N>, std::size_t j) CTNN_INLINE_LAMBDA {
            fn(node_at<N>(nb, expr::detail::input_offsets<F>::at[j]), tape_at<tape<N>>(tb, tape<E>::layout::at[j]));
        });
    }
}

// ---- binding the wrt tensors to the leaves ----------------------------------

/// The slot of the `wrt` tensor at `tensor`, or null (the last one, as
/// written; out of line: a deep expression binds many leaves).
template <class T, class Slots>
[[gnu::noinline]] grad_slot<T>* find_slot(const void* tensor, Slots& slots) noexcept {
    grad_slot<T>* found = nullptr;
    std::apply(
        [&](auto&... s) {
            (([&] {
                 if constexpr (std::is_same_v<std::remove_cvref_t<decltype(s)>, grad_slot<T>>)
                     if (s.tensor == tensor) found = &s;
             }()),
             ...);
        },
        slots);
    return found;
}
template <class X, class Slots>
CTNN_INLINE void bind(const Ref<X>& n, tape<Ref<X>>& t, Slots& slots) noexcept {
    t.slot = find_slot<typename X::value_type>(static_cast<const void*>(&n.x), slots);
    t.wants = t.slot != nullptr;
}
template <class T, class Slots>
void bind(const Constant<T>&, tape<Constant<T>>&, Slots&) noexcept {}
template <class Op, class... Es, class Slots>
void bind(const Map<Op, Es...>& n, tape<Map<Op, Es...>>& t, Slots& slots) noexcept {
    bool wants = false;
    for_each_input(n, t, [&](const auto& in, auto& tin) CTNN_INLINE_LAMBDA {
        bind(in, tin, slots);
        wants = wants || tin.wants;
    });
    t.wants = wants;
}
template <class L, class R, class Slots>
void bind(const MatMul<L, R>& n, tape<MatMul<L, R>>& t, Slots& slots) noexcept {
    bind(n.l, t.l, slots);
    bind(n.r, t.r, slots);
    t.wants = t.l.wants || t.r.wants;
}
template <class E, std::size_t Axis, bool Mean, class Slots>
void bind(const Reduce<E, Axis, Mean>& n, tape<Reduce<E, Axis, Mean>>& t, Slots& slots) noexcept {
    bind(n.e, t.e, slots);
    t.wants = t.e.wants;
}
template <class E, class Slots>
void bind(const Transposed<E>& n, tape<Transposed<E>>& t, Slots& slots) noexcept {
    bind(n.e, t.e, slots);
    t.wants = t.e.wants;
}

// ---- regions ----------------------------------------------------------------

/// Adds pack `g` (adjoints of output elements (row, col..)) into a buffer of
/// shape S broadcast to Out: broadcast elements receive the sum.
template <class S, class Out, class A, class T, class P>
CTNN_INLINE void scatter_add(T* base, std::size_t row, std::size_t col, const P& g) noexcept {
    using Pk = simd::pack_traits<T, A>;
    T* p = base + row_offset<S, Out>(row);
    if constexpr (splats_last<S, Out>)
        *p += Pk::sum(g);
    else
        Pk::store(p + col, Pk::load(p + col) + g);
}

template <class E>
void finish(const E&, tape<E>&) noexcept {}

/// Zeroes the adjoint buffers the region below `n` accumulates into.
template <class X>
CTNN_INLINE void prime(const Ref<X>&, tape<Ref<X>>& t) noexcept {
    if (t.slot) t.slot->prime();
}
template <class T>
CTNN_INLINE void prime(const Constant<T>&, tape<Constant<T>>&) noexcept {}
template <class Op, class... Es>
CTNN_INLINE void prime(const Map<Op, Es...>& n, tape<Map<Op, Es...>>& t) noexcept {
    for_each_input(n, t, [](const auto& in, auto& tin) CTNN_INLINE_LAMBDA { prime(in, tin); });
}
template <class L, class R>
CTNN_INLINE void prime(const MatMul<L, R>&, tape<MatMul<L, R>>& t) noexcept {
    if (t.wants)
        for (auto& v : t.dc.data) v = 0;
}
template <class E, std::size_t Axis, bool Mean>
CTNN_INLINE void prime(const Reduce<E, Axis, Mean>&, tape<Reduce<E, Axis, Mean>>& t) noexcept {
    if (t.wants)
        for (auto& v : t.dres.data) v = 0;
}
template <class E>
CTNN_INLINE void prime(const Transposed<E>& n, tape<Transposed<E>>& t) noexcept {
    if constexpr (is_leaf<E>)
        prime(n.e, t.e);
    else if (t.wants)
        for (auto& v : t.dinner.mem.data) v = 0;
}

// vjp: push the adjoint pack g of node n's elements (row, col..) of Out down.
template <class A, class Out, class X, class P>
CTNN_INLINE void vjp(const Ref<X>&, tape<Ref<X>>& t, std::size_t row, std::size_t col, const P& g) noexcept {
    if (t.slot) scatter_add<typename X::shape_type, Out, A>(t.slot->data, row, col, g);
}
template <class A, class Out, class T, class P>
CTNN_INLINE void vjp(const Constant<T>&, tape<Constant<T>>&, std::size_t, std::size_t, const P&) noexcept {}
template <class A, class Out, class L, class R, class P>
CTNN_INLINE void vjp(const MatMul<L, R>&, tape<MatMul<L, R>>& t, std::size_t row, std::size_t col,
                     const P& g) noexcept {
    if (t.wants) scatter_add<typename MatMul<L, R>::shape_type, Out, A>(t.dc.data, row, col, g);
}
template <class A, class Out, class E, std::size_t Axis, bool Mean, class P>
CTNN_INLINE void vjp(const Reduce<E, Axis, Mean>&, tape<Reduce<E, Axis, Mean>>& t, std::size_t row, std::size_t col,
                     const P& g) noexcept {
    if (t.wants) scatter_add<typename Reduce<E, Axis, Mean>::shape_type, Out, A>(t.dres.data, row, col, g);
}
template <class A, class Out, class E, class P>
CTNN_INLINE void vjp(const Transposed<E>&, tape<Transposed<E>>& t, std::size_t row, std::size_t col,
                     const P& g) noexcept {
    using S = typename Transposed<E>::shape_type;
    static_assert(std::is_same_v<S, Out>, "ctnn: a transposed operand in an element-wise expression cannot be broadcast");
    if (!t.wants) return;
    using T = typename E::value_type;
    using Pk = simd::pack_traits<T, A>;
    alignas(64) T lanes[Pk::width];
    Pk::store(lanes, g);
    T* dst;
    if constexpr (is_leaf<E>)
        dst = t.e.slot->data;
    else
        dst = t.dinner.mem.data;
    for (std::size_t k = 0; k < Pk::width; ++k) dst[(col + k) * S::dims[0] + row] += lanes[k];
}


// ---- the two sweeps over a region -------------------------------------------
//
// A region is the element-wise sub-tree below a node, laid out flat as in
// expr/flat.hpp (post-order: a node's operands, then the node). Per pack one
// forward sweep stores every node's value in an array of packs
// (`flat_values`), then one reverse sweep multiplies each node's adjoint by
// the local derivatives (ops.hpp) taken from that array and hands it to the
// operands. Each node is computed once, so the pass is linear in the
// region's size (it used to recompute the values below a node at every
// node: quadratic in the depth), and so is the code the compiler inlines.
// Expressions are trees (sub-expressions held by value), so a node's adjoint
// comes from its one parent; only the inputs accumulate (a tensor used
// twice, broadcasting).

/// The lanes of a pack at or after `skip`, as a mask: in the overlapping
/// last pack of a row (`expr::detail::for_each_sweep_pack`) the lanes before
/// `skip` have handed their adjoints down with the pack before. Applied where
/// an adjoint leaves the region (an input: `select(keep, g, 0)`, exact), not
/// to the root's seed: a zero there would meet an infinite local derivative
/// (log at 0) and hand down NaN.
template <class T, class A>
CTNN_INLINE auto lanes_from(std::size_t skip) noexcept {
    using Pk = simd::pack_traits<T, A>;
    alignas(64) T index[Pk::width];
    for (std::size_t k = 0; k < Pk::width; ++k) index[k] = T(k);
    return Pk::load(index) >= Pk::splat(T(skip));
}

/// Reverse step of a Map: hands its adjoint to its operands (`expr::detail::
/// map_step`). Every Map's operands get their adjoints, whether an input
/// below asks for one or not (an input that does not drops it): no flag per
/// node to set and test, and a sub-expression over no `wrt` tensor costs its
/// derivatives.
template <class A, class Out, class Op, class Ix, class Back, class P, class M>
CTNN_INLINE void step_adjoint(expr::detail::map_step<Op, Ix, Back>, const char*, char*, const P* v, P* a, std::size_t,
                              std::size_t, const M&) noexcept {
    expr::detail::map_step<Op, Ix, Back>::adjoint(v, a);
}
/// Reverse step of an input (`node`, `t`: it and its tape): its adjoint
/// leaves the region, lanes from `skip` on (`keep`).
template <class A, class Out, class N, class P, class M>
CTNN_INLINE void step_adjoint(expr::detail::input_step<N>, const char* node, char* t, const P*, P* a, std::size_t row,
                              std::size_t col, const M& keep) noexcept {
    vjp<A, Out>(*reinterpret_cast<const N*>(node), *reinterpret_cast<tape<N>*>(t), row, col,
                simd::select(keep, *a, P(typename N::value_type(0))));
}

/// Reverse step of node K (its adjoint a[K]), by its step's kind.
template <std::size_t K, class A, class Out, class F, class Tp, class P, class M>
CTNN_INLINE void adjoint_step(const F& f, const Tp& tp, const P* v, P* a, std::size_t row, std::size_t col,
                              const M& keep) noexcept {
    step_adjoint<A, Out>(typename expr::detail::step_of<F, K>::type{}, f.base + F::template offset<K>,
                         tp.base + Tp::at[expr::detail::region_inputs<F>::number[K]], v + K, a + K, row, col, keep);
}

/// Nodes [B, E) of the reverse sweep, last first.
template <class A, class Out>
struct adjoints_piece {
    template <std::size_t B, std::size_t E, class F, class Tp, class P, class M>
    static CTNN_INLINE void run(const F& f, const Tp& tp, const P* v, P* a, std::size_t row, std::size_t col,
                                const M& keep) noexcept {
        // the steps called in place, not through adjoint_step: a function per distinct step, not per node
        [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
            (step_adjoint<A, Out>(typename expr::detail::step_of<F, E - 1 - K>::type{},
                                  f.base + F::template offset<E - 1 - K>,
                                  tp.base + Tp::at[expr::detail::region_inputs<F>::number[E - 1 - K]], v + (E - 1 - K),
                                  a + (E - 1 - K), row, col, keep),
             ...);
        }(std::make_index_sequence<E - B>{});
    }
    template <std::size_t B, std::size_t E, class F, class Tp, class P, class M>
    [[gnu::noinline]] static void call(const F& f, const Tp& tp, const P* v, P* a, std::size_t row,
                                       std::size_t col, const M& keep) noexcept {
        run<B, E>(f, tp, v, a, row, col, keep);
    }
};

/// A loader over an adjoint buffer of the region's own shape.
template <class T>
struct adjoint_buffer {
    const T* data;
    template <class A, class Out>
    CTNN_INLINE auto load(std::size_t row, std::size_t col) const noexcept {
        return simd::pack_traits<T, A>::load(data + row * Out::dims[Out::rank - 1] + col);
    }
};
/// The adjoint of every element is one value.
template <class T>
struct adjoint_splat {
    T value;
    template <class A, class Out>
    CTNN_INLINE auto load(std::size_t, std::size_t) const noexcept {
        return simd::pack_traits<T, A>::splat(value);
    }
};

/// Where a region's pass puts the value of its root: nowhere (a backward
/// pass needs the values inside the region only) ...
struct no_sink {
    template <class A, class P>
    CTNN_INLINE void put(std::size_t, const P&) const noexcept {}
};
/// ... or a buffer of the region's shape: the forward pass of a `sum` /
/// `mean` at the root, done by the backward sweep (see `grad_into`).
template <class T>
struct value_sink {
    T* out;
    template <class A, class P>
    CTNN_INLINE void put(std::size_t i, const P& v) const noexcept {
        simd::pack_traits<T, A>::store(out + i, v);
    }
};

/// One fused backward pass over the element-wise region rooted at `n`,
/// whose adjoint `g.load(row, col)` gives; then on to the nodes below it.
/// `sink` receives the root's value (the same as `evaluate_prepared`'s).
template <class E, class G, class Sink = no_sink>
void region(const E& n, tape<E>& t, const G& g, const Sink& sink = {}) noexcept {
    if (!t.wants) return;
    using T = typename E::value_type;
    using Out = typename E::shape_type;
    constexpr std::size_t cols = Out::dims[Out::rank - 1];
    constexpr std::size_t rows = Out::size / cols;
    constexpr std::size_t nodes = region_size<E>;
    const flat_nodes<E> f = flatten(n);
    const flat_tapes<E> tp = flatten_tapes(t);
    prime(n, t);
    for (std::size_t r = 0; r < rows; ++r)
        // one pack width: the sweep is generated once (an overlapping last pack, not a narrower tail)
        expr::detail::for_each_sweep_pack<T, cols>([&]<class A>(std::size_t c, std::size_t skip) CTNN_INLINE_LAMBDA {
            using P = typename simd::pack_traits<T, A>::type;
            P v[nodes], a[nodes];  // each node's value and adjoint, post-order
            flat_values<A, Out>(f, v, r, c);
            sink.template put<A>(r * cols + c, v[nodes - 1]);  // the overlap's lanes again: the same values
            a[nodes - 1] = g.template load<A, Out>(r, c);
            const P* cv = v;
            const auto keep = lanes_from<T, A>(skip);
            expr::detail::flat_chunks<adjoints_piece<A, Out>, nodes, true>(f, tp, cv, a, r, c, keep);
        });
    finish(n, t);
}

template <class Op, class... Es>
void finish(const Map<Op, Es...>& n, tape<Map<Op, Es...>>& t) noexcept {
    for_each_input(n, t, [](const auto& in, auto& tin) CTNN_INLINE_LAMBDA { finish(in, tin); });
}

/// The loader of a reduction's adjoint broadcast back over its input.
template <class R>
struct reduce_adjoint {
    const typename R::value_type* dres;
    template <class A, class Out>
    CTNN_INLINE auto load(std::size_t row, std::size_t col) const noexcept {
        using T = typename R::value_type;
        using P = simd::pack_traits<T, A>;
        using S = typename R::input_shape;
        constexpr std::size_t axis = R::axis;
        if constexpr (axis == expr::detail::all_axes)
            return P::splat(dres[0] * R::scale);
        else if constexpr (axis + 1 == S::rank)
            return P::splat(dres[row] * R::scale);
        else
            return P::load(dres + R::out_row(row) * S::dims[S::rank - 1] + col) * P::splat(R::scale);
    }
};

template <class E, std::size_t Axis, bool Mean>
void finish(const Reduce<E, Axis, Mean>& n, tape<Reduce<E, Axis, Mean>>& t) noexcept {
    if (t.wants) region(n.e, t.e, reduce_adjoint<Reduce<E, Axis, Mean>>{t.dres.data});
}

template <class E>
void finish(const Transposed<E>& n, tape<Transposed<E>>& t) noexcept {
    if constexpr (!is_leaf<E>)
        if (t.wants) region(n.e, t.e, adjoint_buffer<typename E::value_type>{t.dinner.mem.data});
}

/// Hands operand `op` its adjoint: `compute(dst, epilogue)` writes it. A
/// tensor asked for gets it straight into its gradient (overwrite first,
/// then accumulate); an expression gets it in a buffer, then its region.
template <class E, class Compute>
void deliver(const E& op, tape<E>& t, operand_grad<E>& buf, const Compute& compute) noexcept {
    if (!t.wants) return;
    using T = typename E::value_type;
    auto to_slot = [&](grad_slot<T>& s, std::size_t ld) {
        if (!s.written) {
            compute(s.data, simd::epilogue::none{});
            s.written = true;
        } else {
            compute(s.data, simd::epilogue::accumulate<T>{s.data, ld});
        }
    };
    if constexpr (is_leaf<E>) {
        using S = typename E::shape_type;
        to_slot(*t.slot, S::dims[S::rank - 1]);
    } else if constexpr (expr::detail::is_transposed<E>) {
        using Inner = std::remove_cvref_t<decltype(op.e)>;
        using S = typename Inner::shape_type;
        if constexpr (is_leaf<Inner>) {
            to_slot(*t.e.slot, S::dims[S::rank - 1]);
        } else {
            compute(buf.mem.data, simd::epilogue::none{});
            region(op.e, t.e, adjoint_buffer<T>{buf.mem.data});
        }
    } else {
        compute(buf.mem.data, simd::epilogue::none{});
        region(op, t, adjoint_buffer<T>{buf.mem.data});
    }
}

template <class L, class R>
void finish(const MatMul<L, R>& n, tape<MatMul<L, R>>& t) noexcept {
    if (!t.wants) return;
    using T = typename L::value_type;
    using LS = typename L::shape_type;
    using RS = typename R::shape_type;
    using expr::detail::is_transposed;
    const T* dc = t.dc.data;
    const T* a = n.lstore.data(n.l);
    const T* b = n.rstore.data(n.r);
    if constexpr (RS::rank == 1 && is_transposed<L>) {  // C = Wᵀ v, W: [K, M]
        constexpr std::size_t m = LS::dims[0], k = LS::dims[1];
        deliver(n.l, t.l, t.dl, [&](T* dst, auto epi) { simd::gemm_dytx_n<1, k, m, false>(b, dc, dst, epi); });
        deliver(n.r, t.r, t.dr, [&](T* dst, auto epi) { simd::gemv_n<k, m>(a, dc, dst, epi); });
    } else if constexpr (RS::rank == 1) {  // C = W x, W: [M, K]
        constexpr std::size_t m = LS::dims[LS::rank - 2], k = LS::dims[LS::rank - 1];
        deliver(n.l, t.l, t.dl, [&](T* dst, auto epi) { simd::gemm_dytx_n<1, m, k, false>(dc, b, dst, epi); });
        deliver(n.r, t.r, t.dr, [&](T* dst, auto epi) { simd::gemm_dyw_n<1, m, k>(dc, a, dst, epi); });
    } else if constexpr (is_transposed<R>) {  // C = X Wᵀ, X: [M, K], W: [N, K]
        constexpr std::size_t k = LS::dims[LS::rank - 1], m = LS::size / k, nn = RS::dims[1];
        deliver(n.l, t.l, t.dl, [&](T* dst, auto epi) { simd::gemm_dyw_n<m, nn, k>(dc, b, dst, epi); });
        deliver(n.r, t.r, t.dr, [&](T* dst, auto epi) { simd::gemm_dytx_n<m, nn, k, false>(dc, a, dst, epi); });
    } else if constexpr (is_transposed<L>) {  // C = Aᵀ B, A: [P, M], B: [P, N]
        constexpr std::size_t m = LS::dims[0], p = LS::dims[1], nn = RS::dims[1];
        deliver(n.l, t.l, t.dl, [&](T* dst, auto epi) { simd::gemm_xwt_n<p, m, nn>(b, dc, dst, epi); });
        deliver(n.r, t.r, t.dr, [&](T* dst, auto epi) { simd::gemm_dyw_n<p, m, nn>(a, dc, dst, epi); });
    } else {  // C = A B, A: [M, P], B: [P, N]
        constexpr std::size_t p = LS::dims[LS::rank - 1], m = LS::size / p, nn = RS::dims[1];
        deliver(n.l, t.l, t.dl, [&](T* dst, auto epi) { simd::gemm_xwt_n<m, p, nn>(dc, b, dst, epi); });
        deliver(n.r, t.r, t.dr, [&](T* dst, auto epi) { simd::gemm_dytx_n<m, p, nn, false>(a, dc, dst, epi); });
    }
}

template <class S>
inline constexpr bool is_scalar_shape = S::size == 1;

}  // namespace autodiff::detail

/// The tensors to differentiate with respect to (held by reference).
template <class... X>
struct Wrt {
    std::tuple<const X&...> tensors;
};

/// `wrt(W, b)`: the tensors `grad` differentiates with respect to.
template <TensorLike... X>
constexpr Wrt<X...> wrt(const X&... x) noexcept {
    return Wrt<X...>{{x...}};
}

namespace autodiff::detail {
/// The backward pass of `f` (already prepared) from the adjoint `g` of its
/// elements: binds the `wrt` tensors to the leaves, runs the regions, and
/// zero-fills the gradients nothing reached.
template <class F, class Run, class... X, class... G>
void backward_with(const F& f, const Wrt<X...>& w, const Run& run, G&... grads) noexcept {
    auto slots = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return std::make_tuple(grad_slot<typename G::value_type>{static_cast<const void*>(&std::get<I>(w.tensors)),
                                                                 grads.data(), G::size}...);
    }(std::index_sequence_for<X...>{});
    tape<F> t;
    bind(f, t, slots);
    run(t);
    std::apply([](auto&... s) { (s.prime(), ...); }, slots);  // untouched: zero
}
template <class F, class Gl, class... X, class... G>
void backward(const F& f, const Wrt<X...>& w, const Gl& g, G&... grads) noexcept {
    backward_with(f, w, [&](tape<F>& t) { region(f, t, g); }, grads...);
}

/// `sum(e)` / `mean(e)` of an element-wise region `e`: its gradient needs
/// the values `e`'s forward pass computes, so one sweep does both.
template <class F>
inline constexpr bool sum_of_region = false;
template <class E, bool Mean>
inline constexpr bool sum_of_region<Reduce<E, expr::detail::all_axes, Mean>> = is_map<E>;

/// `grad_into` of such a root: prepares what is below the region (matmuls,
/// inner reductions), runs the region's backward pass from the constant
/// adjoint 1·scale while it stores e's values in the reduction's buffer,
/// then reduces them as `Reduce::prepare` would: the value and the
/// gradients are those of the two-pass form, with one forward pass fewer.
template <class F, class... X, class... G>
typename F::value_type sum_grad(const F& f, const Wrt<X...>& w, G&... grads) noexcept {
    using T = typename F::value_type;
    expr::detail::prepare(f.e, false);
    backward_with(
        f, w,
        [&](tape<F>& t) {
            t.e.wants = true;  // the sweep computes the values even where no gradient is asked for
            region(f.e, t.e, adjoint_splat<T>{F::scale}, value_sink<T>{f.store.mem.data});
        },
        grads...);
    f.reduce_from(f.store.mem.data);
    return f.result.data[0];
}
}  // namespace autodiff::detail

/// Value of the scalar expression `f` and its gradient with respect to each
/// tensor of `w`, written into `grads...` (same shapes, overwritten). Runs
/// one forward and one generated backward pass; no allocation.
template <expr::Expression F, class... X, TensorLike... G>
CTNN_REALTIME typename F::value_type grad_into(const F& f, const Wrt<X...>& w, G&... grads) noexcept {
    using namespace autodiff::detail;
    using T = typename F::value_type;
    static_assert(is_scalar_shape<typename F::shape_type>,
                  "ctnn: grad needs a scalar expression (shape [1]); reduce it with sum or mean first");
    static_assert(sizeof...(X) == sizeof...(G), "ctnn: grad_into needs one gradient tensor per wrt tensor");
    if constexpr (sizeof...(X) != sizeof...(G)) {
        return T{};  // reported above
    } else {
        static_assert((std::is_same_v<typename X::shape_type, typename G::shape_type> && ...),
                      "ctnn: each gradient tensor must have the shape of its wrt tensor");
        if constexpr (!is_scalar_shape<typename F::shape_type> ||
                      !(std::is_same_v<typename X::shape_type, typename G::shape_type> && ...)) {
            return T{};  // reported above
        } else if constexpr (sum_of_region<F>) {
            return sum_grad(f, w, grads...);  // forward and backward in one sweep
        } else {
            // forward
            expr::detail::prepare(f, false);
            T value;
            expr::evaluate_prepared<Shape<1>>(&value, f);
            // backward
            backward(f, w, adjoint_splat<T>{T(1)}, grads...);
            return value;
        }
    }
}

/// Vector-Jacobian product: for an expression `f` of any shape and an
/// upstream gradient `dy` of f's shape, writes `Σ_i dy_i ∂f_i/∂X` for each
/// tensor X of `w` into `grads...` (same shapes, overwritten): the backward
/// step of a layer written as an expression. The generated backward pass of
/// `grad_into`, started from `dy` instead of 1; no allocation.
template <expr::Expression F, TensorLike D, class... X, TensorLike... G>
CTNN_REALTIME void vjp_into(const F& f, const D& dy, const Wrt<X...>& w, G&... grads) noexcept {
    using namespace autodiff::detail;
    static_assert(std::is_same_v<typename D::shape_type, typename F::shape_type> &&
                      std::is_same_v<typename D::value_type, typename F::value_type>,
                  "ctnn: vjp needs an upstream gradient of the expression's shape and element type");
    static_assert(sizeof...(X) == sizeof...(G), "ctnn: vjp_into needs one gradient tensor per wrt tensor");
    if constexpr (std::is_same_v<typename D::shape_type, typename F::shape_type> &&
                  std::is_same_v<typename D::value_type, typename F::value_type> && sizeof...(X) == sizeof...(G)) {
        static_assert((std::is_same_v<typename X::shape_type, typename G::shape_type> && ...),
                      "ctnn: each gradient tensor must have the shape of its wrt tensor");
        if constexpr ((std::is_same_v<typename X::shape_type, typename G::shape_type> && ...)) {
            using T = typename F::value_type;
            expr::detail::prepare(f, false);  // matmul and reduction results: the values the derivatives need
            backward(f, w, adjoint_buffer<T>{dy.data()}, grads...);
        }
    }
}

/// `vjp_into` for an `f` whose matmul products and reductions are already
/// in its nodes (`prepare`d, or restored from a layer's saved area:
/// layers/expr_layer.hpp): the backward pass alone.
template <expr::Expression F, TensorLike D, class... X, TensorLike... G>
CTNN_REALTIME void vjp_into_prepared(const F& f, const D& dy, const Wrt<X...>& w, G&... grads) noexcept {
    static_assert(std::is_same_v<typename D::shape_type, typename F::shape_type> &&
                      std::is_same_v<typename D::value_type, typename F::value_type> && sizeof...(X) == sizeof...(G) &&
                      (std::is_same_v<typename X::shape_type, typename G::shape_type> && ...),
                  "ctnn: vjp needs dy of the expression's shape and one gradient of each wrt tensor's shape");
    if constexpr (std::is_same_v<typename D::shape_type, typename F::shape_type> && sizeof...(X) == sizeof...(G))
        autodiff::detail::backward(f, w, autodiff::detail::adjoint_buffer<typename F::value_type>{dy.data()},
                                   grads...);
}

namespace autodiff::detail {
// ---- the backward pass from what a forward pass kept (layers/expr_layer.hpp) ----
//
// A layer's backward has the forward's output y, and its forward can keep
// the products of its matmuls over tensors: the root region then reads those
// instead of recomputing them (the root's op is not evaluated: with tanh or
// sigmoid on top only y is read) or copying them into the nodes. A matmul
// whose shape is the region's gets each element's adjoint once (a tree: one
// parent), so it is stored, not zeroed then accumulated.

/// The products a forward pass keeps for the root region of `E` (reached
/// from the root through element-wise nodes only): matmuls whose operands
/// the kernels read in place (tensors, transposes). Their sizes summed.
template <class E>
inline constexpr std::size_t kept_size = 0;
template <class L, class R>
inline constexpr std::size_t kept_size<MatMul<L, R>> = in_place<L> && in_place<R> ? MatMul<L, R>::shape_type::size : 0;
template <class Op, class... Es>
inline constexpr std::size_t kept_size<Map<Op, Es...>> = (kept_size<Es> + ... + 0);

/// Where region node K's kept product starts in the kept area (the region's
/// order is the left-to-right order of its inputs).
template <class F, class = std::make_index_sequence<F::size>>
struct kept_layout;
template <class F, std::size_t... K>
struct kept_layout<F, std::index_sequence<K...>> {
    static constexpr std::array<std::size_t, F::size> offset = [] {
        constexpr std::size_t sizes[] = {(is_map<typename F::template node_t<K>> ? 0 : kept_size<typename F::template node_t<K>>)...};
        std::array<std::size_t, F::size> o{};
        for (std::size_t k = 1; k < F::size; ++k) o[k] = o[k - 1] + sizes[k - 1];
        return o;
    }();
};

/// Pack (row, col) of `Out` from a buffer of shape `S` broadcast to it.
template <class S, class Out, class A, class T>
CTNN_INLINE auto load_broadcast(const T* base, std::size_t row, std::size_t col) noexcept {
    using Pk = simd::pack_traits<T, A>;
    const T* p = base + row_offset<S, Out>(row);
    if constexpr (splats_last<S, Out>)
        return Pk::splat(*p);
    else
        return Pk::load(p + col);
}

/// An input of a region of shape `Out` that is stored once per element.
template <class N, class Out>
inline constexpr bool stored_once = false;
template <class L, class R, class Out>
inline constexpr bool stored_once<MatMul<L, R>, Out> = std::is_same_v<typename MatMul<L, R>::shape_type, Out>;

/// The values and adjoints a kept region's sweeps read besides the nodes.
template <class T>
struct kept_values {
    const T* dy;    // the root's adjoint, of its shape
    const T* y;     // the root's value
    const T* kept;  // the kept products
};

/// Nodes [B, E) of the forward sweep: the root's value is y, a kept
/// product's is read from the kept area, the others as `flat_value`.
template <class A, class Out>
struct kept_values_piece {
    template <std::size_t K, class F, class P, class T>
    static CTNN_INLINE void value(const F& f, P* v, const kept_values<T>& k, std::size_t row, std::size_t col) noexcept {
        using N = typename F::template node_t<K>;
        if constexpr (K + 1 == F::size)
            v[K] = load_broadcast<Out, Out, A>(k.y, row, col);
        else if constexpr (!is_map<N> && kept_size<N> != 0)
            v[K] = load_broadcast<typename N::shape_type, Out, A>(k.kept + kept_layout<F>::offset[K], row, col);
        else
            expr::detail::flat_value<K, A, Out>(f, v, row, col);
    }
    template <std::size_t B, std::size_t E, class F, class Tp, class P, class T, class M>
    static CTNN_INLINE void run(const F& f, const Tp&, P* v, const P*, P*, const kept_values<T>& k, std::size_t row,
                                std::size_t col, const M&) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
            (value<B + K>(f, v, k, row, col), ...);
        }(std::make_index_sequence<E - B>{});
    }
    template <std::size_t B, std::size_t E, class... Args>
    [[gnu::noinline]] static void call(Args&... args) noexcept {
        run<B, E>(args...);
    }
};

/// Nodes [B, E) of the reverse sweep, last first: a matmul stored once
/// takes its adjoint as it is; the others as `adjoint_step`.
template <class A, class Out>
struct kept_adjoints_piece {
    template <std::size_t K, class F, class Tp, class P, class M>
    static CTNN_INLINE void step(const F& f, const Tp& tp, const P* v, P* a, std::size_t row, std::size_t col,
                                 const M& keep) noexcept {
        using N = typename F::template node_t<K>;
        if constexpr (stored_once<N, Out>) {
            auto& t = *reinterpret_cast<tape<N>*>(tp.base + Tp::at[expr::detail::region_inputs<F>::number[K]]);
            if (t.wants) simd::pack_traits<typename N::value_type, A>::store(t.dc.data + row * Out::dims[Out::rank - 1] + col, a[K]);
        } else {
            adjoint_step<K, A, Out>(f, tp, v, a, row, col, keep);
        }
    }
    template <std::size_t B, std::size_t E, class F, class Tp, class P, class T, class M>
    static CTNN_INLINE void run(const F& f, const Tp& tp, P*, const P* v, P* a, const kept_values<T>&, std::size_t row,
                                std::size_t col, const M& keep) noexcept {
        [&]<std::size_t... K>(std::index_sequence<K...>) CTNN_INLINE_LAMBDA {
            (step<E - 1 - K>(f, tp, v, a, row, col, keep), ...);
        }(std::make_index_sequence<E - B>{});
    }
    template <std::size_t B, std::size_t E, class... Args>
    [[gnu::noinline]] static void call(Args&... args) noexcept {
        run<B, E>(args...);
    }
};

/// `region` over the root of `n` from what the forward pass kept (`k`).
template <class E, class T>
void kept_region(const E& n, tape<E>& t, const kept_values<T>& k) noexcept {
    if (!t.wants) return;
    using Out = typename E::shape_type;
    constexpr std::size_t cols = Out::dims[Out::rank - 1];
    constexpr std::size_t rows = Out::size / cols;
    constexpr std::size_t nodes = region_size<E>;
    // zero what the inputs accumulate into (not the matmuls stored once)
    for_each_input(n, t, [](const auto& in, auto& tin) CTNN_INLINE_LAMBDA {
        if constexpr (!stored_once<std::remove_cvref_t<decltype(in)>, Out>) prime(in, tin);
    });
    const flat_nodes<E> fl = flatten(n);
    const flat_tapes<E> tl = flatten_tapes(t);
    const kept_values<T> kl = k;
    for (std::size_t r = 0; r < rows; ++r)
        // one pack width, as `region`; a matmul stored once stores the overlap's lanes again (the same values)
        expr::detail::for_each_sweep_pack<T, cols>([&]<class A>(std::size_t c, std::size_t skip) CTNN_INLINE_LAMBDA {
            using P = typename simd::pack_traits<T, A>::type;
            P v[nodes], a[nodes];  // each node's value and adjoint, post-order
            const P* cv = v;
            const auto keep = lanes_from<T, A>(skip);
            expr::detail::flat_chunks<kept_values_piece<A, Out>, nodes, false>(fl, tl, v, cv, a, kl, r, c, keep);
            a[nodes - 1] = simd::pack_traits<T, A>::load(kl.dy + r * cols + c);
            expr::detail::flat_chunks<kept_adjoints_piece<A, Out>, nodes, true>(fl, tl, v, cv, a, kl, r, c, keep);
        });
    finish(n, t);
}
}  // namespace autodiff::detail

/// The backward step of a layer written as an expression
/// (layers/expr_layer.hpp): `vjp_into_prepared` with f's value `y` (the
/// layer's output) and the products of the matmuls of f's root region over
/// tensors (`autodiff::detail::kept_size<F>` elements at `kept`, in the
/// region's order) taken from the forward pass: neither is computed nor
/// copied into the nodes again. The other nodes must be prepared.
template <expr::Expression F, TensorLike D, class... X, TensorLike... G>
CTNN_REALTIME void vjp_into_kept(const F& f, const D& dy, const typename F::value_type* y,
                                 const typename F::value_type* kept, const Wrt<X...>& w, G&... grads) noexcept {
    static_assert(std::is_same_v<typename D::shape_type, typename F::shape_type> &&
                      std::is_same_v<typename D::value_type, typename F::value_type> && sizeof...(X) == sizeof...(G) &&
                      (std::is_same_v<typename X::shape_type, typename G::shape_type> && ...),
                  "ctnn: vjp needs dy of the expression's shape and one gradient of each wrt tensor's shape");
    using namespace autodiff::detail;
    using T = typename F::value_type;
    if constexpr (std::is_same_v<typename D::shape_type, typename F::shape_type> && sizeof...(X) == sizeof...(G))
        backward_with(f, w, [&](tape<F>& t) { kept_region(f, t, kept_values<T>{dy.data(), y, kept}); }, grads...);
}

/// `{dW, db, ...}` of the vector-Jacobian product of `f` with `dy` (see
/// `vjp_into`), as a tuple.
template <expr::Expression F, TensorLike D, class... X>
auto vjp(const F& f, const D& dy, const Wrt<X...>& w) noexcept {
    std::tuple<tensor_for_t<typename X::value_type, typename X::shape_type>...> out;
    std::apply([&](auto&... g) { vjp_into(f, dy, w, g...); }, out);
    return out;
}

/// `{value, dW, db, ...}` of `f` with respect to `wrt(W, b, ...)`, as a tuple
/// (structured bindings: `auto [L, dW, db] = grad(f, wrt(W, b));`). The
/// gradients are returned by value: for large tensors use `grad_into`.
/// `f` is checked here, first; after the error the tuple holds zeros.
template <expr::Expression F, class... X>
auto grad(const F& f, const Wrt<X...>& w) noexcept {
    static_assert(autodiff::detail::is_scalar_shape<typename F::shape_type>,
                  "ctnn: grad needs a scalar expression (shape [1]); reduce it with sum or mean first");
    std::tuple<typename F::value_type, tensor_for_t<typename X::value_type, typename X::shape_type>...> out;
    if constexpr (autodiff::detail::is_scalar_shape<typename F::shape_type>) {
        std::get<0>(out) = std::apply([&](auto&... g) { return grad_into(f, w, g...); },
                                      [&]<std::size_t... I>(std::index_sequence<I...>) {
                                          return std::tie(std::get<I + 1>(out)...);
                                      }(std::index_sequence_for<X...>{}));
    }
    return out;
}

}  // namespace ctnn
