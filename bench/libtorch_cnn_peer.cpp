/// \file libtorch_cnn_peer.cpp
/// LibTorch's side of `ctnn_bench_cnn` (see libtorch_cnn_peer.hpp).
#include "libtorch_cnn_peer.hpp"

#include <cstring>
#include <stdexcept>

#include <torch/torch.h>
#include <torch/version.h>

namespace ctnn_bench {

namespace {

/// `x + body(x)`, registered as "body" so its parameters are named
/// `8.body.0.weight` as in ctnn and in PyTorch's example.
struct ResidualImpl : torch::nn::Module {
    torch::nn::Sequential body;
    explicit ResidualImpl(torch::nn::Sequential b) : body(register_module("body", std::move(b))) {}
    torch::Tensor forward(const torch::Tensor& x) { return x + body->forward(x); }
};
TORCH_MODULE(Residual);

torch::nn::Conv2d conv3x3(std::int64_t in, std::int64_t out) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

torch::nn::Sequential make_net() {
    using namespace torch::nn;
    return Sequential(conv3x3(1, 16), BatchNorm2d(16), ReLU(), MaxPool2d(2),                      // [16, 14, 14]
                      conv3x3(16, 32), BatchNorm2d(32), ReLU(), MaxPool2d(2),                     // [32, 7, 7]
                      Residual(Sequential(conv3x3(32, 32), BatchNorm2d(32), ReLU(), conv3x3(32, 32),
                                          BatchNorm2d(32))),
                      ReLU(), Flatten(), Linear(32 * 7 * 7, 128), ReLU(), Dropout(0.3), Linear(128, 10));
}

}  // namespace

struct LibtorchCnn::impl {
    torch::nn::Sequential net = make_net();
    std::unique_ptr<torch::optim::Adam> adam;
    bool training = true;
    void mode(bool train) {
        if (train != training) net->train(train);
        training = train;
    }
};

LibtorchCnn::LibtorchCnn(const std::vector<named_values>& values) : p_(std::make_unique<impl>()) {
    torch::set_num_threads(1);
    torch::NoGradGuard no_grad;
    auto set = [&](const std::string& name, torch::Tensor& t) {
        for (const auto& v : values)
            if (v.name == name) {
                if (std::size_t(t.numel()) != v.size)
                    throw std::runtime_error("LibtorchCnn: " + name + " has " + std::to_string(t.numel()) +
                                             " values in torch, " + std::to_string(v.size) + " given");
                if (t.scalar_type() == torch::kFloat)
                    std::memcpy(t.data_ptr<float>(), v.data, v.size * sizeof(float));
                else  // num_batches_tracked (int64)
                    for (std::size_t i = 0; i < v.size; ++i) t.data_ptr<std::int64_t>()[i] = std::int64_t(v.data[i]);
                return;
            }
        throw std::runtime_error("LibtorchCnn: no values for " + name);
    };
    for (auto& item : p_->net->named_parameters()) set(item.key(), item.value());
    for (auto& item : p_->net->named_buffers()) set(item.key(), item.value());
    p_->net->train(true);
    p_->adam = std::make_unique<torch::optim::Adam>(p_->net->parameters(), torch::optim::AdamOptions(1e-3));
}

LibtorchCnn::~LibtorchCnn() = default;

float LibtorchCnn::train_step(const float* x, const std::int64_t* labels) {
    p_->mode(true);
    const auto input = torch::from_blob(const_cast<float*>(x), {long(batch), 1, 28, 28});
    const auto target = torch::from_blob(const_cast<std::int64_t*>(labels), {long(batch)}, torch::kInt64);
    p_->adam->zero_grad();
    auto loss = torch::nn::functional::cross_entropy(p_->net->forward(input), target);
    loss.backward();
    p_->adam->step();
    return loss.item<float>();
}

void LibtorchCnn::infer(const float* x, std::size_t n, float* logits) {
    p_->mode(false);
    torch::NoGradGuard no_grad;
    const auto input = torch::from_blob(const_cast<float*>(x), {long(n), 1, 28, 28});
    const auto y = p_->net->forward(input).contiguous();
    std::memcpy(logits, y.data_ptr<float>(), n * 10 * sizeof(float));
}

std::string LibtorchCnn::version() { return TORCH_VERSION; }

}  // namespace ctnn_bench
