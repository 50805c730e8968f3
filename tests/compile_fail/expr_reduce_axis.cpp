// expect: ctnn: reduction axis out of range
// expect: axis_in_range<ctnn::Shape<3, 4>, 2>
#include <ctnn/expr.hpp>

// Axis 2 of a rank-2 tensor.
void f(const ctnn::Tensor<float, 3, 4>& a) {
    auto e = ctnn::sum<2>(a);
    (void)e;
}
