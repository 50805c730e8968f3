// expect: ctnn: matmul needs the inner extents to match
// expect: ExprLayer<.*Forgot
// allow-second-ctnn-error
// expect-lines-before: 16 (the expression's own check, inside the user's forward, inside the layer's binding)
#include <array>

#include <ctnn/ctnn.hpp>

// matmul(x, W) without the transpose: [B, 5] · [4, 5]. The expression's own
// check reports it first (its requirement shows both shapes; the
// instantiation chain names the ExprLayer). The layer then adds a second
// error, that its expression is not [B, ...]: the failed matmul became
// after_error's constant, which the layer cannot tell from a user's constant
// (docs/design.md, "Layers as expressions (ExprLayer)").
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
