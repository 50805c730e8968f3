/// \file compile_unit_mnist.cpp
/// Compile-time benchmark (bench/compile_time.sh): `mlp_mnist` as a user
/// would compile it: 784 -> 128 ReLU -> 10 softmax forward at batch 1 and
/// 64, and a training step at batch 64 on the logits network (forward,
/// softmax cross-entropy, backward), as out-of-line functions so that each
/// is really generated. Not linked anywhere. -DCTNN_COMPILE_UNIT_HEADERS_ONLY
/// keeps the includes and drops the rest.

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#ifndef CTNN_COMPILE_UNIT_HEADERS_ONLY

using Mnist = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10>, ctnn::Softmax>;
using MnistLogits = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<128>, ctnn::ReLU, ctnn::Dense<10>>;

Mnist::output_type mnist_forward_1(const Mnist& net, const Mnist::input_type& x) { return net.forward(x); }

void mnist_forward_64(const Mnist& net, const Mnist::input_batch<64>& x, Mnist::workspace<64>& ws) {
    net.forward(x, ws);
}

float mnist_train_64(MnistLogits& net, const MnistLogits::input_batch<64>& x, const ctnn::Labels<64>& labels,
                     MnistLogits::workspace<64>& ws, MnistLogits::gradients& g) {
    net.forward<true>(x, ws);
    const float loss = ctnn::SoftmaxCrossEntropy::compute(ws.output(), labels, ws.output_grad());
    net.backward(x, ws, g);
    return loss;
}

#endif
