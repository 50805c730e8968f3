// expect: ctnn: gemv needs W \[Out, In\] and x \[In\] with the same In
// expect: gemv_inner_extents_match<ctnn::Shape<10, 64>, ctnn::Shape<32> ?>
// expect: ctnn::simd::gemv
#include <ctnn/simd/gemv.hpp>

void f() {
    ctnn::Tensor<float, 10, 64> w;  // [Out, In]
    ctnn::Tensor<float, 32> x;      // [In'], In' != In
    ctnn::Tensor<float, 10> y;      // [Out]
    ctnn::simd::gemv(w, x, y);
}
