/// \file compile_unit_train.cpp
/// Compile-time benchmark (bench/compile_time.sh): the flagship training
/// program as a user would compile it: Fashion-MNIST's IDX reader, a
/// validation split, 784 -> 256 ReLU -> 128 ReLU -> 10 trained by
/// `train::fit` with Adam and a cosine schedule, then `evaluate`, including
/// only what it uses (not ctnn.hpp, whose io/ brings nlohmann-json). Not linked
/// anywhere. -DCTNN_COMPILE_UNIT_HEADERS_ONLY keeps the includes and drops
/// the rest.

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train.hpp>

#ifndef CTNN_COMPILE_UNIT_HEADERS_ONLY

using Net = ctnn::Sequential<ctnn::Input<784>, ctnn::Dense<256>, ctnn::ReLU, ctnn::Dense<128>, ctnn::ReLU,
                             ctnn::Dense<10>>;
using Images = ctnn::train::Dataset<float, ctnn::Shape<784>>;

double train_fashion_mnist(Net& net, const std::string& dir) {
    auto all = ctnn::train::load_idx<Images>(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz");
    auto [training, validation] = ctnn::train::split(all, 1.0 / 12, 7);
    auto adam = std::make_unique<ctnn::optim::Adam<Net>>();
    ctnn::train::fit_options o;
    o.epochs = 20;
    o.schedule = ctnn::optim::cosine_lr{.t_max = 20};
    ctnn::train::fit<ctnn::SoftmaxCrossEntropy, 64>(net, *adam, training, &validation, o);
    return ctnn::train::evaluate<ctnn::SoftmaxCrossEntropy, 500>(net, validation).accuracy;
}

#endif
