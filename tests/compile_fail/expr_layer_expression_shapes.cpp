// expect: ctnn: matmul needs the inner extents to match
// expect: ExprLayer<.*Forgot
// expect-lines-before: 16 (the expression's own check, inside the user's forward, inside the layer's binding)
#include <array>

#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// matmul(x, W) without the transpose: [B, 5] · [4, 5]. The expression's own
// check reports it (its requirement shows both shapes; the instantiation
// chain names the ExprLayer), and that is the one error: the failed matmul
// became `expr::Failed` (after_error), which the layer recognises anywhere in
// its expression and reports nothing more (docs/design.md, "Layers as
// expressions (ExprLayer)").
struct Forgot {
    template <std::size_t In>
    static constexpr std::array params{ctnn::linear_weight("weight", 4, In), ctnn::linear_bias("bias", 4, In)};
    static auto forward(const auto& x, const auto& W, const auto& b) { return tanh(matmul(x, W) + b); }
};
using Net = ctnn::Sequential<ctnn::Input<5>, ctnn::ExprLayer<Forgot>, ctnn::Dense<2>>;
float f(const ctnn::Tensor<float, 5>& x) {
    Net net;
    return net.forward(x)(0);
}
