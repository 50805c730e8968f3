// expect: ctnn: row\(\) needs a tensor of rank 2 or more
// expect: has_rows<float, 8>
#include <ctnn/core/tensor.hpp>

void f() {
    ctnn::Tensor<float, 8> t;
    auto r = t.row(0);
    (void)r;
}
