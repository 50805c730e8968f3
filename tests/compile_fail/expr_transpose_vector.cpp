// expect: ctnn: transpose needs a matrix \(rank 2\)
// expect: is_matrix<ctnn::Shape<4> ?>
#include <ctnn/expr.hpp>

// A vector has no transpose.
void f(const ctnn::Tensor<float, 4>& a) {
    auto e = ctnn::transpose(a);
    (void)e;
}
