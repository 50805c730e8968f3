// expect: ctnn: an ExprLayer's expression must keep the batch as its leading dimension and give every sample the same shape
// expect: layer<(ctnn::)?path<0>, ctnn::ExprLayer<.*Scaled.*expression_keeps_the_batch_leading<ctnn::Shape<5> ?>
#include <array>

#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>

// The expression forgets x: its shape is the weight's, not [B, ...].
struct Scaled {
    template <std::size_t In>
    static constexpr std::array params{ctnn::constant_param("scale", {3, In}, 1.0)};
    static auto forward(const auto&, const auto& s) { return s * 2; }
};
using Net = ctnn::Sequential<ctnn::Input<5>, ctnn::ExprLayer<Scaled>, ctnn::Dense<2>>;
float f(const ctnn::Tensor<float, 5>& x) {
    Net net;
    return net.forward(x)(0);
}
