#pragma once
/// \file activation.hpp
/// Element-wise activations. Each is a layer of its own (`ReLU`, `Tanh`, ...)
/// and, right after a `Dense`, is fused into the Dense kernel's epilogue
/// (forward) and into its gradient (backward). An activation type has
///  - `f(z)`: its value, for any pack type (xsimd batch or plain number);
///  - `df(z, y)`: its derivative at z, given y = f(z);
///  - `needs_z`: whether `df` reads z (otherwise backward keeps only y).
/// `Activation<F>` makes one from a captureless generic lambda; its
/// derivative comes from forward-mode dual numbers (autodiff/dual.hpp).

#include <cstddef>
#include <numbers>
#include <string>

#include "../autodiff/dual.hpp"
#include "../core/real.hpp"
#include "../expr/ops.hpp"
#include "../simd/math.hpp"
#include "checks.hpp"

namespace ctnn {

namespace act_detail {
template <class V>
CTNN_INLINE constexpr V one(const V&) noexcept {
    return V(1);
}
template <class V>
CTNN_INLINE constexpr V zero(const V&) noexcept {
    return V(0);
}
}  // namespace act_detail

/// Tag base: element-wise activations (fusable after Dense).
struct activation_tag {};

/// f(z) = z.
struct Identity : activation_tag {
    static std::string name() { return "Identity"; }
    static constexpr bool needs_z = false;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept { return z; }
    template <class V>
    static CTNN_INLINE constexpr V df(V, V y) noexcept { return act_detail::one(y); }
};

/// f(z) = max(z, 0) (NaN stays NaN); f'(0) = 0. The op table's relu
/// (expr/ops.hpp), as in tensor expressions.
struct ReLU : activation_tag {
    static std::string name() { return "ReLU"; }
    static constexpr bool needs_z = false;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept { return ops::relu_op::value(z); }
    /// relu'(z) from y: y > 0 exactly where z > 0.
    template <class V>
    static CTNN_INLINE constexpr V df(V, V y) noexcept { return ops::relu_op::d<0>(y, y); }
};

/// f(z) = z for z > 0, slope·z otherwise (slope > 0, as in PyTorch's default 0.01).
template <real Slope = 0.01>
struct LeakyReLU : activation_tag {
    struct needs_a_positive_slope;
    using broken_rule = check::first_broken_t<check::rule<!(Slope.value() > 0), needs_a_positive_slope>>;
    static constexpr double slope = Slope.value();
    static std::string name() { return "LeakyReLU<" + Slope.str() + ">"; }
    static constexpr bool needs_z = false;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept {
        return simd::select(z > act_detail::zero(z), z, z * V(slope));
    }
    template <class V>
    static CTNN_INLINE constexpr V df(V, V y) noexcept {
        return simd::select(y > act_detail::zero(y), act_detail::one(y), V(slope));
    }
};

/// f(z) = tanh(z); f' = 1 - y². The op table's tanh (expr/ops.hpp).
struct Tanh : activation_tag {
    static std::string name() { return "Tanh"; }
    static constexpr bool needs_z = false;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept { return ops::tanh_op::value(z); }
    template <class V>
    static CTNN_INLINE constexpr V df(V z, V y) noexcept { return ops::tanh_op::d<0>(y, z); }
};

/// f(z) = 1 / (1 + e^-z); f' = y (1 - y). The op table's sigmoid (expr/ops.hpp).
struct Sigmoid : activation_tag {
    static std::string name() { return "Sigmoid"; }
    static constexpr bool needs_z = false;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept { return ops::sigmoid_op::value(z); }
    template <class V>
    static CTNN_INLINE constexpr V df(V z, V y) noexcept { return ops::sigmoid_op::d<0>(y, z); }
};

/// f(z) = z for z > 0, alpha (e^z - 1) otherwise; f' = 1 or y + alpha.
template <real Alpha = 1.0>
struct ELU : activation_tag {
    struct needs_a_positive_alpha;
    using broken_rule = check::first_broken_t<check::rule<!(Alpha.value() > 0), needs_a_positive_alpha>>;
    static constexpr double alpha = Alpha.value();
    static std::string name() { return "ELU<" + Alpha.str() + ">"; }
    static constexpr bool needs_z = false;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept {
        return simd::select(z > act_detail::zero(z), z, V(alpha) * (simd::exp(z) - act_detail::one(z)));
    }
    template <class V>
    static CTNN_INLINE constexpr V df(V, V y) noexcept {
        return simd::select(y > act_detail::zero(y), act_detail::one(y), y + V(alpha));
    }
};

/// How `BasicGELU` computes Φ, PyTorch's `nn.GELU(approximate=...)`.
enum class gelu_approximation {
    none,  ///< Φ(z) = (1 + erf(z/√2)) / 2, exact (run time only: no constexpr erf)
    tanh   ///< Φ(z) ≈ (1 + tanh(√(2/π) (z + 0.044715 z³))) / 2 (also in constant expressions)
};

/// f(z) = z Φ(z), the Gaussian error linear unit, with Φ computed as `A`
/// says. Use the aliases: `GELU` (exact, `nn.GELU()`) and `GELUTanh`
/// (`nn.GELU(approximate="tanh")`). Both need z in backward.
template <gelu_approximation A>
struct BasicGELU : activation_tag {
    static std::string name() { return A == gelu_approximation::none ? "GELU" : "GELUTanh"; }
    static constexpr bool needs_z = true;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept {
        if constexpr (A == gelu_approximation::none && simd::detail::float_lanes<V>) {
            return simd::fast_gelu(z);  // x/√2 folded into erf's rational (fast_math.hpp)
        } else if constexpr (A == gelu_approximation::none) {
            return V(0.5) * z * (act_detail::one(z) + simd::erf(z * V(std::numbers::sqrt2 / 2)));
        } else {
            return V(0.5) * z * (act_detail::one(z) + simd::tanh(tanh_argument(z)));
        }
    }
    template <class V>
    static CTNN_INLINE constexpr V df(V z, V) noexcept {
        if constexpr (A == gelu_approximation::none) {
            const V cdf = V(0.5) * (act_detail::one(z) + simd::erf(z * V(std::numbers::sqrt2 / 2)));
            const V pdf = simd::exp(V(-0.5) * z * z) * V(0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);
            return cdf + z * pdf;
        } else {
            // d/dz [z (1 + t) / 2] with t = tanh(u), u = c (z + k z³):
            // (1 + t) / 2 + z (1 - t²) c (1 + 3k z²) / 2
            const V t = simd::tanh(tanh_argument(z));
            const V du = V(sqrt_2_over_pi) * (act_detail::one(z) + V(3 * cubic) * z * z);
            return V(0.5) * (act_detail::one(z) + t) + V(0.5) * z * (act_detail::one(z) - t * t) * du;
        }
    }

private:
    static constexpr double sqrt_2_over_pi = std::numbers::sqrt2 * std::numbers::inv_sqrtpi;
    static constexpr double cubic = 0.044715;
    /// √(2/π) (z + 0.044715 z³), the argument of tanh.
    template <class V>
    static CTNN_INLINE constexpr V tanh_argument(V z) noexcept {
        return V(sqrt_2_over_pi) * (z + V(cubic) * z * z * z);
    }
};

/// Exact GELU, z Φ(z) with erf (`nn.GELU()`).
using GELU = BasicGELU<gelu_approximation::none>;
/// GELU with Φ's tanh approximation (`nn.GELU(approximate="tanh")`).
using GELUTanh = BasicGELU<gelu_approximation::tanh>;

/// f(z) = z σ(z); f' = σ(z) (1 + z (1 - σ(z))).
struct SiLU : activation_tag {
    static std::string name() { return "SiLU"; }
    static constexpr bool needs_z = true;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept { return z / (act_detail::one(z) + simd::exp(-z)); }
    template <class V>
    static CTNN_INLINE constexpr V df(V z, V) noexcept {
        const V s = act_detail::one(z) / (act_detail::one(z) + simd::exp(-z));
        return s * (act_detail::one(z) + z * (act_detail::one(z) - s));
    }
};

/// f(z) = log(1 + e^z), computed as max(z, 0) + log1p(e^-|z|); f' = σ(z) = 1 - e^-y.
struct Softplus : activation_tag {
    static std::string name() { return "Softplus"; }
    static constexpr bool needs_z = false;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept {
        return simd::max(z, act_detail::zero(z)) + simd::log1p(simd::exp(-simd::abs(z)));
    }
    template <class V>
    static CTNN_INLINE constexpr V df(V, V y) noexcept { return act_detail::one(y) - simd::exp(-y); }
};

/// An activation from a captureless generic lambda written once over values,
/// e.g. `Activation<[](const auto& x) { return x * sigmoid(x); }>`-style via
/// `Activation<decltype(silu)>`. Its derivative is derived by dual numbers.
template <class F>
struct Activation : activation_tag {
    static std::string name() { return "Activation"; }
    static constexpr bool needs_z = true;
    template <class V>
    static CTNN_INLINE constexpr V f(V z) noexcept { return F{}(z); }
    template <class V>
    static CTNN_INLINE constexpr V df(V z, V) noexcept { return autodiff::derivative(F{}, z).d; }
};

/// The type is an element-wise activation.
template <class A>
concept ElementwiseActivation = std::is_base_of_v<activation_tag, A>;

}  // namespace ctnn
