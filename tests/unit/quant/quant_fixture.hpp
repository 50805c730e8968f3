// A float network with PyTorch's default initialisation and `count` input
// samples drawn from N(0, sd), for the quantized-network tests.
#pragma once
#include <ctnn/net.hpp>
#include <ctnn/quant.hpp>

#include <cstddef>
#include <random>
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

}  // namespace quant_test
