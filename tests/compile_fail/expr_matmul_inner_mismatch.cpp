// expect: ctnn: matmul needs the inner extents to match
// expect: inner_extents_match<ctnn::Shape<64, 128>, ctnn::Shape<64, 10> ?>
#include <ctnn/expr.hpp>

// A matmul node of tensors [64, 128] · [64, 10].
void f(const ctnn::Tensor<float, 64, 128>& a, const ctnn::Tensor<float, 64, 10>& b) {
    auto e = ctnn::matmul(a, b);
    (void)e;
}
