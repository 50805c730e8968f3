// expect: ctnn: element-wise operands must have the same element type
// expect: is_same_v<double, float>
#include <ctnn/expr.hpp>

// float + double: no silent conversion inside an expression.
void f(const ctnn::Tensor<float, 3>& a, const ctnn::Tensor<double, 3>& b) {
    auto e = a + b;
    (void)e;
}
