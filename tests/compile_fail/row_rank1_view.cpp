// expect: ctnn: row\(\) needs a tensor of rank 2 or more
// expect: has_rows<const float, 8>
#include <ctnn/core/tensor.hpp>

void f(const float* p) {
    ctnn::TensorView<const float, 8> v(p);
    auto r = v.row(0);
    (void)r;
}
