#include "model.hpp"

#include <algorithm>

#include <ctnn/net.hpp>

#include "baked.hpp"  // written by ctnn_embed_header at build time

namespace consumer::CTNN_DISPATCH_NAMESPACE {
namespace {
using Net = ctnn::Sequential<ctnn::Input<in>, ctnn::Dense<hidden>, ctnn::Tanh, ctnn::Dense<out>>;

class Mlp final : public Model {
    std::unique_ptr<Net> net = std::make_unique<Net>();
    std::unique_ptr<Net::workspace<batch>> ws = std::make_unique<Net::workspace<batch>>();
    Net::input_batch<batch> xb{};

public:
    explicit Mlp(const float* p) {
        float* dst = net->params();
        const auto& at = Net::root::param_offsets<float>;
        std::copy_n(p, hidden * in, dst + at[0]);
        std::copy_n(p + hidden * in, hidden, dst + at[0] + Net::root::child<0>::bias_at<float>);
        p += hidden * in + hidden;
        std::copy_n(p, out * hidden, dst + at[1]);
        std::copy_n(p + out * hidden, out, dst + at[1] + Net::root::child<1>::bias_at<float>);
    }
    void forward(const float* x, float* y) override {
        std::copy_n(x, batch * in, xb.data());
        net->forward(xb, *ws);
        std::copy_n(ws->output().data(), batch * out, y);
    }
    const char* arch() const override { return ctnn::simd::best_arch::name(); }
};
}  // namespace

std::unique_ptr<Model> make_model(const float* params) { return std::make_unique<Mlp>(params); }

void run_baked(const float* x, float* y, const char** arch) {
    const ctnn::Tensor<float, 4> input{x[0], x[1], x[2], x[3]};
    const auto out = baked::net.forward(input);
    std::copy_n(out.data(), 2, y);
    *arch = ctnn::simd::best_arch::name();
}
}  // namespace consumer::CTNN_DISPATCH_NAMESPACE
