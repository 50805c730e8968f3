// expect: ctnn: an ExprLayer takes samples of another rank than the layer before it produces
// expect: layer<(ctnn::)?path<1>, ctnn::ExprLayer<Gate ?> ?>::expects_rank<2>::but_layer<(ctnn::)?path<0>, ctnn::Flatten ?>::produces<ctnn::Shape<6> ?>
#include <array>

#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// A gated unit over rank-2 samples: the spec says it takes matrices (in_rank
// 2), the network hands it a flat sample. The one error names the layer.
struct Gate {
    static constexpr std::size_t in_rank = 2;
    template <std::size_t In>
    static constexpr std::array params{ctnn::linear_weight("weight", 4, In), ctnn::linear_bias("bias", 4, In)};
    static auto forward(const auto& x, const auto& W, const auto& b) {
        return sigmoid(matmul(x, transpose(W)) + b);
    }
};
using Net = ctnn::Sequential<ctnn::Input<2, 3>, ctnn::Flatten, ctnn::ExprLayer<Gate>>;
float f(const ctnn::Tensor<float, 2, 3>& x) {
    Net net;
    return net.forward(x)(0);
}
