#pragma once
/// \file quant/network.hpp
/// Precision as part of the type: `Quantized<Net, Policy>` is the float
/// network type `Net` with every Dense in bf16 (`quant::bf16_weights`) or
/// int8 (`quant::int8_weights`) and every layer without parameters kept in
/// float; a layer with parameters and no quantized form is one `ctnn:`
/// error naming it.
///
/// ```cpp
/// using Mlp = Sequential<Input<784>, Dense<128>, ReLU, Dense<10>>;
/// auto q8 = quant::quantize<quant::int8_weights>(net, calibration_images);  // unique_ptr<Quantized<Mlp, ...>>
/// q8->forward(x, y);                                                      // batch 1, nothing allocated
/// for (auto& e : quant::error_report(*q8, net, test_images)) ...          // per-layer error vs the float net
/// ```
/// Calibration (int8) runs the float network over the samples and sets each
/// Dense input's scale from the values that reach it: max |x| or a
/// percentile of |x| (`calibration::percentile`). bf16 needs no samples.
/// `quant::f32_weights` is the FP32 deployment form (small-input Dense layers
/// column-major, for batch 1); `ctnn-embed --quantize` bakes bf16/int8 ones
/// as constants (`Quantized(const baked_dense (&)[N])`).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/tensor.hpp"
#include "../net/composite.hpp"
#include "../net/network.hpp"
#include "layers.hpp"

namespace ctnn {

namespace quant {

/// How int8 calibration bounds each Dense input: the `percentile` of |x|
/// over every value that reached it (100: the maximum).
struct calibration {
    double percentile = 100.0;
};

/// Samples stored one after another (`count` rows of the network's input size).
struct sample_rows {
    const float* data;
    std::size_t count;
    std::size_t width;
    std::size_t size() const noexcept { return count; }
    const float* input(std::size_t i) const noexcept { return data + i * width; }
};

namespace check {
/// The layer `Spec` at position `Index` of the network (PyTorch's index).
template <int Index, class Spec>
struct layer {
    template <bool Holds>
    struct has_a_quantized_form {
        static constexpr bool holds = Holds;
    };
};
template <class C>
inline constexpr bool holds = C::holds;
}  // namespace check

namespace detail {
/// The index of the first false in `ok` (its size when none is).
constexpr std::size_t first_false(std::initializer_list<bool> ok) noexcept {
    std::size_t i = 0;
    for (const bool b : ok) {
        if (!b) return i;
        ++i;
    }
    return i;
}
template <class L, class Policy>
inline constexpr bool has_form = !std::is_same_v<stage_t<L, Policy>, no_quantized_form<L>>;

template <class Root, class Policy, class Seq = std::make_index_sequence<Root::count>>
struct stages;
template <class Root, class Policy, std::size_t... I>
struct stages<Root, Policy, std::index_sequence<I...>> {
    using tuple = std::tuple<stage_t<typename Root::template child<I>, Policy>...>;
    /// The first child without a quantized form (`Root::count`: none).
    static constexpr std::size_t first_bad = first_false({has_form<typename Root::template child<I>, Policy>...});
    static constexpr std::size_t widest = std::max({std::size_t(1), Root::template child<I>::out_shape::size...});
};
template <class Root, std::size_t I, bool Ok = (I < Root::count)>
struct unit_or_none {
    using type = typename Root::template unit<I>;
};
template <class Root, std::size_t I>
struct unit_or_none<Root, I, false> {
    struct type {
        static constexpr int index = -1;
        using spec = void;
    };
};
}  // namespace detail

}  // namespace quant

/// `Net` (a float `Sequential`) with its Dense layers quantized by `Policy`.
/// Build one with `quant::quantize<Policy>(net, samples)`; the object holds
/// every weight (a 784-128-10 MLP: 100 KB in int8, 200 KB in bf16): keep it
/// on the heap. Immutable while it runs: any number of threads may call
/// `forward` at once.
template <class Net, class Policy>
class Quantized {
    static_assert(std::is_same_v<typename Net::value_type, float>, "ctnn: Quantized takes a float network");
    using root = typename Net::root;
    using plan = quant::detail::stages<root, Policy>;
    using bad = typename quant::detail::unit_or_none<root, plan::first_bad>::type;
    static_assert(quant::check::holds<typename quant::check::layer<bad::index, typename bad::spec>::template
                                          has_a_quantized_form<plan::first_bad == root::count>>,
                  "ctnn: Quantized<Net, Policy> quantizes Dense layers and runs layers without parameters in float; "
                  "this layer has neither form");

public:
    using network = Net;
    using policy = Policy;
    using input_type = typename Net::input_type;
    using output_type = typename Net::output_type;
    template <std::size_t B>
    using input_batch = typename Net::template input_batch<B>;
    template <std::size_t B>
    using output_batch = typename Net::template output_batch<B>;
    static constexpr std::size_t count = root::count;
    static constexpr std::size_t in_size = Net::in_shape::size, out_size = Net::out_shape::size;
    template <std::size_t I>
    using stage = std::tuple_element_t<I, typename plan::tuple>;

    /// Bytes of weights and per-row data the forward pass reads.
    static constexpr std::size_t weight_bytes = [] {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return (std::size_t(0) + ... + stage<I>::weight_bytes);
        }(std::make_index_sequence<count>{});
    }();

    /// Dense layers (stages with weights).
    static constexpr std::size_t dense_count = [] {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return (std::size_t(0) + ... + std::size_t(stage<I>::has_weights));
        }(std::make_index_sequence<count>{});
    }();

    Quantized() = default;
    /// A network baked into the binary: `dense[k]` is the k-th Dense's data in
    /// this policy's format (`ctnn-embed --quantize` writes them and checks
    /// `fits(dense)` in a static_assert). Usable in a constant expression:
    /// `inline constexpr Quantized<Net, quant::int8_weights> net{dense};`.
    template <std::size_t N>
    constexpr explicit Quantized(const quant::baked_dense (&dense)[N]) noexcept {
        static_assert(N == dense_count, "ctnn: a baked Quantized network takes one baked_dense per Dense layer");
        std::size_t k = 0;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (
                [&] {
                    if constexpr (stage<I>::has_weights) std::get<I>(stages_).bake(dense[k++]);
                }(),
                ...);
        }(std::make_index_sequence<count>{});
    }
    /// Whether every `dense[k]` has the k-th Dense's sizes and this policy's arrays.
    template <std::size_t N>
    static constexpr bool fits(const quant::baked_dense (&dense)[N]) noexcept {
        if (N != dense_count) return false;
        std::size_t k = 0;
        bool ok = true;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (
                [&] {
                    if constexpr (stage<I>::has_weights) ok = ok && stage<I>::fits(dense[k++]);
                }(),
                ...);
        }(std::make_index_sequence<count>{});
        return ok;
    }

    /// Stage `I` (the float network's child `I`: a Dense and its fused activation count as one).
    template <std::size_t I>
    constexpr stage<I>& layer() noexcept {
        return std::get<I>(stages_);
    }
    template <std::size_t I>
    constexpr const stage<I>& layer() const noexcept {
        return std::get<I>(stages_);
    }
    /// Child `I`'s name, as the float network's summary prints it.
    template <std::size_t I>
    static std::string layer_name() {
        return root::template unit<I>::name();
    }

    /// One sample: `y = net(x)`. Intermediates on the stack; nothing allocated.
    CTNN_REALTIME void forward(const input_type& x, output_type& y) const noexcept {
        run(x.data(), y.data(), [](std::size_t, const float*) noexcept {});
    }
    CTNN_REALTIME output_type forward(const input_type& x) const noexcept {
        output_type y;
        forward(x, y);
        return y;
    }
    /// `B` samples, one after another.
    template <std::size_t B>
    CTNN_REALTIME void forward(const input_batch<B>& x, output_batch<B>& y) const noexcept {
        for (std::size_t b = 0; b < B; ++b)
            run(x.data() + b * in_size, y.data() + b * out_size, [](std::size_t, const float*) noexcept {});
    }

    /// One sample from `x` to `y`, calling `seen(I, output of stage I)` after each stage.
    template <class Seen>
    void run(const float* x, float* y, Seen&& seen) const noexcept {
        alignas(64) float buf[2][plan::widest];
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (run_stage<I>(x, y, buf, seen), ...);
        }(std::make_index_sequence<count>{});
    }

private:
    template <std::size_t I, class Seen>
    CTNN_INLINE void run_stage(const float* x, float* y, float (*buf)[plan::widest], Seen& seen) const noexcept {
        const float* in = I == 0 ? x : buf[(I - 1) % 2];
        float* out = I + 1 == count ? y : buf[I % 2];
        std::get<I>(stages_).forward(in, out);
        seen(I, static_cast<const float*>(out));
    }

    typename plan::tuple stages_{};
};

namespace quant {

namespace detail {
/// The float network one child at a time (inference mode), calling
/// `seen(I, input of child I, output of child I)`. For calibration and
/// reports (allocates its buffers).
template <class Net, class Seen>
void float_children(const Net& net, const float* x, Seen&& seen) {
    using root = typename Net::root;
    std::vector<std::vector<float>> outs;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                using C = typename root::template child<I>;
                std::vector<float> scratch(std::max<std::size_t>(layers::scratch_size_of<C, float, 1>, 1));
                outs.emplace_back(C::out_shape::size);
                const float* in = I == 0 ? x : outs[I - 1].data();
                C::forward(forward_context<float, 1, false, no_state>{
                    net.params() + root::template param_offsets<float>[I], in, outs[I].data(), nullptr,
                    scratch.data(), nullptr, nullptr});
                seen(I, in, static_cast<const float*>(outs[I].data()));
            }(),
            ...);
    }(std::make_index_sequence<root::count>{});
}

template <class Data, class Net>
void require_samples(const Data& data, std::size_t n, const char* what) {
    if (n == 0 || n > data.size())
        throw error(std::string(what) + ": needs between 1 and " + std::to_string(data.size()) +
                    " samples of the data given, got " + std::to_string(n));
    (void)sizeof(Net);
}
}  // namespace detail

/// Quantizes `net` by `Policy`; for int8 the first `n` samples of `data`
/// (anything with `size()` and `input(i)`, e.g. a `train::Dataset` or
/// `sample_rows`) calibrate each Dense input. Throws `ctnn::error` (and
/// returns nothing) when int8 gets no samples.
template <class Policy, class Net, class Data>
std::unique_ptr<Quantized<Net, Policy>> quantize(const Net& net, const Data& data, std::size_t n,
                                                 calibration c = {}) {
    using Q = Quantized<Net, Policy>;
    constexpr std::size_t count = Q::count;
    constexpr bool needs_ranges = std::is_same_v<Policy, int8_policy<Policy::portable>>;
    if (needs_ranges) detail::require_samples<Data, Net>(data, n, "quantize (int8 calibration)");
    if (!(c.percentile > 0 && c.percentile <= 100))
        throw error("quantize: calibration percentile must be in (0, 100], got " + std::to_string(c.percentile));
    auto q = std::make_unique<Q>();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                if constexpr (Q::template stage<I>::has_weights)
                    q->template layer<I>().set_weights(net.params() + Net::root::template param_offsets<float>[I]);
            }(),
            ...);
    }(std::make_index_sequence<count>{});
    if constexpr (needs_ranges) {
        std::vector<std::vector<float>> magnitudes(count);
        std::vector<float> lowest(count, 0.0f);
        for (std::size_t s = 0; s < n; ++s)
            detail::float_children(net, data.input(s), [&](std::size_t i, const float* in, const float*) {
                [&]<std::size_t... I>(std::index_sequence<I...>) {
                    ((I == i && Q::template stage<I>::has_weights
                          ? (void)(std::for_each(in, in + Q::template stage<I>::in_size,
                                                 [&](float v) {
                                                     magnitudes[I].push_back(std::fabs(v));
                                                     lowest[I] = std::min(lowest[I], v);
                                                 }))
                          : (void)0),
                     ...);
                }(std::make_index_sequence<count>{});
            });
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (
                [&] {
                    if constexpr (Q::template stage<I>::has_weights) {
                        auto& m = magnitudes[I];
                        const std::size_t k = std::min(
                            m.size() - 1, std::size_t(std::ceil(c.percentile / 100.0 * double(m.size()))) - 1);
                        std::nth_element(m.begin(), m.begin() + std::ptrdiff_t(k), m.end());
                        q->template layer<I>().set_input(input_range{lowest[I], m[k]});
                    }
                }(),
                ...);
        }(std::make_index_sequence<count>{});
    }
    return q;
}
/// bf16 (no calibration), or int8 calibrated on every sample of `data`.
template <class Policy, class Net, class Data>
std::unique_ptr<Quantized<Net, Policy>> quantize(const Net& net, const Data& data, calibration c = {}) {
    return quantize<Policy>(net, data, data.size(), c);
}
template <class Policy, class Net>
std::unique_ptr<Quantized<Net, Policy>> quantize(const Net& net) {
    static_assert(!std::is_same_v<Policy, int8_policy<Policy::portable>>,
                  "ctnn: int8 quantization needs calibration samples: quantize<int8_weights>(net, samples)");
    return quantize<Policy>(net, sample_rows{nullptr, 0, 0}, 0);
}

/// The error of one stage's output against the float network's (each
/// network fed its own previous outputs, from the same input): the largest
/// |quantized - float| over the samples and outputs, and that divided by
/// the largest |float output| (`relative`).
struct layer_error {
    std::size_t index;
    std::string name;
    double max_abs = 0;
    double float_max = 0;
    double relative() const noexcept { return float_max > 0 ? max_abs / float_max : max_abs; }
};

/// Per stage, the error of `q` against `net` over the first `n` samples of `data`.
template <class Net, class Policy, class Data>
std::vector<layer_error> error_report(const Quantized<Net, Policy>& q, const Net& net, const Data& data,
                                      std::size_t n) {
    using Q = Quantized<Net, Policy>;
    detail::require_samples<Data, Net>(data, n, "error_report");
    std::vector<layer_error> r;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (r.push_back(layer_error{I, Q::template layer_name<I>()}), ...);
    }(std::make_index_sequence<Q::count>{});
    std::vector<std::vector<float>> qout(Q::count);
    std::vector<float> y(Q::out_size);
    for (std::size_t s = 0; s < n; ++s) {
        q.run(data.input(s), y.data(), [&](std::size_t i, const float* out) {
            [&]<std::size_t... I>(std::index_sequence<I...>) {
                ((I == i ? (void)qout[I].assign(out, out + Q::template stage<I>::out_size) : (void)0), ...);
            }(std::make_index_sequence<Q::count>{});
        });
        detail::float_children(net, data.input(s), [&](std::size_t i, const float*, const float* out) {
            for (std::size_t k = 0; k < qout[i].size(); ++k) {
                r[i].max_abs = std::max(r[i].max_abs, std::fabs(double(qout[i][k]) - double(out[k])));
                r[i].float_max = std::max(r[i].float_max, std::fabs(double(out[k])));
            }
        });
    }
    return r;
}
template <class Net, class Policy, class Data>
std::vector<layer_error> error_report(const Quantized<Net, Policy>& q, const Net& net, const Data& data) {
    return error_report(q, net, data, data.size());
}

/// One line per stage: index, name, max |error|, relative error.
inline void print(std::ostream& os, const std::vector<layer_error>& r) {
    char line[160];
    for (const auto& e : r) {
        std::snprintf(line, sizeof line, "  %2zu %-24s max |err| %.3g  (relative %.3g of max |out| %.3g)\n", e.index,
                      e.name.c_str(), e.max_abs, e.relative(), e.float_max);
        os << line;
    }
}

}  // namespace quant
}  // namespace ctnn
