// expect: ctnn: element-wise operands must have the same element type
// expect: is_same_v<double, float>
// expect-lines-before: 7  (an expression or loss check, not yet shortened: see issue 14)
#include <ctnn/expr.hpp>

// float + double: no silent conversion inside an expression.
void f(const ctnn::Tensor<float, 3>& a, const ctnn::Tensor<double, 3>& b) {
    auto e = a + b;
    (void)e;
}
