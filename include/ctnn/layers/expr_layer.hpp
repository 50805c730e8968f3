#pragma once
/// \file expr_layer.hpp
/// `ExprLayer<Spec>`: a layer written as a tensor expression. The spec
/// declares its parameters (PyTorch state_dict names, shapes as a function
/// of the input features, PyTorch's initialisation) and its forward as a
/// function over tensor expressions; the bound layer follows the layer
/// protocol (layer_concepts.hpp): its output shape is the expression's, its
/// forward assigns the expression (the GEMM epilogue fusion of expr/), and
/// its backward is the generated vector-Jacobian product
/// (`autodiff/tensor_grad.hpp`). A gated unit:
///
/// ```cpp
/// template <std::size_t N>
/// struct Gated {
///     static std::string name() { return "Gated"; }
///     template <std::size_t In>  // the input's features (last extent of a sample)
///     static constexpr std::array params{
///         ctnn::linear_weight("gate.weight", N, In), ctnn::linear_bias("gate.bias", N, In),
///         ctnn::linear_weight("hidden.weight", N, In), ctnn::linear_bias("hidden.bias", N, In)};
///     static constexpr auto forward(const auto& x, const auto& Wg, const auto& bg, const auto& Wh, const auto& bh) {
///         return sigmoid(matmul(x, transpose(Wg)) + bg) * tanh(matmul(x, transpose(Wh)) + bh);
///     }
/// };
/// using Net = ctnn::Sequential<ctnn::Input<7>, ctnn::ExprLayer<Gated<5>>, ctnn::Dense<3>>;
/// ```
///
/// `forward` gets `x`, a view `[B, in...]` (the batch leads), and one view
/// per parameter in table order; it may be a static function template or a
/// static constexpr generic lambda; when it is constexpr, inference also
/// runs in a constant expression. A spec may set `in_rank` (default 1).
///
/// Memory: a training forward saves the product of each matmul whose
/// operands are tensors (or their transposes) in the saved area, so backward
/// does not run those GEMMs again (products of other forms, and reductions,
/// are recomputed); backward reads them, and the output as the expression's
/// value, where they are (`vjp_into_kept`). No allocation: the expression and its tape live on the
/// stack of the pass (about the size of its matmul products).

#include <array>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../autodiff/tensor_grad.hpp"
#include "../expr/assign.hpp"
#include "checks.hpp"
#include "layer_concepts.hpp"

namespace ctnn {

// ---- declaring parameters ----------------------------------------------------------

/// A parameter tensor of an `ExprLayer`: its state_dict name, its shape (rank
/// 1 to 4), PyTorch's initialisation and its role. The fans are torch.nn.init's
/// (`dims[1] × receptive field`, `dims[0] × receptive field`); a vector's are
/// its length. The offset is the layer's to fill.
[[nodiscard]] constexpr param_info tensor_param(std::string_view name, std::initializer_list<std::size_t> dims,
                                                init_rule init, param_role role = param_role::other) noexcept {
    param_info p{name, 0, dims.size(), {0, 0, 0, 0}, role, 0, 0, init};
    std::size_t i = 0;
    for (std::size_t d : dims)
        if (i < 4) p.dims[i++] = d;
    std::size_t receptive = 1;
    for (std::size_t k = 2; k < p.rank && k < 4; ++k) receptive *= p.dims[k];
    p.fan_in = p.rank >= 2 ? p.dims[1] * receptive : p.dims[0];
    p.fan_out = p.rank >= 2 ? p.dims[0] * receptive : p.dims[0];
    return p;
}

/// nn.Linear's weight `[out, in]`: U(±1/√in) (kaiming_uniform_ with a = √5).
[[nodiscard]] constexpr param_info linear_weight(std::string_view name, std::size_t out, std::size_t in) noexcept {
    return tensor_param(name, {out, in}, {init_rule::uniform_inv_sqrt, double(in)}, param_role::weight);
}

/// nn.Linear's bias `[out]`: U(±1/√in).
[[nodiscard]] constexpr param_info linear_bias(std::string_view name, std::size_t out, std::size_t in) noexcept {
    param_info p = tensor_param(name, {out}, {init_rule::uniform_inv_sqrt, double(in)}, param_role::bias);
    p.fan_in = in;
    p.fan_out = out;
    return p;
}

/// A tensor initialised to `value` everywhere (nn.init.constant_; 0 and 1: zeros_, ones_).
[[nodiscard]] constexpr param_info constant_param(std::string_view name, std::initializer_list<std::size_t> dims,
                                                  double value, param_role role = param_role::other) noexcept {
    return tensor_param(name, dims, {init_rule::constant, value}, role);
}

/// A tensor drawn from N(0, stddev²) (nn.init.normal_).
[[nodiscard]] constexpr param_info normal_param(std::string_view name, std::initializer_list<std::size_t> dims,
                                                double stddev = 1, param_role role = param_role::other) noexcept {
    return tensor_param(name, dims, {init_rule::normal, stddev}, role);
}

/// The spec users put in a network: `ExprLayer<Gated<5>>` (see the file's comment).
template <class Spec>
struct ExprLayer {
    static std::string name() {
        if constexpr (requires { Spec::name(); })
            return "ExprLayer<" + std::string(Spec::name()) + ">";
        else
            return "ExprLayer";
    }
    using spec = Spec;
};

namespace layers {

namespace expr_layer_detail {

template <class Spec>
inline constexpr std::size_t in_rank = [] {
    if constexpr (requires { Spec::in_rank; })
        return std::size_t(Spec::in_rank);
    else
        return std::size_t(1);
}();

/// The parameter table the spec declares for `F` input features (offsets unset).
template <class Spec, std::size_t F>
inline constexpr auto declared = Spec::template params<F>;

template <class T, class S>
struct view_of;
template <class T, std::size_t... D>
struct view_of<T, Shape<D...>> {
    using type = TensorView<T, D...>;
};

/// The shape of declared parameter `I`.
template <class Spec, std::size_t F, std::size_t I, class = std::make_index_sequence<declared<Spec, F>[I].rank>>
struct param_shape_of;
template <class Spec, std::size_t F, std::size_t I, std::size_t... J>
struct param_shape_of<Spec, F, I, std::index_sequence<J...>> {
    using type = Shape<declared<Spec, F>[I].dims[J]...>;
};
template <class Spec, std::size_t F, std::size_t I>
using param_shape = typename param_shape_of<Spec, F, I>::type;

template <class S, std::size_t B>
struct batched;
template <std::size_t B, std::size_t... D>
struct batched<Shape<D...>, B> {
    using type = Shape<B, D...>;
};

/// `S` without its leading extent when that is the batch `B`; void otherwise.
template <class S, std::size_t B>
struct per_sample {
    using type = void;  // not a batch: an expression that failed or dropped the batch
};
template <std::size_t B, std::size_t... D>
    requires(sizeof...(D) > 0)
struct per_sample<Shape<B, D...>, B> {
    using type = Shape<D...>;
};

/// The expression `Spec::forward` builds for `B` rows of input shape `In`
/// and element type `T` (an unevaluated call: only the types).
template <class Spec, class In, class T, std::size_t B, class = std::make_index_sequence<declared<Spec, In::dims[In::rank - 1]>.size()>>
struct expression;
template <class Spec, class In, class T, std::size_t B, std::size_t... I>
struct expression<Spec, In, T, B, std::index_sequence<I...>> {
    static constexpr std::size_t features = In::dims[In::rank - 1];
    using x_view = typename view_of<const T, typename batched<In, B>::type>::type;
    using type = decltype(Spec::forward(
        std::declval<const x_view&>(),
        std::declval<const typename view_of<const T, param_shape<Spec, features, I>>::type&>()...));
};
template <class Spec, class In, class T, std::size_t B>
using expression_t = std::remove_cvref_t<typename expression<Spec, In, T, B>::type>;

/// The expression holds a node `expr::Failed` (what an expression function
/// returns after its `ctnn:` error), anywhere: a reduction or a product of it,
/// or an operator applied to it, is not a new mistake.
template <class E>
struct holds_failed : std::false_type {};
template <class Op, class... Es>
struct holds_failed<expr::Map<Op, Es...>>
    : std::bool_constant<std::is_same_v<Op, ops::failed_op> || (holds_failed<Es>::value || ...)> {};
template <class L, class R>
struct holds_failed<expr::MatMul<L, R>> : std::bool_constant<holds_failed<L>::value || holds_failed<R>::value> {};
template <class E>
struct holds_failed<expr::Transposed<E>> : holds_failed<E> {};
template <class E, std::size_t Axis, bool Mean>
struct holds_failed<expr::Reduce<E, Axis, Mean>> : holds_failed<E> {};

/// The expression has failed one of its own `ctnn:` checks (reported there).
template <class Spec, class In>
inline constexpr bool reported = holds_failed<expression_t<Spec, In, float, 2>>::value;

template <class S2, class Spec, class In>
struct same_at_3 {
    using type = void;
};
template <class S2, class Spec, class In>
    requires(!std::is_void_v<S2>)
struct same_at_3<S2, Spec, In> {
    using S3 = typename per_sample<typename expression_t<Spec, In, float, 3>::shape_type, 3>::type;
    using type = std::conditional_t<std::is_same_v<S2, S3>, S2, void>;
};
template <class Spec, class In, bool Reported = reported<Spec, In>>
struct out_shape_of {
    using type = void;  // reported already
};
template <class Spec, class In>
struct out_shape_of<Spec, In, false> {
    // batch 3 only when batch 2 went through: an expression that failed its own check reports it once
    using type = typename same_at_3<typename per_sample<typename expression_t<Spec, In, float, 2>::shape_type, 2>::type,
                                    Spec, In>::type;
};
/// The per-sample output shape, when the expression keeps the batch leading
/// and gives each sample the same shape (checked at two batch sizes); void otherwise.
template <class Spec, class In>
using out_shape = typename out_shape_of<Spec, In>::type;

// ---- the matmul products saved by a training forward ----------------------------------

/// Flops of evaluating `E`: `Matmul` 2·M·N·K, one per element and
/// element-wise op (an estimate: a transcendental counts as one).
template <class E>
struct flops {
    static constexpr std::size_t matmul = 0, elementwise = 0;
};
template <class L, class R>
struct flops<expr::MatMul<L, R>> {
    using LS = typename L::shape_type;
    static constexpr std::size_t matmul =
        2 * expr::MatMul<L, R>::shape_type::size * LS::dims[LS::rank - 1] + flops<L>::matmul + flops<R>::matmul;
    static constexpr std::size_t elementwise = flops<L>::elementwise + flops<R>::elementwise;
};
template <class Op, class... Es>
struct flops<expr::Map<Op, Es...>> {
    static constexpr std::size_t matmul = (flops<Es>::matmul + ... + 0);
    static constexpr std::size_t elementwise =
        expr::Map<Op, Es...>::shape_type::size + (flops<Es>::elementwise + ... + 0);
};

/// The kept products (`autodiff::detail::kept_size`): the matmuls over tensors
/// reached from the root through element-wise nodes.
template <class E>
inline constexpr std::size_t saved_products = autodiff::detail::kept_size<E>;

/// Save: copies each kept product of `e` (left to right) to `at`. Otherwise
/// prepares what backward reads from the nodes: a kept product's operands
/// (a transposed expression is evaluated), the rest of each input of the
/// root region (reductions, products of sub-expressions: recomputed).
template <bool Save, class E, class P>
CTNN_INLINE P* exchange_products(const E& e, P* at) noexcept {
    if constexpr (expr::detail::is_map<E>) {
        return [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((at = exchange_products<Save>(expr::operand<K>(e.args), at)), ...);
            return at;
        }(std::make_index_sequence<E::operands::size>{});
    } else if constexpr (saved_products<E> != 0) {
        if constexpr (Save) {
            std::memcpy(at, e.result.data, saved_products<E> * sizeof(*at));
        } else {
            e.lstore.materialise(e.l);  // tensors: nothing to compute
            e.rstore.materialise(e.r);
        }
        return at + saved_products<E>;
    } else {
        if constexpr (!Save) expr::detail::prepare(e, false);
        return at;
    }
}

}  // namespace expr_layer_detail

/// The bound layer: `Spec`'s expression over per-sample input shape `In`
/// (per-sample output shape `Out`).
template <class Spec, class In, class Out>
struct expr_layer {
    using in_shape = In;
    using out_shape = Out;
    static constexpr std::size_t features = In::dims[In::rank - 1];
    static constexpr auto declared = expr_layer_detail::declared<Spec, features>;
    static constexpr std::size_t count = declared.size();

    static constexpr std::size_t param_count = [] {
        std::size_t n = 0;
        for (const param_info& p : declared)
            if (p.role != param_role::buffer) n += p.size();
        return n;
    }();

    template <class T>
    static constexpr std::array<param_info, count> params = [] {
        std::array<param_info, count> table{};
        std::size_t at = 0;
        for (std::size_t i = 0; i < count; ++i) {
            table[i] = declared[i];
            table[i].offset = at;
            at += aligned_size<T>(declared[i].size());
        }
        return table;
    }();
    template <class T>
    static constexpr std::size_t storage = [] {
        std::size_t n = 0;
        for (const param_info& p : declared) n += aligned_size<T>(p.size());
        return n;
    }();

    template <class T, std::size_t B>
    using expression = expr_layer_detail::expression_t<Spec, In, T, B>;
    /// Per sample (from batch 2; products of parameters alone count half).
    static constexpr std::size_t flops_forward =
        (expr_layer_detail::flops<expression<float, 2>>::matmul + expr_layer_detail::flops<expression<float, 2>>::elementwise) / 2;
    /// Two products a matmul (its operands' adjoints), the element-wise part recomputed and differentiated.
    static constexpr std::size_t flops_backward =
        expr_layer_detail::flops<expression<float, 2>>::matmul + 2 * expr_layer_detail::flops<expression<float, 2>>::elementwise;
    template <class T, std::size_t B>
    static constexpr std::size_t saved_size = expr_layer_detail::saved_products<expression<T, B>>;

    template <class T, std::size_t B>
    using in_view = typename expr_layer_detail::view_of<const T, typename expr_layer_detail::batched<In, B>::type>::type;
    template <class T, std::size_t B>
    using din_view = typename expr_layer_detail::view_of<T, typename expr_layer_detail::batched<In, B>::type>::type;
    template <class T, std::size_t B>
    using out_view = typename expr_layer_detail::view_of<T, typename expr_layer_detail::batched<Out, B>::type>::type;
    template <class T, std::size_t B>
    using dout_view =
        typename expr_layer_detail::view_of<const T, typename expr_layer_detail::batched<Out, B>::type>::type;
    template <class T, std::size_t I>
    using param_view =
        typename expr_layer_detail::view_of<const T, expr_layer_detail::param_shape<Spec, features, I>>::type;
    template <class T, std::size_t I>
    using grad_view = typename expr_layer_detail::view_of<T, expr_layer_detail::param_shape<Spec, features, I>>::type;

    /// The parameters' views over `p` (a tuple: the expression refers to them).
    template <class T>
    static constexpr auto param_views(const T* p) noexcept {
        return [p]<std::size_t... I>(std::index_sequence<I...>) {
            return std::tuple<param_view<T, I>...>{param_view<T, I>(p + params<T>[I].offset)...};
        }(std::make_index_sequence<count>{});
    }

#if defined(__clang__)
// clang 14 at -O1 may keep the GEMM epilogue's row loop (CTNN_UNROLL) rolled
// when the expression's epilogue is large (double tanh with the product
// stored): a missed optimisation, reported as a warning; the code is right.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
    /// constexpr when `Spec::forward` is (a constexpr lambda, or a function
    /// declared constexpr): inference then runs in a constant expression
    /// (`assign`'s scalar path).
    template <class T, std::size_t B, bool Train, class S>
    static constexpr void forward(const forward_context<T, B, Train, S>& c) noexcept {
        const in_view<T, B> x(c.in);
        const auto ps = param_views(c.params);
        out_view<T, B> y(c.out);
        const auto e = std::apply([&](const auto&... p) { return Spec::forward(x, p...); }, ps);
        using E = std::remove_cvref_t<decltype(e)>;
        using OutB = typename out_view<T, B>::shape_type;
        if constexpr (!Train || saved_size<T, B> == 0) {
            assign(y, e);
        } else if constexpr (expr::detail::fusable<OutB, E>) {
            // one matmul, fused: its epilogue keeps the product before the chain runs on it
            e.prepare(true);
            T* z = c.saved;
            constexpr std::size_t cols = OutB::dims[OutB::rank - 1];
            expr::detail::find_matmul(e).run(y.data(), [&e, z](auto v, std::size_t row, std::size_t col)
                                                           CTNN_INLINE_LAMBDA {
                                                               using A = simd::arch_of_t<decltype(v)>;
                                                               simd::pack_traits<T, A>::store(z + row * cols + col, v);
                                                               return e.template load<A, OutB>(row, col, v);
                                                           });
        } else {
            assign(y, e);  // the products are in the nodes now
            expr_layer_detail::exchange_products<true>(e, c.saved);
        }
    }
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

    template <class T, std::size_t B, class S>
    static void backward(const backward_context<T, B, S>& c) noexcept {
        const in_view<T, B> x(c.in);
        const auto ps = param_views(c.params);
        const dout_view<T, B> dy(c.dout);
        const auto e = std::apply([&](const auto&... p) { return Spec::forward(x, p...); }, ps);
        // the output and the products the training forward kept are read where they are; the rest is computed again
        expr_layer_detail::exchange_products<false>(e, c.saved);
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            std::tuple<grad_view<T, I>...> gs{grad_view<T, I>(c.dparams + params<T>[I].offset)...};
            if (c.din) {
                din_view<T, B> dx(c.din);
                vjp_into_kept(e, dy, c.out, c.saved, wrt(x, std::get<I>(ps)...), dx, std::get<I>(gs)...);
            } else {
                vjp_into_kept(e, dy, c.out, c.saved, wrt(std::get<I>(ps)...), std::get<I>(gs)...);
            }
        }(std::make_index_sequence<count>{});
    }
};

template <class Spec>
struct binding<ExprLayer<Spec>> {
    template <class In>
    static constexpr bool rank_fits = In::rank == expr_layer_detail::in_rank<Spec>;
    template <class In>
    static constexpr bool accepts = [] {
        if constexpr (!rank_fits<In>)
            return false;
        else
            return !std::is_void_v<expr_layer_detail::out_shape<Spec, In>>;
    }();
    template <class In>
    static constexpr bool reported = [] {
        if constexpr (!rank_fits<In>)
            return false;
        else
            return expr_layer_detail::reported<Spec, In>;
    }();
    template <class In, class Where>
    using diagnosis = check::first_t<
        check::fails_if<!rank_fits<In>, check::fault::expr_rank,
                        typename check::layer<typename Where::path, typename Where::spec>::
                            template expects_rank<expr_layer_detail::in_rank<Spec>>::template but_layer<
                                typename Where::before_path, typename Where::before>::template produces<In>>,
        check::fails_if<reported<In>, check::fault::expr_reported, check::passes>,
        check::fails_if<rank_fits<In> && !accepts<In>, check::fault::expr_batch,
                        typename check::layer<typename Where::path, typename Where::spec>::
                            template expression_keeps_the_batch_leading<In>>>;
    template <class In>
    using type = expr_layer<Spec, In, expr_layer_detail::out_shape<Spec, In>>;
};

}  // namespace layers
}  // namespace ctnn
