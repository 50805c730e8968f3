// expect: ctnn: the loss needs targets of the same shape as the network
// expect: same_shape<ctnn::Tensor<float, 8, 10>, ctnn::Tensor<float, 8, 5> ?>
#include <ctnn/loss.hpp>
#include <ctnn/net.hpp>

// Outputs [8, 10], targets [8, 5].
void f(const ctnn::Tensor<float, 8, 10>& y, const ctnn::Tensor<float, 8, 5>& t, ctnn::Tensor<float, 8, 10>& g) {
    ctnn::MSE::compute(y, t, g);
}
