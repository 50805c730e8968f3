#pragma once
/// \file dataset.hpp
/// Data for training, held in memory: `Dataset<T, Sample, Target>` (samples
/// of a static shape and their class labels or regression targets),
/// `Sampler` (a reproducible shuffled pass over the sample indices, batch by
/// batch), `gather` (copies a batch of samples into a network's input tensor)
/// and `split` / `split_at`.
///
/// ```cpp
/// using Data = train::Dataset<float, Shape<28, 28>>;              // class labels
/// Data data = train::load_idx<Data>("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz");
/// auto [tr, va] = train::split(data, 0.1, 42);
/// train::Sampler s(tr.size(), 64, 42);
/// auto X = std::make_unique<Tensor<float, 64, 28, 28>>();
/// Labels<64> y;
/// for (int epoch = 0; epoch < 10; ++epoch) {
///     s.new_epoch();
///     for (std::size_t k = 0; k < s.batches(); ++k) {
///         const std::size_t n = train::gather(tr, s.batch(k), *X, y);  // n <= 64 rows are real
///         ...
///     }
/// }
/// ```

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <numeric>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/random.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"
#include "../loss/loss_common.hpp"
#include "../simd/prefetch.hpp"

namespace ctnn {

namespace train_detail {

/// A std::allocator that returns `tensor_alignment`-aligned (64-byte) memory.
template <class T>
struct aligned_allocator {
    using value_type = T;
    aligned_allocator() noexcept = default;
    template <class U>
    aligned_allocator(const aligned_allocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
        return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{tensor_alignment}));
    }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{tensor_alignment}); }

    template <class U>
    friend bool operator==(const aligned_allocator&, const aligned_allocator<U>&) noexcept {
        return true;
    }
};

template <class T>
using aligned_vector = std::vector<T, aligned_allocator<T>>;

/// Values a sample's target takes: 1 (a class label) or `Target::size`.
template <class Target>
struct target_traits {
    static constexpr bool valid = ValidShape<Target>;
    static constexpr std::size_t size = valid ? Target::size : 1;
};
template <>
struct target_traits<std::int32_t> {
    static constexpr bool valid = true;
    static constexpr std::size_t size = 1;
};

template <class T>
inline constexpr bool is_element = std::is_same_v<T, float> || std::is_same_v<T, double>;

/// `Labels<B>` (std::array<std::int32_t, B>).
template <class L>
struct labels_traits {
    static constexpr bool is_labels = false;
    static constexpr std::size_t batch = 0;
};
template <std::size_t B>
struct labels_traits<std::array<std::int32_t, B>> {
    static constexpr bool is_labels = true;
    static constexpr std::size_t batch = B;
};

/// Rows and values per row of a [B, ...] tensor-like type.
template <class X>
struct batch_traits {
    using S = typename X::shape_type;
    static constexpr std::size_t batch = S::dims[0];
    static constexpr std::size_t row = S::size / S::dims[0];
};

/// Appends sample `i` of `from` (and its target) to `to`.
template <class Ds>
void append(Ds& to, const Ds& from, std::size_t i) {
    if constexpr (Ds::classification)
        to.push_back(from.input(i), from.label(i));
    else
        to.push_back(from.input(i), from.target(i));
}

}  // namespace train_detail

namespace train {

/// `n` samples of shape `Sample` with, per sample, a class label
/// (`Target = std::int32_t`) or a regression target of shape `Target`
/// (values of `T`). Every input lies in one 64-byte aligned contiguous block
/// (sample `i` at `input(0) + i * sample_size`), targets in another.
/// Costs: `size() * (sample_size * sizeof(T) + target bytes)` on the heap;
/// `push_back` amortised O(sample_size).
template <class T, class Sample, class Target = std::int32_t>
class Dataset {
    static_assert(train_detail::is_element<T>, "ctnn: a dataset holds float or double values");
    static_assert(ValidShape<Sample>, "ctnn: a dataset's Sample is a Shape<...> of rank 1 to 4, every extent positive");
    static_assert(train_detail::target_traits<Target>::valid,
                  "ctnn: a dataset's Target is std::int32_t (class labels) or a Shape<...> (regression targets)");

public:
    using value_type = T;
    using sample_shape = Sample;
    using target_type = Target;
    static constexpr bool classification = std::is_same_v<Target, std::int32_t>;
    static constexpr std::size_t sample_size = Sample::size;
    static constexpr std::size_t target_size = train_detail::target_traits<Target>::size;

    Dataset() = default;
    /// `n` samples, every value and target zero (labels 0).
    explicit Dataset(std::size_t n) : inputs_(n * sample_size, T{}), targets_(n * target_size) {}

    std::size_t size() const noexcept { return inputs_.size() / sample_size; }
    bool empty() const noexcept { return inputs_.empty(); }

    /// The `sample_size` values of sample `i` (row-major `Sample`).
    T* input(std::size_t i) noexcept {
        assert(i < size());
        return inputs_.data() + i * sample_size;
    }
    const T* input(std::size_t i) const noexcept {
        assert(i < size());
        return inputs_.data() + i * sample_size;
    }

    /// The class label of sample `i`.
    std::int32_t& label(std::size_t i) noexcept
        requires classification
    {
        assert(i < size());
        return targets_[i];
    }
    std::int32_t label(std::size_t i) const noexcept
        requires classification
    {
        assert(i < size());
        return targets_[i];
    }

    /// The `target_size` target values of sample `i` (row-major `Target`).
    T* target(std::size_t i) noexcept
        requires(!classification)
    {
        assert(i < size());
        return targets_.data() + i * target_size;
    }
    const T* target(std::size_t i) const noexcept
        requires(!classification)
    {
        assert(i < size());
        return targets_.data() + i * target_size;
    }

    /// Appends a sample (`sample_size` values at `x`) and its label.
    void push_back(const T* x, std::int32_t label)
        requires classification
    {
        inputs_.insert(inputs_.end(), x, x + sample_size);
        targets_.push_back(label);
    }
    /// Appends a sample (`sample_size` values at `x`) and its target
    /// (`target_size` values at `target`).
    void push_back(const T* x, const T* target)
        requires(!classification)
    {
        inputs_.insert(inputs_.end(), x, x + sample_size);
        targets_.insert(targets_.end(), target, target + target_size);
    }

    /// Room for `n` samples without reallocating.
    void reserve(std::size_t n) {
        inputs_.reserve(n * sample_size);
        targets_.reserve(n * target_size);
    }

private:
    using target_storage =
        std::conditional_t<classification, std::vector<std::int32_t>, train_detail::aligned_vector<T>>;
    train_detail::aligned_vector<T> inputs_;
    target_storage targets_;
};

/// Sequence samples cut from one long recording: `Steps` steps each,
/// starting every `hop` steps (sample `k` covers steps `[k·hop, k·hop +
/// Steps)`), from a time-major signal pair: step `t`'s `F` input values at
/// `x + t·F` and its `O` target values at `y + t·O`, `length` steps. Samples
/// are `[Steps, F]` (what `GRU`/`LSTM` take; with `F == 1` also a one-channel
/// `Conv1D` input `[1, Steps]`, the same memory), targets `[Steps, O]`.
/// Independent windows: train with shuffling, every batch from the initial
/// state. Throws `ctnn::error` if `hop` is 0 or the signal is shorter than a window.
template <std::size_t Steps, std::size_t F, std::size_t O, class T>
Dataset<T, Shape<Steps, F>, Shape<Steps, O>> windows(const T* x, const T* y, std::size_t length, std::size_t hop) {
    if (hop == 0) throw error("windows: the hop must be positive, got 0");
    if (length < Steps)
        throw error("windows: a signal of " + std::to_string(length) + " steps is shorter than one window of " +
                    std::to_string(Steps));
    Dataset<T, Shape<Steps, F>, Shape<Steps, O>> d;
    d.reserve((length - Steps) / hop + 1);
    for (std::size_t first = 0; first + Steps <= length; first += hop) d.push_back(x + first * F, y + first * O);
    return d;
}

/// The same signal pair as `Streams` contiguous streams side by side, for
/// truncated backpropagation through time: the signal is split into
/// `Streams` equal parts (a remainder shorter than a window is dropped),
/// each cut into consecutive windows of `Steps`, and sample `k·Streams + b`
/// is window `k` of stream `b`. Batches of `Streams` in order
/// (`fit_options{.shuffle = false, .carry_state = true}`, `B == Streams`)
/// then continue each other row by row. Throws `ctnn::error` if a stream
/// would be shorter than one window.
template <std::size_t Steps, std::size_t Streams, std::size_t F, std::size_t O, class T>
Dataset<T, Shape<Steps, F>, Shape<Steps, O>> stream_windows(const T* x, const T* y, std::size_t length) {
    static_assert(Streams > 0, "ctnn: stream_windows needs at least one stream");
    const std::size_t per_stream = length / Streams / Steps;  // windows per stream
    if (per_stream == 0)
        throw error("stream_windows: " + std::to_string(length) + " steps make no window of " +
                    std::to_string(Steps) + " steps in each of " + std::to_string(Streams) + " streams");
    const std::size_t stride = per_stream * Steps;  // steps per stream
    Dataset<T, Shape<Steps, F>, Shape<Steps, O>> d;
    d.reserve(per_stream * Streams);
    for (std::size_t k = 0; k < per_stream; ++k)
        for (std::size_t b = 0; b < Streams; ++b) {
            const std::size_t first = b * stride + k * Steps;
            d.push_back(x + first * F, y + first * O);
        }
    return d;
}

/// A reproducible pass over the indices `0..n`, batch by batch. Each
/// `new_epoch()` restarts from `0, 1, ..., n-1` and Fisher-Yates shuffles it
/// with the sampler's `Rng` (seeded once, its stream continuing from epoch to
/// epoch), so epoch k's order depends only on the seed and k, and saving
/// `rng()` before an epoch is enough to replay it. Holds `n` indices.
class Sampler {
public:
    /// Throws `ctnn::error` when `batch` is 0.
    Sampler(std::size_t n, std::size_t batch, std::uint64_t seed, bool shuffle = true, bool drop_last = false)
        : order_(n), batch_(batch), shuffle_(shuffle), drop_last_(drop_last), rng_(seed) {
        if (batch == 0) throw error("sampler: the batch size must be positive, got 0");
        std::iota(order_.begin(), order_.end(), std::size_t{0});
    }

    /// Starts an epoch: reshuffles the indices (when shuffling). Call it before
    /// each epoch, the first included. O(n).
    void new_epoch() noexcept {
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        if (shuffle_)
            for (std::size_t i = order_.size(); i > 1; --i)
                std::swap(order_[i - 1], order_[static_cast<std::size_t>(rng_.below(i))]);
        ++epoch_;
    }

    /// Batches an epoch has: ceil(n / batch), or floor(n / batch) with drop_last.
    std::size_t batches() const noexcept {
        return drop_last_ ? order_.size() / batch_ : (order_.size() + batch_ - 1) / batch_;
    }

    /// The sample indices of batch `k < batches()`: `batch` of them, fewer for
    /// a partial last batch.
    std::span<const std::size_t> batch(std::size_t k) const noexcept {
        assert(k < batches());
        const std::size_t first = k * batch_;
        return std::span<const std::size_t>(order_).subspan(first, std::min(batch_, order_.size() - first));
    }

    /// This epoch's order of every index.
    std::span<const std::size_t> order() const noexcept { return order_; }
    std::size_t size() const noexcept { return order_.size(); }
    std::size_t batch_size() const noexcept { return batch_; }
    /// Epochs started so far (`new_epoch()` calls).
    std::size_t epoch() const noexcept { return epoch_; }

    /// The shuffling stream, for checkpoints (its state before `new_epoch()`
    /// decides that epoch's order).
    Rng& rng() noexcept { return rng_; }
    const Rng& rng() const noexcept { return rng_; }

private:
    std::vector<std::size_t> order_;
    std::size_t batch_;
    bool shuffle_;
    bool drop_last_;
    std::size_t epoch_ = 0;
    Rng rng_;
};

/// Copies samples `idx[0..n)` of `ds` into the rows of `X` (a tensor
/// `[B, Sample...]`, or anything with `shape_type` and `data()`) and their
/// targets into `t`: `Labels<B>` for classification, a tensor `[B, Target...]`
/// for regression. Rows `n..B` are zeroed (labels 0), so a partial batch is
/// deterministic. Returns `n = idx.size()`, which must be at most `B`. O(B * sample_size).
template <class Ds, class XB, class TB>
std::size_t gather(const Ds& ds, std::span<const std::size_t> idx, XB& X, TB& t) noexcept {
    using xb = train_detail::batch_traits<XB>;
    static_assert(xb::row == Ds::sample_size,
                  "ctnn: gather needs an input batch whose rows have the dataset's sample size");
    constexpr std::size_t B = xb::batch;
    using In = std::remove_cvref_t<decltype(*X.data())>;
    assert(idx.size() <= B);
    const std::size_t n = std::min(idx.size(), B);

    In* x = X.data();
    // shuffled rows defeat the hardware prefetcher: ask for a few rows ahead
    constexpr std::size_t ahead = 4, row_bytes = Ds::sample_size * sizeof(typename Ds::value_type);
    for (std::size_t r = 0; r < std::min(n, ahead); ++r) simd::prefetch(ds.input(idx[r]), row_bytes);
    for (std::size_t r = 0; r < n; ++r) {
        assert(idx[r] < ds.size());
        if (r + ahead < n) simd::prefetch(ds.input(idx[r + ahead]), row_bytes);
        const auto* s = ds.input(idx[r]);
        for (std::size_t j = 0; j < Ds::sample_size; ++j) x[r * Ds::sample_size + j] = static_cast<In>(s[j]);
    }
    std::fill(x + n * Ds::sample_size, x + B * Ds::sample_size, In{});

    if constexpr (Ds::classification) {
        using lb = train_detail::labels_traits<TB>;
        static_assert(lb::is_labels, "ctnn: gather of a classification dataset needs targets as Labels<B>");
        static_assert(!lb::is_labels || lb::batch == B,
                      "ctnn: gather needs Labels<B> with the input batch's B (one label per row)");
        for (std::size_t r = 0; r < n; ++r) t[r] = ds.label(idx[r]);
        for (std::size_t r = n; r < lb::batch; ++r) t[r] = 0;
    } else {
        using tb = train_detail::batch_traits<TB>;
        static_assert(tb::batch == B, "ctnn: gather needs a target batch with the input batch's number of rows");
        static_assert(tb::row == Ds::target_size,
                      "ctnn: gather needs a target batch whose rows have the dataset's target size");
        using Tv = std::remove_cvref_t<decltype(*t.data())>;
        Tv* y = t.data();
        for (std::size_t r = 0; r < n; ++r) {
            const auto* s = ds.target(idx[r]);
            for (std::size_t j = 0; j < Ds::target_size; ++j) y[r * Ds::target_size + j] = static_cast<Tv>(s[j]);
        }
        std::fill(y + n * Ds::target_size, y + B * Ds::target_size, Tv{});
    }
    return n;
}

/// A seeded random split into `{train, validation}`, `validation.size() =
/// round(validation_fraction * n)`; each part keeps the samples' original
/// order. Throws `ctnn::error` unless 0 <= validation_fraction < 1. Copies
/// every sample once.
template <class Ds>
std::pair<Ds, Ds> split(const Ds& ds, double validation_fraction, std::uint64_t seed) {
    if (!(validation_fraction >= 0.0 && validation_fraction < 1.0))
        throw error("split: the validation fraction must be in [0, 1), got " + std::to_string(validation_fraction));
    const std::size_t n = ds.size();
    const auto n_val = static_cast<std::size_t>(std::llround(validation_fraction * double(n)));

    // The first n_val of a seeded Fisher-Yates permutation go to validation.
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    Rng rng(seed);
    for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[static_cast<std::size_t>(rng.below(i))]);
    std::vector<bool> in_val(n, false);
    for (std::size_t k = 0; k < n_val; ++k) in_val[perm[k]] = true;

    std::pair<Ds, Ds> out;
    out.first.reserve(n - n_val);
    out.second.reserve(n_val);
    for (std::size_t i = 0; i < n; ++i) train_detail::append(in_val[i] ? out.second : out.first, ds, i);
    return out;
}

/// The first `n_first` samples and the rest, in order. Throws `ctnn::error`
/// when `n_first > ds.size()`.
template <class Ds>
std::pair<Ds, Ds> split_at(const Ds& ds, std::size_t n_first) {
    if (n_first > ds.size())
        throw error("split_at: cannot take the first " + std::to_string(n_first) + " samples of a dataset of " +
                    std::to_string(ds.size()));
    std::pair<Ds, Ds> out;
    out.first.reserve(n_first);
    out.second.reserve(ds.size() - n_first);
    for (std::size_t i = 0; i < ds.size(); ++i) train_detail::append(i < n_first ? out.first : out.second, ds, i);
    return out;
}

}  // namespace train
}  // namespace ctnn
