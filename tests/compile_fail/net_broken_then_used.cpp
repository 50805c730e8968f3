// expect: ctnn: this layer works on a flat sample \(rank 1\): put Flatten before it
// expect: needs_a_flat_input_but_layer<ctnn::path<-1>, ctnn::Input<28, 28> ?>::produces<ctnn::Shape<28, 28> ?>
#include <ctnn/ctnn.hpp>
#include <memory>

// A 28x28 image into Dense without Flatten, then used as the README does
// (step, training forward, backward, forward, fit, evaluate, save): one error.
using Net = ctnn::Sequential<ctnn::Input<28, 28>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10>>;

int main() {
    auto net = std::make_unique<Net>();
    auto ws = std::make_unique<Net::workspace<64>>();
    auto g = std::make_unique<Net::gradients>();
    ctnn::optim::Adam<Net> adam(ctnn::optim::adam_config<false>{.lr = 1e-3f});
    Net::input_batch<64> X{};
    ctnn::Labels<64> labels{};
    float loss = ctnn::train::step<ctnn::SoftmaxCrossEntropy>(*net, *ws, *g, adam, X, labels);
    net->forward<true>(X, *ws);
    net->backward(X, *ws, *g);
    ctnn::Tensor<float, 28, 28> x{};
    ctnn::Tensor<float, 10> y = net->forward(x);
    ctnn::train::Dataset<float, ctnn::Shape<28, 28>> data;
    ctnn::train::fit<ctnn::SoftmaxCrossEntropy, 64>(*net, adam, data, nullptr);
    ctnn::train::metrics m = ctnn::train::evaluate<ctnn::SoftmaxCrossEntropy, 500>(*net, data);
    (void)m;
    ctnn::io::save_safetensors(*net, "out.safetensors");
    return int(loss + y(0));
}
