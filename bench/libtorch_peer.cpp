/// \file libtorch_peer.cpp
/// LibTorch's side of `fmnist_step` and `fmnist_epoch` (see libtorch_peer.hpp).
#include "libtorch_peer.hpp"

#include <cstring>
#include <vector>

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

struct LibtorchGru::impl {
    std::int64_t batch, steps, features, hidden;
    bool last;
    torch::nn::GRU gru;
    torch::nn::Linear head;
    std::unique_ptr<torch::optim::Adam> adam;
    impl(std::int64_t b, std::int64_t t, std::int64_t f, std::int64_t h, bool l)
        : batch(b), steps(t), features(f), hidden(h), last(l),
          gru(torch::nn::GRUOptions(f, h).batch_first(true)), head(h, 1) {}
    std::vector<torch::Tensor> params() const {
        return {gru->named_parameters()["weight_ih_l0"], gru->named_parameters()["weight_hh_l0"],
                gru->named_parameters()["bias_ih_l0"], gru->named_parameters()["bias_hh_l0"], head->weight,
                head->bias};
    }
};

LibtorchGru::LibtorchGru(std::int64_t batch, std::int64_t steps, std::int64_t features, std::int64_t hidden,
                         bool last_step, const float* const params[6])
    : p_(std::make_unique<impl>(batch, steps, features, hidden, last_step)) {
    torch::set_num_threads(1);
    torch::NoGradGuard no_grad;
    auto ps = p_->params();
    for (std::size_t k = 0; k < 6; ++k)
        std::memcpy(ps[k].data_ptr<float>(), params[k], std::size_t(ps[k].numel()) * sizeof(float));
    std::vector<torch::Tensor> all = p_->gru->parameters();
    for (auto& t : p_->head->parameters()) all.push_back(t);
    p_->adam = std::make_unique<torch::optim::Adam>(all, torch::optim::AdamOptions(1e-3));
}

LibtorchGru::~LibtorchGru() = default;

float LibtorchGru::step(const float* x, const float* y) {
    const auto input = torch::from_blob(const_cast<float*>(x), {p_->batch, p_->steps, p_->features});
    const auto target = p_->last ? torch::from_blob(const_cast<float*>(y), {p_->batch, 1})
                                 : torch::from_blob(const_cast<float*>(y), {p_->batch, p_->steps, 1});
    p_->adam->zero_grad();
    auto out = std::get<0>(p_->gru->forward(input));
    if (p_->last) out = out.select(1, p_->steps - 1);
    auto loss = torch::mse_loss(p_->head->forward(out), target);
    loss.backward();
    p_->adam->step();
    return loss.item<float>();
}

void LibtorchGru::parameters(float* const params[6]) const {
    auto ps = p_->params();
    for (std::size_t k = 0; k < 6; ++k)
        std::memcpy(params[k], ps[k].data_ptr<float>(), std::size_t(ps[k].numel()) * sizeof(float));
}

}  // namespace ctnn_bench
