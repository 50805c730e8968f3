#pragma once
/// \file init.hpp
/// Parameter initialisers, seeded and reproducible bit for bit (ctnn's own
/// RNG, not the standard distributions). Weights are drawn layer by layer in
/// PyTorch's parameter order; biases start at zero except with
/// `torch_default`, which reproduces the distributions of `nn.Linear`'s own
/// initialisation (not its random stream). PReLU slopes start at 0.25.
///
/// | initialiser | weight of a layer with fan_in, fan_out |
/// |---|---|
/// | `xavier_uniform` | U(-a, a), a = √(6 / (fan_in + fan_out)) |
/// | `xavier_normal` | N(0, 2 / (fan_in + fan_out)) |
/// | `he_uniform` | U(-a, a), a = √(6 / fan_in) |
/// | `he_normal` | N(0, 2 / fan_in) |
/// | `torch_default` | U(-1/√fan_in, 1/√fan_in), bias the same |

#include <cmath>
#include <cstdint>
#include <string_view>

#include "../core/random.hpp"
#include "../layers/layer_concepts.hpp"

namespace ctnn::init {

namespace detail {
enum class kind { xavier_uniform, xavier_normal, he_uniform, he_normal, torch_default };

/// The fan-in of the weight stored just before `bias` in the same layer.
template <class Net>
std::size_t last_fan_in(const Net& net, const typename Net::value_type* bias) {
    std::size_t fan_in = 1;
    net.for_each_param([&](const auto&, const param_info& info, const typename Net::value_type* data) {
        if (info.rank == 2 && data < bias) fan_in = info.dims[1];
    });
    return fan_in;
}
template <class Net>
void apply(Net& net, std::uint64_t seed, kind k) {
    using T = typename Net::value_type;
    Rng rng(seed);
    net.for_each_param([&](const auto&, const param_info& info, T* data) {
        const std::size_t n = info.size();
        if (info.rank == 1 && info.name == "weight") {  // PReLU slope
            for (std::size_t i = 0; i < n; ++i) data[i] = T(0.25);
            return;
        }
        if (info.rank == 1) {  // bias of a Dense [out]; fan_in from the weight before it
            const std::size_t fan_in = last_fan_in(net, data);
            const double a = 1.0 / std::sqrt(double(fan_in));
            for (std::size_t i = 0; i < n; ++i) data[i] = k == kind::torch_default ? T(rng.uniform(-a, a)) : T(0);
            return;
        }
        const double fan_out = double(info.dims[0]), fan_in = double(info.dims[1]);
        for (std::size_t i = 0; i < n; ++i) {
            double v = 0;
            switch (k) {
                case kind::xavier_uniform: v = rng.uniform(-1, 1) * std::sqrt(6.0 / (fan_in + fan_out)); break;
                case kind::xavier_normal: v = rng.normal() * std::sqrt(2.0 / (fan_in + fan_out)); break;
                case kind::he_uniform: v = rng.uniform(-1, 1) * std::sqrt(6.0 / fan_in); break;
                case kind::he_normal: v = rng.normal() * std::sqrt(2.0 / fan_in); break;
                case kind::torch_default: v = rng.uniform(-1, 1) / std::sqrt(fan_in); break;
            }
            data[i] = T(v);
        }
    });
}

}  // namespace detail

/// Glorot & Bengio (2010), uniform.
template <class Net>
void xavier_uniform(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::xavier_uniform); }
/// Glorot & Bengio (2010), normal.
template <class Net>
void xavier_normal(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::xavier_normal); }
/// He et al. (2015), uniform: for ReLU networks.
template <class Net>
void he_uniform(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::he_uniform); }
/// He et al. (2015), normal.
template <class Net>
void he_normal(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::he_normal); }
/// The distributions PyTorch gives `nn.Linear` (Kaiming uniform with a = √5).
template <class Net>
void torch_default(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::torch_default); }

}  // namespace ctnn::init
