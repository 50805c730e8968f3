// expect: ctnn: reshape must keep the element count
// expect: same_element_count<ctnn::Shape<4, 4>, ctnn::Shape<3, 5> ?>
#include <ctnn/core/tensor.hpp>

void f() {
    ctnn::Tensor<float, 4, 4> t;
    auto v = ctnn::reshape<3, 5>(t);  // 16 elements into 15
    (void)v;
}
