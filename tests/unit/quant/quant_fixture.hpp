// What the quantized-network tests share: a float network with PyTorch's
// default initialisation and `count` input samples drawn from N(0, sd); one
// stage run alone beside its float weights; the float network's trace.
#pragma once
#include <ctnn/net.hpp>
#include <ctnn/quant.hpp>

#include <array>
#include <cstddef>
#include <random>
#include <utility>
#include <vector>

namespace quant_test {

template <class Net>
struct net_and_samples {
    static constexpr std::size_t width = Net::in_shape::size;
    Net net;
    std::size_t count;
    std::vector<float> x;
    net_and_samples(std::size_t n, unsigned init_seed, unsigned data_seed, float sd) : count(n), x(n * width) {
        ctnn::init::torch_default(net, init_seed);
        std::mt19937 rng(data_seed);
        std::normal_distribution<float> d(0.0f, sd);
        for (auto& v : x) v = d(rng);
    }
    ctnn::quant::sample_rows rows() const { return {x.data(), count, width}; }
};

/// Stage `I` of a quantized network `q` run alone on `in` (the float
/// network's own input to child `I`), beside that child's float weights
/// `w` ([Out, In]) and bias `b`: what each per-stage check starts from.
template <std::size_t I, class Q, class Net>
struct stage_run {
    using stage = typename Q::template stage<I>;
    static constexpr std::size_t in_size = stage::in_size, out_size = stage::out_size;
    const float* w;
    const float* b;
    std::vector<float> y;
    stage_run(const Q& q, const Net& net, const std::vector<float>& in)
        : w(net.params() + Net::root::template param_offsets<float>[I]),
          b(w + stage::bound::template bias_at<float>),
          y(out_size) {
        q.template layer<I>().forward(in.data(), y.data());
    }
};

/// The float network's input and output of each child for one sample `x`.
template <class Net>
struct float_trace {
    std::vector<std::vector<float>> ins, outs;
    float_trace(const Net& net, const float* x) {
        constexpr auto sizes = []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<std::array<std::size_t, 2>, sizeof...(I)>{
                {{Net::root::template child<I>::in_shape::size, Net::root::template child<I>::out_shape::size}...}};
        }(std::make_index_sequence<Net::root::count>{});
        ctnn::quant::detail::float_children(net, x, [&](std::size_t i, const float* in, const float* out) {
            ins.emplace_back(in, in + sizes[i][0]);
            outs.emplace_back(out, out + sizes[i][1]);
        });
    }
};

}  // namespace quant_test
