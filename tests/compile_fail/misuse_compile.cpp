// expect-success
// The positive twins of optim_other_network, net_input_element_type,
// loss_mse_labels and train_fit_argument_order: the same code with the
// mistake fixed compiles (so those cases cannot pass because the harness broke).
#include <ctnn/layers/checks.hpp>  // ctnn.hpp's order (the shortest include chains), not all of it
#include <ctnn/core.hpp>
#include <ctnn/expr.hpp>
#include <ctnn/net.hpp>
#include <ctnn/loss.hpp>
#include <ctnn/optim/adam.hpp>
#include <ctnn/train/fit.hpp>

using Net = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<16>, ctnn::Dense<2>>;
void step(Net& net, Net::gradients& g, ctnn::optim::Adam<Net>& adam) { adam.step(net, g); }

using Small = ctnn::Sequential<ctnn::Input<3>, ctnn::Dense<4>, ctnn::Dense<2>>;
float f(const Small& net, const ctnn::Tensor<float, 3>& x) { return net.forward(x)(0); }
void g(const Small& net, const ctnn::Tensor<float, 8, 3>& x, Small::workspace<8>& ws) { net.forward(x, ws); }

using Reg = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float h(const Reg::workspace<8>& ws, Reg::workspace<8>& out, const Reg::output_batch<8>& targets) {
    return ctnn::MSE::compute(ws.output(), targets, out.output_grad());
}

using Data = ctnn::train::Dataset<float, ctnn::Shape<4>>;
void fit(Reg& net, ctnn::optim::Adam<Reg>& adam, const Data& data) {
    ctnn::train::fit<ctnn::SoftmaxCrossEntropy, 64>(net, adam, data, nullptr);
}

// net_output_shape, net_param_assign_shape, net_param_view_equals, net_batch_without_workspace,
// train_step_without_workspace, net_dense_zero fixed:
using Three = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<3>>;
float out(const Three& net, const ctnn::Tensor<float, 4>& x) {
    ctnn::Tensor<float, 3> y = net.forward(x);
    return y(0) + y(1);
}
float weights(Three& net, const ctnn::Tensor<float, 3, 4>& w, const ctnn::Tensor<float, 4>& x) {
    net.param<"0.weight">().assign(w);
    return net.forward(x)(0);
}
float batch(const Three& net, const Three::input_batch<8>& X, Three::workspace<8>& ws) {
    net.forward(X, ws);
    return ws.output()(0, 0) + ws.output()(7, 2);
}
using Eight = ctnn::Sequential<ctnn::Input<4>, ctnn::Dense<8>, ctnn::Dense<1>>;
float train(Eight& net, Eight::workspace<8>& ws, Eight::gradients& g, ctnn::optim::Adam<Eight>& adam,
            const Eight::input_batch<8>& X, const Eight::output_batch<8>& T, const ctnn::Tensor<float, 4>& x) {
    auto y = net.forward(x);
    net.forward<true>(X, ws);
    const float loss = ctnn::MSE::compute(ws.output(), T, ws.output_grad());
    net.backward(X, ws, g);
    adam.step(net, g);
    return loss + y(0) + ctnn::train::step<ctnn::MSE>(net, ws, g, adam, X, T);
}
