// expect: ctnn: each gradient tensor must have the shape of its wrt tensor
// expect: is_same_v<ctnn::Shape<3>, ctnn::Shape<4> ?>
#include <ctnn/autodiff.hpp>

// The gradient of a [3] tensor written into a [4] one.
void f(const ctnn::Tensor<double, 3>& a, ctnn::Tensor<double, 4>& da) {
    ctnn::grad_into(ctnn::sum(a * a), ctnn::wrt(a), da);
}
