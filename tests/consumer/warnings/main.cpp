// A realistic user program compiled with -Wall -Wextra -Wpedantic -Werror
// (tests/consumer runs it with the build's compiler): ctnn's headers must
// not make a user's warning-clean program fail. It touches every layer of
// ctnn a user reaches: activations (fused and not), softmax, every loss, a
// training step with Adam, a tensor expression and its gradient, scalar
// autodiff, saving and loading weights. Returns nonzero on a wrong result.
#include <ctnn/ctnn.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

using namespace ctnn;

bool intrinsics_first_trains();  // intrinsics_first.cpp

namespace {
// Odd sizes leave SIMD tails on every architecture.
using Net = Sequential<Input<13>, Dense<11>, ReLU, Dense<9>, GELU, Dense<8>, GELUTanh, Dense<7>, Tanh, Dense<5, false>, Sigmoid, Dense<6>,
                       SiLU, Dense<3>, Softplus, LeakyReLU<0.01>, ELU<1.0>, Softmax>;
using Mlp = Sequential<Input<13>, Dense<17>, ReLU, Dense<4>>;
constexpr std::size_t B = 5;

int fail(const char* what) {
    std::fprintf(stderr, "warnings consumer: %s\n", what);
    return 1;
}
}  // namespace

int main() {
    FlushDenormals guard;

    auto net = std::make_unique<Net>();
    init::torch_default(*net, 3);
    Tensor<float, 13> x;
    for (std::size_t i = 0; i < 13; ++i) x(i) = float(int(i % 5) - 2) * 0.25f;
    const Tensor<float, 3> p = net->forward(x);
    if (!(std::abs(p(0) + p(1) + p(2) - 1.0f) < 1e-5f)) return fail("softmax output does not sum to 1");

    // a training step (forward, loss, backward, Adam), and one by hand
    auto mlp = std::make_unique<Mlp>();
    init::he_uniform(*mlp, 1);
    auto ws = std::make_unique<Mlp::workspace<B>>();
    auto g = std::make_unique<Mlp::gradients>();
    auto adam = std::make_unique<optim::Adam<Mlp>>(optim::adam_config<false>{.lr = 1e-2});
    Mlp::input_batch<B> X;
    for (std::size_t i = 0; i < X.size; ++i) X.data()[i] = float(int(i % 7) - 3) * 0.1f;
    Labels<B> labels{0, 1, 2, 3, 1};
    const float first = train::step<SoftmaxCrossEntropy>(*mlp, *ws, *g, *adam, X, labels);
    float last = first;
    for (int t = 0; t < 50; ++t) last = train::step<SoftmaxCrossEntropy>(*mlp, *ws, *g, *adam, X, labels);
    if (!(last < first)) return fail("training did not lower the loss");

    mlp->forward<true>(X, *ws);
    Tensor<float, B, 4> targets;
    for (std::size_t i = 0; i < targets.size; ++i) targets.data()[i] = float(i % 2);
    const float mse = MSE::compute(ws->output(), targets, ws->output_grad());
    const float bce = BCEWithLogits::compute(ws->output(), targets, ws->output_grad()) +
                      BCEWithLogitsSum::compute(ws->output(), targets, ws->output_grad());
    const float ce = SoftmaxCrossEntropy::compute(ws->output(), labels, ws->output_grad());
    mlp->backward(X, *ws, *g);
    if (!(std::isfinite(mse) && std::isfinite(bce) && std::isfinite(ce))) return fail("a loss is not finite");

    // save and load the weights
    const std::string path = (std::filesystem::temp_directory_path() / "ctnn_warnings_consumer.safetensors").string();
    io::save_safetensors(*mlp, path);
    auto back = std::make_unique<Mlp>();
    io::load_safetensors(*back, path);
    std::filesystem::remove(path);
    if (!(back->forward(x) == mlp->forward(x))) return fail("loaded weights differ");

    // a tensor expression and its gradient
    Tensor<float, 7, 19> W;
    Tensor<float, 19> v;
    Tensor<float, 7> b, h;
    for (std::size_t i = 0; i < W.size; ++i) W.data()[i] = float(int(i % 9) - 4) * 0.05f;
    for (std::size_t i = 0; i < v.size; ++i) v.data()[i] = float(int(i % 3) - 1);
    assign(h, sigmoid(matmul(W, v) + b));
    auto [L, dW, db] = grad(sum(sigmoid(matmul(W, v) + b)), wrt(W, b));
    float total = 0;
    for (std::size_t i = 0; i < h.size; ++i) total += h(i);
    if (!(std::abs(L - total) < 1e-4f)) return fail("expression and assignment disagree");
    (void)dW;
    (void)db;

    // scalar constexpr autodiff
    constexpr auto x0 = var<0>{};
    constexpr auto x1 = var<1>{};
    static_assert(grad(x0 * x1 + exp(x0), 0.0, 2.0).gradient[1] == 0.0);

    if (!intrinsics_first_trains()) return fail("training in intrinsics_first.cpp did not lower the loss");

    std::printf("warnings consumer: ok (loss %.4f -> %.4f)\n", double(first), double(last));
    return 0;
}
