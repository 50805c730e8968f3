/// \file libtorch_peer.cpp
/// LibTorch's side of `fmnist_step` and `fmnist_epoch` (see libtorch_peer.hpp).
#include "libtorch_peer.hpp"

#include <cstring>

#include <torch/torch.h>

namespace ctnn_bench {

struct LibtorchMlp::impl {
    torch::nn::Sequential net{torch::nn::Linear(784, 128), torch::nn::ReLU(), torch::nn::Linear(128, 10)};
    std::unique_ptr<torch::optim::Adam> adam;
    torch::Tensor& param(int k) { return net->parameters()[std::size_t(k)]; }
};

LibtorchMlp::LibtorchMlp(const float* w1, const float* b1, const float* w2, const float* b2)
    : p_(std::make_unique<impl>()) {
    torch::set_num_threads(1);
    torch::NoGradGuard no_grad;
    const float* src[4] = {w1, b1, w2, b2};
    auto params = p_->net->parameters();
    for (std::size_t k = 0; k < 4; ++k)
        std::memcpy(params[k].data_ptr<float>(), src[k], std::size_t(params[k].numel()) * sizeof(float));
    p_->adam = std::make_unique<torch::optim::Adam>(p_->net->parameters(), torch::optim::AdamOptions(1e-3));
}

LibtorchMlp::~LibtorchMlp() = default;

float LibtorchMlp::step(const float* x, const std::int64_t* labels) {
    const auto input = torch::from_blob(const_cast<float*>(x), {64, 784});
    const auto target = torch::from_blob(const_cast<std::int64_t*>(labels), {64}, torch::kInt64);
    p_->adam->zero_grad();
    auto loss = torch::nn::functional::cross_entropy(p_->net->forward(input), target);
    loss.backward();
    p_->adam->step();
    return loss.item<float>();
}

void LibtorchMlp::parameters(float* w1, float* b1, float* w2, float* b2) const {
    float* dst[4] = {w1, b1, w2, b2};
    auto params = p_->net->parameters();
    for (std::size_t k = 0; k < 4; ++k)
        std::memcpy(dst[k], params[k].data_ptr<float>(), std::size_t(params[k].numel()) * sizeof(float));
}

}  // namespace ctnn_bench
