#pragma once
/// \file metrics.hpp
/// Metrics of a batch of outputs: correct classifications (argmax of each
/// row against the class label; a single logit counts as class 1 when
/// positive), and running means over an epoch.

#include <cstddef>
#include <cstdint>

#include "../core/tensor.hpp"

namespace ctnn::train {

/// How many of the first `n` rows of `out` ([B, classes] or [B, 1]) pick
/// their label.
template <TensorLike Out, class Labels>
std::size_t correct(const Out& out, const Labels& labels, std::size_t n) noexcept {
    using S = typename Out::shape_type;
    constexpr std::size_t W = S::size / S::dims[0];
    const auto* y = out.data();
    std::size_t hits = 0;
    for (std::size_t r = 0; r < n; ++r) {
        const auto* row = y + r * W;
        std::size_t best = 0;
        if constexpr (W == 1) {
            best = row[0] > 0 ? 1 : 0;
        } else {
            for (std::size_t j = 1; j < W; ++j)
                if (row[j] > row[best]) best = j;
        }
        hits += std::int64_t(best) == std::int64_t(labels[r]) ? 1 : 0;
    }
    return hits;
}

/// A mean of per-batch values weighted by their rows, and an accuracy.
struct running_mean {
    double loss_sum = 0;
    std::size_t hits = 0;
    std::size_t rows = 0;
    void add(double batch_loss, std::size_t n, std::size_t batch_hits = 0) noexcept {
        loss_sum += batch_loss * double(n);
        hits += batch_hits;
        rows += n;
    }
    double loss() const noexcept { return rows ? loss_sum / double(rows) : 0; }
    double accuracy() const noexcept { return rows ? double(hits) / double(rows) : 0; }
};

}  // namespace ctnn::train
