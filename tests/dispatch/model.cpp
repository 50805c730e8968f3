/// \file model.cpp
/// Compiled once per level by ctnn_add_dispatch (tests/dispatch/CMakeLists.txt):
/// the network and the training step at that level's instruction set.

#include "model.hpp"

#include <algorithm>
#include <array>
#include <memory>

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train/step.hpp>

namespace dispatch_test::CTNN_DISPATCH_NAMESPACE {

namespace {
using Net = ctnn::Sequential<ctnn::Input<in>, ctnn::Dense<hidden>, ctnn::Tanh, ctnn::Dense<out>>;
static_assert(Net::param_storage >= param_count);

/// Where PyTorch's tensors (W1, b1, W2, b2) sit in ctnn's buffer.
std::size_t offset(std::size_t tensor) noexcept {
    constexpr auto& at = Net::root::param_offsets<float>;
    switch (tensor) {
    case 0:
        return at[0];
    case 1:
        return at[0] + Net::root::child<0>::bias_at<float>;
    case 2:
        return at[1];
    default:
        return at[1] + Net::root::child<1>::bias_at<float>;
    }
}
constexpr std::size_t sizes[4] = {hidden * in, hidden, out * hidden, out};

/// Copies between PyTorch's order and ctnn's buffer (`to_ctnn` picks the direction).
void convert(float* ctnn_buf, float* torch_buf, bool to_ctnn) noexcept {
    for (std::size_t t = 0, pos = 0; t < 4; pos += sizes[t], ++t) {
        if (to_ctnn)
            std::copy_n(torch_buf + pos, sizes[t], ctnn_buf + offset(t));
        else
            std::copy_n(ctnn_buf + offset(t), sizes[t], torch_buf + pos);
    }
}
}  // namespace

ctnn::dispatch::level compiled_level() noexcept { return ctnn::dispatch::compiled; }

const char* arch_name() noexcept { return ctnn::simd::best_arch::name(); }

void forward(const float* params, const float* x, float* y) {
    auto net = std::make_unique<Net>();
    auto ws = std::make_unique<Net::workspace<batch>>();
    auto xb = std::make_unique<Net::input_batch<batch>>();
    convert(net->params(), const_cast<float*>(params), true);
    std::copy_n(x, batch * in, xb->data());
    net->forward(*xb, *ws);
    std::copy_n(ws->output().data(), batch * out, y);
}

float train_step(float* params, const float* x, const int* labels, float* grads) {
    auto net = std::make_unique<Net>();
    auto ws = std::make_unique<Net::workspace<batch>>();
    auto g = std::make_unique<Net::gradients>();
    auto xb = std::make_unique<Net::input_batch<batch>>();
    ctnn::optim::Adam<Net> adam{{.lr = adam_lr}};
    ctnn::Labels<batch> t{};
    convert(net->params(), params, true);
    std::copy_n(x, batch * in, xb->data());
    std::copy_n(labels, batch, t.begin());
    const float loss = ctnn::train::step<ctnn::SoftmaxCrossEntropy>(*net, *ws, *g, adam, *xb, t);
    convert(g->data, grads, false);
    convert(net->params(), params, false);
    return loss;
}

float median_logit(const float* y) {
    std::array<float, batch * out> v;
    std::copy_n(y, v.size(), v.begin());
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

}  // namespace dispatch_test::CTNN_DISPATCH_NAMESPACE
