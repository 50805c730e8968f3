/// \file libtorch_rnn_peer.cpp
/// LibTorch's side of `gru16_train` (see libtorch_rnn_peer.hpp).
#include "libtorch_rnn_peer.hpp"

#include <cstring>

#include <torch/torch.h>

namespace ctnn_bench {

struct LibtorchGru::impl {
    torch::nn::GRU gru{torch::nn::GRUOptions(1, hidden).batch_first(true)};
    torch::nn::Linear out{hidden, 1};
    torch::Tensor x, target;
};

LibtorchGru::LibtorchGru(const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh,
                         const float* w_out, const float* b_out, const float* x, const float* target)
    : p_(std::make_unique<impl>()) {
    torch::set_num_threads(1);
    torch::NoGradGuard no_grad;
    auto set = [](torch::Tensor t, const float* src) {
        std::memcpy(t.data_ptr<float>(), src, std::size_t(t.numel()) * sizeof(float));
    };
    auto g = p_->gru->named_parameters();
    set(g["weight_ih_l0"], w_ih);
    set(g["weight_hh_l0"], w_hh);
    set(g["bias_ih_l0"], b_ih);
    set(g["bias_hh_l0"], b_hh);
    set(p_->out->weight, w_out);
    set(p_->out->bias, b_out);
    p_->x = torch::from_blob(const_cast<float*>(x), {long(batch), long(steps), 1}).clone();
    p_->target = torch::from_blob(const_cast<float*>(target), {long(batch), 1}).clone();
}

LibtorchGru::~LibtorchGru() = default;

float LibtorchGru::gradients() {
    p_->gru->zero_grad();
    p_->out->zero_grad();
    const auto y = std::get<0>(p_->gru->forward(p_->x));
    auto loss = torch::mse_loss(p_->out->forward(y.select(1, long(steps) - 1)), p_->target);
    loss.backward();
    return loss.item<float>();
}

void LibtorchGru::grad_w_hh(float* out) const {
    const auto g = p_->gru->named_parameters()["weight_hh_l0"].grad().contiguous();
    std::memcpy(out, g.data_ptr<float>(), std::size_t(g.numel()) * sizeof(float));
}

}  // namespace ctnn_bench
