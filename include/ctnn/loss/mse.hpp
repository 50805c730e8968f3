#pragma once
/// \file mse.hpp
/// `MSE`: mean over every element of (y - t)²; and `SumSquares`: the sum
/// (the lecture's numpy example). Gradients 2(y - t)/count and 2(y - t).

#include <cstddef>
#include <string>

#include "../simd/blas1.hpp"
#include "../simd/map.hpp"
#include "loss_common.hpp"

namespace ctnn {

namespace loss_detail {
/// `compute` of `MSE` (`Mean`) and `SumSquares`.
template <bool Mean>
struct squared_error {
    template <TensorLike Out, class Target, WritableTensor DOut>
    CTNN_REALTIME static auto compute(const Out& y, const Target& t, DOut&& dy,
                                      std::size_t n = rows<Out>::batch) noexcept {
        static_assert(TensorLike<Target>,
                      "ctnn: a squared error compares the output with target values of its shape, not with class "
                      "labels: give a tensor of targets, or use SoftmaxCrossEntropy (or BCEWithLogits) for labels");
        static_assert(same_shape<Out, target_checked<Out, Target>>,
                      "ctnn: the loss needs targets of the same shape as the network's output");
        static_assert(same_shape<Out, grad_checked<Out, Target, DOut>>,
                      "ctnn: the loss needs a gradient tensor of the same shape as the network's output");
        using T = typename Out::value_type;
        if constexpr (!shapes_fit<Out, Target, DOut>) {
            return T{};  // reported above
        } else {
            constexpr std::size_t W = rows<Out>::width;
            const std::size_t count = n * W;
            const T scale = Mean ? T(2) / T(count) : T(2);
            simd::map_n<W * rows<Out>::batch>([](auto a, auto b) CTNN_INLINE_LAMBDA { return a - b; }, dy.data(),
                                              y.data(), t.data());
            T total = 0;
            for (std::size_t r = 0; r < n; ++r) total += simd::dot_n<W>(dy.data() + r * W, dy.data() + r * W);
            simd::map_n<W * rows<Out>::batch>([scale](auto d) CTNN_INLINE_LAMBDA { return d * decltype(d)(scale); },
                                              dy.data(), dy.data());
            for (std::size_t i = n * W; i < W * rows<Out>::batch; ++i) dy.data()[i] = T(0);
            return Mean ? total / T(count) : total;
        }
    }
};
}  // namespace loss_detail

/// Mean squared error over all elements of the first `n` rows.
struct MSE : loss_detail::squared_error<true> {
    static std::string name() { return "MSE"; }
};

/// Σ (y - t)² over all elements of the first `n` rows.
struct SumSquares : loss_detail::squared_error<false> {
    static std::string name() { return "SumSquares"; }
};

}  // namespace ctnn
