// expect-success
// The positive twin of expr_layer_rank.cpp, expr_layer_batch.cpp and
// expr_layer_expression_shapes.cpp: the same layers with the mistakes fixed.
#include <array>

#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

struct Gate {
    static constexpr std::size_t in_rank = 2;
    template <std::size_t In>
    static constexpr std::array params{ctnn::linear_weight("weight", 4, In), ctnn::linear_bias("bias", 4, In)};
    static auto forward(const auto& x, const auto& W, const auto& b) {
        return sigmoid(matmul(x, transpose(W)) + b);
    }
};
struct Scaled {
    template <std::size_t In>
    static constexpr std::array params{ctnn::constant_param("scale", {In}, 1.0)};
    static auto forward(const auto& x, const auto& s) { return x * s * 2; }
};
struct Fixed {
    template <std::size_t In>
    static constexpr std::array params{ctnn::linear_weight("weight", 4, In), ctnn::linear_bias("bias", 4, In)};
    static auto forward(const auto& x, const auto& W, const auto& b) { return tanh(matmul(x, transpose(W)) + b); }
};
using A = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::ExprLayer<Gate>>;
using B = ctnn::Sequential<ctnn::Input<5>, ctnn::ExprLayer<Scaled>, ctnn::ExprLayer<Fixed>, ctnn::Dense<2>>;
float f(const ctnn::Tensor<float, 2, 3>& x, const ctnn::Tensor<float, 5>& y) {
    A a;
    B b;
    return a.forward(x)(0, 0) + b.forward(y)(0);
}
