/// \file compile_unit_res32.cpp
/// Compile-time benchmark (bench/compile_time.sh): a deep residual network,
/// 64 -> 32 x Residual<Dense<64>, ReLU, Dense<64>> -> 10: forward at batch 1,
/// and a training step at batch 64 (forward, MSE, backward), as out-of-line
/// functions. 32 blocks nested one level, 64 Dense layers. Not linked
/// anywhere. -DCTNN_COMPILE_UNIT_HEADERS_ONLY keeps the includes only.

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#ifndef CTNN_COMPILE_UNIT_HEADERS_ONLY

#define CTNN_B1 ctnn::Residual<ctnn::Dense<64>, ctnn::ReLU, ctnn::Dense<64>>
#define CTNN_B2 CTNN_B1, CTNN_B1
#define CTNN_B4 CTNN_B2, CTNN_B2
#define CTNN_B8 CTNN_B4, CTNN_B4
#define CTNN_B16 CTNN_B8, CTNN_B8
#define CTNN_B32 CTNN_B16, CTNN_B16

using Deep = ctnn::Sequential<ctnn::Input<64>, CTNN_B32, ctnn::Dense<10>>;
static_assert(Deep::root::count == 33);

Deep::output_type deep_forward_1(const Deep& net, const Deep::input_type& x) { return net.forward(x); }

float deep_train_64(Deep& net, const Deep::input_batch<64>& x, const Deep::output_batch<64>& t,
                    Deep::workspace<64>& ws, Deep::gradients& g) {
    net.forward<true>(x, ws);
    const float loss = ctnn::MSE::compute(ws.output(), t, ws.output_grad());
    net.backward(x, ws, g);
    return loss;
}

#endif
