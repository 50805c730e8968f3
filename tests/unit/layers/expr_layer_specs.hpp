#pragma once
// The layers-as-expressions of the ExprLayer tests: Dense + tanh with
// Dense's parameter names, a gated unit and a highway layer with the
// parameter names of the torch modules in tests/fixtures/make_expr_layer_fixtures.py.
#include <array>
#include <cstddef>
#include <string>

#include <ctnn/layers/expr_layer.hpp>

namespace expr_layer_specs {
using namespace ctnn;

/// y = tanh(x Wᵀ + b), parameters "weight" and "bias" as Dense's (nn.Linear's).
template <std::size_t N>
struct DenseTanh {
    static std::string name() { return "DenseTanh"; }
    template <std::size_t In>
    static constexpr std::array params{linear_weight("weight", N, In), linear_bias("bias", N, In)};
    static constexpr auto forward(const auto& x, const auto& W, const auto& b) { return tanh(matmul(x, transpose(W)) + b); }
};

/// y = sigmoid(x Wgᵀ + bg) ⊙ tanh(x Whᵀ + bh)
template <std::size_t N>
struct Gated {
    static std::string name() { return "Gated"; }
    template <std::size_t In>
    static constexpr std::array params{linear_weight("gate.weight", N, In), linear_bias("gate.bias", N, In),
                                       linear_weight("hidden.weight", N, In), linear_bias("hidden.bias", N, In)};
    static constexpr auto forward(const auto& x, const auto& Wg, const auto& bg, const auto& Wh, const auto& bh) {
        return sigmoid(matmul(x, transpose(Wg)) + bg) * tanh(matmul(x, transpose(Wh)) + bh);
    }
};

/// y = t ⊙ h + (1 - t) ⊙ x, h = relu(x Whᵀ + bh), t = sigmoid(x Wtᵀ + bt): keeps the width.
struct Highway {
    static std::string name() { return "Highway"; }
    template <std::size_t In>
    static constexpr std::array params{linear_weight("transform.weight", In, In), linear_bias("transform.bias", In, In),
                                       linear_weight("hidden.weight", In, In), linear_bias("hidden.bias", In, In)};
    static constexpr auto forward = [](const auto& x, const auto& Wt, const auto& bt, const auto& Wh, const auto& bh) {
        const auto t = sigmoid(matmul(x, transpose(Wt)) + bt);
        return t * relu(matmul(x, transpose(Wh)) + bh) + (1 - t) * x;
    };
};

}  // namespace expr_layer_specs
