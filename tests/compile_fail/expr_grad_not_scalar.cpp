// expect: ctnn: grad needs a scalar expression \(shape \[1\]\)
// expect: is_scalar_shape<ctnn::Shape<3> ?>
#include <ctnn/autodiff.hpp>

// The gradient of a [3] expression: reduce it to a scalar first.
void f(const ctnn::Tensor<double, 3>& a) {
    auto g = ctnn::grad(a * a, ctnn::wrt(a));
    (void)g;
}
