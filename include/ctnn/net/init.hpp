#pragma once
/// \file init.hpp
/// Parameter initialisers, seeded and reproducible bit for bit (ctnn's own
/// RNG, not the standard distributions). Tensors are drawn in PyTorch's
/// parameter order, each by what its layer's parameter table says of it:
/// its role, fan-in and fan-out, and PyTorch's own default for it.
///
/// | initialiser | `weight` tensors | `bias` tensors | `other` tensors |
/// |---|---|---|---|
/// | `torch_default` | the layer's PyTorch default | the layer's PyTorch default | the layer's PyTorch default |
/// | `xavier_uniform` | U(-a, a), a = √(6 / (fan_in + fan_out)) | 0 | the PyTorch default |
/// | `xavier_normal` | N(0, 2 / (fan_in + fan_out)) | 0 | the PyTorch default |
/// | `he_uniform` | U(-a, a), a = √(6 / fan_in) | 0 | the PyTorch default |
/// | `he_normal` | N(0, 2 / fan_in) | 0 | the PyTorch default |
///
/// Buffers (running statistics) always get their rule, as `other` tensors.
///
/// PyTorch's defaults reproduce its distributions (not its random stream):
/// U(±1/√fan_in) for `nn.Linear` (and convolutions), U(±1/√hidden) for
/// recurrent layers, constants for norms and PReLU (0.25), N(0, 1) for
/// embeddings.

#include <cmath>
#include <cstdint>

#include "../core/random.hpp"
#include "../layers/layer_concepts.hpp"
#include "network.hpp"

namespace ctnn::init {

namespace detail {
enum class kind { xavier_uniform, xavier_normal, he_uniform, he_normal, torch_default };

/// One value of PyTorch's default for a tensor.
inline double torch_value(const init_rule& r, Rng& rng) {
    switch (r.kind) {
        case init_rule::uniform_inv_sqrt: return rng.uniform(-1, 1) / std::sqrt(r.value);
        case init_rule::constant: return r.value;
        case init_rule::normal: return rng.normal() * r.value;
    }
    return 0;
}

template <Network Net>
void apply(Net& net, std::uint64_t seed, kind k) {
    using T = typename Net::value_type;
    Rng rng(seed);
    net.for_each_param([&](const auto&, const param_info& p, T* data) {
        const std::size_t n = p.size();
        const double fan_in = double(p.fan_in), fan_out = double(p.fan_out);
        for (std::size_t i = 0; i < n; ++i) {
            double v = 0;
            if (k == kind::torch_default || p.role == param_role::other || p.role == param_role::buffer)
                v = torch_value(p.init, rng);
            else if (p.role == param_role::bias)
                v = 0;
            else
                switch (k) {
                    case kind::xavier_uniform: v = rng.uniform(-1, 1) * std::sqrt(6.0 / (fan_in + fan_out)); break;
                    case kind::xavier_normal: v = rng.normal() * std::sqrt(2.0 / (fan_in + fan_out)); break;
                    case kind::he_uniform: v = rng.uniform(-1, 1) * std::sqrt(6.0 / fan_in); break;
                    case kind::he_normal: v = rng.normal() * std::sqrt(2.0 / fan_in); break;
                    case kind::torch_default: break;
                }
            data[i] = T(v);
        }
    });
}

}  // namespace detail

/// Glorot & Bengio (2010), uniform.
template <Network Net>
void xavier_uniform(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::xavier_uniform); }
/// Glorot & Bengio (2010), normal.
template <Network Net>
void xavier_normal(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::xavier_normal); }
/// He et al. (2015), uniform: for ReLU networks.
template <Network Net>
void he_uniform(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::he_uniform); }
/// He et al. (2015), normal.
template <Network Net>
void he_normal(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::he_normal); }
/// Each tensor as PyTorch initialises it by default.
template <Network Net>
void torch_default(Net& net, std::uint64_t seed) { detail::apply(net, seed, detail::kind::torch_default); }

}  // namespace ctnn::init
