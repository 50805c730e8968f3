// expect: ctnn: assign needs the expression's shape to broadcast to the tensor's
// expect: broadcasts_to<ctnn::Shape<3, 4>, ctnn::Shape<4, 3> ?>
#include <ctnn/expr.hpp>

// A [3, 4] expression into a [4, 3] tensor.
void f(const ctnn::Tensor<float, 3, 4>& a, ctnn::Tensor<float, 4, 3>& out) { ctnn::assign(out, a * 2.0f); }
