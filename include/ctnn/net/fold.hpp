#pragma once
/// \file fold.hpp
/// BatchNorm folding for inference. `Folded<Net>` is the network type
/// derived from `Net` in which every linear layer directly followed by a
/// BatchNorm (`Dense`, `Conv1D` or `Conv2D` then `BatchNorm1D`/`BatchNorm2D`; any spec
/// that specialises `layers::batchnorm_fold`) is that layer alone, in every
/// chain of the network (nested `Sequential`s and `Residual` bodies too).
/// The activation after the BatchNorm then follows the linear layer directly,
/// so the usual composition rule fuses it into the layer's epilogue:
///
/// ```cpp
/// using Net = Sequential<Input<32>, Dense<64>, BatchNorm1D, ReLU, Dense<10>>;
/// using Fast = Folded<Net>;   // Sequential<Input<32>, Dense<64>, ReLU, Dense<10>>: one GEMV + bias + ReLU
/// Fast fast = fold_batchnorm(net);   // or fold_batchnorm(net, *heap_fast)
/// ```
///
/// `fold_batchnorm` computes the folded parameters from the trained network's
/// (its BatchNorm's weight γ, bias β and running statistics), per output
/// channel c, in double: s = γ/√(running_var + eps), W'[c, ...] = s·W[c, ...],
/// b'[c] = s·(b[c] − running_mean[c]) + β[c]; every other tensor is copied.
/// The folded network's forward equals the original's eval-mode forward to
/// rounding. It is `constexpr` (core/cmath.hpp's square root), so a network
/// with embedded weights folds at compile time; it allocates nothing and
/// costs O(parameters). The folded network has no BatchNorm to train: it is
/// for inference (its parameter names follow its own module indices).

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "../core/cmath.hpp"
#include "../layers/batchnorm_fold.hpp"
#include "../layers/conv1d.hpp"
#include "../layers/conv2d.hpp"
#include "../layers/dense.hpp"
#include "../layers/norm.hpp"
#include "residual.hpp"
#include "sequential.hpp"

namespace ctnn {

namespace layers {
/// Dense then BatchNorm: a Dense with a bias (b = 0 before folding if it had none).
template <std::size_t Out, bool Bias, std::size_t ExpectedIn>
struct batchnorm_fold<Dense<Out, Bias, ExpectedIn>> {
    using type = Dense<Out, true, ExpectedIn>;
};
template <std::size_t Out, std::size_t K, std::size_t S, std::size_t D, std::size_t G, class Pad>
struct batchnorm_fold<Conv1D<Out, K, S, D, G, Pad>> {
    using type = Conv1D<Out, K, S, D, G, Pad>;
};
template <std::size_t Out, std::size_t KH, std::size_t KW, std::size_t S, std::size_t D, std::size_t G, class Pad>
struct batchnorm_fold<Conv2D<Out, KH, KW, S, D, G, Pad>> {
    using type = Conv2D<Out, KH, KW, S, D, G, Pad>;
};
}  // namespace layers

namespace fold_detail {

using meta::type_list;

template <class S>
inline constexpr bool is_batchnorm = std::is_same_v<S, BatchNorm1D> || std::is_same_v<S, BatchNorm2D>;

/// A spec a following BatchNorm folds into.
template <class S>
concept Foldable = requires { typename layers::batchnorm_fold<S>::type; };

template <class S>
struct spec;

/// `Specs...` with every (foldable, BatchNorm) pair replaced by the folded spec, appended to `Done`.
template <class Done, class... Specs>
struct fold_list {
    using type = Done;
};
template <class... D, class S, class... R>
struct fold_list<type_list<D...>, S, R...> : fold_list<type_list<D..., typename spec<S>::type>, R...> {};
template <class... D, class S, class N, class... R>
    requires(Foldable<S> && is_batchnorm<N>)
struct fold_list<type_list<D...>, S, N, R...>
    : fold_list<type_list<D..., typename layers::batchnorm_fold<S>::type>, R...> {};

template <class T, class List>
struct as_sequential;
template <class T, class... S>
struct as_sequential<T, type_list<S...>> {
    using type = BasicSequential<T, S...>;
};
template <class List>
struct as_residual;
template <class... S>
struct as_residual<type_list<S...>> {
    using type = Residual<S...>;
};

/// A spec with the chains inside it folded (a leaf stays as it is).
template <class S>
struct spec {
    using type = S;
};
template <class T, class First, class... R>
struct spec<BasicSequential<T, First, R...>> {
    using type = typename as_sequential<T, typename fold_list<type_list<>, First, R...>::type>::type;
};
template <class... L>
struct spec<Residual<L...>> {
    using type = typename as_residual<typename fold_list<type_list<>, L...>::type>::type;
};

template <class X>
inline constexpr bool is_chain = false;
template <class In, class Out, class... U>
inline constexpr bool is_chain<layers::chain<In, Out, U...>> = true;
template <class X>
struct residual_body {};
template <class B>
struct residual_body<layers::residual<B>> {
    using type = B;
};
template <class X>
concept ResidualNode = requires { typename residual_body<X>::type; };

using net_detail::find_param;

/// Linear layer `L` (parameters at `lin`) then BatchNorm `N` (at `bn`) into
/// the bound folded layer `F` (at `out`).
template <class L, class N, class F, class T>
constexpr void fold_pair(const T* lin, const T* bn, T* out) noexcept {
    constexpr auto& lt = layers::params_of<L, T>;
    constexpr auto& nt = layers::params_of<N, T>;
    constexpr auto& ft = layers::params_of<F, T>;
    constexpr std::size_t gamma = nt[find_param(nt, "weight")].offset;
    constexpr std::size_t beta = nt[find_param(nt, "bias")].offset;
    constexpr std::size_t mean = nt[find_param(nt, "running_mean")].offset;
    constexpr std::size_t var = nt[find_param(nt, "running_var")].offset;
    constexpr std::size_t C = N::in_shape::dims[0];
    static_assert(find_param(ft, "weight") < ft.size() && find_param(ft, "bias") < ft.size() &&
                      ft[find_param(ft, "weight")].dims[0] == C && ft[find_param(ft, "bias")].size() == C,
                  "ctnn: a spec with layers::batchnorm_fold must bind to a layer with weight [Out, ...] and "
                  "bias [Out], Out the BatchNorm's channels");
    for (const param_info& p : ft) {
        const std::size_t q = find_param(lt, p.name);
        if (p.name == "weight") {
            const std::size_t per = p.size() / C;
            for (std::size_t c = 0; c < C; ++c) {
                const double s = double(bn[gamma + c]) / cmath::sqrt(double(bn[var + c]) + layers::norm_eps);
                for (std::size_t k = 0; k < per; ++k)
                    out[p.offset + c * per + k] = T(s * double(lin[lt[q].offset + c * per + k]));
            }
        } else if (p.name == "bias") {
            for (std::size_t c = 0; c < C; ++c) {
                const double s = double(bn[gamma + c]) / cmath::sqrt(double(bn[var + c]) + layers::norm_eps);
                const double b = q < lt.size() ? double(lin[lt[q].offset + c]) : 0.0;
                out[p.offset + c] = T(s * (b - double(bn[mean + c])) + double(bn[beta + c]));
            }
        } else {
            for (std::size_t k = 0; k < p.size(); ++k) out[p.offset + k] = lin[lt[q].offset + k];
        }
    }
}

template <class Src, class Dst, class T>
constexpr void copy_node(const T* src, T* dst) noexcept;

/// Whether chain `Src`'s unit I is a linear layer and unit I + 1 a BatchNorm folded into it.
template <class Src, std::size_t I>
constexpr bool folds_at() noexcept {
    if constexpr (I + 1 < Src::count)
        return Foldable<typename Src::template unit<I>::spec> && is_batchnorm<typename Src::template unit<I + 1>::spec>;
    else
        return false;
}

/// Units I.. of chain `Src` into units J.. of chain `Dst`.
template <class Src, class Dst, std::size_t I, std::size_t J, class T>
constexpr void copy_units(const T* src, T* dst) noexcept {
    if constexpr (I < Src::count) {
        static_assert(J < Dst::count);
        const T* s = src + Src::template param_offsets<T>[I];
        T* d = dst + Dst::template param_offsets<T>[J];
        if constexpr (folds_at<Src, I>()) {
            fold_pair<typename Src::template child<I>, typename Src::template child<I + 1>,
                      typename Dst::template child<J>>(s, src + Src::template param_offsets<T>[I + 1], d);
            // an activation after the BatchNorm is the folded layer's epilogue: one source unit more
            constexpr std::size_t next =
                I + 2 + (std::is_void_v<typename Dst::template unit<J>::activation_spec> ? 0 : 1);
            copy_units<Src, Dst, next, J + 1>(src, dst);
        } else {
            copy_node<typename Src::template child<I>, typename Dst::template child<J>>(s, d);
            copy_units<Src, Dst, I + 1, J + 1>(src, dst);
        }
    } else {
        static_assert(J == Dst::count);
    }
}

/// The parameters of bound node `Src` into its folded form `Dst`.
template <class Src, class Dst, class T>
constexpr void copy_node(const T* src, T* dst) noexcept {
    if constexpr (is_chain<Src>) {
        copy_units<Src, Dst, 0, 0>(src, dst);
    } else if constexpr (ResidualNode<Src>) {
        copy_node<typename residual_body<Src>::type, typename residual_body<Dst>::type>(src, dst);
    } else {
        static_assert(std::is_same_v<Src, Dst>, "ctnn: fold_batchnorm met a node it does not know how to fold");
        for (std::size_t k = 0; k < layers::storage_of<Src, T>; ++k) dst[k] = src[k];
    }
}

template <class Net>
struct folded;
template <class T, std::size_t... D, class... Specs>
struct folded<BasicSequential<T, Input<D...>, Specs...>> {
    using type = typename as_sequential<T, typename fold_list<type_list<Input<D...>>, Specs...>::type>::type;
};

}  // namespace fold_detail

/// The inference network of `Net` with every BatchNorm after a linear layer
/// folded into it (see the file's comment).
template <class Net>
using Folded = typename fold_detail::folded<Net>::type;

/// Writes into `out` the folded parameters of `net` (see the file's
/// comment): no allocation, O(parameters), usable in a constant expression.
template <class Net>
constexpr void fold_batchnorm(const Net& net, Folded<Net>& out) noexcept {
    fold_detail::copy_node<typename Net::root, typename Folded<Net>::root>(net.params(), out.params());
}

/// The folded network of `net`, by value (a big network: use the overload
/// that writes into a network on the heap).
template <class Net>
[[nodiscard]] constexpr Folded<Net> fold_batchnorm(const Net& net) noexcept {
    Folded<Net> out{};
    fold_batchnorm(net, out);
    return out;
}

}  // namespace ctnn
