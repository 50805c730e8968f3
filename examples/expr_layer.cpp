// A layer written as an expression: a gated unit
//     y = sigmoid(x Wgᵀ + bg) ⊙ tanh(x Whᵀ + bh)
// in a few lines (ExprLayer, layers/expr_layer.hpp). ctnn derives its output
// shape from the expression, checks it, fuses the forward into the GEMM's
// epilogue and generates the backward; the parameters have PyTorch's names
// and initialisation. Here it learns the sign of x·y on the plane (not
// linearly separable) with train::fit and Adam. Run by the test suite with --quick.
#include <array>
#include <cstdio>
#include <memory>

#include <ctnn/ctnn.hpp>

#include "support.hpp"

using namespace ctnn;

template <std::size_t N>
struct Gated {
    static std::string name() { return "Gated"; }
    template <std::size_t In>  // the input's features
    static constexpr std::array params{linear_weight("gate.weight", N, In), linear_bias("gate.bias", N, In),
                                       linear_weight("hidden.weight", N, In), linear_bias("hidden.bias", N, In)};
    static auto forward(const auto& x, const auto& Wg, const auto& bg, const auto& Wh, const auto& bh) {
        return sigmoid(matmul(x, transpose(Wg)) + bg) * tanh(matmul(x, transpose(Wh)) + bh);
    }
};

using Net = Sequential<Input<2>, ExprLayer<Gated<16>>, Dense<2>>;
static_assert(Net::param_table[0].name == "0.gate.weight");
static_assert(Net::param_count == 2 * (16 * 2 + 16) + (2 * 16 + 2));

using Points = train::Dataset<float, Shape<2>>;

Points quadrants(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    Points ds;
    for (std::size_t i = 0; i < n; ++i) {
        const float x[2] = {float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1))};
        ds.push_back(x, x[0] * x[1] > 0 ? 1 : 0);
    }
    return ds;
}

int main(int argc, char** argv) {
    const auto opt = examples::parse_options(argc, argv);
    examples::Checks checks;
    Net::summary(std::cout);

    auto net = std::make_unique<Net>();
    init::torch_default(*net, 1);
    const Points train_set = quadrants(opt.quick ? 1024 : 8192, 2), test_set = quadrants(1000, 3);
    const auto before = train::evaluate<SoftmaxCrossEntropy, 64>(*net, test_set);
    optim::Adam<Net> adam({.lr = 0.02});
    train::fit_options o;
    o.epochs = opt.quick ? 40 : 60;
    o.seed = 4;
    o.progress = train::progress_mode::silent;
    train::fit<SoftmaxCrossEntropy, 32>(*net, adam, train_set, nullptr, o);
    const auto after = train::evaluate<SoftmaxCrossEntropy, 64>(*net, test_set);
    std::printf("test accuracy: %.3f before training, %.3f after (loss %.4f -> %.4f)\n", before.accuracy,
                after.accuracy, before.loss, after.loss);
    checks.expect(after.accuracy > 0.95, "the gated unit learns the quadrants (test accuracy > 0.95)");
    checks.expect(after.loss < before.loss / 4, "training lowers the test loss at least fourfold");
    return checks.exit_code();
}
