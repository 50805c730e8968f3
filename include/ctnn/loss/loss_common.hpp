#pragma once
/// \file loss_common.hpp
/// What every loss shares: `Labels<B>` (class indices), and the shape check
/// of outputs against targets. A loss is a type with
/// `static T compute(outputs, targets, doutputs, n)`: it returns the loss of
/// the first `n` rows of the batch and writes ∂loss/∂outputs (rows `n..B`
/// get zero, so a partial last batch contributes nothing from them).

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/config.hpp"
#include "../core/tensor.hpp"

namespace ctnn {

/// How a loss reduces its per-element terms (PyTorch's `reduction`).
enum class reduction { mean, sum };

/// The class index of each sample of a batch.
template <std::size_t B>
using Labels = std::array<std::int32_t, B>;

namespace loss_detail {
template <class Out, class Target>
inline constexpr bool same_shape = std::is_same_v<typename Out::shape_type, typename Target::shape_type>;

/// Rows of a batch and elements per row of a [B, ...] tensor.
template <class X>
struct rows {
    using S = typename X::shape_type;
    static constexpr std::size_t batch = S::dims[0];
    static constexpr std::size_t width = S::size / S::dims[0];
};

/// `Labels` holds one label for each of the batch's samples.
template <std::size_t Labels, std::size_t Batch>
inline constexpr bool one_label_per_sample = Labels == Batch;

// The checks themselves sit first in each loss's `compute` (the function the
// user calls), so that its `ctnn:` error comes first in the compiler's output.

/// The targets' type to check against the outputs' shape: the outputs' own
/// when the targets are not a tensor (that error is reported instead).
template <class Out, class Target>
using target_checked = std::conditional_t<TensorLike<Target>, Target, Out>;
/// The gradient tensor's type to check: the outputs' own when the targets'
/// shape is already reported (one mistake, one error).
template <class Out, class Target, class DOut>
using grad_checked = std::conditional_t<same_shape<Out, target_checked<Out, Target>>, std::remove_cvref_t<DOut>, Out>;
/// Targets and gradient tensor have the outputs' shape: `compute` runs.
template <class Out, class Target, class DOut>
inline constexpr bool shapes_fit = TensorLike<Target> && same_shape<Out, target_checked<Out, Target>> &&
                                   same_shape<Out, std::remove_cvref_t<DOut>>;
}  // namespace loss_detail

}  // namespace ctnn
