// ExprLayer inside graphs: in a Residual's body, in Concat's branches and in
// a nested chain, a gated unit and a highway layer have PyTorch's module
// paths and give gradients that match finite differences in double. And the
// forms of the backward from what the training forward kept
// (`vjp_into_kept`): a kept product broadcast over the batch, a product of a
// sub-expression (recomputed), a product at the root.
// (Training and checkpoints: expr_layer_train.cpp.)
#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <memory>

#include <ctnn/net.hpp>

#include "../net/net_checks.hpp"
#include "expr_layer_specs.hpp"

using namespace ctnn;
using expr_layer_specs::Gated;
using expr_layer_specs::Highway;

namespace {
/// tanh(x Wᵀ + V c) ⊙ (sigmoid(x) Uᵀ): V c is kept and broadcast over the
/// rows; sigmoid(x) Uᵀ is not kept (its operand is an expression).
template <std::size_t N>
struct Kept {
    template <std::size_t In>
    static constexpr std::array params{linear_weight("weight", N, In), linear_weight("v", N, N), linear_bias("c", N, N),
                                       linear_weight("u", N, In)};
    static auto forward(const auto& x, const auto& W, const auto& V, const auto& c, const auto& U) {
        return tanh(matmul(x, transpose(W)) + matmul(V, c)) * matmul(sigmoid(x), transpose(U));
    }
};
/// x Wᵀ: the root is the kept product.
template <std::size_t N>
struct Linear {
    template <std::size_t In>
    static constexpr std::array params{linear_weight("weight", N, In)};
    static auto forward(const auto& x, const auto& W) { return matmul(x, transpose(W)); }
};

template <class T>
using Graph = BasicSequential<T, Input<5>, Residual<ExprLayer<Highway>>,
                              Concat<ExprLayer<Gated<4>>, Sequential<Dense<3>, ExprLayer<Gated<2>>>>, Dense<3>>;
}  // namespace

TEST_CASE("ExprLayer in Residual, Concat and a nested chain: names and finite differences",
          "[layers][expr_layer][grad]") {
    using Net = Graph<double>;
    STATIC_REQUIRE(Net::param_table[0].name == "0.body.0.transform.weight");
    STATIC_REQUIRE(Net::param_table[4].name == "1.branches.0.gate.weight");
    STATIC_REQUIRE(Net::param_table[10].name == "1.branches.1.1.gate.weight");
    STATIC_REQUIRE(std::is_same_v<Net::out_shape, Shape<3>>);
    net_checks::check_net<Net, MSE, 3>(21);
}


TEST_CASE("ExprLayer: backward from the kept products in every form, against finite differences",
          "[layers][expr_layer][grad]") {
    using Net = BasicSequential<double, Input<5>, ExprLayer<Kept<4>>, ExprLayer<Linear<3>>>;
    STATIC_REQUIRE(layers::binding<ExprLayer<Kept<4>>>::type<Shape<5>>::saved_size<double, 3> == 3 * 4 + 4);
    STATIC_REQUIRE(layers::binding<ExprLayer<Linear<3>>>::type<Shape<4>>::saved_size<double, 3> == 3 * 3);
    net_checks::check_net<Net, MSE, 3>(23);
}
