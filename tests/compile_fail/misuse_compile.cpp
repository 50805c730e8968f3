// expect-success
// The positive twins of optim_other_network, net_input_element_type,
// loss_mse_labels and train_fit_argument_order: the same code with the
// mistake fixed compiles (so those cases cannot pass because the harness broke).
#include <ctnn/ctnn.hpp>

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
