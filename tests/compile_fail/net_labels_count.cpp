// expect: ctnn: the loss needs one label per sample of the batch
// expect: one_label_per_sample<32(UL)?, 64(UL)?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// 32 labels for a batch of 64.
void f(const ctnn::Tensor<float, 64, 10>& y, const ctnn::Labels<32>& l, ctnn::Tensor<float, 64, 10>& g) {
    ctnn::SoftmaxCrossEntropy::compute(y, l, g);
}
