/// \file compile_unit_mlp32.cpp
/// Compile-time benchmark (bench/compile_time.sh): a deep network, 64 ->
/// 32 x (Dense<64>, ReLU) -> 10: forward at batch 1, and a training step at
/// batch 64 (forward, MSE, backward), as out-of-line functions. 64 layer
/// specs, 32 fused Dense units, every one unrolled into both passes. Not
/// linked anywhere. -DCTNN_COMPILE_UNIT_HEADERS_ONLY keeps the includes only.

#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

#ifndef CTNN_COMPILE_UNIT_HEADERS_ONLY

#define CTNN_L1 ctnn::Dense<64>, ctnn::ReLU
#define CTNN_L2 CTNN_L1, CTNN_L1
#define CTNN_L4 CTNN_L2, CTNN_L2
#define CTNN_L8 CTNN_L4, CTNN_L4
#define CTNN_L16 CTNN_L8, CTNN_L8
#define CTNN_L32 CTNN_L16, CTNN_L16

using Deep = ctnn::Sequential<ctnn::Input<64>, CTNN_L32, ctnn::Dense<10>>;
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
