// expect: ctnn: element-wise operands must have broadcastable shapes
// expect: broadcastable<ctnn::Shape<3, 4>, ctnn::Shape<5> ?>
#include <ctnn/expr.hpp>

// [3, 4] + [5]: trailing extents 4 and 5 differ and neither is 1.
void f(const ctnn::Tensor<float, 3, 4>& a, const ctnn::Tensor<float, 5>& b) {
    auto e = a + b;
    (void)e;
}
